"""Lesson contracts of the Bidirectional page: each predict-first question's experiment is run and
its answer's claim asserted (rnn/lessons/challenges.py, rnn/lessons/contracts.py).

Run them alone with ``python -m pytest -k contract``.
"""
from rnn.lessons.challenges import ALL
from rnn.lessons.contracts import check


def test_contract_bidirectional_jordan():
    outcome = check("bidirectional.jordan")
    assert outcome.holds, f"{ALL['bidirectional.jordan'].claim}\nmeasured: {outcome.summary}"


def test_contract_bidirectional_ambiguous_accuracy():
    outcome = check("bidirectional.ambiguous_accuracy")
    assert outcome.holds, f"{ALL['bidirectional.ambiguous_accuracy'].claim}\nmeasured: {outcome.summary}"


def test_contract_bidirectional_rnn_cell():
    outcome = check("bidirectional.rnn_cell")
    assert outcome.holds, f"{ALL['bidirectional.rnn_cell'].claim}\nmeasured: {outcome.summary}"
