"""Shared AppTest helpers for the page tests (tests/test_page_*.py, tests/test_hostile_pages.py).

Import the fixture into a test module to make it apply there: ``from pagetest import fresh_cache``.
"""
from __future__ import annotations

import json
import pathlib

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

PAGES = pathlib.Path(__file__).resolve().parents[1] / "pages"
TABS = ["Learn", "Train", "Try", "Inspect", "Compare"]


def page_path(filename: str) -> str:
    return str(PAGES / filename)


@pytest.fixture(autouse=True)
def fresh_cache(monkeypatch):
    """Every test starts with no cached models or data, as a fresh server would.

    The shared sidebar menu links to "app.py", which AppTest cannot resolve when a page file is
    the entry point (StreamlitPageNotFoundError); the menu is covered by the home page's tests
    and the browser suite, so it is switched off here."""
    monkeypatch.setattr("rnn.ui.setup._lesson_links", lambda: None, raising=False)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield
    st.cache_resource.clear()
    st.cache_data.clear()


def open_tab(page: str, tab: str, timeout: float = 60, **state) -> AppTest:
    """Run ``page`` with ``tab`` open and ``state`` (widget keys -> values) set; no exception."""
    at = AppTest.from_file(page, default_timeout=timeout)
    at.session_state["tab"] = tab
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def figures(at) -> list[dict]:
    """Every Plotly figure on the page, as its JSON spec."""
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def titles(at) -> list[str]:
    return [f["layout"]["title"]["text"] for f in figures(at)]
