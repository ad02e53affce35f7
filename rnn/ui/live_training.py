"""Live training on a page: Start/Stop, a timed fragment that follows a training job, live charts.

How it works (shared/DESIGN.md, "Live training in Streamlit"): Start and Stop are buttons whose
callbacks only flip ``running`` in session_state (Stop also tells the worker). The web process
never trains: the first tick after Start submits a job (rnn.jobs: worker processes on this
machine, or RQ workers on Redis when hosted) and every tick reads the records that arrived since
the last one (``read(..., wait=tick_seconds)``), adds them to the session's Experiment and redraws
the charts. A fragment with ``run_every`` re-executes every ``TICK_EVERY`` seconds while running;
the timer exists only while running: when a job ends, ``st.rerun()`` redraws the whole page.

A panel's "job" (``rnn.ui.runs.Job``, kept in the panel's ``PanelRuns`` with its earlier runs)
is a list of labelled experiments trained one after the other: one for ``training_panel``,
RNN/GRU/LSTM for ``compare_panel``. Experiments are made lazily (on their
first tick) by ``make(label)``; the worker rebuilds the same experiment from its spec, trains it,
streams its records and hands back its weights, which go into the session's experiment (so Try
and Inspect use them). Continue and Stop-then-Start carry on from where the last job stopped:
its trainer's counters, optimizer state and best weights come back with the result.
"""
from __future__ import annotations

import time
from typing import Callable, Sequence

import streamlit as st

from rnn import plots
from rnn.ui.downloads import download_buttons
from rnn.ui.errors import show_error
from rnn.ui.memory import _track
from rnn.ui.runs import MAX_RUNS, Job, current_job, earlier_runs, exp_slot, panel_runs
from rnn.ui.setup import show_figure, ui_settings

__all__ = ["training_panel", "job_state", "run_buttons", "live_fragment", "status_line",
           "queue_message", "exp_slot", "earlier_runs", "MAX_RUNS", "TICK_EVERY"]

TICK_EVERY = 1.0                     # seconds between fragment ticks while training (only to
                                     # show what the worker sent: half the reruns of 0.5 s)
TICK_QUEUED = 3.0                    # ... and while the job waits for a worker: only the queue
                                     # line changes, and in a crowded class (N = 90 on 2 workers)
                                     # most sessions wait most of the time (BENCHMARKS.md)
TERMINAL = ("done", "diverged")
STOP_WAIT = 2.0                      # Stop waits this long for the worker's weights (it needs < 1 s)


def _backend():
    from rnn.jobs import get_backend
    return get_backend()


BUDGET_NOTE = ("The budget counts seconds this model actually trains. On a shared server the "
               "trainings take turns, so it can run slower than the clock on the wall.")


def job_state(key: str, labels: Sequence[str | None], signature: str | None,
              summary: str = "") -> Job:
    """The panel's current job. A changed ``signature`` (new settings) starts a new run: the
    trained experiments of the old one are kept among the panel's earlier runs, never thrown
    away; coming back to settings an earlier run had brings that run back (to continue it)."""
    store = panel_runs(key)
    job = store.job
    if job is None or not job.matches(signature, labels):
        if job is not None:
            _halt(key, job)
            store.archive({label: st.session_state.pop(exp_slot(key, label), None)
                           for label in job.labels})
        run = store.restore(signature, labels)
        if run is None:
            store.job = Job(labels=list(labels), signature=signature)
        else:
            for label, exp in run.exps.items():
                st.session_state[exp_slot(key, label)] = exp
        job = store.job
    else:
        _collect(key, job)           # a job stopped by a callback, whose weights came late
    job.summary = summary or job.summary
    return job


# ---------------------------------------------------------------------- following a job
def _absorb(exp, job: Job, update) -> None:
    """Add the records that arrived to the session's experiment."""
    if update.records:
        exp.history.extend(update.records)
    if update.weights:                      # Try and Inspect follow the training
        from rnn.jobs.runner import load_weights
        load_weights(exp, update.weights)
    job.cursor = update.cursor


def _settle(key: str, job: Job, exp, update) -> bool:
    """Apply a job's ending (finished or failed) to ``exp``; True when the job is over."""
    from rnn.jobs import FAILED, FINISHED, UNKNOWN, WORKER_LOST
    from rnn.jobs.runner import apply_result

    if update.state == FINISHED:
        if update.result is not None:
            apply_result(exp, update.result)
        elif exp.status == "training":
            exp.status = "ready"                  # stopped while it waited in the queue
    elif update.state in (FAILED, UNKNOWN):
        # the worker died (or the job is gone): the records it sent belong to weights that never
        # came back, so the run goes back to where this job began; Start trains again from there
        if job.history_len is not None:
            exp.history.truncate(job.history_len)
        if job.start_weights:
            from rnn.jobs.runner import load_weights
            load_weights(exp, job.start_weights)
        exp.status = "ready"
        job.error = update.error or WORKER_LOST
        job.running = False
    else:
        return False
    _backend().forget(job.job_id)
    job.job_id, job.start_weights = None, None
    return True


def _halt(key: str, job: Job, wait: float = STOP_WAIT) -> None:
    """Stop the panel's job (if one runs) and take back what it trained, waiting up to ``wait``."""
    job.running = False
    job_id = job.job_id
    if not job_id:
        return
    backend = _backend()
    backend.stop(job_id)
    exp = st.session_state.get(exp_slot(key, job.label))
    deadline = time.monotonic() + wait
    while exp is not None:
        update = backend.read(job_id, job.cursor, wait=max(0.0, deadline - time.monotonic()))
        _absorb(exp, job, update)
        if _settle(key, job, exp, update) or time.monotonic() >= deadline:
            break
    if exp is None:
        backend.forget(job_id)
        job.job_id = None


def _collect(key: str, job: Job) -> None:
    """On a full run: settle a job that was stopped but whose weights had not come back yet."""
    if job.job_id and not job.running:
        _halt(key, job, wait=0.0)


def _discard(key: str, job: Job) -> None:
    _halt(key, job, wait=0.0)
    if job.job_id:
        _backend().forget(job.job_id)
    job.running, job.index, job.job_id, job.error = False, 0, None, ""
    for label in job.labels:
        st.session_state.pop(exp_slot(key, label), None)


def _on_start(key: str) -> None:
    job = current_job(key)
    job.running, job.error, job.queued = True, "", False


def _on_stop(key: str) -> None:
    _halt(key, current_job(key))


def _on_reset(key: str) -> None:
    _discard(key, current_job(key))


def _on_more(key: str, seconds: float) -> None:
    """"Continue": give every experiment of a finished job ``seconds`` more and start again."""
    job = current_job(key)
    for label in job.labels:
        exp = st.session_state.get(exp_slot(key, label))
        if exp is not None and exp.status != "diverged":
            exp.extend_budget(seconds=seconds)
    job.index = next((i for i, label in enumerate(job.labels)
                      if getattr(st.session_state.get(exp_slot(key, label)), "status", "ready")
                      not in TERMINAL), len(job.labels))
    job.running = not job.finished
    job.error = ""


def run_buttons(key: str, job: Job, start_label: str, more_seconds: float = 30.0) -> None:
    finished = job.finished
    cols = st.columns([4, 3, 3, 6])        # wide enough for "Train all three" on a laptop
    cols[0].button(start_label if job.index == 0 else "Continue", type="primary",
                   key=f"{key}_start", on_click=_on_start, args=(key,),
                   disabled=job.running or finished, icon=":material/play_arrow:")
    cols[1].button("Stop", key=f"{key}_stop", on_click=_on_stop, args=(key,),
                   disabled=not job.running, icon=":material/stop:")
    cols[2].button("Reset", key=f"{key}_reset", on_click=_on_reset, args=(key,),
                   help="Throw this run away and start again from fresh weights.",
                   icon=":material/restart_alt:")
    if finished:
        exps = [st.session_state.get(exp_slot(key, label)) for label in job.labels]
        if any(getattr(e, "status", "") == "done" and hasattr(e, "extend_budget") for e in exps):
            cols[3].button(f"Train {more_seconds:g} s more", key=f"{key}_more", on_click=_on_more,
                           args=(key, more_seconds), icon=":material/fast_forward:",
                           help="Keep training this run from where it stopped (the budget grows).")


def queue_message(position: int | None, counts: dict) -> str:
    """What a waiting session reads, e.g. "Queued: 2 trainings run now; yours is number 3 ..."."""
    busy = max(1, int(counts.get("busy", 0) or 0))
    noun = "training runs" if busy == 1 else "trainings run"
    where = f" Yours is number {position} in the queue." if position else ""
    return f"Queued: {busy} {noun} now, and yours starts when a worker is free.{where}"


def _tick(key: str, job: Job, make: Callable[[str | None], object]) -> None:
    """Submit the current experiment's job (first tick) or read what it trained since the last."""
    from rnn.jobs import QUEUED
    from rnn.jobs.runner import spec_for

    settings = ui_settings()        # once a tick: with no secrets.toml, each call reads the disk
    backend = _backend()
    label = job.labels[job.index]
    try:
        exp = st.session_state.get(exp_slot(key, label))
        if exp is None:
            exp = st.session_state[exp_slot(key, label)] = make(label)
            _track(exp)                 # the memory log counts them (rnn.ui.memory)
        if not job.job_id:
            if getattr(exp, "status", "ready") in TERMINAL:
                update = None
            else:
                spec = spec_for(exp, getattr(exp, "job_resume", None))
                job.history_len, job.start_weights = len(exp.history), spec.weights
                job.job_id = backend.submit(spec)
                job.cursor = 0
                exp.status = "training"
        if job.job_id:
            update = backend.read(job.job_id, job.cursor, wait=settings.tick_seconds)
            _absorb(exp, job, update)
            was_queued, job.queued = job.queued, update.state == QUEUED
            if job.queued:
                st.info(queue_message(update.position, backend.counts()), icon="⏳")
            if not _settle(key, job, exp, update):
                if job.queued != was_queued:
                    st.rerun()  # a full run gives the fragment's timer its new cadence
                return
    except Exception as exc:  # noqa: BLE001 -- shown as a message, the job stops
        job.running = False
        if job.job_id:
            backend.forget(job.job_id)
            job.job_id = None
        show_error(exc)
        return
    if job.error:
        st.rerun()
    if getattr(exp, "status", "") in TERMINAL:
        job.index += 1
        if job.finished:
            job.running = False
    elif not job.job_id:
        job.running = False      # stopped (paused): Start continues it
    st.rerun()          # full rerun: buttons update, and the tick timer goes away


def live_fragment(key: str, job: Job, make, draw: Callable[[], None]) -> None:
    """The timed fragment: tick (while running), then draw."""
    def body() -> None:
        current = current_job(key) or job
        if current.running and not current.finished:
            _tick(key, current, make)
        if current.error:
            st.error(current.error, icon="🚨")
        draw()

    every = (TICK_QUEUED if job.queued else TICK_EVERY) if job.running else None
    st.fragment(body, run_every=every)()


def _stop_reason(exp) -> str:
    reason = getattr(exp, "stop_reason", "") or ""
    if not reason:
        stop = exp.history.last_stop if getattr(exp, "history", None) is not None else None
        reason = stop.reason if stop else ""
    return reason or "the loss became NaN or infinite"


def status_line(exp, running: bool) -> None:
    """Progress bar with time left, or the end-of-run message (error if it diverged)."""
    if exp is None:
        st.caption("Press **Start** to train; the charts fill in as it learns.")
        return
    if exp.status == "diverged":
        st.error(f"**Training diverged:** {_stop_reason(exp)}. The last good weights were kept, "
                 "so the model still works. Try a smaller learning rate or turn on gradient "
                 "clipping, then Reset.", icon="🚨")
        return
    last = exp.history.last_step
    step, elapsed = (last.step, last.elapsed) if last else (0, 0.0)
    budget = getattr(getattr(exp, "train_config", None), "seconds", None)
    frac = float(getattr(exp, "fraction_done", 0.0) or 0.0)
    if exp.status == "done":
        why = getattr(exp, "stop_reason", "")
        st.success(f"Finished after {step} steps ({elapsed:.0f} s)" + (f": {why}." if why else "."))
        return
    left = f" · {max(0.0, budget - elapsed):.0f} s of training left" if budget else ""
    state = "training" if running else "paused"
    loss = f" · loss {last.loss:.3f}" if last else ""
    st.progress(min(1.0, max(0.0, frac)), text=f"{state} · step {step}{loss}{left}")
    if budget and running:
        st.caption(BUDGET_NOTE)


def _figures(key: str, exp, history: list, metric_name: str, vocab_size: int | None,
             clip, show_grad: bool) -> list:
    """The panel's chart figures, rebuilt only when the history has grown.

    A queued session's tick redraws the charts although nothing changed; building three plotly
    figures costs ~20 ms of GIL-holding Python, and with 30 sessions ticking twice a second that
    was most of the server's CPU (docs/LOAD_AND_SOAK.md). Kept in session_state, per panel.
    """
    sig = (id(exp), len(history), id(history[-1]) if history else None, metric_name, vocab_size,
           clip, show_grad)
    cached = st.session_state.get(f"_figs_{key}")
    if cached is not None and cached[0] == sig:
        return cached[1]
    figs = [plots.loss_figure(history, vocab_size=vocab_size), plots.metric_figure(history, metric_name)]
    if show_grad:
        figs.append(plots.grad_norm_figure(history, clip=clip))
    st.session_state[f"_figs_{key}"] = (sig, figs)
    return figs


def _draw_single(key: str, metric_name: str, vocab_size: int | None, show_grad: bool) -> None:
    exp = st.session_state.get(key)
    job = current_job(key)
    status_line(exp, job is not None and job.running)
    history = getattr(exp, "history", []) if exp is not None else []
    clip = getattr(getattr(exp, "train_config", None), "clip", None)
    figs = _figures(key, exp, history, metric_name, vocab_size, clip, show_grad)
    left, right = st.columns(2)
    with left:
        show_figure(figs[0], key=f"{key}_fig_loss")
    with right:
        show_figure(figs[1], key=f"{key}_fig_metric")
    if show_grad:
        show_figure(figs[2], key=f"{key}_fig_grad")


def training_panel(exp_key: str, make_experiment: Callable[[str | None], object],
                   metric_name: str, *, signature: str | None = None,
                   vocab_size: int | None = None, show_grad: bool = True, summary: str = ""):
    """Start/Stop/Reset, live charts and downloads for one experiment; returns it (or None).

    ``make_experiment(label)`` builds the session's Experiment (called on the first tick after
    Start, with the label None: this panel trains one run; ``compare_panel`` passes each of its
    labels to the same kind of function).
    The experiment is kept in ``st.session_state[exp_key]``. ``metric_name`` is the eval
    record's key to chart (e.g. "f1"). ``signature``: anything that names the sidebar settings
    (e.g. ``repr((model_cfg, train_cfg))``); when it changes a new run starts and the old one is
    kept among the earlier runs (``summary`` names its settings for people).
    ``vocab_size`` draws the uniform-guess line ln V on the loss chart.
    """
    job = job_state(exp_key, [None], signature, summary)
    run_buttons(exp_key, job, "Start")
    live_fragment(exp_key, job, make_experiment,
                  lambda: _draw_single(exp_key, metric_name, vocab_size, show_grad))
    exp = st.session_state.get(exp_key)
    download_buttons(exp, name=exp_key, key=f"{exp_key}_dl")
    earlier_runs(exp_key, metric_name)
    return exp

