"""The memory-and-gates page in a real browser (Debian's Chromium driving Streamlit): reached from
the menu, the equations and our code side by side, an experiment button that opens its tab, the
verb's number for a typed sentence, and accuracy against the gap on Compare."""
from __future__ import annotations

import re

import pytest

from browser import chromium, new_page, wait_ready
from rnn.lessons import gates as lesson

pytestmark = pytest.mark.timeout(900)


@pytest.fixture(scope="module")
def server(app_server):
    return app_server.url                    # the suite's app server (tests/conftest.py)


@pytest.fixture(scope="module")
def browser(server):
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser, server):
    with new_page(browser, server, height=720) as pg:
        yield pg


def no_exception(pg):
    assert pg.locator("[data-testid='stException']").count() == 0, pg.locator(
        "[data-testid='stException']").first.inner_text()


def open_lesson(pg):
    pg.goto(pg.base)
    wait_ready(pg)
    pg.get_by_role("link", name=re.compile("Memory and gates")).first.click()
    wait_ready(pg)
    pg.get_by_role("heading", name=re.compile("Memory and gates")).first.wait_for(timeout=60_000)


def test_learn_equations_code_and_an_experiment_button(page):
    open_lesson(page)
    # a loaded server may still be drawing the tab when the heading shows: wait for each part
    page.get_by_text("z = torch.sigmoid(gx_z + gh_z)").first.wait_for(timeout=90_000)
    page.get_by_text("Gate calculator: one step, every gate").first.wait_for(timeout=90_000)
    no_exception(page)
    index = [c.key for c in lesson.CHALLENGES].index("gates.memory_unit")
    page.locator(f".st-key-agreement_challenge_{index} button").click()
    wait_ready(page)
    assert page.get_by_role("tab", name="Inspect").get_attribute("aria-selected") == "true"
    page.get_by_text(re.compile(r"alone gets \d+%")).first.wait_for(timeout=90_000)
    no_exception(page)


def test_try_a_plural_subject_then_compare(page):
    open_lesson(page)
    page.get_by_role("tab", name="Try").click()
    wait_ready(page)
    box = page.get_by_label("A sentence (the model reads it up to the verb)")
    box.fill("The cats , which already ate the fish that the dog wanted , were full .")
    box.press("Enter")
    wait_ready(page)
    metric = page.locator("[data-testid='stMetricValue']").first
    metric.wait_for(timeout=60_000)
    assert metric.inner_text().strip() == "plural"
    page.get_by_role("tab", name="Compare").click()
    wait_ready(page, timeout=180_000)
    page.get_by_text(re.compile("Accuracy against the gap")).first.wait_for(timeout=120_000)
    no_exception(page)
