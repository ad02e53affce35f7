"""Hostile input through the pages (issue 6), with AppTest: whatever is typed into a Try or
Inspect box, and whatever a shared link's query string holds, the page shows a message and never
an exception; the session's trained model survives bad input."""

import pytest
from streamlit.testing.v1 import AppTest

from pagetest import PAGES, fresh_cache, wait_for_steps  # noqa: F401 (fixture)

# page file -> the Try box and the Inspect box (session_state keys)
TEXT_BOXES = {
    "1_Named_entities.py": ("ner_text", "ner_inspect_text"),
    "2_Text_generation.py": ("tg_prime", "textgen_inspect_text"),
    "3_Sentiment.py": ("sentiment_text", "sentiment_inspect_text"),
    "4_Translation.py": ("tr_source", "tr_inspect_source"),
}
HOSTILE_TEXT = {
    "empty": "",
    "whitespace": "   \t  ",
    "emoji_rtl_mixed": "😀 שלום مرحبا Привет 你好 Ana",
    "control_and_nul": "Ana\x00\x01 Kowalski\x1b[31m\u202e",
    "long": "Ana Kowalski " * 8000,            # 104,000 characters, past every box's limit
}


def run_page(page, tab, state=None, query=None):
    at = AppTest.from_file(str(PAGES / page), default_timeout=90)
    at.session_state["tab"] = tab
    for key, value in (state or {}).items():
        at.session_state[key] = value
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    return at


def shown_text(at):
    return " ".join(e.value for kind in ("error", "warning", "info") for e in getattr(at, kind))


@pytest.mark.parametrize("page", TEXT_BOXES)
@pytest.mark.parametrize("box", [0, 1], ids=["try", "inspect"])
def test_hostile_text_never_raises(page, box):
    """Each hostile text in turn in one session (reruns are cheap; a fresh page per text is not)."""
    key = TEXT_BOXES[page][box]
    at = run_page(page, ["Try", "Inspect"][box])
    assert not at.exception, [e.value for e in at.exception]
    for kind, text in HOSTILE_TEXT.items():
        at.session_state[key] = text
        at.run()
        assert not at.exception, (kind, [e.value for e in at.exception])
        if kind == "long":                  # cut to the limit with a note, or refused with a message
            assert shown_text(at), "a 104,000-character input passed without a word"


@pytest.mark.parametrize("page,query", [
    ("2_Text_generation.py", {"textgen_seconds": "2"}),            # below the slider's minimum
    ("2_Text_generation.py", {"textgen_hidden": "100000"}),       # beyond the server's limit
    ("2_Text_generation.py", {"textgen_hidden": "abc"}),
    ("2_Text_generation.py", {"tab": "../../etc/passwd"}),
    ("3_Sentiment.py", {"sentiment_dataset": "../../etc/passwd"}),
    ("1_Named_entities.py", {"ner_layers": "-1"}),
])
def test_hostile_query_strings_never_raise(page, query):
    at = run_page(page, "Train", query=query)
    assert not at.exception, [e.value for e in at.exception]


def test_bad_input_keeps_the_sessions_trained_model():
    page = "3_Sentiment.py"
    at = run_page(page, "Train", {"sentiment_hidden": 8, "sentiment_embed": 8})
    at.button(key="sentiment_exp_start").click().run()
    exp = wait_for_steps(at, "sentiment_exp")      # the worker's first steps reach the session
    assert not at.exception
    steps = len(exp.history)
    assert steps
    for text in ("", "\x00" * 50, "x" * 100_000):
        at.session_state["tab"] = "Try"
        at.session_state["sentiment_text"] = text
        at.run()
        assert not at.exception
    assert at.session_state["sentiment_exp"] is exp and len(exp.history) >= steps
    assert any("your model" in c.value for c in at.caption)
