"""The question bank (rnn/lessons/challenges.py) is well formed: every challenge is a poll with a
right answer, names a contract that exists (tests/contracts/) and is asserted by
tests/test_contracts.py, and its "Try it" state uses widget keys and values the page really has.
Fast: nothing is trained here."""
import inspect
import re
from pathlib import Path

import pytest

from rnn.lessons.challenge_schema import Challenge
from contracts import contract_of, questions
from rnn.lessons.challenges import ALL, for_page

ROOT = Path(__file__).resolve().parents[1]
TABS = {"Learn", "Train", "Try", "Inspect", "Compare"}
# key prefix -> page file, and the widget-key prefixes that page owns
PAGES = {"ner": ("1_Named_entities.py", ("ner_",)),
         "textgen": ("2_Text_generation.py", ("tg_", "textgen_")),
         "sentiment": ("3_Sentiment.py", ("sentiment_",)),
         "translation": ("4_Translation.py", ("tr_", "translation_")),
         "bidirectional": ("5_Bidirectional.py", ("bidir_",)),
         "gradflow": ("6_Gradient_flow.py", ("grad_",)),
         "gates": ("7_Memory_and_gates.py", ("agreement_",))}
# widgets whose values come from a fixed list: a challenge must use one of them
ALLOWED = {"_arch": {"RNN", "GRU", "LSTM", "rnn", "gru", "lstm"},
           "grad_radius": {"init", "0.5", "0.75", "0.9", "1.0", "1.1", "1.25", "1.5", "2.0", "3.0"},
           "grad_act": {"tanh", "relu"}, "grad_opt": {"sgd", "adam"},
           "grad_lr": {0.001, 0.003, 0.01, 0.03, 0.05, 0.1, 0.3},
           "tg_n_samples": {1, 3, 5}, "translation_dataset": {"numbers", "dates"},
           "_cmp_axis": {"step", "seconds"}}


def _ui_source() -> str:
    """rnn/ui's source: pages build part of their widgets there (the kit, a page's sidebar)."""
    return "\n".join(p.read_text() for p in (ROOT / "rnn" / "ui").glob("*.py"))


def _shared_widget_suffixes() -> set[str]:
    """Suffixes of the keys the shared sidebar widgets build from a task prefix
    (``f"{task}_arch"``, ``p + "seconds"``), read from rnn/ui's source."""
    text = _ui_source()
    return set(re.findall(r'\}_(\w+)"', text)) | set(re.findall(r'\+ "(\w+)"', text))


def test_every_page_with_questions_has_challenges_and_keys_are_stable_and_unique():
    assert len(ALL) >= 20
    for prefix, (page, _) in PAGES.items():
        assert (ROOT / "pages" / page).exists(), page
        listed = for_page(f"pages/{page}")
        assert listed, f"{page} has no challenges"
        assert all(c.key.startswith(prefix + ".") and c.page == page for c in listed)
    assert sum(len(for_page(page)) for page, _ in PAGES.values()) == len(ALL)
    assert all(key == c.key for key, c in ALL.items())


@pytest.mark.parametrize("key", sorted(ALL))
def test_every_challenge_is_a_poll_with_a_claim_and_a_contract(key):
    c = ALL[key]
    assert isinstance(c, Challenge)
    assert c.question.strip() and c.hint.strip() and c.claim.strip()
    assert c.tab in TABS
    assert len(c.choices) >= 2 and len(set(c.choices)) == len(c.choices)
    assert c.answer is not None and c.right_choice in c.choices
    bank = {q.key: b for b, q in questions()}[key]
    try:
        fn = contract_of(bank, c)
    except AttributeError:
        fn = None
    assert callable(fn), f"{key}: no contract function {c.contract!r} in tests/contracts/{bank}.py"
    assert all(p.default is not inspect.Parameter.empty
               for p in inspect.signature(fn).parameters.values()), "contracts run with no arguments"


def test_every_challenge_is_asserted_by_a_contract_test():
    """tests/test_contracts.py runs one test per question of every bank: the pages' questions
    and the course's own all have a contract there."""
    from rnn.lessons.course import OWN
    contract_keys = {c.key for _, c in questions() if c.contract}
    assert set(ALL) | set(OWN) <= contract_keys


@pytest.mark.parametrize("key", sorted(ALL))
def test_try_it_state_uses_the_pages_widget_keys_and_values(key):
    c = ALL[key]
    page, prefixes = PAGES[key.split(".")[0]]
    source = (ROOT / "pages" / page).read_text() + _ui_source()
    shared = _shared_widget_suffixes()
    for name, value in c.state.items():
        assert name.startswith(prefixes), f"{key}: {name} is not a key of {page}"
        built = any(name.endswith("_" + suffix) for suffix in shared)   # f"{task}_cmp" + "_axis"
        assert f'"{name}"' in source or f"{name}=" in source or built, \
            f"{key}: no widget with key {name} on {page}"
        for pattern, allowed in ALLOWED.items():
            if name == pattern or (pattern.startswith("_") and name.endswith(pattern)):
                assert value in allowed, f"{key}: {name}={value!r} is not one of the widget's options"


def test_for_page_accepts_a_path_or_a_file_name():
    assert for_page("1_Named_entities.py") == for_page("/somewhere/pages/1_Named_entities.py")
    assert for_page("no_such_page.py") == []


def test_select_box_choices_are_options_the_page_offers():
    """A select box only takes one of its options: the Bidirectional page's minimal pairs."""
    from rnn.data import MINIMAL_PAIRS
    from rnn.lessons.bidirectional import pair_names
    for c in ALL.values():
        if "bidir_try_pair" in c.state:
            assert c.state["bidir_try_pair"] in pair_names(MINIMAL_PAIRS), c.key


def test_every_try_it_state_opens_its_page_and_tab_without_an_error(monkeypatch):
    """What a "Try it" button does, for every challenge: set its widgets, open its tab, run the
    page. No exception, and every value it set is still there after the run (a widget whose
    options do not contain it would reset it). One loop, so the shipped models load once."""
    from streamlit.testing.v1 import AppTest
    # the shared sidebar menu links to app.py, which AppTest cannot resolve from a page file
    monkeypatch.setattr("rnn.ui.setup._lesson_links", lambda: None, raising=False)
    problems = []
    for key, c in ALL.items():
        at = AppTest.from_file(str(ROOT / "pages" / c.page), default_timeout=120)
        at.session_state["tab"] = c.tab
        for name, value in c.state.items():
            at.session_state[name] = value
        at.run()
        if at.exception:
            problems.append(f"{key}: {at.exception[0].message}")
        problems += [f"{key}: {name} became {at.session_state[name]!r}, not {value!r}"
                     for name, value in c.state.items()
                     if name in at.session_state and at.session_state[name] != value]
    assert not problems, "\n".join(problems)
