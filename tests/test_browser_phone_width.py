"""Every page and every tab on a 390×844 phone in Chromium: no exception, and nothing wider than
the screen: neither the document nor Streamlit's main container scrolls sideways by more than a
few pixels (a wide table may scroll inside its own box: that is not the page's width), no
displayed equation is cut off at the screen's edge, and no chart's legend covers its title.

Set RNN_PLAYGROUND_SHOTS=<folder> to keep a screenshot of each view."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench.browser import pages
from browser import chromium, wait_ready

pytestmark = pytest.mark.timeout(900)
PHONE = {"width": 390, "height": 844}
LIMIT = 400
TABS = ("Learn", "Train", "Try", "Inspect", "Compare")
WIDTHS = """() => {
  const main = document.querySelector("[data-testid='stMain']");
  const box = document.querySelector("[data-testid='stMainBlockContainer']");
  return {document: document.documentElement.scrollWidth, body: document.body.scrollWidth,
          main: main ? main.scrollWidth : 0, block: box ? box.scrollWidth : 0};
}"""
# Every visible Plotly chart on the page has drawn its SVG (they draw after the script run ends;
# one in a closed expander is not laid out and does not count).
DRAWN = """() => [...document.querySelectorAll('.js-plotly-plot')]
  .every(p => p.offsetParent === null || p.querySelector('.main-svg'))"""
# The widest child of the main container that sticks out: named in a failure, to know what to fix.
CULPRIT = """() => {
  const out = [];
  for (const el of document.querySelectorAll("[data-testid='stMain'] *")) {
    const r = el.getBoundingClientRect();
    if (r.right > window.innerWidth + 1 && r.width > 0) {
      const inScroller = el.closest("[data-testid='stDataFrame'], .stTable, [data-testid='stTable'], .cls-scroll, pre, [data-testid='stCode'], .js-plotly-plot");
      out.push([Math.round(r.right), el.tagName, el.getAttribute('data-testid') || el.className.toString().slice(0, 40), (el.innerText || '').slice(0, 40)]);
    }
  }
  out.sort((a, b) => b[0] - a[0]);
  return out.slice(0, 3);
}"""

# A chart's legend that covers its own title (a horizontal legend wraps onto more rows on a phone
# than on a screen): the chart's title and the legends it overlaps.
COVERED = """() => {
  const out = [];
  for (const plot of document.querySelectorAll('.js-plotly-plot')) {
    if (plot.offsetParent === null) continue;
    const title = plot.querySelector('.gtitle'), legend = plot.querySelector('g.legend');
    if (!title || !legend) continue;
    const a = title.getBoundingClientRect(), b = legend.getBoundingClientRect();
    if (a.width && b.width && a.left < b.right && b.left < a.right && a.top < b.bottom - 1
        && b.top < a.bottom - 1) out.push(title.textContent.slice(0, 60));
  }
  return out;
}"""

# Displayed equations wider than the phone: the box scrolls sideways (rnn/ui/setup.py), but a
# phone hides the scroll bar and the student sees an equation cut off: (page text, width).
WIDE_EQUATIONS = """() => [...document.querySelectorAll('.katex-display')]
  .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 2)
  .map(e => [e.textContent.slice(0, 40), e.scrollWidth - e.clientWidth])"""


def views(page: dict) -> list[tuple[str, str]]:
    """(name, path+query) for each tab of a lesson page, or the page alone."""
    text = (Path(__file__).resolve().parents[1] / "pages" / page["file"]).read_text()
    if any(frame in text for frame in ("lesson_tabs(", "task_page(", "lab_page(", "TaskPage")):
        return [(f"{page['url']}?tab={t}", f"/{page['url']}?tab={t}") for t in TABS]
    return [(page["url"], f"/{page['url']}")]


PAGES = [{"file": "app.py", "url": "", "title": "home"}] + pages()


@pytest.fixture(scope="module")
def phone(app_server):
    with chromium() as b:                    # the suite's app server (tests/conftest.py)
        ctx = b.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        ctx.set_default_timeout(120_000)
        page = ctx.new_page()
        page.base = app_server.url
        yield page
        ctx.close()


def measure(page, path: str, name: str, tab: str | None = None) -> str | None:
    """Open ``path`` (or, with ``tab``, click that tab of the page already open: the same view
    without reloading Streamlit's front end); a problem as one line, or None."""
    if tab is None:
        page.goto(page.base + path)
    else:
        page.get_by_role("tab", name=tab, exact=True).first.click()
    wait_ready(page, timeout=180_000)
    page.wait_for_function(DRAWN, timeout=60_000)     # not a fixed pause: until the charts are drawn
    wait_ready(page, timeout=180_000)
    problems = []
    if tab is not None and page.get_by_role("tab", name=tab, exact=True).first.get_attribute(
            "aria-selected") != "true":
        problems.append(f"the {tab} tab did not open")
    errors = page.locator("[data-testid='stException']")
    if errors.count():
        problems.append("exception: " + errors.first.inner_text()[:200])
    w = page.evaluate(WIDTHS)
    if max(w["document"], w["main"]) > LIMIT:
        problems.append(f"too wide: {w} ({page.evaluate(CULPRIT)})")
    wide = page.evaluate(WIDE_EQUATIONS)
    if wide:
        problems.append(f"equations cut off at the right edge (text, px hidden): {wide}")
    covered = page.evaluate(COVERED)
    if covered:
        problems.append(f"a legend covers its chart's title: {covered}")
    folder = os.environ.get("RNN_PLAYGROUND_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"phone_{name or 'home'}.png".replace("?", "_")))
    return f"{path}: " + "; ".join(problems) if problems else None


@pytest.mark.parametrize("page_info", PAGES, ids=[p["url"] or "home" for p in PAGES])
def test_every_view_fits_a_phone(phone, page_info):
    if page_info["file"] == "app.py":
        todo = [("home", "/")]
    elif page_info["file"].startswith("8_"):
        todo = [(page_info["url"], f"/{page_info['url']}")]
    else:
        todo = views(page_info)
    problems = [p for i, (name, path) in enumerate(todo)
                if (p := measure(phone, path, name, tab=name.rsplit("=", 1)[1] if i else None))]
    assert not problems, "\n".join(problems)
