"""Heatmaps of what happens inside the network: hidden states, gates, attention weights.

Convention: time (tokens) runs left to right on x, as in the unrolled drawings; units run down y.
"""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from rnn.plots.theme import (subplots, DIVERGING, FONT_SIZE, SEQUENTIAL, empty_figure,
                             new_figure, short_labels, title_margin,
                             wrap_title)

COURSE_NAMES = {"h": "a⟨t⟩", "c": "c⟨t⟩"}    # PyTorch's state names -> the course's, on colour bars
MAX_UNITS = 64     # more rows than this cannot be read on a projector; show the first ones
# Gates are sigmoids in (0, 1), so their diverging scale is centred at 0.5 ("half open").
GATE_RANGE = {"i": (0.0, 1.0), "f": (0.0, 1.0), "o": (0.0, 1.0), "r": (0.0, 1.0), "z": (0.0, 1.0)}


def _as_matrix(values, n_tokens: int) -> np.ndarray | None:
    """(T, H) float array, or None if it is empty or does not match the tokens."""
    arr = np.asarray(values if values is not None else [], dtype=float)
    if arr.ndim == 1 and arr.size:
        arr = arr[:, None]
    if arr.ndim != 2 or arr.size == 0 or arr.shape[0] != n_tokens:
        return None
    return arr[:, :MAX_UNITS]


def is_gate(name: str) -> bool:
    """A sigmoid gate (0..1): PyTorch's names (i, f, o, r, z) or the course's (Γ_u, Γ_f, ...)."""
    return name in GATE_RANGE or name.startswith("Γ")


def _range_for(name: str, arr: np.ndarray) -> tuple[float, float, float]:
    """(zmin, zmid, zmax): fixed for gates, symmetric about 0 for states."""
    if is_gate(name):
        return 0.0, 0.5, 1.0
    bound = float(np.nanmax(np.abs(arr))) if np.isfinite(arr).any() else 1.0
    bound = max(bound, 1e-6)
    return -bound, 0.0, bound


TOKEN_AXIS_PX = 620           # about how wide a full-width heatmap's plot area is on a projector


def token_axis(fig: go.Figure, labels: Sequence[str]) -> None:
    """Every token labelled, and legible: single characters stand upright; longer tokens are
    turned; the font shrinks as the columns narrow (60 characters of a name list still read
    one per column instead of running into each other)."""
    n = max(1, len(labels))
    column = TOKEN_AXIS_PX / n
    longest = max((len(str(t).rstrip("\u200b")) for t in labels), default=1)
    if longest <= 1:
        size, angle = int(min(FONT_SIZE - 2, max(9, column * 0.8))), 0
    else:
        size, angle = int(min(FONT_SIZE - 2, max(9, column * 0.75))), (0 if column > 9 * longest else -90)
    fig.update_xaxes(dtick=1, tickangle=angle, tickfont=dict(size=size))


def state_heatmap(values, tokens: Sequence[str], name: str = "h",
                  title: str | None = None) -> go.Figure:
    """One state or gate over a sentence: ``values`` is (T, H), one row per token.

    ``name`` picks the colour range: gates ("i", "f", "o", "r", "z") are fixed to [0, 1],
    states ("h", "c", "g", "n") are symmetric about 0 so blue = negative and red = positive.
    """
    title = title or f"{name} at each token (units on the vertical axis)"
    arr = _as_matrix(values, len(tokens))
    if arr is None:
        return empty_figure(title)
    zmin, zmid, zmax = _range_for(name, arr)
    fig = new_figure(title, "token", "unit", height=max(320, min(700, 120 + 14 * arr.shape[1])))
    fig.add_trace(go.Heatmap(z=arr.T, x=short_labels(tokens), y=list(range(arr.shape[1])),
                             colorscale=DIVERGING, zmin=zmin, zmid=zmid, zmax=zmax, name=name,
                             colorbar=dict(title=dict(text=COURSE_NAMES.get(name, name),
                                                      font=dict(size=FONT_SIZE))),
                             hovertemplate="token %{x}<br>unit %{y}<br>value %{z:.3f}<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    token_axis(fig, short_labels(tokens))     # every token labelled (plotly would thin them)
    fig.update_layout(margin_t=title_margin(fig.layout.title.text, legend=False))
    return fig


def gates_heatmap(gates: Mapping[str, object], tokens: Sequence[str],
                  title: str = "Gate activations at each token") -> go.Figure:
    """All gates of one layer and direction stacked vertically, sharing the token axis.

    ``gates`` maps a gate name ("i", "f", "g", "o", "c" for LSTM; "r", "z", "n" for GRU; "h")
    to a (T, H) array.
    """
    mats = {k: m for k, v in (gates or {}).items() if (m := _as_matrix(v, len(tokens))) is not None}
    if not mats:
        return empty_figure(title)
    # Each row has its own colour bar beside it: a gate's is 0..1, a state's (c̃⟨t⟩ = tanh(…),
    # −1..1; c⟨t⟩ unbounded) is symmetric about 0, so no row is read on another row's scale.
    titles = [f"{k}: 0 = closed, 1 = open" if is_gate(k) else
              f"{k}: blue < 0 < red, max |{k}| = {_range_for(k, m)[2]:.2g}" for k, m in mats.items()]
    fig = subplots(rows=len(mats), cols=1, shared_xaxes=True, vertical_spacing=0.06,
                        subplot_titles=titles)
    labels = short_labels(tokens)
    for row, (name, arr) in enumerate(mats.items(), start=1):
        zmin, zmid, zmax = _range_for(name, arr)
        low, high = fig.layout[f"yaxis{row if row > 1 else ''}"].domain
        fig.add_trace(go.Heatmap(z=arr.T, x=labels, colorscale=DIVERGING, zmin=zmin, zmid=zmid,
                                 zmax=zmax, showscale=True, name=name,
                                 colorbar=dict(y=(low + high) / 2, len=high - low, yanchor="middle",
                                               thickness=14, tickfont=dict(size=FONT_SIZE - 5)),
                                 hovertemplate=f"{name}: " + "%{x}, unit %{y}: %{z:.3f}<extra></extra>"),
                      row=row, col=1)
        fig.update_yaxes(autorange="reversed", title_text="unit", row=row, col=1)
    token_axis(fig, labels)
    wrapped = wrap_title(title)
    fig.update_layout(title_text=wrapped, height=min(1400, 110 + 220 * len(mats)),
                      margin_t=title_margin(wrapped, legend=False) + 10)
    return fig


def attention_heatmap(weights, src_tokens: Sequence[str], tgt_tokens: Sequence[str],
                      title: str = "Attention: which source words each output word looked at"
                      ) -> go.Figure:
    """Attention weights, ``weights[j, i]`` = how much output word j attended to source word i.

    Source on x, target on y (first output word at the top); each row sums to 1.
    """
    arr = np.asarray(weights if weights is not None else [], dtype=float)
    if arr.ndim != 2 or arr.size == 0 or arr.shape != (len(tgt_tokens), len(src_tokens)):
        return empty_figure(title)
    fig = new_figure(title, "source (input) word", "output word",
                     height=max(360, min(800, 160 + 34 * len(tgt_tokens))))
    fig.add_trace(go.Heatmap(z=arr, x=short_labels(src_tokens), y=short_labels(tgt_tokens),
                             colorscale=SEQUENTIAL, zmin=0.0, zmax=1.0,
                             colorbar=dict(title=dict(text="weight")),
                             hovertemplate="output %{y} ← source %{x}: %{z:.2f}<extra></extra>"))
    fig.update_yaxes(autorange="reversed", dtick=1)
    fig.update_xaxes(dtick=1)
    fig.update_layout(margin_t=title_margin(fig.layout.title.text, legend=False))
    return fig
