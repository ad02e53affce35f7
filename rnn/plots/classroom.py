"""The class poll's chart: how many students chose each answer, as horizontal bars.

Horizontal, because answers are sentences: their labels read left to right beside the bars
instead of being squeezed under them (at most two lines each; the full text is in the hover and
the list of choices). Before the reveal every bar has one colour (the chart must
not give the answer away); after it the right answer's bar is green and its label says so.
"""
from __future__ import annotations

from typing import Sequence

import plotly.graph_objects as go

from rnn.plots.theme import PALETTE, new_figure, title_margin

NEUTRAL = PALETTE[0]
RIGHT = PALETTE[2]            # Okabe-Ito bluish green
WRONG = "#BBBBBB"


def short_label(text: str, width: int) -> str:
    """At most ``width`` characters, cut at a word with "…": a bar's label must stay one line
    (several wrapped lines overlap the neighbouring bars); the full text is in the hover and in
    the list of choices beside the chart."""
    text = " ".join(str(text).split())
    if len(text) <= width:
        return text
    cut = text[:width - 1].rsplit(" ", 1)[0] if " " in text[:width - 1] else text[:width - 1]
    return cut.rstrip(",;:") + "…"


def two_lines(text: str, width: int) -> str:
    """A bar's label on at most two lines of about ``width`` characters (``<br>`` between them),
    the second cut at a word with "…": two answers that start alike ("Left-to-right near 50 %…",
    "Left-to-right near 0 %…") stay told apart, where one line had cut both to the same words."""
    text = " ".join(str(text).split())
    if len(text) <= width:
        return text
    first = text[:width + 1].rsplit(" ", 1)[0] if " " in text[:width + 1] else text[:width]
    return first + "<br>" + short_label(text[len(first):].strip(), width)


def vote_figure(choices: Sequence[str], counts: Sequence[int], answer: int | None = None,
                revealed: bool = False, title: str = "The class's answers",
                height: int | None = None, label_width: int = 26,
                font_size: int | None = None) -> go.Figure:
    """Bars of ``counts[i]`` votes for ``choices[i]``, first choice on top, with each bar's count
    and share written at its end. ``answer``/``revealed``: colour the right one after the reveal."""
    counts = [int(c) for c in counts][:len(choices)] + [0] * max(0, len(choices) - len(counts))
    total = sum(counts)
    letters = [f"({chr(97 + i)}) " for i in range(len(choices))]
    labels = [letter + two_lines(c, label_width) for letter, c in zip(letters, choices)]
    per_bar = 54 if any("<br>" in label for label in labels) else 40
    show_answer = revealed and answer is not None and 0 <= answer < len(choices)
    colours = [(RIGHT if i == answer else WRONG) if show_answer else NEUTRAL
               for i in range(len(choices))]
    if show_answer:
        labels[answer] = f"<b>{labels[answer]} ✓</b>"
    text = [f"{c}  ({c / total:.0%})" if total else "0" for c in counts]
    fig = new_figure(f"{title}: {total} vote{'s' if total != 1 else ''}",
                     height=height or 120 + per_bar * len(choices))
    fig.add_trace(go.Bar(x=counts, y=labels, orientation="h", marker_color=colours, text=text,
                         textposition="outside", cliponaxis=False,
                         customdata=[letter + str(c) for letter, c in zip(letters, choices)],
                         hovertemplate="%{customdata}: %{x}<extra></extra>"))
    top = title_margin(fig.layout.title.text, legend=False) - 24   # no legend: no room kept for one
    fig.update_layout(showlegend=False, bargap=0.25, margin=dict(l=10, r=70, b=40, t=top),
                      xaxis=dict(title="votes", rangemode="tozero", dtick=max(1, total // 5 or 1),
                                 range=[0, max(1, max(counts, default=0)) * 1.25]),
                      yaxis=dict(autorange="reversed", automargin=True, title=None,
                                 tickfont=dict(size=font_size) if font_size else None))
    if font_size:
        fig.update_traces(textfont_size=font_size)
    return fig
