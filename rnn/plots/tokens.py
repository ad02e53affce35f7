"""Per-token predictions: tag probabilities, sentiment as it builds up, next-token choices,
and the unidirectional vs bidirectional comparison.
"""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from rnn.plots.theme import (subplots, hline, PALETTE, empty_figure, new_figure, short_labels,
                             title_margin, wrap_title)

MAX_TOKENS = 80   # a longer sentence is cut: beyond this the bars are too thin to read


def _clean(tokens: Sequence[str], probs) -> tuple[list[str], list[float]] | None:
    """Tokens and probabilities cut to the same, capped length; None if there is nothing."""
    p = np.asarray(probs if probs is not None else [], dtype=float).ravel()
    n = min(len(tokens or []), len(p), MAX_TOKENS)
    if n == 0:
        return None
    return short_labels(list(tokens)[:n]), np.clip(p[:n], 0.0, 1.0).tolist()


def token_prob_bars(tokens: Sequence[str], probs, title: str = "P(part of a name) for each word",
                    y_title: str = "probability", threshold: float = 0.5) -> go.Figure:
    """One bar per token; bars over ``threshold`` (the decision) are drawn in the accent colour."""
    data = _clean(tokens, probs)
    if data is None:
        return empty_figure(title)
    labels, p = data
    colours = [PALETTE[1] if v >= threshold else PALETTE[0] for v in p]
    fig = new_figure(title, "word", y_title)
    fig.add_trace(go.Bar(x=labels, y=p, marker_color=colours, name=y_title,
                         text=[f"{v:.2f}" for v in p], textposition="outside"))
    hline(fig, threshold, dict(dash="dot", color="#555555"), f"decision threshold {threshold:g}",
          font_size=15)
    fig.update_yaxes(range=[0, 1.15])
    return fig


def prob_after_each_word(tokens: Sequence[str], probs,
                         title: str = "P(positive) after reading each word") -> go.Figure:
    """A many-to-one model's prediction if the text stopped after word t, for every t.

    This is where "not" and "but" become visible: the line jumps at the word that changes the
    meaning.
    """
    data = _clean(tokens, probs)
    if data is None:
        return empty_figure(title)
    labels, p = data
    fig = new_figure(title, "text read so far ends with…", "P(positive)")
    fig.add_hrect(y0=0.5, y1=1.0, fillcolor=PALETTE[2], opacity=0.08, line_width=0)
    fig.add_hrect(y0=0.0, y1=0.5, fillcolor=PALETTE[1], opacity=0.08, line_width=0)
    fig.add_trace(go.Scatter(x=labels, y=p, mode="lines+markers", name="P(positive)",
                             line=dict(color=PALETTE[0], width=3), marker=dict(size=11),
                             hovertemplate="after %{x}: %{y:.2f}<extra></extra>"))
    hline(fig, 0.5, dict(dash="dot", color="#555555"))
    fig.update_yaxes(range=[0, 1])
    return fig


def topk_bars(candidates, title: str = "Most likely next tokens", chosen: str | None = None,
              k: int = 10) -> go.Figure:
    """Horizontal bars for the top-k next tokens; ``candidates`` is a dict token -> probability
    or a list of (token, probability). The sampled token (``chosen``) is highlighted."""
    items = list(candidates.items()) if isinstance(candidates, Mapping) else list(candidates or [])
    items = sorted(((str(t), float(p)) for t, p in items), key=lambda tp: -tp[1])[:k]
    if not items:
        return empty_figure(title)
    # A space or newline would be an invisible label; show them as visible symbols.
    labels = [t.replace(" ", "␣").replace("\n", "⏎") or "∅" for t, _ in items]
    colours = [PALETTE[1] if t == chosen else PALETTE[0] for t, _ in items]
    fig = new_figure(title, "probability", "", height=max(300, 90 + 38 * len(items)))
    fig.add_trace(go.Bar(x=[p for _, p in items], y=short_labels(labels), orientation="h",
                         marker_color=colours, text=[f"{p:.2f}" for _, p in items],
                         textposition="outside", name="probability"))
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(range=[0, 1.1])
    return fig


def uni_vs_bi_figure(tokens: Sequence[str], uni_probs, bi_probs, focus: int = 0,
                     y_title: str = "P(name)",
                     title: str = "Left-to-right vs bidirectional, word by word") -> go.Figure:
    """The two models' per-token probabilities in two rows, with the context each could use.

    For the word at position ``focus`` the left-to-right model has only read words 0..focus
    (shaded in its row); the bidirectional model has read the whole sentence (shaded in its row).
    """
    uni, bi = _clean(tokens, uni_probs), _clean(tokens, bi_probs)
    if uni is None or bi is None:
        return empty_figure(title)
    labels, n = uni[0], min(len(uni[1]), len(bi[1]))
    focus = int(np.clip(focus, 0, n - 1))
    fig = subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.12,
                        subplot_titles=["left-to-right (unidirectional)", "bidirectional"])
    for row, (probs, colour, seen_to) in enumerate(
            [(uni[1], PALETTE[0], focus), (bi[1], PALETTE[2], n - 1)], start=1):
        fig.add_trace(go.Bar(x=labels[:n], y=probs[:n], marker_color=colour, showlegend=False,
                             text=[f"{v:.2f}" for v in probs[:n]], textposition="outside"),
                      row=row, col=1)
        # After the trace: plotly drops shapes aimed at a subplot that is still empty.
        fig.add_vrect(x0=-0.5, x1=seen_to + 0.5, fillcolor=colour, opacity=0.12, line_width=0,
                      row=row, col=1)
        fig.update_yaxes(range=[0, 1.2], title_text=y_title, row=row, col=1)
    wrapped = wrap_title(f"{title}<br><sup>shaded: what each model had read when it labelled "
                         f"“{labels[focus]}”</sup>")
    fig.update_layout(height=600, title_text=wrapped,
                      margin_t=title_margin(wrapped, legend=False) + 10)
    return fig
