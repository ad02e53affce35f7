"""One type for every predict-first question in the app: the pages' "Experiments", the course
path's steps and the classroom polls are all built from ``Challenge`` objects.

A challenge is a promise. ``question`` asks the class to predict; ``choices``/``answer`` make it a
multiple-choice poll; ``tab`` and ``state`` are what the "Try it" button sets (widget keys ->
values, the page's own keys); ``hint`` says what to look for and what happens. ``claim`` names the
measurable outcome the answer promises, in one sentence, and ``contract`` names the function in
``tests/contracts/<bank>.py`` (the bank: the questions file's name) that runs the experiment (fixed
settings, a budget in steps, a seed) and checks the claim: ``tests/test_contracts.py`` calls it,
so a question can never promise what the app does not do.

No Streamlit here.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from rnn.lessons.pages import PAGES

QUESTIONS = Path(__file__).resolve().parent / "questions"     # the question banks, as TOML


@dataclass(frozen=True)
class Challenge:
    """A classroom experiment: answer first, then run it.

    key: stable id, "<page>.<name>" (e.g. "ner.teddy_unidirectional"); polls and links use it.
    page: the page script's file name (e.g. "1_Named_entities.py"; rnn.lessons.pages).
    question: what the class predicts, one sentence.
    hint: what to look for once it has run (the explanation shown after the reveal).
    tab: the tab the button opens ("Learn", "Train", "Try", "Inspect", "Compare").
    state: widget key -> value the button sets (the page's own widget keys and values).
    choices: the multiple-choice answers of a poll (empty: an open question).
    answer: index of the right choice in ``choices`` (None for an open question).
    claim: the measured outcome the answer promises, one sentence a test checks.
    contract: name of the checking function in ``tests/contracts/<bank>.py`` ("" = none yet).
    """

    key: str
    page: str
    question: str
    hint: str
    tab: str
    state: dict = field(default_factory=dict)
    choices: tuple[str, ...] = ()
    answer: int | None = None
    claim: str = ""
    contract: str = ""

    def __post_init__(self) -> None:
        if self.answer is not None and not 0 <= self.answer < len(self.choices):
            raise ValueError(f"{self.key}: answer {self.answer} is not one of its {len(self.choices)} choices")

    def __hash__(self) -> int:          # state is a dict: hash by the stable key
        return hash(self.key)

    @property
    def right_choice(self) -> str | None:
        return self.choices[self.answer] if self.answer is not None else None


def load_questions(name: str) -> tuple[Challenge, ...]:
    """The questions of ``rnn/lessons/questions/<name>.toml`` (one ``[[challenge]]`` table each,
    the fields above; ``choices`` an array, ``state`` an inline table; no ``tab`` means the step
    opens no tab), in file order. A question's ``page`` there is a page's key in
    ``rnn.lessons.pages.PAGES`` ("ner", "home"); without one it is the bank's own page."""
    with open(QUESTIONS / f"{name}.toml", "rb") as f:
        entries = tomllib.load(f).get("challenge", [])
    return tuple(Challenge(**{"tab": "", **entry, "page": PAGES[entry.get("page", name)].file,
                              "choices": tuple(entry.get("choices", ())),
                              "state": dict(entry.get("state", {}))}) for entry in entries)
