"""The Inspect tab's state view of a task page (``TaskPage.inspect_states``): layer, direction and
unit pickers, then the hidden-state, cell-state and gate heatmaps of one layer and direction, in
the course's notation. The view's numbers come from ``rnn.lessons.common.trace_view``.
"""
from __future__ import annotations

import streamlit as st

from rnn import plots
from rnn.lessons import common
from rnn.ui.setup import show_figure
from rnn.ui.widgets import URL


def inspect_states(page, trace: dict, *, unit: str = "word", note: str | None = None,
                   max_tokens: int = common.MAX_INSPECT_TOKENS, who: str = "") -> None:
    """``page``: the TaskPage (its task and prefix name the widgets, its model the cell).
    ``who`` names the network in the titles ("Encoder ") where a model has more than one."""
    c1, c2, c3 = st.columns(3)
    layer = 0
    if len(trace["layers"]) > 1:
        layer = c1.radio("Layer", range(len(trace["layers"])), horizontal=True, bind=URL,
                         key=f"{page.task}_layer", format_func=lambda i: f"layer {i + 1}")
    names = common.direction_names(len(trace["layers"][0]))
    direction = 0
    if len(names) > 1:
        direction = c2.radio("Direction", range(len(names)), horizontal=True, bind=URL,
                             key=f"{page.task}_direction", format_func=names.__getitem__)
    arch = page.exp.model_config.arch
    n_units = int(trace["layers"][0][0]["h"].shape[-1])
    first = 0
    if n_units > common.MAX_UNITS:
        starts = list(range(0, n_units, common.MAX_UNITS))
        first = c3.selectbox("Units shown", starts, key=f"{page.task}_units", bind=URL,
                             format_func=lambda s: f"{s}–{min(n_units, s + common.MAX_UNITS) - 1}")
    view = common.trace_view(trace, layer, direction, arch=arch, max_tokens=max_tokens,
                             first_unit=first)
    lo, hi = view["units"]
    shown = [f"{unit}s 1–{len(view['tokens'])} of {view['total']}" if view["cut"] else "",
             f"units {lo}–{hi - 1} of {n_units}" if n_units > hi - lo else ""]
    if any(shown):
        st.caption("Showing " + " and ".join(s for s in shown if s) + ".")
    if note:
        st.markdown(note)
    where = f"layer {layer + 1}, {names[direction].split(' (')[0]}"

    def title(text: str) -> str:
        return f"{who}{text[0].lower()}{text[1:]} ({where})" if who else f"{text} ({where})"

    show_figure(plots.state_heatmap(view["h"], view["tokens"], "h",
                                    title=title(f"Hidden state a⟨t⟩ at each {unit}")),
                key=f"{page.prefix}_h")
    if view["c"] is not None:
        show_figure(plots.state_heatmap(view["c"], view["tokens"], "c",
                                        title=title("LSTM cell state c⟨t⟩: the long-term memory")),
                    key=f"{page.prefix}_c")
    if view["gates"]:
        st.caption(common.GATE_HELP.get(arch, ""))
        show_figure(plots.gates_heatmap(view["gates"], view["tokens"],
                                        title=title(f"Gates at each {unit}")),
                    key=f"{page.prefix}_gates")
    else:
        st.caption("This cell has no gates: pick GRU or LSTM in the sidebar.")
