"""The shipped models on a task page's Compare tab (``TaskPage.shipped`` and ``shipped_long``):
their validation curves and final metrics, read from the checkpoints' histories (nothing is
trained or scored here). Which models, and why the cells differ: ``rnn.lessons.levels``.
"""
from __future__ import annotations

import streamlit as st

from rnn import plots
from rnn.lessons import common
from rnn.ui.errors import engine_errors
from rnn.ui.setup import show_figure
from rnn.ui.tables import show_table
from rnn.ui.task_page import pretrained_experiment


def shipped(names: dict, columns: dict, metric: str, title: str, caption: str, expander: str,
            key: str) -> dict:
    """The shipped models' validation curves and final metrics; ``names`` maps a label to a
    checkpoint name. Returns {label: history}."""
    with engine_errors():
        histories = {label: pretrained_experiment(name).history for label, name in names.items()}
        with st.expander(expander, expanded=True):
            c1, c2 = st.columns([3, 2])
            with c1:
                show_figure(plots.compare_figure(histories, key=metric, title=title), key=key)
            with c2:
                show_table(common.metric_rows(histories, columns),
                           formats={h: ".3f" for h in columns.values()})
            c2.caption(caption)
        return histories
    return {}


def shipped_long(task: str, key: str) -> dict:
    """The Compare tab's first box: the shipped models on the long-range level, where the cells
    differ, and why."""
    from rnn.lessons import levels
    spec = levels.shipped_long(task)
    histories = shipped(**spec, key=key)
    finals = {label: common.last_metric(h, spec["metric"]) for label, h in histories.items()}
    if levels.vanilla_falls_behind(finals, spec["metric"]):     # only where the table shows it
        with st.expander("Why the vanilla RNN falls behind on this level", icon=":material/help:"):
            st.markdown(levels.WHY_CELLS_DIFFER)
    return histories
