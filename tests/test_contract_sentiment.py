"""Lesson contracts of the Sentiment page: each predict-first question's experiment is run and
its answer's claim asserted (rnn/lessons/challenges.py, rnn/lessons/contracts.py).

Run them alone with ``python -m pytest -k contract``.
"""
from rnn.lessons.challenges import ALL
from rnn.lessons.contracts import check


def test_contract_sentiment_not_good():
    outcome = check("sentiment.not_good")
    assert outcome.holds, f"{ALL['sentiment.not_good'].claim}\nmeasured: {outcome.summary}"


def test_contract_sentiment_but():
    outcome = check("sentiment.but")
    assert outcome.holds, f"{ALL['sentiment.but'].claim}\nmeasured: {outcome.summary}"


def test_contract_sentiment_long_review():
    outcome = check("sentiment.long_review")
    assert outcome.holds, f"{ALL['sentiment.long_review'].claim}\nmeasured: {outcome.summary}"


def test_contract_sentiment_cell_race():
    outcome = check("sentiment.cell_race")
    assert outcome.holds, f"{ALL['sentiment.cell_race'].claim}\nmeasured: {outcome.summary}"


# Issue 25: the shipped GRU and LSTM read the clause after "but" (>= 95 % by A2's polarity for
# all four polarity combinations of "the S1 was A1 , but the S2 was A2 .").
def test_contract_sentiment_but_great():
    outcome = check("sentiment.but_great")
    assert outcome.holds, f"{ALL['sentiment.but_great'].claim}\nmeasured: {outcome.summary}"
    for arch in ("gru", "lstm"):
        shares = {k: v for k, v in outcome.measured[arch].items() if " but " in k}
        assert len(shares) == 4 and min(shares.values()) >= 0.95
