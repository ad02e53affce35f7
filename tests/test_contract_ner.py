"""Lesson contracts of the Named entities page: each predict-first question's experiment is run and
its answer's claim asserted (rnn/lessons/challenges.py, rnn/lessons/contracts.py).

Run them alone with ``python -m pytest -k contract``.
"""
from rnn.lessons.challenges import ALL
from rnn.lessons.contracts import check


def test_contract_ner_teddy_unidirectional():
    outcome = check("ner.teddy_unidirectional")
    assert outcome.holds, f"{ALL['ner.teddy_unidirectional'].claim}\nmeasured: {outcome.summary}"


def test_contract_ner_unseen_names():
    outcome = check("ner.unseen_names")
    assert outcome.holds, f"{ALL['ner.unseen_names'].claim}\nmeasured: {outcome.summary}"


def test_contract_ner_no_spelling():
    outcome = check("ner.no_spelling")
    assert outcome.holds, f"{ALL['ner.no_spelling'].claim}\nmeasured: {outcome.summary}"


def test_contract_ner_lowercase():
    outcome = check("ner.lowercase")
    assert outcome.holds, f"{ALL['ner.lowercase'].claim}\nmeasured: {outcome.summary}"
