"""The Compare tab: RNN, GRU and LSTM trained one after the other on the same data and seed,
their curves on one chart and their final metrics in one table.

One after the other (not at once) because each would otherwise get a third of the CPU and the
gate's slots, and the comparison of speed would be meaningless.
"""
from __future__ import annotations

from typing import Callable, Sequence

import streamlit as st

from rnn import plots
from rnn.ui.live_training import job_state, live_fragment, run_buttons, status_line
from rnn.ui.runs import current_job, exp_slot
from rnn.ui.setup import show_figure
from rnn.ui.tables import show_table
from rnn.ui.widgets import ARCH_LABELS, URL


def final_metrics_table(runs: dict, metric_name: str) -> list[dict]:
    """One row per run: its status, steps, seconds, last validation loss and metric."""
    rows = []
    for label, exp in runs.items():
        history = getattr(exp, "history", None)
        last = history.last_step if history is not None else None
        ev = history.last_eval if history is not None else None
        rows.append({"model": ARCH_LABELS.get(label, label),
                     "status": getattr(exp, "status", "waiting"),
                     "steps": last.step if last else 0,
                     "seconds": round(last.elapsed, 1) if last else 0.0,
                     "val loss": ev.get("val_loss") if ev else None,
                     metric_name: ev.get(metric_name) if ev else None})
    return rows


def _draw(key: str, labels: Sequence[str], metric_name: str) -> None:
    job = current_job(key)
    runs = {lab: st.session_state.get(exp_slot(key, lab)) for lab in labels}
    current = labels[min(job.index if job else 0, len(labels) - 1)]
    if job is not None and job.running:
        st.markdown(f"Training **{ARCH_LABELS.get(current, current)}** "
                    f"({labels.index(current) + 1} of {len(labels)})")
        status_line(runs[current], True)
    histories = {ARCH_LABELS.get(lab, lab): getattr(exp, "history", [])
                 for lab, exp in runs.items() if exp is not None}
    axis = st.session_state.get(f"{key}_axis", "step")
    what = "training step" if axis == "step" else "seconds of training"
    left, right = st.columns(2)
    with left:
        show_figure(plots.compare_figure(histories, key="val_loss", x=axis,
                                         title=f"Validation loss vs {what}"),
                    key=f"{key}_fig_cmp_loss")
    with right:
        show_figure(plots.compare_figure(histories, key=metric_name, x=axis,
                                         title=f"Validation {plots.metric_label(metric_name)} vs {what}"),
                    key=f"{key}_fig_cmp_metric")
    started = {lab: exp for lab, exp in runs.items() if exp is not None}
    if started:
        show_table(final_metrics_table(started, metric_name), formats={"val loss": ".3f", metric_name: ".3f"})


AXES = {"step": "training steps", "seconds": "seconds"}


def compare_panel(exp_key: str, make_experiment: Callable[[str], object], metric_name: str,
                  archs: Sequence[str] = ("rnn", "gru", "lstm"), *,
                  signature: str | None = None) -> dict:
    """Train one experiment per ``archs`` entry in turn, live; returns {arch: experiment}.

    ``make_experiment(arch)`` builds the session's experiment for that cell (same data, seed
    and budget otherwise, so the comparison is fair). Runs are kept in
    ``st.session_state[f"{exp_key}:{arch}"]``; ``signature`` as in ``training_panel``.
    """
    labels = list(archs)
    job = job_state(exp_key, labels, signature, summary=" vs ".join(ARCH_LABELS.get(a, a) for a in labels))
    run_buttons(exp_key, job, "Train all three" if len(labels) == 3 else "Train all")
    st.radio("x axis", list(AXES), format_func=AXES.get, horizontal=True, key=f"{exp_key}_axis",
             bind=URL, help="Steps: every cell gets the same number of updates (the fair race). "
                            "Seconds: how fast each cell runs on this CPU.")
    live_fragment(exp_key, job, make_experiment, lambda: _draw(exp_key, labels, metric_name))
    return {lab: st.session_state.get(exp_slot(exp_key, lab)) for lab in labels}
