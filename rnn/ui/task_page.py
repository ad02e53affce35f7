"""What the four task pages share: cached pretrained models and data, the data picker, and the
rule for which model Try and Inspect use (the session's own once it has trained, else the
pretrained one).
"""
from __future__ import annotations

import functools
import hashlib
import logging

import streamlit as st

from rnn.ui.errors import engine_errors, friendly_message
from rnn.ui.setup import ui_settings

from rnn.ui.widgets import URL


@st.cache_resource(show_spinner="Loading the pretrained model…")
def pretrained_experiment(name: str):
    """A shipped checkpoint, loaded once per server and shared read-only by every session.

    Never train it in place: ``exp.clone()`` first (the live panel builds fresh experiments)."""
    from rnn.pretrained import load_pretrained
    exp = load_pretrained(name)
    if exp.splits is None and not exp.dataset.startswith("file:"):
        # one copy of a built-in data set per server, not one more per shipped model that
        # scores or clones on it (ensure_data would build its own: 4-16 MB each); and only when
        # one does: a Compare tab that shows the shipped models' histories needs no data
        exp.load_data = functools.partial(builtin_data, exp.task.name, exp.dataset)
    return exp


@st.cache_resource(show_spinner="Generating the built-in data…")
def builtin_data(task: str, dataset: str):
    """Built-in datasets are generated once per server and shared read-only (their repeated
    tokens as one string each: rnn.data.splits.share_strings)."""
    from rnn.data.splits import share_strings
    from rnn.tasks import get_task
    return share_strings(get_task(task).load_builtin(dataset, seed=0))


def data_sidebar(task_name: str) -> dict:
    """Sidebar "Data": a built-in set, or the user's own file in the task's format.

    Returns {"dataset": name or None, "data": Splits, "name": label}; a bad file shows the engine's
    message (naming the line) and falls back to the built-in set, so nothing the user had is lost.
    """
    from rnn.tasks import get_task
    task = get_task(task_name)
    from rnn.lessons import levels

    st.sidebar.header("Data")
    level = "easy"
    if task_name in levels.LONG_DATASETS:
        # plain options (no format_func): the link then reads ?ner_data_level=long
        level = st.sidebar.radio("Level", levels.LEVELS, key=f"{task_name}_data_level", bind=URL,
                                 captions=[levels.LEVEL_LABELS[v].split(": ", 1)[-1]
                                           for v in levels.LEVELS],
                                 horizontal=True, help=levels.LEVEL_HELP)
    long_sets = set(levels.LONG_DATASETS.values())
    if level == "long":
        dataset = levels.LONG_DATASETS[task_name]
        st.sidebar.caption(levels.LEVEL_NOTES.get(task_name, ""))
    else:
        options = [d for d in task.datasets() if d not in long_sets]
        dataset = st.sidebar.selectbox("Built-in data", options, key=f"{task_name}_dataset",
                                       bind=URL, help="\n\n".join(
                                           f"**{k}**: {v}" for k, v in task.datasets().items()
                                           if k in options))
    limit = ui_settings().max_upload_mb
    upload = st.sidebar.file_uploader(f"…or your own file (max {limit:g} MB)", key=f"{task_name}_upload",
                                      help=task.file_help)
    if upload is not None:
        loaded = _load_upload(task, upload, int(limit * 1024 * 1024))
        problem = st.session_state.get("_uploads", {}).get((task.name, _digest(upload)), (None, None))[1]
        if loaded is not None:
            st.sidebar.success(f"Using {upload.name}: {len(loaded.train)} training examples"
                               if not isinstance(loaded.train, str) else f"Using {upload.name}")
            # the bytes go with it: a training worker parses the file itself (rnn.jobs)
            return {"dataset": None, "data": loaded, "name": upload.name, "raw": upload.getvalue()}
        st.sidebar.info(f"Still using the built-in data ({dataset}).")
        return {"dataset": dataset, "data": builtin_data(task_name, dataset), "name": dataset,
                "problem": f"{upload.name} could not be used, so the built-in data ({dataset}) is "
                           f"still in use. {problem or ''}".strip()}
    return {"dataset": dataset, "data": builtin_data(task_name, dataset), "name": dataset}


def _digest(upload) -> str:
    return hashlib.sha256(upload.getvalue()).hexdigest()[:16]


def _load_upload(task, upload, max_bytes: int):
    """Parse an upload once per session (cached by content hash); None if it is bad.

    The verdict is cached with the data, so a bad file's message stays in the sidebar, next to
    the uploader, on every rerun until the file is removed or replaced."""
    raw = upload.getvalue()
    digest = _digest(upload)
    cache = st.session_state.setdefault("_uploads", {})
    key = (task.name, digest)
    if key not in cache:
        cache.clear()                      # keep at most one parsed upload per session in memory
        cache[key] = _parse_upload(task, raw, upload.name, max_bytes)
    loaded, message = cache[key]
    if message:
        st.sidebar.error(f"{upload.name} could not be used. {message}", icon=":material/error:")
    return loaded


def _parse_upload(task, raw: bytes, name: str, max_bytes: int):
    """(Splits, None) for a good file, (None, a message for the learner) for a bad one."""
    from rnn.data import DataFormatError
    try:
        if len(raw) > max_bytes:
            raise DataFormatError(f"{name} is {len(raw) / 1e6:.1f} MB; this server accepts files up "
                                  f"to {max_bytes / 1e6:.1f} MB")
        return task.load_file(raw, name=name, max_bytes=max_bytes), None
    except (ValueError, MemoryError) as exc:
        return None, friendly_message(exc)
    except Exception as exc:  # noqa: BLE001 -- a parser bug must not take the page down
        logging.getLogger(__name__).error("unexpected error reading an upload", exc_info=exc)
        return None, friendly_message(exc)


def data_args(source: dict) -> dict:
    """``data_sidebar``'s choice as ``Experiment.create``'s data arguments (an upload's bytes go
    with it: the worker that trains the experiment parses the file itself, rnn.jobs)."""
    raw = source.get("raw")
    return {"dataset": source["dataset"], "data": source["data"], "data_name": source["name"],
            "data_file": (source["name"], raw) if raw is not None else None}


def _best_step(exp) -> str:
    """", weights of step 420 (its best validation score)" when the run kept its best weights."""
    best = exp.history.best if getattr(exp, "history", None) is not None else None
    if best is not None and best.restored:
        return f"; weights of step {best.step}, its best validation {best.metric or 'score'}"
    return ""


def trained_runs(exp_key: str) -> dict:
    """Every run of this page's training panel that has trained, newest first: label -> experiment."""
    from rnn.ui.runs import panel_runs, trained
    out = {}
    own = st.session_state.get(exp_key)
    store = panel_runs(exp_key)
    if trained(own):
        summary = store.job.summary if store.job is not None else ""
        out[f"run {store.current_id}: {summary or 'this session'}"] = own
    for run in reversed(store.earlier):
        exp = run.exps.get(None)
        if exp is not None:
            out[f"run {run.id}: {run.summary or 'earlier settings'}"] = exp
    return out


def active_experiment(exp_key: str, pretrained_name: str | None):
    """The model Try and Inspect use: the session's own once it has trained at least one step
    (the current run, or an earlier run picked in the selector), otherwise the shipped pretrained
    one. Returns (experiment or None, human label)."""
    own = trained_runs(exp_key)
    if own:
        pretrained = (f"the pretrained model {pretrained_name}" if pretrained_name
                      else "no pretrained model")
        choices = list(own) + [pretrained]
        newest, seen = choices[0], f"_newest_{exp_key}"
        if st.session_state.get(f"{exp_key}_use") not in choices or st.session_state.get(seen) != newest:
            st.session_state[f"{exp_key}_use"] = newest      # a run that has just trained is picked
        st.session_state[seen] = newest
        picked = st.sidebar.selectbox("Try and Inspect use", choices, key=f"{exp_key}_use",
                                      help="Every training run of this session is kept (the last "
                                           "few); pick which one to try and look inside.")
        if picked in own:
            exp = own[picked]
            return exp, f"your model ({picked}, trained in this session{_best_step(exp)})"
    if pretrained_name is None:
        return None, "no pretrained model for these settings: train one in the Train tab"
    with engine_errors():
        return pretrained_experiment(pretrained_name), f"the pretrained model `{pretrained_name}`"
    return None, "the pretrained model could not be loaded"
