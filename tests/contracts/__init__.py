"""The lesson contracts: for every predict-first question, the experiment that checks its claim.

A question is data: one ``[[challenge]]`` of ``rnn/lessons/questions/<bank>.toml``. Its contract is
the function named by its ``contract`` field in ``tests/contracts/<bank>.py``; it runs at fixed
settings (the shipped checkpoints, or a budget in training **steps** and a seed) and returns an
``Outcome`` (``holds``, ``measured``, ``summary``: tests/contracts/common.py).
tests/test_contracts.py runs every one, one test id per question key; ``python -m pytest -k
contract`` selects them.

This is test code: the app never imports it.

    python -m tests.contracts [key ...]     # a table: does each claim hold, CPU and wall seconds
"""
from __future__ import annotations

import importlib
from typing import Callable

from rnn.lessons.challenge_schema import QUESTIONS, Challenge, load_questions

from .common import Outcome, one_thread

__all__ = ["Outcome", "banks", "questions", "contract_of", "check"]


def banks() -> list[str]:
    """The question banks: the names of rnn/lessons/questions/*.toml, sorted."""
    return sorted(p.stem for p in QUESTIONS.glob("*.toml"))


def questions() -> list[tuple[str, Challenge]]:
    """(bank, question) for every question of every bank, in file order."""
    return [(bank, c) for bank in banks() for c in load_questions(bank)]


def contract_of(bank: str, challenge: Challenge) -> Callable[[], Outcome]:
    """The contract function of ``challenge`` from ``bank`` (AttributeError if there is none)."""
    module = importlib.import_module(f".{bank}", __name__)
    return getattr(module, challenge.contract)


def check(key: str) -> Outcome:
    """Run the contract of question ``key`` (e.g. "ner.lowercase") on one thread, as the app runs
    its models (many tiny ops are slower on more)."""
    found = [(bank, c) for bank, c in questions() if c.key == key]
    if not found:
        raise KeyError(f"no question {key!r} in {QUESTIONS}")
    bank, challenge = found[0]
    if not challenge.contract:
        raise ValueError(f"{key} names no contract")
    with one_thread():
        result = contract_of(bank, challenge)()
    if not isinstance(result, Outcome):
        raise TypeError(f"{key}: contract {bank}.{challenge.contract} returned "
                        f"{type(result).__name__}, not an Outcome")
    return result
