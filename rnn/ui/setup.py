"""What every page does first: page config, one torch thread, the sidebar header, the settings.

Pages call ``setup_page(title, icon)`` as their first line (pages/ auto-discovery, no
st.navigation: see shared/DESIGN.md). It is safe to call more than once per run.
"""
from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from rnn.ui.memory import periodic_gc
from rnn.ui.streamlit_private import chart_script_name, script_run_marker

if TYPE_CHECKING:                    # only for the annotation: rnn.plots imports plotly itself
    import plotly.graph_objects as go

log = logging.getLogger(__name__)
APP_NAME = "RNN Playground"
# Streamlit leaves ~6rem above the title; on a projector the first screen is worth more.
# A phone is 390 px wide: a wide table or equation scrolls inside its own box instead of making
# the whole page scroll sideways.
_CSS = ("<style>[data-testid='stMainBlockContainer']{padding-top:2.5rem}"
        "[data-testid='stMarkdownContainer'] table{display:block;max-width:100%;overflow-x:auto}"
        ".katex-display{max-width:100%;overflow-x:auto;overflow-y:hidden;padding:0.1em 0}"
        # a touch screen shows plotly's toolbar all the time, on top of the chart's title
        "@media (max-width:640px){.js-plotly-plot .modebar-container{display:none}}"
        # the chart preload's script-only element takes no row (and no gap) in the page
        "[data-testid='stElementContainer']:has(#rnn-preload){display:none}"
        "</style>")
_SETUP_MARK = "_rnn_setup_run"


def ui_settings():
    """The process's limits (``rnn.settings.Settings``), with Streamlit secrets as overrides.

    A secrets.toml may hold the keys at top level or under ``[rnn_playground]``.
    """
    from rnn.settings import get_settings

    overrides = None
    try:
        if st.secrets.load_if_toml_exists():
            data = st.secrets.to_dict()
            overrides = data.get("rnn_playground", data)
    except Exception:  # a broken secrets file must not take the page down; env still applies
        log.exception("could not read Streamlit secrets; using environment settings only")
    return get_settings(overrides)


def one_torch_thread() -> None:
    """Pin torch to one thread without importing it: the home page never needs torch, and
    importing it costs a second or two of the first visit. Torch reads OMP_NUM_THREADS when it
    is first imported; once imported, set it directly."""
    torch = sys.modules.get("torch")
    if torch is None:
        os.environ["OMP_NUM_THREADS"] = "1"
    elif torch.get_num_threads() != 1:
        torch.set_num_threads(1)


def _first_call_this_run() -> bool:
    """True once per script run, so the sidebar header is not drawn twice.

    Holds a reference to the run's marker (not its id, which Python may reuse) to tell this run
    from the previous one.
    """
    marker = script_run_marker()
    if marker is None:                   # bare mode: nothing to de-duplicate
        return True
    if st.session_state.get(_SETUP_MARK) is marker:
        return False
    st.session_state[_SETUP_MARK] = marker
    return True


def setup_page(title: str, icon: str = ":material/all_inclusive:") -> None:
    """Configure the page (wide layout, title, icon), pin torch to one thread, draw the header.

    One thread per session because 30 students share a small CPU server: torch's default of
    one thread per core would make every training fight every other for all cores.
    """
    st.set_page_config(page_title=f"{title} · {APP_NAME}", page_icon=icon, layout="wide",
                       initial_sidebar_state="auto")
    one_torch_thread()
    periodic_gc()             # from the first page on, not only once someone trains (rnn.ui.memory)
    if not _first_call_this_run():
        return
    st.html(_CSS)             # style only: Streamlit adds it without taking space on the page
    preload = _preload_charts()
    if preload:               # its own call (style-only HTML is Streamlit's special case)
        st.html(preload, unsafe_allow_javascript=True)
    with st.sidebar:
        st.markdown(f"### :material/all_inclusive: {APP_NAME}")
        _lesson_links()
        st.caption("Each page is one lesson: **Learn · Train · Try · Inspect · Compare**.")


def _preload_charts() -> str:
    """Start loading Streamlit's chart library as the page opens, not at its first chart.

    Streamlit fetches that 4.7 MB script only when a chart arrives, and every chart is a grey
    placeholder until it has been downloaded and run: seconds on a phone, more when a class
    opens the page at once (bench/charts.py). Importing the same URL early fills the browser's
    module map, so the lazy import finds it loaded (or on its way). Off when ``RNN_PLAYGROUND_
    PRELOAD_CHARTS=0`` (bench/charts.py compares).
    """
    name = chart_script_name()
    if name is None or os.environ.get("RNN_PLAYGROUND_PRELOAD_CHARTS", "1") == "0":
        return ""
    # resolved against Streamlit's own main script, as its lazy import is: the same module URL
    return ("<span id=\"rnn-preload\" hidden></span><script>(function () { const main = document.querySelector("
            "'script[type=\"module\"][src*=\"/static/js/index.\"]');"
            f" if (main) import(new URL('{name}', main.src).href).catch(() => null); }})();</script>")


# Our own navigation (config: client.showSidebarNavigation = false): Streamlit's automatic menu
# would label the home page "app", the file's name, and cannot number the lessons. The pages and
# their labels: rnn.lessons.pages.
def _lesson_links() -> None:
    from streamlit.errors import StreamlitAPIException

    from rnn.lessons.pages import PAGES

    root = Path(__file__).resolve().parents[2]
    for page in PAGES.values():
        if not (root / page.path).exists():
            continue
        try:
            st.page_link(page.path, label=page.menu, icon=page.icon)
        except StreamlitAPIException:
            # AppTest run on a single page file registers only that page; the menu is
            # decoration there, so a link Streamlit cannot resolve is left out.
            continue


def show_figure(fig: go.Figure, key: str | None = None) -> None:
    """Draw a plotly figure in the app's own template.

    ``theme=None`` because Streamlit's theme would replace our projector-sized fonts and the
    colour-blind-safe palette.
    """
    from rnn.plots.theme import place_legend

    st.plotly_chart(place_legend(fig), theme=None, key=key, width="stretch",
                    config={"displaylogo": False, "responsive": True})


def show_diagram(svg: str) -> None:
    """Draw an ``rnn.diagrams`` SVG as an image at its natural size (smaller if the column is).

    An image, not inline markup: Streamlit's ``st.html`` sanitiser drops SVG, and raw HTML in
    ``st.markdown`` goes through the Markdown parser, which cost the home page's first paint
    ~0.5 s for its three large drawings (BENCHMARKS.md, "Start-up").
    """
    from rnn.diagrams import label_of

    st.image(svg, width="content", alt=label_of(svg))
