"""Every predict-first question in the app, as ``Challenge`` objects: the pages' "Experiments",
the course path and the classroom polls all read them from here.

``ALL`` maps a stable key ("<page>.<name>") to its challenge; ``for_page(page_file)`` lists one
page's challenges in the order the page shows them. ``state`` uses the page's own widget keys and
values (what the "Try it" button sets); ``contract`` names the function in
``tests/contracts/<bank>.py`` that runs the experiment and checks ``claim``
(``tests/test_contracts.py``), so no question can promise what the app does not do.

Where a question compares cells it compares them after the same number of training **steps**:
seconds would measure this machine (a GRU step is slower here only for lack of a fused kernel),
not the cell.

No Streamlit here.
"""
from __future__ import annotations

import importlib

from rnn.data.ner_words import MINIMAL_PAIRS     # (not rnn.data.ner: that one loads Faker's names)
from rnn.lessons.challenge_schema import Challenge, load_questions

# The sentences the questions are about (the pages' own example texts), for the contracts.
HARRY = "Harry Potter and Hermione Granger invented a new spell."
TEDDY_BEARS, TEDDY_ROOSEVELT = MINIMAL_PAIRS[0]
UNSEEN = "Zorblax Quengi met Oluwaseun Adeyemi at the station in Oslo."
LOWERCASE = "harry potter and hermione granger invented a new spell."
NOT_GOOD = "The acting was not good."
BUT_DULL, DULL_BUT = "Good acting but a dull plot.", "A dull plot but good acting."
LONG_REVIEW = ("The room was wonderful, the staff were kind and the view was lovely, "
               "but the bed was awful.")
BUT_GREAT = "the acting was good , but the plot was great ."     # both clauses positive (issue 25)
NINETY = "one hundred and ninety"

# The questions themselves are data: rnn/lessons/questions/<page>.toml, one file per page.
_NER, _TEXTGEN, _SENTIMENT, _TRANSLATION, _BIDIR, _GRADFLOW = (
    load_questions(name) for name in ("ner", "textgen", "sentiment", "translation", "bidirectional",
                                      "gradflow"))


def _gates() -> tuple[Challenge, ...]:
    """The Memory-and-gates page's challenges live with its lesson (rnn/lessons/gates.py, checked
    by tests/contracts/gates.py); they join the catalogue here, in page order."""
    for module in ("rnn.lessons.gates_challenges", "rnn.lessons.gates"):
        # a torch-free module first, if that lesson has one: importing the catalogue (the
        # classroom page, the course) should not have to load torch
        try:
            return tuple(importlib.import_module(module).CHALLENGES)
        except (ImportError, AttributeError):
            continue
    return ()                               # that lesson is not in this tree: the others still work


_ORDER = (_NER, _TEXTGEN, _SENTIMENT, _TRANSLATION, _BIDIR, _GRADFLOW, _gates())
ALL: dict[str, Challenge] = {c.key: c for group in _ORDER for c in group}


def for_page(page_file: str) -> list[Challenge]:
    """The challenges of one page, in the order it shows them. ``page_file`` may be a path
    ("pages/1_Named_entities.py", ``__file__``) or just the file name."""
    name = str(page_file).replace("\\", "/").rsplit("/", 1)[-1]
    return [c for c in ALL.values() if c.page == name]
