"""What a person sees, in a real browser: Streamlit serving the app, Debian's Chromium driving it.

One server for the suite (tests/conftest.py app_server); each test opens its own page. Selectors are the visible labels a
person would use (headings, button and tab names), not CSS internals, where Streamlit allows.
"""
from __future__ import annotations

import re

import pytest

from browser import chromium, new_page, wait_ready

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
    with new_page(browser, server, height=900) as pg:
        yield pg


def open_page(pg, path: str = ""):
    pg.goto(f"{pg.base}/{path}")
    wait_ready(pg)


def no_exception(pg):
    assert pg.locator("[data-testid='stException']").count() == 0, pg.locator(
        "[data-testid='stException']").first.inner_text()


def test_home_then_named_entities_train_and_try(page):
    open_page(page)
    assert page.get_by_role("heading", name="RNN Playground").first.is_visible()
    box = page.get_by_label("Your sentence", exact=True)
    box.fill("Ada Lovelace wrote the first program")
    box.press("Enter")
    wait_ready(page)
    # the one-hot drawing is an image whose alt text names the typed words
    assert page.locator("img[alt*='One-hot'][alt*='lovelace']").count() == 1
    no_exception(page)

    page.get_by_role("link", name=re.compile("Named entities")).first.click()
    page.wait_for_url(re.compile("Named_entities"))
    wait_ready(page)
    no_exception(page)

    page.get_by_role("tab", name="Train").click()
    wait_ready(page)
    page.get_by_role("button", name=re.compile("^(Start|Continue)")).first.click()
    # the worker's first steps have reached the page ("training · step 3 · ..."), however long
    # that takes on a busy machine (no fixed wait)
    page.wait_for_function("""() => /training\\s*·\\s*step\\s*[1-9]/.test(
        (document.querySelector("[data-testid='stMain']") || {}).innerText || "")""", timeout=120_000)
    page.get_by_role("button", name=re.compile("^Stop")).first.click()
    wait_ready(page)
    page.wait_for_timeout(1500)
    body = page.locator("[data-testid='stMain']").inner_text()
    assert re.search(r"step\s*\d+|\d+\s*steps?", body, re.I), body[:2000]
    no_exception(page)

    page.get_by_role("tab", name="Try").click()
    wait_ready(page)
    box = page.locator("[data-testid='stMain'] input[type='text'], [data-testid='stMain'] textarea").first
    box.fill("Yesterday Marguerite Okonkwo met the mayor in Lisbon.")
    box.press("Enter") if box.evaluate("e => e.tagName") == "INPUT" else box.press("Control+Enter")
    wait_ready(page)
    page.wait_for_timeout(800)
    main = page.locator("[data-testid='stMain']")
    assert main.get_by_text("Okonkwo").count() >= 1, main.inner_text()[:2000]
    assert main.get_by_text("Lisbon").count() >= 1
    no_exception(page)


def test_bidirectional_lab_minimal_pair(page):
    open_page(page, "Bidirectional")
    main = page.locator("[data-testid='stMain']")
    assert main.get_by_text("Teddy bears are on sale.").count() >= 1
    page.locator("[data-testid='stMetricValue']").nth(3).wait_for(timeout=60_000)   # a loaded server
    values = [m.inner_text() for m in page.locator("[data-testid='stMetricValue']").all()]
    probs = [float(v) for v in values if re.fullmatch(r"\d\.\d\d", v.strip())]
    assert len(probs) >= 4, values
    uni_a, bi_a, uni_b, bi_b = probs[:4]
    assert abs(uni_a - uni_b) < 0.05            # left-to-right cannot tell the pair apart at "Teddy"
    assert bi_b - bi_a > 0.5                    # bidirectional can: "Roosevelt" comes after
    no_exception(page)


def test_gradient_flow_setting_change_updates_the_table(page):
    open_page(page, "Gradient_flow")
    main = page.locator("[data-testid='stMain']")
    read = "e => JSON.stringify(e.data.map(t => t.y))"       # the chart's plotted values
    before = main.locator(".js-plotly-plot").first.evaluate(read)
    page.locator("[data-testid='stSidebar']").get_by_text("relu", exact=True).click()
    wait_ready(page)
    page.wait_for_timeout(800)
    after = main.locator(".js-plotly-plot").first.evaluate(read)
    assert "grad_act=relu" in page.url
    assert len(before) > 10 and before != after
    no_exception(page)


def test_gradient_flow_exploding_run_without_clipping_says_diverged(page):
    open_page(page, "Gradient_flow?grad_act=relu&grad_radius=2.0&grad_T=20&grad_clip_on=false"
                    "&grad_opt=sgd&grad_lr=0.05&grad_arch=rnn&tab=Train")
    page.get_by_role("button", name=re.compile("^Train$")).first.click()
    page.get_by_text(re.compile("diverged", re.I)).first.wait_for(timeout=90_000)
    no_exception(page)


def test_bad_upload_gets_a_message_not_a_traceback(page, tmp_path):
    open_page(page, "Sentiment")
    bad = tmp_path / "reviews.csv"
    bad.write_bytes(b"\x00\x01\x02\x03 not a table \xff\xfe")
    page.locator("[data-testid='stSidebar'] input[type='file']").set_input_files(str(bad))
    wait_ready(page)
    page.get_by_text(re.compile("cannot be read|could not be used", re.I)).first.wait_for(timeout=30_000)
    no_exception(page)
