"""A training panel's runs: the current job and the earlier runs kept in the session.

Each panel (``training_panel``, ``compare_panel``; rnn/ui/live_training.py) has one ``PanelRuns``
in session_state, got (or made) by ``panel_runs(key)``, and nothing else keeps a panel's run
state. It holds

* ``job``: the current run's ``Job``: its labelled experiments (one for a training panel,
  RNN/GRU/LSTM for a comparison), which one trains, whether it runs, and the training job that
  follows it (rnn.jobs: ``job_id``, ``cursor``, where it began);
* ``earlier``: the ``Run``s kept when the settings changed (``archive``), oldest first, at most
  ``MAX_RUNS``; coming back to an earlier run's settings brings it back (``restore``).

The experiments themselves live in their own session_state slots (``exp_slot``), which pages
and tests read; a run leaves them when it is archived and goes back into them when restored.
This module also draws the earlier runs side by side (``earlier_runs``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st

MAX_RUNS = 6                         # earlier runs kept per panel and session (oldest dropped)


def exp_slot(key: str, label: str | None) -> str:
    """Where a job's experiment lives in session_state (the panel's own key for a single run)."""
    return key if label is None else f"{key}:{label}"


def trained(exp) -> bool:
    """Has ``exp`` made at least one training step (in this session or before its checkpoint)?"""
    history = getattr(exp, "history", None) if exp is not None else None
    return bool(history is not None and history.trained)


@dataclass
class Job:
    """The panel's current run: ``labels`` trained one after the other (``index``: which one)."""
    labels: list
    signature: str | None = None
    running: bool = False
    index: int = 0
    run_id: int | None = None            # set once an earlier run is restored into the job
    summary: str = ""
    error: str = ""
    queued: bool = False                 # the job waits for a worker (the panel ticks slower)
    job_id: str | None = None            # the training job following labels[index] (rnn.jobs)
    cursor: int = 0                      # records of that job read so far
    history_len: int | None = None       # the experiment's history when that job began
    start_weights: bytes | None = None   # and its weights (a failed job goes back to them)

    @property
    def finished(self) -> bool:
        return self.index >= len(self.labels)

    @property
    def label(self) -> str | None:
        """The label that trains now (the last one once all have finished)."""
        return self.labels[min(self.index, len(self.labels) - 1)]

    def matches(self, signature, labels) -> bool:
        return self.signature == signature and self.labels == list(labels)


@dataclass
class Run:
    """An earlier run: its settings (``signature``, ``summary``) and trained experiments."""
    id: int
    summary: str
    signature: str | None
    labels: list
    index: int
    exps: dict


@dataclass
class PanelRuns:
    """One panel's current job and earlier runs (see the module docstring)."""
    job: Job | None = None
    earlier: list = field(default_factory=list)
    next_id: int = 1
    dropped: int = 0                     # earlier runs dropped to keep MAX_RUNS

    @property
    def current_id(self) -> int:
        """The number the current run has (or will get once it trains)."""
        return (self.job.run_id if self.job is not None else None) or self.next_id

    def archive(self, exps: dict) -> Run | None:
        """Keep the current job's experiments (label -> experiment, taken out of their slots)
        among the earlier runs; those that never trained are dropped. Returns the kept run."""
        exps = {label: e for label, e in exps.items() if trained(e)}
        job = self.job
        if not exps or job is None:
            return None
        run_id = job.run_id or self.next_id
        self.next_id = max(self.next_id, run_id + 1)
        run = Run(id=run_id, summary=job.summary, signature=job.signature, labels=list(job.labels),
                  index=job.index, exps=exps)
        self.earlier.append(run)
        while len(self.earlier) > MAX_RUNS:
            self.earlier.pop(0)
            self.dropped += 1
        return run

    def restore(self, signature, labels) -> Run | None:
        """Take back the earlier run made with exactly these settings (None if none is kept) and
        make it the current job; the caller puts its experiments back into their slots."""
        for i, run in enumerate(self.earlier):
            if run.signature == signature and run.labels == list(labels):
                self.earlier.pop(i)
                self.job = Job(labels=list(labels), signature=signature, index=run.index,
                               run_id=run.id, summary=run.summary)
                return run
        return None


def panel_runs(key: str) -> PanelRuns:
    """The panel's run store in this session (made on first use)."""
    slot = f"_panel_{key}"
    store = st.session_state.get(slot)
    if store is None:
        store = st.session_state[slot] = PanelRuns()
    return store


def current_job(key: str) -> Job | None:
    """The panel's current job (None before the panel was drawn)."""
    return panel_runs(key).job


def earlier_runs(key: str, metric_name: str) -> None:
    """The session's runs of this panel side by side: pick any to overlay their curves. A run
    that has just trained (the current one, or one kept when the settings changed) joins the
    overlay by itself; runs the student took out stay out."""
    from rnn import plots
    from rnn.ui.setup import show_figure

    store = panel_runs(key)
    current = st.session_state.get(key)
    kept = {r.id: (f"run {r.id}: {r.summary}", r.exps.get(None)) for r in store.earlier}
    kept = {i: v for i, v in kept.items() if v[1] is not None}
    if not kept:
        return
    options = dict(kept)
    if trained(current):
        summary = store.job.summary if store.job is not None else ""
        options = {store.current_id: (f"run {store.current_id}: {summary} (current)", current),
                   **options}
    st.subheader("Your runs, side by side")
    if store.dropped:
        st.caption(f"{store.dropped} older run(s) were dropped: a session keeps the last "
                   f"{MAX_RUNS} runs per panel.")
    shown, seen = f"{key}_runs_shown", f"_runs_seen_{key}"
    known = st.session_state.get(seen)
    if known is None:                       # first time: the newest three
        picked_ids = list(options)[:3]
    else:                                   # keep the student's choice, add runs new since then
        before = [i for i in st.session_state.get(shown, []) if i in options]
        picked_ids = before + [i for i in options if i not in known and i not in before]
    st.session_state[seen] = list(options)
    st.session_state[shown] = picked_ids
    picked = st.multiselect("Runs to compare", list(options), key=shown,
                            format_func=lambda i: options[i][0] if i in options else f"run {i}")
    histories = {options[i][0]: options[i][1].history for i in picked}
    left, right = st.columns(2)
    with left:
        show_figure(plots.compare_figure(histories, key="val_loss", x="step",
                                         title="Validation loss vs training step"),
                    key=f"{key}_fig_runs_loss")
    with right:
        show_figure(plots.compare_figure(histories, key=metric_name, x="step",
                                         title=f"Validation {plots.metric_label(metric_name)} vs step"),
                    key=f"{key}_fig_runs_metric")
    st.caption("Changing a sidebar setting starts a new run; the old one stays here. Going back "
               "to an earlier run's settings brings it back, ready to continue.")
