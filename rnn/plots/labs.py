"""Figures for the two labs: accuracy by word group (bidirectional lab), how far apart two
sentences' states are per direction, and how the RNN's gradient ratio depends on the spectral
radius of W_hh (gradient-flow lab). Pure functions from plain data to Plotly figures.
"""
from __future__ import annotations

import math
from typing import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from rnn.plots.theme import PALETTE, empty_figure, new_figure, hline, short_labels, vline, wrap_title

DIRECTION_COLOURS = {"unidirectional": PALETTE[0], "bidirectional": PALETTE[2]}


def group_accuracy_figure(rows: Sequence[Mapping], groups: Mapping[str, str],
                          usual_sense: float | None = None,
                          title: str = "Accuracy by kind of word (test set)") -> go.Figure:
    """Grouped bars: one group per kind of word, one bar per model.

    ``rows``: dicts with "model" and one key per entry of ``groups`` (column -> axis label).
    ``usual_sense`` draws the accuracy of always guessing each ambiguous word's usual sense
    over the first group: the most a model that cannot see the deciding word can expect.
    """
    rows = [r for r in rows if any(_finite(r.get(k)) for k in groups)]
    if not rows:
        return empty_figure(title)
    fig = new_figure(title, "", "accuracy", height=460)
    for i, row in enumerate(rows):
        label = str(row["model"])
        colour = next((c for k, c in DIRECTION_COLOURS.items() if k in label), PALETTE[i % 8])
        ys = [float(row.get(k, float("nan"))) for k in groups]
        # the groups' names on short lines: a long one is turned on its side on a phone, and
        # its length, taken from the plot's height, left no plot (phone screenshots)
        fig.add_trace(go.Bar(x=[wrap_title(g, 14) for g in groups.values()], y=ys, name=label,
                             marker_color=colour,
                             text=[f"{y:.0%}" if _finite(y) else "–" for y in ys],
                             textposition="outside", textfont=dict(size=18)))
    if _finite(usual_sense):
        # a shape over the first group only, named through a legend-only line (a text label
        # would sit on top of the bars' own numbers)
        line = dict(dash="dot", color="#555555", width=3)
        fig.add_shape(type="line", xref="x", x0=-0.45, x1=0.45, y0=usual_sense, y1=usual_sense,
                      line=line)
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", line=line,
                                 name=f"guess each word's usual sense: {usual_sense:.0%}"))
    fig.update_layout(barmode="group")
    fig.update_yaxes(range=[0, 1.15], tickformat=".0%")
    return fig


def direction_difference_figure(diffs: Mapping[str, Sequence], pair: tuple[str, str] = ("", ""),
                                title: str = "How different are the two sentences' states?"
                                ) -> go.Figure:
    """Bars per shared word: ||a_A - a_B|| of the forward and of the backward direction.

    ``diffs`` is ``rnn.lessons.bidirectional.direction_differences``'s dict. At a shared first
    word the forward states must be equal (nothing different has been read yet); at a shared
    last word the backward states must be.
    """
    labels = list(diffs.get("labels") or [])
    if not labels:
        return empty_figure(title, "the two sentences share no first or last word")
    fig = new_figure(title, "word the two sentences share", "distance between the states",
                     height=440)
    for name, key, colour in (("forward a→ (read left to right)", "forward", PALETTE[0]),
                              ("backward a← (read right to left)", "backward", PALETTE[1])):
        ys = [float(v) for v in diffs[key]]
        fig.add_trace(go.Bar(x=short_labels(labels), y=ys, name=name, marker_color=colour,
                             text=[f"{v:.1f}" for v in ys], textposition="outside"))
    fig.update_layout(barmode="group")
    return fig


def radius_sweep_figure(radii: Sequence[float], ratios: Mapping[str, Sequence[float]], T: int,
                        current: float | None = None) -> go.Figure:
    """||dL/dh_1|| / ||dL/dh_T|| of the vanilla RNN against the spectral radius of W_hh (log y).

    One line per activation. Below radius 1 the ratio collapses (vanishing), above it grows
    (exploding, faster for relu, which does not saturate); ``current`` marks the sidebar's radius.
    """
    title = f"Gradient that reaches step 1 of {T}, relative to step {T}"
    fig = new_figure(title, "spectral radius of W_aa", "‖∂L/∂a⟨1⟩‖ / ‖∂L/∂a⟨T⟩‖ (log)")
    for i, (act, ys) in enumerate(ratios.items()):
        y = np.asarray(ys, dtype=float)
        fig.add_trace(go.Scatter(x=list(radii), y=np.where(y > 0, y, np.nan), mode="lines+markers",
                                 name=f"g = {act}", line=dict(width=3, color=PALETTE[3 + i])))
    if not fig.data:
        return empty_figure(title)
    hline(fig, 1.0, dict(dash="dot", color="#555555"))
    vline(fig, 1.0, dict(dash="dash", color="#555555"), "radius 1: the unit circle", font_size=15)
    if current is not None:
        vline(fig, current, dict(color=PALETTE[1], width=3), "your W_aa", "bottom right", 15)
    fig.update_yaxes(type="log", exponentformat="power")
    return fig


def _finite(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
