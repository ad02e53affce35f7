"""The lesson contracts: for every predict-first question in rnn/lessons/questions/*.toml, its
experiment is run (tests/contracts/<bank>.py) and the answer's claim asserted, so no question can
promise what the app does not do. One test id per question key.

Run them alone with ``python -m pytest -k contract``.
"""
from __future__ import annotations

import inspect

import pytest

from contracts import Outcome, banks, check, contract_of, questions
from rnn.lessons.challenge_schema import QUESTIONS

QUESTIONS_BY_KEY = {c.key: (bank, c) for bank, c in questions()}
TABS = {"Learn", "Train", "Try", "Inspect", "Compare"}


@pytest.mark.parametrize("key", list(QUESTIONS_BY_KEY))
def test_contract_holds(key):
    outcome = check(key)
    assert isinstance(outcome, Outcome) and outcome.measured and outcome.summary, key
    assert outcome.holds, f"{QUESTIONS_BY_KEY[key][1].claim}\nmeasured: {outcome.summary}"


def test_contract_every_question_is_well_formed_and_names_a_contract():
    """Keys are unique across the banks and start with their bank's name; every question is a
    poll with a claim; its contract exists in tests/contracts/<bank>.py and runs with no
    arguments."""
    pairs = questions()
    assert set(banks()) == {p.stem for p in QUESTIONS.glob("*.toml")} and len(banks()) >= 8
    keys = [c.key for _, c in pairs]
    assert len(keys) == len(set(keys)) == len(QUESTIONS_BY_KEY) >= 30
    for bank, c in pairs:
        assert c.key.startswith(bank + "."), c.key
        assert c.claim.strip() and len(c.choices) >= 2 and c.right_choice in c.choices, c.key
        assert c.tab in TABS or (bank == "course" and c.tab == ""), c.key
        assert c.contract, f"{c.key} names no contract"
        fn = contract_of(bank, c)
        assert callable(fn), c.key
        assert all(p.default is not inspect.Parameter.empty
                   for p in inspect.signature(fn).parameters.values()), \
            f"{c.key}: a contract runs with no arguments"


def test_contract_check_refuses_an_unknown_key():
    with pytest.raises(KeyError):
        check("ner.no_such_question")
