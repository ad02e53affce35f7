"""Unrolled drawings of the four RNN shapes, built from plotly shapes and arrows.

Each drawing is the same cell copied along time (left to right): inputs x⟨t⟩ below, the
recurrent cell in the middle passing its activation a⟨t⟩ to the right, outputs ŷ⟨t⟩ above.
Only where inputs and outputs exist differs, which is the whole point of the taxonomy.
"""
from __future__ import annotations

import plotly.graph_objects as go

from rnn.plots.theme import PALETTE, new_figure, title_margin

# kind -> (title, example, number of steps, steps with an input, steps with an output,
#          steps drawn as decoder cells)
KINDS = {
    "one-to-many": ("One-to-many", "one input, a sequence out: generate text or music",
                    4, {0}, {0, 1, 2, 3}, set()),
    "many-to-one": ("Many-to-one", "a sequence in, one label out: sentiment of a review",
                    4, {0, 1, 2, 3}, {3}, set()),
    "many-to-many": ("Many-to-many, aligned (Tx = Ty)", "one label per input word: named entities",
                     4, {0, 1, 2, 3}, {0, 1, 2, 3}, set()),
    "encoder-decoder": ("Encoder-decoder (Tx ≠ Ty)", "read the whole input, then write: translation",
                        6, {0, 1, 2}, {3, 4, 5}, {3, 4, 5}),
}
_W, _H = 0.6, 0.5          # box width and height, in data units (one time step = 1 unit)
_Y = {"x": 0.0, "a": 1.3, "y": 2.6}
_COLOURS = {"x": "#D9ECF7", "a": "#E6F4EA", "dec": "#FBE7D9", "y": "#FFF2CC"}


def _box(shapes: list, notes: list, t: int, row: str, text: str, fill: str) -> None:
    shapes.append(dict(type="rect", x0=t - _W / 2, x1=t + _W / 2, y0=_Y[row] - _H / 2,
                       y1=_Y[row] + _H / 2, line=dict(color="#333333", width=2), fillcolor=fill))
    notes.append(dict(x=t, y=_Y[row], text=text, showarrow=False, font=dict(size=17)))


def _arrow(notes: list, x0: float, y0: float, x1: float, y1: float, dash: bool = False) -> None:
    notes.append(dict(x=x1, y=y1, ax=x0, ay=y0, xref="x", yref="y", axref="x", ayref="y",
                      text="", showarrow=True, arrowhead=2, arrowsize=1.2, arrowwidth=2,
                      arrowcolor=PALETTE[3] if dash else "#333333"))


def taxonomy_figure(kind: str, height: int = 300) -> go.Figure:
    """The unrolled network for ``kind`` in ``KINDS`` ("one-to-many", "many-to-one",
    "many-to-many", "encoder-decoder"). Unknown kinds raise ValueError (a programming error)."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    title, example, steps, inputs, outputs, decoder = KINDS[kind]
    fig = new_figure(f"{title}<br><sup>{example}</sup>", height=height)
    # Shapes and arrows are collected and set once: plotly's add_annotation re-validates every
    # annotation already there, so adding ~25 one by one cost ~0.3 s a figure (the home page's
    # first visit; BENCHMARKS.md, "Start-up").
    shapes, notes = [], []
    for t in range(steps):
        is_dec = t in decoder
        _box(shapes, notes, t, "a", "dec" if is_dec else ("enc" if decoder else "a"),
             _COLOURS["dec" if is_dec else "a"])
        if t in inputs:
            _box(shapes, notes, t, "x", f"x⟨{t + 1}⟩", _COLOURS["x"])
            _arrow(notes, t, _Y["x"] + _H / 2, t, _Y["a"] - _H / 2)
        if t in outputs:
            k = t + 1 - (min(outputs) if decoder else 0)
            _box(shapes, notes, t, "y", f"ŷ⟨{k}⟩", _COLOURS["y"])
            _arrow(notes, t, _Y["a"] + _H / 2, t, _Y["y"] - _H / 2)
        if t > 0:
            _arrow(notes, t - 1 + _W / 2, _Y["a"], t - _W / 2, _Y["a"])
        # Generation feeds each output back in as the next input (drawn in the accent colour).
        if t > 0 and t - 1 in outputs and t in outputs and t not in inputs:
            _arrow(notes, t - 1 + _W / 2, _Y["y"] - _H / 4, t - _W / 4, _Y["a"] + _H / 2, dash=True)
    fig.update_layout(shapes=shapes, annotations=notes)
    fig.update_xaxes(visible=False, range=[-0.6, steps - 0.4])
    fig.update_yaxes(visible=False, range=[-0.45, 3.05], scaleanchor=None)
    fig.update_layout(margin=dict(l=10, r=10, t=title_margin(fig.layout.title.text, False) - 30, b=10),
                      showlegend=False)
    return fig
