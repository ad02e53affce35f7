"""What every lesson page computes the same way: which settings the shown model differs in, slices
of a trace for the Inspect tab (in the course's notation), and rows of the shipped-models tables.

No Streamlit here: rnn/ui/kit.py and the modules it uses (inspect_view, shipped, task_training) lay
these out.
"""
from __future__ import annotations

from dataclasses import fields

import numpy as np

from rnn.lessons.textgen import clean_text  # noqa: F401  (one cleaning rule for every typed text)
from rnn.models.config import ModelConfig

MAX_INSPECT_TOKENS = 60           # columns a heatmap can show on a projector
MAX_UNITS = 64                    # rows of units a heatmap shows (rnn.plots.heatmaps.MAX_UNITS)
RACE_CELLS = ("rnn", "gru", "lstm")   # the cells a task page's Compare tab races

# ModelConfig field -> how the page names it (the notice says "hidden units: 64 (model) / 128 (sidebar)")
SETTING_NAMES = {"arch": "cell", "hidden": "hidden units", "embed": "embedding size",
                 "layers": "stacked layers", "bidirectional": "bidirectional",
                 "dropout": "dropout", "nonlinearity": "nonlinearity", "attention": "attention",
                 "level": "tokens", "char_features": "spelling features"}


CELL_NAMES = {"rnn": "RNN", "leaky": "leaky RNN", "esn": "echo state network", "gru": "GRU",
              "lstm": "LSTM"}


def a_cell(arch: str) -> str:
    """"a GRU", "an LSTM", "an RNN", "an echo state network": the cell's name with its article
    (an acronym takes "an" when its first letter is said with a vowel: L is "el", R is "ar")."""
    name = CELL_NAMES.get(arch, str(arch).upper())
    first = name[:1]
    vowel = first in "AEFHILMNORSX" if name.split()[0].isupper() else first.lower() in "aeiou"
    return f"{'an' if vowel else 'a'} {name}"


def _shown(value) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(value).upper() if isinstance(value, str) and value in ("rnn", "gru", "lstm") else str(value)


def changed_settings(config: ModelConfig, base: ModelConfig, names) -> list[str]:
    """The fields ``names`` in which ``config`` differs from ``base``, as people say them:
    ``["hidden units 128", "spelling features off"]``."""
    out = []
    for name in names:
        value = getattr(config, name)
        if value != getattr(base, name):
            out.append(f"{SETTING_NAMES.get(name, name)} {_shown(value)}")
    return out


def setting_differences(model_config: ModelConfig, sidebar_config: ModelConfig,
                        model_dataset: str | None = None, sidebar_dataset: str | None = None,
                        relevant: tuple[str, ...] | None = None) -> list[str]:
    """Every setting in which the shown model differs from the sidebar, as short phrases:
    ``["attention `attention`: additive (model) / none (sidebar)", "data: numbers / dates"]``.

    ``relevant``: the ModelConfig fields that mean something on this page (None: all of them);
    a field the page never shows (e.g. ``attention`` on Sentiment) cannot differ meaningfully.
    """
    out = []
    names = relevant or tuple(f.name for f in fields(ModelConfig))
    for name in names:
        a, b = getattr(model_config, name, None), getattr(sidebar_config, name, None)
        if a != b:
            said = SETTING_NAMES.get(name, name)
            said = said if said == name else f"{said} `{name}`"   # the code name only when it differs
            out.append(f"{said}: {_shown(a)} (model) / {_shown(b)} (sidebar)")
    if model_dataset is not None and sidebar_dataset is not None and model_dataset != sidebar_dataset:
        out.append(f"data: {_display_dataset(model_dataset)} (model) / {_display_dataset(sidebar_dataset)} (sidebar)")
    return out


def _display_dataset(name: str) -> str:
    """A user's file is stored as ``file:NAME``; people know it as NAME."""
    return name[5:] if name.startswith("file:") else name


def direction_names(n_directions: int) -> list[str]:
    return ["forward a→ (left to right)", "backward a← (right to left)"][:n_directions]


# The course's names for the gates each cell computes, and PyTorch's names for the same tensors.
# GRU: PyTorch's z is the share of the OLD state kept, a = (1 − z) ⊙ n + z ⊙ a_prev, so the
# course's update gate Γ_u (the share of the NEW candidate) is 1 − z.
COURSE_GATES = {
    "lstm": (("i", "Γ_u (update, torch i)"), ("f", "Γ_f (forget, torch f)"),
             ("g", "c̃ (candidate, torch g)"), ("o", "Γ_o (output, torch o)")),
    "gru": (("z", "Γ_u = 1 − z (update, torch z)"), ("r", "Γ_r (relevance, torch r)"),
            ("n", "c̃ (candidate, torch n)")),
}
GATE_HELP = {
    "lstm": "Γ_u: how much of the candidate c̃⟨t⟩ enters the memory · Γ_f: how much of the old "
            "c⟨t−1⟩ is kept · c̃⟨t⟩: the candidate · Γ_o: how much of tanh(c⟨t⟩) is shown as "
            "a⟨t⟩. PyTorch calls them i, f, g, o.",
    "gru": "Γ_u: how much of the candidate c̃⟨t⟩ replaces the old state · Γ_r: how relevant the "
           "old state is to the candidate · c̃⟨t⟩: the candidate. PyTorch stores z = 1 − Γ_u "
           "(the share kept) and calls the candidate n.",
}


def course_gates(arch: str, arrays: dict) -> dict:
    """A trace's per-step gate arrays renamed (and for the GRU's z, turned into Γ_u = 1 − z) in
    the course's notation, in the order the equations use them."""
    out = {}
    for name, label in COURSE_GATES.get(arch, ()):
        if name in arrays:
            value = np.asarray(arrays[name])
            out[label] = 1.0 - value if (arch == "gru" and name == "z") else value
    return out


def unit_window(n_units: int, start: int = 0, size: int = MAX_UNITS) -> tuple[int, int]:
    """The [first, last) units a heatmap shows, starting at ``start`` (clamped)."""
    size = max(1, min(size, n_units))
    start = int(np.clip(start, 0, max(0, n_units - size)))
    return start, start + size


def trace_view(trace: dict, layer: int = 0, direction: int = 0, arch: str | None = None,
               max_tokens: int = MAX_INSPECT_TOKENS, first_unit: int = 0) -> dict:
    """One layer and direction of ``exp.trace(text)``, cut to ``max_tokens`` tokens and a window
    of at most ``MAX_UNITS`` units starting at ``first_unit``.

    Returns {"tokens", "h", "c" (LSTM, else None), "gates": {name: (T, H)}, "cut": bool, "total",
    "units": (first, last), "n_units"}. With ``arch`` the gates carry the course's names
    (``course_gates``); without it PyTorch's (r, z, n, i, f, g, o).
    """
    tokens = list(trace["tokens"])[:max_tokens]
    layers = trace["layers"]
    layer = int(np.clip(layer, 0, len(layers) - 1))
    per_dir = layers[layer]
    arrays = per_dir[int(np.clip(direction, 0, len(per_dir) - 1))]
    n_units = int(np.asarray(arrays["h"]).shape[-1])
    lo, hi = unit_window(n_units, first_unit)
    arrays = {k: np.asarray(v)[: len(tokens), lo:hi] for k, v in arrays.items()}
    if arch in COURSE_GATES:
        gates = course_gates(arch, arrays)
    else:
        gates = {k: arrays[k] for k in ("r", "z", "n", "i", "f", "g", "o") if k in arrays}
    return {"tokens": tokens, "h": arrays["h"], "c": arrays.get("c"), "gates": gates,
            "cut": len(trace["tokens"]) > len(tokens), "total": len(trace["tokens"]),
            "units": (lo, hi), "n_units": n_units}


def last_metric(history, key: str):
    """The last validation value of ``key`` in an experiment's history (None if never measured)."""
    from rnn.train.history import select
    for record in reversed(select(history, "eval")):
        if isinstance(record.get(key), (int, float)):
            return float(record.get(key))
    return None


def metric_rows(histories: dict, columns: dict) -> list[dict]:
    """One table row per model: its last validation value for each ``columns`` key (key -> header).

    ``histories`` maps a model label to its experiment history."""
    rows = []
    for label, history in histories.items():
        row = {"model": label}
        row.update({header: last_metric(history, key) for key, header in columns.items()})
        rows.append(row)
    return rows
