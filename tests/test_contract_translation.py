"""Lesson contracts of the Translation page: each predict-first question's experiment is run and
its answer's claim asserted (rnn/lessons/challenges.py, rnn/lessons/contracts.py).

Run them alone with ``python -m pytest -k contract``.
"""
from rnn.lessons.challenges import ALL
from rnn.lessons.contracts import check


def test_contract_translation_length_race():
    outcome = check("translation.length_race")
    assert outcome.holds, f"{ALL['translation.length_race'].claim}\nmeasured: {outcome.summary}"


def test_contract_translation_attention_ninety():
    outcome = check("translation.attention_ninety")
    assert outcome.holds, f"{ALL['translation.attention_ninety'].claim}\nmeasured: {outcome.summary}"


def test_contract_translation_teacher_forcing():
    outcome = check("translation.teacher_forcing")
    assert outcome.holds, f"{ALL['translation.teacher_forcing'].claim}\nmeasured: {outcome.summary}"
