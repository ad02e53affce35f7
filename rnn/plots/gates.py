"""Figures of the memory-and-gates lesson: accuracy against the gap, and one memory unit's story
across a sentence. Pure functions of plain data; an empty figure instead of an error."""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from rnn.plots.theme import (PALETTE, TEMPLATE_NAME, arch_colour, empty_figure, new_figure, short_labels,
                             title_margin, wrap_title)


def gap_accuracy_figure(curves: Mapping[str, Mapping[int, float]],
                        title: str = "Accuracy against the gap between subject and verb") -> go.Figure:
    """One line per cell: ``curves`` maps a label to {gap in words: accuracy}. Chance is 0.5."""
    fig = new_figure(title, "gap: words between the subject and its verb", "accuracy")
    dashes = {"Leaky RNN": "dash", "Echo state net": "dot", "RNN trained on gaps 0-5": "dashdot"}
    for i, (label, curve) in enumerate((curves or {}).items()):
        pairs = sorted((int(g), float(a)) for g, a in (curve or {}).items())
        if not pairs:
            continue
        fig.add_trace(go.Scatter(x=[p[0] for p in pairs], y=[p[1] for p in pairs], name=str(label),
                                 mode="lines+markers", marker=dict(size=9),
                                 line=dict(color=arch_colour(label, i + 3), width=3,
                                           dash=dashes.get(str(label), "solid")),
                                 hovertemplate=f"{label}, gap %{{x}}: %{{y:.2f}}<extra></extra>"))
    if not fig.data:
        return empty_figure(title)
    fig.add_hline(y=0.5, line=dict(dash="dot", color="#555555"), annotation_text="chance",
                  annotation_position="bottom right")
    fig.update_yaxes(range=[0.3, 1.03])
    return fig


def unit_story_figure(tokens: Sequence[str], value, gates: Mapping[str, object], unit: int,
                      state_name: str = "c⟨t⟩", title: str | None = None) -> go.Figure:
    """Top: the memory unit's value after each word. Bottom: the gates that keep or rewrite it
    (0..1). The seeds' picture: set at the subject, held through the clause, read at the verb."""
    title = title or f"Memory unit {unit} of {state_name} across the sentence"
    values = np.asarray(value, dtype=float).ravel() if value is not None else np.array([])
    if not len(tokens) or len(values) != len(tokens):
        return empty_figure(title)
    labels = short_labels(tokens)
    rows = 2 if gates else 1
    fig = make_subplots(rows=rows, cols=1, shared_xaxes=True, vertical_spacing=0.08,
                        row_heights=[0.55, 0.45][:rows] if rows == 2 else None)
    fig.add_trace(go.Scatter(x=labels, y=values, mode="lines+markers", name=f"{state_name}[{unit}]",
                             line=dict(color=PALETTE[0], width=3), marker=dict(size=10),
                             hovertemplate="after %{x}: %{y:.2f}<extra></extra>"), row=1, col=1)
    for i, (name, g) in enumerate((gates or {}).items()):
        fig.add_trace(go.Scatter(x=labels, y=np.asarray(g, dtype=float).ravel(), name=name,
                                 mode="lines+markers", line=dict(color=PALETTE[(i + 1) % len(PALETTE)],
                                                                  width=2.5),
                                 hovertemplate="at %{x}: %{y:.2f}<extra></extra>"), row=2, col=1)
    wrapped = wrap_title(title, 60)
    fig.update_layout(template=TEMPLATE_NAME, title_text=wrapped, height=520 if rows == 2 else 380,
                      margin_t=title_margin(wrapped))
    fig.update_yaxes(title_text="value", row=1, col=1)
    if rows == 2:
        fig.update_yaxes(title_text="gate", range=[-0.05, 1.05], row=2, col=1)
    fig.update_xaxes(tickangle=-45)
    return fig


def unit_scores_figure(scores: Sequence[float], chosen: int,
                       title: str = "How well each unit alone tells singular from plural") -> go.Figure:
    """Bars: the single-unit accuracy of every unit at the verb; the chosen one highlighted."""
    if not len(scores):
        return empty_figure(title)
    colours = [PALETTE[1] if k == chosen else "#9aa5b1" for k in range(len(scores))]
    fig = new_figure(title, "unit", "accuracy of that unit alone", height=320)
    fig.add_trace(go.Bar(x=list(range(len(scores))), y=list(scores), marker_color=colours,
                         hovertemplate="unit %{x}: %{y:.2f}<extra></extra>", showlegend=False))
    fig.update_yaxes(range=[0.4, 1.02])
    return fig
