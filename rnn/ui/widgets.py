"""Sidebar controls that build the engine's config objects, clamped to the server's limits.

The controls a teacher would want to share (cell, sizes, learning rate, clipping, budget) are
bound to the URL (``bind="query-params"``), so a link reproduces the experiment. Keys carry the
task as a prefix (``ner_arch``) so two lessons' settings never leak into each other.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Mapping

import streamlit as st

from rnn.models.config import ARCHS, ATTENTIONS, CELL_LABELS, CELL_SHORT, LEVELS, ModelConfig, sidebar_fields
from rnn.train.config import OPTIMIZERS, TrainConfig
from rnn.ui.setup import ui_settings

URL = "query-params"              # bind= value of every widget whose value belongs in the link
CELLS = ARCHS                     # every cell the engine has, in its order
ARCH_LABELS = CELL_LABELS         # cell -> the name a person reads
ARCH_URL = CELL_SHORT             # cell -> the name the URL holds (?ner_arch=GRU, not an index)
LEARNING_RATES = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0)
BATCH_SIZES = (8, 16, 32, 64, 128)
SIZES = (4, 8, 16, 32, 64, 128, 256, 512, 1024)
LEAKS = (0.0, 0.1, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95)     # α: the share of the OLD state kept
RADII = (0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 1.1, 1.5)


def _build(cls, values: dict):
    """``cls(**values)`` keeping only its fields (a page's training defaults may carry more)."""
    known = {f.name for f in dataclasses.fields(cls)}
    return cls(**{k: v for k, v in values.items() if k in known})


def _as_dict(defaults: Any) -> dict:
    if defaults is None:
        return {}
    if dataclasses.is_dataclass(defaults):
        return dataclasses.asdict(defaults)
    if isinstance(defaults, Mapping):
        return dict(defaults)
    return dict(vars(defaults))


def clamp(value, lo, hi):
    """``value`` forced into [lo, hi] (a URL or a stale session can hold anything)."""
    return max(lo, min(hi, value))


def _size_options(limit: int) -> list[int]:
    opts = [s for s in SIZES if s <= limit]
    return opts + [limit] if not opts or opts[-1] != limit else opts


def _nearest(options, value):
    return min(options, key=lambda o: abs(o - value))


def _size_slider(label: str, key: str, default: int, limit: int, help: str) -> int:
    options = _size_options(int(limit))
    # the slider returns one of its options, all in [1, limit] (a stale or hand-made URL value
    # is reset to the default by Streamlit)
    return int(st.select_slider(label, options, value=_nearest(options, default), key=key,
                                bind=URL, help=help))


def architecture_sidebar(task: str, defaults: Any = None):
    """Sidebar "Architecture" section; returns a ``ModelConfig`` for ``task``.

    ``defaults``: a ModelConfig, a dict of its fields, or None. After the cell, sizes and layers
    come the fields the task declares (``rnn.models.config.sidebar_fields``: e.g. ``attention``
    for translation, ``level`` and no ``bidirectional`` for textgen), each drawn by its entry in
    ``FIELD_RENDERERS``. The result is the defaults with the drawn fields replaced.
    """
    lim, d = ui_settings(), _as_dict(defaults)
    base = defaults if isinstance(defaults, ModelConfig) else ModelConfig.from_dict(d)
    st.sidebar.header("Architecture")
    values = {}
    with st.sidebar:
        # Options are the display names because a bound selectbox writes the shown label into
        # the URL: ?ner_arch=GRU reads better than an index.
        arch = str(d.get("arch", "lstm")).lower()
        names = list(ARCH_URL.values())
        chosen = st.selectbox("Recurrent cell", names, key=f"{task}_arch", bind=URL,
                              index=list(ARCH_URL).index(arch) if arch in ARCH_URL else CELLS.index("lstm"),
                              help="RNN: the vanilla tanh cell. GRU and LSTM add gates that "
                                   "decide what to keep, which helps over long distances.")
        values["arch"] = {v: k for k, v in ARCH_URL.items()}[chosen]
        values["hidden"] = _size_slider("Hidden units (size of a⟨t⟩)", f"{task}_hidden",
                                        int(d.get("hidden", 64)), lim.max_hidden,
                                        "More units remember more, but train slower.")
        values["embed"] = _size_slider("Embedding size (size of e⟨t⟩)", f"{task}_embed",
                                       int(d.get("embed", 32)), lim.max_embed,
                                       "Length of the vector that stands for each token.")
        values["layers"] = int(clamp(st.slider(
            "Stacked layers", 1, lim.max_layers, int(clamp(int(d.get("layers", 1)), 1, lim.max_layers)),
            key=f"{task}_layers", bind=URL), 1, lim.max_layers))
        values.update(_task_specific(task, values["arch"], d))
    return dataclasses.replace(base, **values)


def _bidirectional(task: str, arch: str, d: dict) -> dict:
    return {"bidirectional": st.toggle("Bidirectional (also read right to left)",
                                       bool(d.get("bidirectional", False)),
                                       key=f"{task}_bidirectional", bind=URL)}


def _dropout(task: str, arch: str, d: dict) -> dict:
    return {"dropout": float(clamp(st.slider(
        "Dropout", 0.0, 0.5, float(clamp(d.get("dropout", 0.0), 0.0, 0.5)), 0.1,
        key=f"{task}_dropout", bind=URL,
        help="While training, zero this share of the values on the embeddings, between stacked "
             "layers and before the output layer (fights overfitting on small data)."),
        0.0, 0.5))}


def _leak(task: str, arch: str, d: dict) -> dict:
    if arch != "leaky":
        return {}
    leak = float(st.select_slider(
        "Leak α (share of the old state kept each step)", LEAKS, key=f"{task}_leak", bind=URL,
        value=_nearest(LEAKS, float(d.get("leak", 0.5))),
        help="a⟨t⟩ = α a⟨t−1⟩ + (1 − α) tanh(W_aa a⟨t−1⟩ + W_ax x⟨t⟩ + b_a), as in the course "
             "notes (chapter 10, §10.9.2). α = 0 is the vanilla RNN; an α near 1 keeps the old "
             "state longer."))
    learn = st.toggle("Learn α per unit", bool(d.get("learn_leak", False)),
                      key=f"{task}_learn_leak", bind=URL, disabled=leak <= 0.0)
    return {"leak": leak, "learn_leak": bool(learn) and leak > 0.0}


def _spectral_radius(task: str, arch: str, d: dict) -> dict:
    if arch != "esn":
        return {}
    return {"spectral_radius": float(st.select_slider(
        "Spectral radius ρ of the frozen W_aa", RADII, key=f"{task}_spectral_radius", bind=URL,
        value=_nearest(RADII, float(d.get("spectral_radius", 0.9))),
        help="An echo state network never trains W_aa or W_ax: they are random, W_aa scaled "
             "to this radius. Only the readout learns. Near 1, echoes of old inputs last long."))}


def _nonlinearity(task: str, arch: str, d: dict) -> dict:
    if arch != "rnn":
        return {}
    return {"nonlinearity": st.radio("Nonlinearity g", ("tanh", "relu"), horizontal=True,
                                     index=1 if d.get("nonlinearity") == "relu" else 0,
                                     key=f"{task}_nonlinearity", bind=URL)}


def _attention(task: str, arch: str, d: dict) -> dict:
    att = d.get("attention", ModelConfig.attention)
    index = ATTENTIONS.index(att if att in ATTENTIONS else ModelConfig.attention)
    return {"attention": st.radio("Attention", ATTENTIONS, horizontal=True, key=f"{task}_attention",
                                  index=index, bind=URL)}


def _level(task: str, arch: str, d: dict) -> dict:
    return {"level": st.radio("Tokens", LEVELS, horizontal=True, key=f"{task}_level",
                              index=LEVELS.index(d["level"]) if d.get("level") in LEVELS else 0,
                              bind=URL,
                              help="char: one token per character; word: one per word "
                                   "(`--level` on the command line). The address holds the "
                                   "same word, so a link opens the same level.")}


def _char_features(task: str, arch: str, d: dict) -> dict:
    return {"char_features": st.toggle("Spelling features (capitals, suffixes)",
                                       bool(d.get("char_features", True)),
                                       key=f"{task}_char_features", bind=URL)}


# ModelConfig field -> its sidebar control; a task lists the fields it shows (config.sidebar_fields)
FIELD_RENDERERS = {"bidirectional": _bidirectional, "dropout": _dropout, "leak": _leak,
                   "spectral_radius": _spectral_radius, "nonlinearity": _nonlinearity,
                   "attention": _attention, "level": _level, "char_features": _char_features}


def _task_specific(task: str, arch: str, d: dict) -> dict:
    """The fields ``task`` declares (rnn.models.config.sidebar_fields), each drawn by its renderer
    from the chosen cell ``arch`` and the defaults ``d`` (never the other fields' values)."""
    out: dict = {}
    for name in sidebar_fields(task):
        out.update(FIELD_RENDERERS[name](task, arch, d))
    return out


def apply_fitted(task: str, model: Mapping, train: Mapping) -> None:
    """Put a data fit's choices into ``task``'s sidebar widgets (each snaps to its nearest option);
    call it from a button's ``on_click`` (before the widgets are drawn again)."""
    limits = ui_settings()
    for name, limit in (("hidden", limits.max_hidden), ("embed", limits.max_embed)):
        if name in model:
            st.session_state[f"{task}_{name}"] = _nearest(_size_options(int(limit)), int(model[name]))
    if "layers" in model:
        st.session_state[f"{task}_layers"] = int(model["layers"])
    if "dropout" in model:
        st.session_state[f"{task}_dropout"] = round(float(model["dropout"]), 1)
    if "lr" in train:
        st.session_state[f"{task}_lr"] = _nearest(LEARNING_RATES, float(train["lr"]))
    if "batch_size" in train:
        st.session_state[f"{task}_batch_size"] = _nearest(BATCH_SIZES, int(train["batch_size"]))


def training_sidebar(defaults: Any = None, task: str = ""):
    """Sidebar "Training" section; returns a ``TrainConfig`` clamped to the limits.

    ``defaults``: a TrainConfig, a dict of its fields, or None. ``task`` prefixes the widget
    keys (and URL parameters) as in ``architecture_sidebar``.
    """
    lim, d = ui_settings(), _as_dict(defaults)
    p = f"{task}_" if task else ""
    values = dict(d)
    with st.sidebar:
        st.header("Training")
        opt = d.get("optimizer", "adam")
        values["optimizer"] = st.radio("Optimizer", OPTIMIZERS, horizontal=True, key=p + "optimizer", bind=URL,
                                       index=OPTIMIZERS.index(opt) if opt in OPTIMIZERS else 0)
        values["lr"] = float(st.select_slider("Learning rate", LEARNING_RATES, key=p + "lr", bind=URL,
                                              value=_nearest(LEARNING_RATES, float(d.get("lr", 3e-3))),
                                              format_func=lambda v: f"{v:g}"))
        values["batch_size"] = int(st.select_slider(
            "Batch size", BATCH_SIZES, value=_nearest(BATCH_SIZES, int(d.get("batch_size", 32))),
            key=p + "batch_size", bind=URL))
        values["clip"] = _clip_control(p, d.get("clip", 1.0))
        max_s = int(lim.max_seconds)
        values["seconds"] = float(clamp(st.slider(
            "Time budget (seconds)", 5, max_s, int(clamp(d.get("seconds") or 60, 5, max_s)), 5,
            key=p + "seconds", bind=URL), 1, lim.max_seconds))
        values["seed"] = int(st.number_input("Random seed", 0, 1_000_000, int(d.get("seed", 0)),
                                             key=p + "seed", bind=URL))
    if d.get("steps") is not None:
        values["steps"] = int(clamp(int(d["steps"]), 1, lim.max_steps))
    return _build(TrainConfig, values)


def _clip_control(prefix: str, default) -> float | None:
    """A toggle and a threshold: None means "do not clip" (the gradient-flow lesson turns it off)."""
    on = st.toggle("Clip gradients", default is not None, key=prefix + "clip_on", bind=URL)
    if not on:
        return None
    value = st.select_slider("Clip threshold (max ‖gradient‖)", (0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0),
                             value=_nearest((0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0), float(default or 1.0)),
                             key=prefix + "clip", bind=URL)
    return float(value)


def lesson_tabs(names=("Learn", "Train", "Try", "Inspect", "Compare"), key: str = "tab"):
    """The lesson tabs, bound to the URL so a shared link opens on the same tab."""
    return st.tabs(list(names), key=key, bind=URL)
