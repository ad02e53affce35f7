"""Figures for the text-generation lesson: one hidden unit's value over a text, drawn as the
text itself with each character coloured by the unit (the "quote-tracking neuron" view of
Karpathy's char-rnn post), and several samples' token probabilities.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import plotly.graph_objects as go

from rnn.plots.theme import DIVERGING, FONT_SIZE, empty_figure, new_figure, title_margin

LINE_WIDTH = 32       # characters per row of the coloured text


def _rows(labels: Sequence[str], values: np.ndarray, width: int):
    """Break the text into rows: at a newline (as in the text) or after ``width`` tokens."""
    rows, row_vals, cur, cur_v = [], [], [], []
    for lab, v in zip(labels, values):
        cur.append(lab)
        cur_v.append(v)
        if lab == "⏎" or len(cur) >= width:
            rows.append(cur)
            row_vals.append(cur_v)
            cur, cur_v = [], []
    if cur:
        rows.append(cur)
        row_vals.append(cur_v)
    return rows, row_vals


def unit_text_figure(labels: Sequence[str], values, title: str = "One unit over the text",
                     width: int = LINE_WIDTH) -> go.Figure:
    """Each token printed in a cell coloured by one unit's value (blue < 0 < red).

    ``labels``: visible tokens (newline as "⏎"); ``values``: one number per token.
    """
    v = np.asarray(values if values is not None else [], dtype=float).ravel()
    n = min(len(labels or []), len(v))
    if n == 0:
        return empty_figure(title)
    rows, row_vals = _rows(list(labels)[:n], v[:n], width)
    cols = max(len(r) for r in rows)
    z = np.full((len(rows), cols), np.nan)
    text = [["" for _ in range(cols)] for _ in rows]
    for i, (r, rv) in enumerate(zip(rows, row_vals)):
        z[i, : len(rv)] = rv
        text[i][: len(r)] = r
    bound = max(float(np.nanmax(np.abs(v[:n]))), 1e-6)
    fig = new_figure(title, height=max(220, min(760, 130 + 44 * len(rows))))
    fig.add_trace(go.Heatmap(z=z, text=text, texttemplate="%{text}", colorscale=DIVERGING,
                             zmin=-bound, zmid=0.0, zmax=bound, xgap=2, ygap=4,
                             textfont=dict(size=FONT_SIZE + 2, family="monospace"),
                             colorbar=dict(title=dict(text="value")),
                             hovertemplate="%{text}: %{z:.3f}<extra></extra>"))
    fig.update_yaxes(autorange="reversed", visible=False)
    fig.update_xaxes(visible=False)
    fig.update_layout(margin_t=title_margin(fig.layout.title.text, legend=False))
    return fig
