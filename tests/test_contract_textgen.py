"""Lesson contracts of the Text generation page: each predict-first question's experiment is run and
its answer's claim asserted (rnn/lessons/challenges.py, rnn/lessons/contracts.py).

Run them alone with ``python -m pytest -k contract``.
"""
from rnn.lessons.challenges import ALL
from rnn.lessons.contracts import check


def test_contract_textgen_temperature_high():
    outcome = check("textgen.temperature_high")
    assert outcome.holds, f"{ALL['textgen.temperature_high'].claim}\nmeasured: {outcome.summary}"


def test_contract_textgen_greedy():
    outcome = check("textgen.greedy")
    assert outcome.holds, f"{ALL['textgen.greedy'].claim}\nmeasured: {outcome.summary}"


def test_contract_textgen_temperature_low():
    outcome = check("textgen.temperature_low")
    assert outcome.holds, f"{ALL['textgen.temperature_low'].claim}\nmeasured: {outcome.summary}"


def test_contract_textgen_top_k():
    outcome = check("textgen.top_k")
    assert outcome.holds, f"{ALL['textgen.top_k'].claim}\nmeasured: {outcome.summary}"


def test_contract_textgen_words_eos():
    outcome = check("textgen.words_eos")
    assert outcome.holds, f"{ALL['textgen.words_eos'].claim}\nmeasured: {outcome.summary}"
