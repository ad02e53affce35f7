"""Live training on a page: Start/Stop, a timed fragment that trains a slice per tick, live charts.

How it works (shared/DESIGN.md, "Live training in Streamlit"): Start and Stop are buttons whose
callbacks only flip ``running`` in session_state. A fragment with ``run_every`` re-executes every
``TICK_EVERY`` seconds while running; each tick trains for ``settings.tick_seconds`` inside one
slot of the process-wide ``TrainingGate`` and redraws the charts. The timer exists only while
running: when a run ends inside a tick, ``st.rerun()`` redraws the whole page without it.

A "job" is a list of labelled experiments trained one after the other: one for
``training_panel``, RNN/GRU/LSTM for ``compare_panel``. Experiments are made lazily (on their
first tick, inside a gate slot, because building data costs CPU too) by ``make(label)``.

Garbage collection and heap trimming live in ``rnn.ui.memory`` (docs/LOAD_AND_SOAK.md): making
the gate (once per process) switches Streamlit's collection after every run to a periodic one.
"""
from __future__ import annotations

import uuid
from typing import Callable, Sequence

import streamlit as st

from rnn import plots
from rnn.ui.downloads import download_buttons
from rnn.ui.errors import show_error
from rnn.ui.gate import (VISITORS, TrainingGate, queue_message, train_politely,
                          visitors_first_enabled)
from rnn.ui.memory import (GC_EVERY, GC_OPTION, MEMORY_LOG, _live_experiments,  # noqa: F401
                           _track, collect_garbage, periodic_gc, watch_gate)
from rnn.ui.setup import show_figure, ui_settings

TICK_EVERY = 0.5                     # seconds between fragment ticks while training
TERMINAL = ("done", "diverged")


@st.cache_resource
def _gate(capacity: int) -> TrainingGate:
    gate = TrainingGate(capacity)
    watch_gate(gate)
    periodic_gc()
    return gate


def training_gate() -> TrainingGate:
    """The one gate of this server process (shared by every session)."""
    return _gate(ui_settings().max_concurrent_trainings)


def _ticket(key: str) -> str:
    session = st.session_state.setdefault("_rnn_session_id", uuid.uuid4().hex)
    return f"{session}:{key}"


def exp_slot(key: str, label: str | None) -> str:
    """Where a job's experiment lives in session_state (the panel's own key for a single run)."""
    return key if label is None else f"{key}:{label}"


BUDGET_NOTE = ("The budget counts seconds this model actually trains. On a shared server the "
               "trainings take turns, so it can run slower than the clock on the wall.")
MAX_RUNS = 6                         # earlier runs kept per panel and session (oldest dropped)


def job_state(key: str, labels: Sequence[str | None], signature: str | None,
              summary: str = "") -> dict:
    """The job's state. A changed ``signature`` (new settings) starts a new run: the trained
    experiments of the old one are kept among the panel's earlier runs (``runs``), never thrown
    away; coming back to settings an earlier run had brings that run back (to continue it)."""
    job = st.session_state.get(f"_job_{key}")
    if job is None or job["signature"] != signature or job["labels"] != list(labels):
        if job is not None:
            _archive(key, job)
        job = _restore(key, signature, list(labels)) or {
            "running": False, "index": 0, "labels": list(labels), "signature": signature}
        st.session_state[f"_job_{key}"] = job
    job["summary"] = summary or job.get("summary", "")
    return job


def runs(key: str) -> list[dict]:
    """The panel's earlier runs, oldest first: {"id", "summary", "signature", "labels", "exps"}."""
    return st.session_state.setdefault(f"_runs_{key}", {"next": 1, "list": [], "dropped": 0})["list"]


def dropped_runs(key: str) -> int:
    return st.session_state.get(f"_runs_{key}", {}).get("dropped", 0)


def _trained(exp) -> bool:
    return exp is not None and any(r.get("kind") == "step" for r in getattr(exp, "history", []))


def _archive(key: str, job: dict) -> None:
    """Move a job's trained experiments out of the live slots into the list of earlier runs."""
    job["running"] = False
    training_gate().leave(_ticket(key))
    exps = {label: st.session_state.pop(exp_slot(key, label), None) for label in job["labels"]}
    exps = {label: e for label, e in exps.items() if _trained(e)}
    if not exps:
        return
    store = st.session_state.setdefault(f"_runs_{key}", {"next": 1, "list": [], "dropped": 0})
    run_id = job.get("run_id") or store["next"]
    store["next"] = max(store["next"], run_id + 1)
    store["list"].append({"id": run_id, "summary": job.get("summary", ""), "signature": job["signature"],
                          "labels": list(job["labels"]), "index": job["index"], "exps": exps})
    while len(store["list"]) > MAX_RUNS:
        store["list"].pop(0)
        store["dropped"] += 1


def _restore(key: str, signature, labels: list) -> dict | None:
    """Bring back the earlier run made with exactly these settings, if one is kept."""
    store = st.session_state.get(f"_runs_{key}")
    for i, run in enumerate(store["list"] if store else []):
        if run["signature"] == signature and run["labels"] == labels:
            store["list"].pop(i)
            for label, exp in run["exps"].items():
                st.session_state[exp_slot(key, label)] = exp
            return {"running": False, "index": run["index"], "labels": labels,
                    "signature": signature, "run_id": run["id"], "summary": run["summary"]}
    return None


def _discard(key: str, job: dict) -> None:
    job["running"], job["index"] = False, 0
    training_gate().leave(_ticket(key))
    for label in job["labels"]:
        st.session_state.pop(exp_slot(key, label), None)


def run_id(key: str) -> int:
    """The number the current run has (or will get once it trains)."""
    job = st.session_state.get(f"_job_{key}", {})
    store = st.session_state.get(f"_runs_{key}", {"next": 1})
    return job.get("run_id") or store["next"]


def _on_start(key: str) -> None:
    st.session_state[f"_job_{key}"]["running"] = True


def _on_stop(key: str) -> None:
    st.session_state[f"_job_{key}"]["running"] = False
    training_gate().leave(_ticket(key))


def _on_reset(key: str) -> None:
    _discard(key, st.session_state[f"_job_{key}"])


def _on_more(key: str, seconds: float) -> None:
    """"Continue": give every experiment of a finished job ``seconds`` more and start again."""
    job = st.session_state[f"_job_{key}"]
    for label in job["labels"]:
        exp = st.session_state.get(exp_slot(key, label))
        if exp is not None and exp.status != "diverged":
            exp.extend_budget(seconds=seconds)
    job["index"] = next((i for i, label in enumerate(job["labels"])
                         if getattr(st.session_state.get(exp_slot(key, label)), "status", "ready")
                         not in TERMINAL), len(job["labels"]))
    job["running"] = job["index"] < len(job["labels"])


def run_buttons(key: str, job: dict, start_label: str, more_seconds: float = 30.0) -> None:
    finished = job["index"] >= len(job["labels"])
    cols = st.columns([4, 3, 3, 6])        # wide enough for "Train all three" on a laptop
    cols[0].button(start_label if job["index"] == 0 else "Continue", type="primary",
                   key=f"{key}_start", on_click=_on_start, args=(key,),
                   disabled=job["running"] or finished, icon=":material/play_arrow:")
    cols[1].button("Stop", key=f"{key}_stop", on_click=_on_stop, args=(key,),
                   disabled=not job["running"], icon=":material/stop:")
    cols[2].button("Reset", key=f"{key}_reset", on_click=_on_reset, args=(key,),
                   help="Throw this run away and start again from fresh weights.",
                   icon=":material/restart_alt:")
    if finished:
        exps = [st.session_state.get(exp_slot(key, label)) for label in job["labels"]]
        if any(getattr(e, "status", "") == "done" and hasattr(e, "extend_budget") for e in exps):
            cols[3].button(f"Train {more_seconds:g} s more", key=f"{key}_more", on_click=_on_more,
                           args=(key, more_seconds), icon=":material/fast_forward:",
                           help="Keep training this run from where it stopped (the budget grows).")


def _tick(key: str, job: dict, make: Callable[[str | None], object]) -> None:
    """Train the current experiment for one slice, if the gate lets this session in."""
    settings = ui_settings()        # once a tick: with no secrets.toml, each call reads the disk
    gate, ticket = _gate(settings.max_concurrent_trainings), _ticket(key)
    label = job["labels"][job["index"]]
    with gate.slot(ticket) as admitted:
        if not admitted:
            st.info(queue_message(gate, ticket), icon="⏳")
            return
        try:
            exp = st.session_state.get(exp_slot(key, label))
            if exp is None:
                exp = st.session_state[exp_slot(key, label)] = make(label)
                _track(exp)
            if getattr(exp, "status", "ready") not in TERMINAL:
                # Visitors first: between two steps, wait while another student's page runs,
                # and train at a lower CPU priority than the pages.
                first = visitors_first_enabled()
                if first:
                    train_politely()
                exp.train_for(settings.tick_seconds,
                              between_steps=VISITORS.wait if first else None)
        except Exception as exc:  # noqa: BLE001 -- shown as a message, the job stops
            job["running"] = False
            gate.leave(ticket)
            show_error(exc)
            return
    if getattr(exp, "status", "") in TERMINAL:
        job["index"] += 1
        if job["index"] >= len(job["labels"]):
            job["running"] = False
            gate.leave(ticket)
        st.rerun()          # full rerun: buttons update, and the tick timer goes away


def live_fragment(key: str, job: dict, make, draw: Callable[[], None]) -> None:
    """The timed fragment: tick (while running), then draw."""
    def body() -> None:
        current = st.session_state.get(f"_job_{key}", job)
        if current["running"] and current["index"] < len(current["labels"]):
            _tick(key, current, make)
        draw()

    st.fragment(body, run_every=TICK_EVERY if job["running"] else None)()


def _stop_reason(exp) -> str:
    reason = getattr(exp, "stop_reason", "") or ""
    if not reason:
        stops = [r for r in getattr(exp, "history", []) if r.get("kind") == "stop"]
        reason = stops[-1].get("reason", "") if stops else ""
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
    steps = [r for r in exp.history if r.get("kind") == "step"]
    last = steps[-1] if steps else {}
    budget = getattr(getattr(exp, "train_config", None), "seconds", None)
    frac = float(getattr(exp, "fraction_done", 0.0) or 0.0)
    if exp.status == "done":
        why = getattr(exp, "stop_reason", "")
        st.success(f"Finished after {last.get('step', 0)} steps ({last.get('elapsed', 0):.0f} s)"
                   + (f": {why}." if why else "."))
        return
    left = f" · {max(0.0, budget - last.get('elapsed', 0.0)):.0f} s of training left" if budget else ""
    state = "training" if running else "paused"
    loss = f" · loss {last['loss']:.3f}" if "loss" in last else ""
    st.progress(min(1.0, max(0.0, frac)), text=f"{state} · step {last.get('step', 0)}{loss}{left}")
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
    job = st.session_state.get(f"_job_{key}", {})
    status_line(exp, job.get("running", False))
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


def training_panel(exp_key: str, make_experiment: Callable[[], object], metric_name: str, *,
                   signature: str | None = None, vocab_size: int | None = None,
                   show_grad: bool = True, summary: str = ""):
    """Start/Stop/Reset, live charts and downloads for one experiment; returns it (or None).

    ``make_experiment()`` builds the session's Experiment (called on the first tick after Start).
    The experiment is kept in ``st.session_state[exp_key]``. ``metric_name`` is the eval
    record's key to chart (e.g. "f1"). ``signature``: anything that names the sidebar settings
    (e.g. ``repr((model_cfg, train_cfg))``); when it changes a new run starts and the old one is
    kept among the earlier runs (``summary`` names its settings for people).
    ``vocab_size`` draws the uniform-guess line ln V on the loss chart.
    """
    job = job_state(exp_key, [None], signature, summary)
    run_buttons(exp_key, job, "Start")
    live_fragment(exp_key, job, lambda _label: make_experiment(),
          lambda: _draw_single(exp_key, metric_name, vocab_size, show_grad))
    exp = st.session_state.get(exp_key)
    download_buttons(exp, name=exp_key, key=f"{exp_key}_dl")
    earlier_runs(exp_key, metric_name)
    return exp


def earlier_runs(key: str, metric_name: str) -> None:
    """The session's runs of this panel side by side: pick any to overlay their curves."""
    job = st.session_state.get(f"_job_{key}", {})
    current = st.session_state.get(key)
    options = {f"run {r['id']}: {r['summary']}": r["exps"].get(None) for r in runs(key)}
    options = {k: e for k, e in options.items() if e is not None}
    if not options:
        return
    if _trained(current):
        options = {f"run {run_id(key)}: {job.get('summary', '')} (current)": current, **options}
    st.subheader("Your runs, side by side")
    if dropped_runs(key):
        st.caption(f"{dropped_runs(key)} older run(s) were dropped: a session keeps the last "
                   f"{MAX_RUNS} runs per panel.")
    picked = st.multiselect("Runs to compare", list(options), default=list(options)[:3],
                            key=f"{key}_runs_shown")
    histories = {label: options[label].history for label in picked}
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
