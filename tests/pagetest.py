"""Shared AppTest helpers for the page tests (tests/test_page_*.py, tests/test_hostile_pages.py).

Import the fixture into a test module to make it apply there: ``from pagetest import fresh_cache``.
"""
from __future__ import annotations

import json
import math
import pathlib

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from rnn.markdown_tables import MISSING, parse_markdown_table

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


def svg_images(at) -> list[str]:
    """The SVG markup of every st.image on the page (rnn.diagrams drawings): data URLs."""
    import base64

    prefix = "data:image/svg+xml;base64,"
    return [base64.b64decode(img.url[len(prefix):]).decode("utf-8")
            for el in at.get("image") for img in el.proto.imgs if img.url.startswith(prefix)]


def tables(at) -> list[dict[str, list[str]]]:
    """Every Markdown table on the page (rnn.ui.show_table), as {header: [cell text, ...]}."""
    out = []
    for m in at.markdown:
        try:
            headers, rows = parse_markdown_table(m.value)
        except ValueError:
            continue
        out.append({h: [row[i] for row in rows] for i, h in enumerate(headers)})
    return out


def table_with(at, column: str) -> dict[str, list[str]]:
    """The first table on the page that has ``column``."""
    found = [t for t in tables(at) if column in t]
    assert found, f"no table with {column!r}: {tables(at)}"
    return found[0]


def number(cell: str) -> float:
    """A table cell's number: "0.95" -> 0.95, "95.0%" -> 0.95, "1.2e-03", "—" -> nan."""
    if cell == MISSING:
        return math.nan
    return float(cell[:-1]) / 100 if cell.endswith("%") else float(cell)


def numbers(cells: list[str]) -> list[float]:
    return [number(c) for c in cells]


def titles(at) -> list[str]:
    """The titles of the page's Plotly charts, then the labels of its SVG diagrams."""
    import xml.etree.ElementTree as ET

    diagrams = [ET.fromstring(svg).get("aria-label", "") for svg in svg_images(at)]
    return [f["layout"]["title"]["text"] for f in figures(at)] + diagrams


def wait_for_steps(at, exp_key: str, timeout: float = 90.0):
    """Rerun until the panel's experiment has its first step records. Trainings run in worker
    processes (rnn.jobs): the first job of a test waits for a worker to start, and each run of
    the page reads what the worker trained since the last one. Returns the experiment."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        exp = at.session_state[exp_key] if exp_key in at.session_state else None
        if exp is not None and exp.history.trained:
            return exp
        assert not at.exception, at.exception
        assert time.monotonic() < deadline, "no training step arrived from the worker"
        time.sleep(0.1)
        at.run()


def train_a_few_ticks(at, task_key: str, ticks: int = 4):
    """Press the Train tab's Start and advance the live fragment ``ticks`` times (AppTest does not
    fire the run_every timer: one tick a run). Checks what every task page must show: the step
    count grows, the loss chart moves with it, the metric chart follows the evaluations, and the
    progress bar reports the step while it trains. Returns the session's experiment."""
    at.button(key=f"{task_key}_exp_start").click().run()
    exp = wait_for_steps(at, f"{task_key}_exp")
    steps, loss_x, progress = [], [], []
    for i in range(ticks):
        if i:
            at.run()
        steps.append(len(exp.history.steps))
        loss_x.append(figures(at)[0]["data"][0]["x"])
        progress.append((exp.status, any("step" in p.proto.text for p in at.get("progress"))))
    assert not at.exception
    assert steps[0] > 0 and steps == sorted(steps) and steps[-1] > steps[0], steps
    assert loss_x[-1] != loss_x[0] and 0 < len(loss_x[-1]) <= steps[-1]
    evals = exp.history.evals
    assert bool(figures(at)[1]["data"]) == bool(evals)         # the metric chart follows the evals
    assert progress[0][1] or progress[0][0] == "done", progress   # the bar, while it trains
    return exp
