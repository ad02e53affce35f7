"""Figures of the memory-and-gates lesson: accuracy against the gap, and one memory unit's story
across a sentence. Pure functions of plain data; an empty figure instead of an error."""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from rnn.plots.theme import (subplots, hline, PALETTE, arch_colour, empty_figure, new_figure, short_labels,
                             title_margin, wrap_title)


def gap_accuracy_figure(curves: Mapping[str, Mapping[int, float]],
                        title: str = "Accuracy against the gap between subject and verb") -> go.Figure:
    """One line per cell: ``curves`` maps a label to {gap in words: accuracy}. Chance is 0.5 (a
    dotted line, named in the y axis title so no label sits on a point). Lines that coincide (several
    cells at 1.0) stay visible: each has its own marker symbol, and the markers shrink from the
    first line to the last, so they nest instead of hiding each other."""
    fig = new_figure(title, "gap: words from the subject to its verb", "accuracy (dotted: chance)",
                     height=620)
    dashes = {"Leaky RNN": "dash", "Echo state net": "dot", "RNN trained on gaps 0-5": "dashdot",
              "ESN trained on gaps 0-5": "dashdot"}
    colours = {"RNN": PALETTE[0], "Leaky RNN": PALETTE[5], "Echo state net": PALETTE[3],
               "RNN trained on gaps 0-5": PALETTE[6], "ESN trained on gaps 0-5": PALETTE[4]}
    symbols = ("circle-open", "square-open", "diamond-open", "triangle-up-open", "x-thin-open",
               "cross-thin-open", "star-open")
    items = [(label, curve) for label, curve in (curves or {}).items() if curve]
    for i, (label, curve) in enumerate(items):
        pairs = sorted((int(g), float(a)) for g, a in (curve or {}).items())
        if not pairs:
            continue
        size = max(5, 17 - 3 * i)
        fig.add_trace(go.Scatter(x=[p[0] for p in pairs], y=[p[1] for p in pairs], name=str(label),
                                 mode="lines+markers",
                                 marker=dict(size=size, symbol=symbols[i % len(symbols)],
                                             line=dict(width=2)),
                                 line=dict(color=colours.get(str(label), arch_colour(label, i + 3)), width=3,
                                           dash=dashes.get(str(label), "solid")),
                                 hovertemplate=f"{label}, gap %{{x}}: %{{y:.2f}}<extra></extra>"))
    if not fig.data:
        return empty_figure(title)
    hline(fig, 0.5, dict(dash="dot", color="#555555"))
    fig.update_yaxes(range=[0.3, 1.05])
    # the legend below the plot: above it (the app's default) seven names wrap into rows that
    # cover the title on a phone
    fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.3, x=0, xanchor="left"),
                      margin=dict(b=200, t=title_margin(fig.layout.title.text or "", legend=False)))
    return fig


def unit_story_figure(tokens: Sequence[str], values: Mapping[str, object], gates: Mapping[str, object],
                      unit: int, state_name: str = "c⟨t⟩", title: str | None = None) -> go.Figure:
    """Top: the memory unit's value after each word, one line per sentence in ``values`` (label ->
    (L,) values; e.g. the typed sentence and the same one with the subject's number flipped).
    Bottom: the gates that keep or rewrite it (0..1), for the first sentence. The course notes' picture:
    set at the subject, held through the clause, read at the verb."""
    title = title or f"Memory unit {unit} of {state_name} across the sentence"
    lines = {k: np.asarray(v, dtype=float).ravel() for k, v in (values or {}).items() if v is not None}
    if not len(tokens) or not lines or any(len(v) != len(tokens) for v in lines.values()):
        return empty_figure(title)
    labels = short_labels(tokens)
    rows = 2 if gates else 1
    fig = subplots(rows=rows, cols=1, shared_xaxes=True, vertical_spacing=0.08,
                        row_heights=[0.55, 0.45] if rows == 2 else None)
    for i, (name, v) in enumerate(lines.items()):
        fig.add_trace(go.Scatter(x=labels, y=v, mode="lines+markers", name=name,
                                 line=dict(color=PALETTE[0] if i == 0 else PALETTE[3], width=3,
                                           dash="solid" if i == 0 else "dash"), marker=dict(size=9),
                                 hovertemplate="after %{x}: %{y:.2f}<extra></extra>"), row=1, col=1)
    for i, (name, g) in enumerate((gates or {}).items()):
        fig.add_trace(go.Scatter(x=labels, y=np.asarray(g, dtype=float).ravel(), name=name,
                                 mode="lines+markers", line=dict(color=PALETTE[(i + 1) % len(PALETTE)],
                                                                  width=2.5),
                                 hovertemplate="at %{x}: %{y:.2f}<extra></extra>"), row=2, col=1)
    wrapped = wrap_title(title)            # the default width: fits a 390 px phone
    fig.update_layout(title_text=wrapped, height=560 if rows == 2 else 400,
                      margin_t=title_margin(wrapped) + 30)
    fig.update_yaxes(title_text=state_name, row=1, col=1)
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


def plural_after_each_word(tokens: Sequence[str], probs,
                           title: str = "P(plural verb) after each word") -> go.Figure:
    """The model's P(plural) if the sentence stopped after word t, for every t: it should jump at
    the subject ("cat" / "cats") and then stay put through the clause, whatever nouns follow."""
    p = np.asarray(probs, dtype=float).ravel() if probs is not None else np.array([])
    if not len(tokens) or len(p) != len(tokens):
        return empty_figure(title)
    fig = new_figure(title, "sentence read so far ends with…", "P(plural verb)")
    fig.add_hrect(y0=0.5, y1=1.0, fillcolor=PALETTE[4], opacity=0.10, line_width=0,
                  annotation_text="plural: were / are / have", annotation_position="bottom right")
    fig.add_hrect(y0=0.0, y1=0.5, fillcolor=PALETTE[5], opacity=0.10, line_width=0,
                  annotation_text="singular: was / is / has", annotation_position="top right")
    fig.add_trace(go.Scatter(x=short_labels(tokens), y=p, mode="lines+markers", name="P(plural)",
                             line=dict(color=PALETTE[0], width=3), marker=dict(size=10),
                             hovertemplate="after %{x}: %{y:.2f}<extra></extra>"))
    hline(fig, 0.5, dict(dash="dot", color="#555555"))
    fig.update_yaxes(range=[0, 1])
    fig.update_xaxes(tickangle=-45)
    return fig
