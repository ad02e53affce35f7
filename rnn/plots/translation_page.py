"""Figures for the translation lesson: exact match by source length, one line per model
(where the encoder bottleneck shows: without attention, long inputs fail first)."""
from __future__ import annotations

from typing import Mapping

import plotly.graph_objects as go

from rnn.plots.training import line_style

from rnn.plots.theme import PALETTE, empty_figure, new_figure



def exact_match_by_length_figure(results: Mapping[str, Mapping], title: str =
                                 "Exact match by source length (validation set)",
                                 x_title: str = "source length (tokens)") -> go.Figure:
    """``results`` maps a model label to ``{source length: exact-match fraction}``."""
    fig = new_figure(title, x_title, "exact match")
    for i, (label, by_len) in enumerate((results or {}).items()):
        pairs = dict(sorted((int(k), float(v)) for k, v in (by_len or {}).items()))
        if not pairs:
            continue
        # every length from the shortest to the longest: a length with no example is a gap in
        # the line (None), not a straight segment that suggests a score nobody measured
        xs = list(range(min(pairs), max(pairs) + 1))
        fig.add_trace(go.Scatter(x=xs, y=[pairs.get(x) for x in xs], connectgaps=False,
                                 mode="lines+markers", name=str(label),
                                 marker=dict(size=9 + 3 * (i % 3), symbol=line_style(str(label), i)[1]),
                                 line=dict(color=PALETTE[i % len(PALETTE)], width=3,
                                           dash=line_style(str(label), i)[0])))
    if not fig.data:
        return empty_figure(title, "train the models above first")
    fig.update_yaxes(range=[-0.02, 1.05], tickformat=".0%")
    return fig
