"""Training curves from the trainer's records (loss, task metric, gradient norms, run comparison).

Records are an experiment's ``History`` (rnn/train/history.py) or the plain dicts the trainer
yields: ``{"kind": "step", "step", "loss", "grad_norm", "grad_norm_clipped", "clipped", "lr", ...}``
and ``{"kind": "eval", "step", "val_loss", <metric>: float, ...}``; fields are read by name
(``record.get("val_loss")``), which both kinds of record answer. Records of other kinds (e.g.
``"stop"``) are ignored, so a whole ``exp.history`` can be passed as is.
"""
from __future__ import annotations

import math
import re
from typing import Iterable, Mapping, Sequence

import plotly.graph_objects as go

from rnn.plots.theme import (ARCH_NAMES, PALETTE, arch_colour, downsample, empty_figure, hline,
                             new_figure, vline)
from rnn.train.history import column, split_records


def _series(records: Sequence[dict], key: str) -> tuple[list, list]:
    """(steps, values) for the records that carry ``key`` as a number."""
    records = list(records)
    pairs = [(s, v) for s, v in zip(column(records, "step"), column(records, key))
             if isinstance(v, (int, float)) and not isinstance(v, bool)]
    return [p[0] for p in pairs], [float(p[1]) for p in pairs]


def loss_figure(records: Iterable[dict], reference_lines: Mapping[str, float] | None = None,
                vocab_size: int | None = None, title: str = "Loss (cross-entropy, lower is better)"
                ) -> go.Figure:
    """Training loss per step and validation loss per evaluation, with dotted reference lines.

    ``vocab_size`` adds the loss of a model that guesses uniformly over V classes, ln V: a model
    above this line has learnt nothing yet. ``reference_lines`` maps a label to a loss value.
    """
    steps, evals = split_records(records)
    if not steps and not evals:
        return empty_figure(title)
    fig = new_figure(title, "training step", "loss (nats per token)")
    x, y = downsample(*_series(steps, "loss"), how="mean")
    if x:
        fig.add_trace(go.Scatter(x=x, y=y, mode="lines", name="train loss",
                                 line=dict(color=PALETTE[0], width=2)))
    vx, vy = _series(evals, "val_loss")
    if vx:
        fig.add_trace(go.Scatter(x=vx, y=vy, mode="lines+markers", name="validation loss",
                                 line=dict(color=PALETTE[1], width=3), marker=dict(size=8)))
    refs = dict(reference_lines or {})
    if vocab_size and vocab_size > 1:
        refs[f"uniform guess: ln {vocab_size} = {math.log(vocab_size):.2f}"] = math.log(vocab_size)
    for i, (label, value) in enumerate(refs.items()):
        hline(fig, value, dict(dash="dot", color=PALETTE[3 + i % 4], width=2), label, font_size=15)
    return fig


# How a record's key reads on an axis or in a title.
METRIC_LABELS = {"f1": "F1", "span_f1": "F1 per name", "accuracy": "accuracy",
                 "accuracy_ambiguous": "accuracy on ambiguous words", "bleu": "BLEU",
                 "chrf": "chrF", "exact_match": "exact match", "val_loss": "validation loss",
                 "loss": "training loss", "bits_per_char": "bits per character",
                 "perplexity": "perplexity", "grad_norm": "gradient norm"}


def metric_label(key: str) -> str:
    return METRIC_LABELS.get(key, key.replace("_", " "))


def metric_figure(records: Iterable[dict], metric: str, title: str | None = None,
                  y_range: tuple[float, float] | None = None) -> go.Figure:
    """The task metric (e.g. F1, accuracy, BLEU) at every evaluation."""
    _, evals = split_records(records)
    title = title or f"Validation {metric_label(metric)}"
    x, y = _series(evals, metric)
    if not x:
        return empty_figure(title)
    fig = new_figure(title, "training step", metric_label(metric))
    fig.add_trace(go.Scatter(x=x, y=y, mode="lines+markers", name=metric_label(metric),
                             line=dict(color=PALETTE[2], width=3), marker=dict(size=8)))
    if y_range:
        fig.update_yaxes(range=list(y_range))
    return fig


def grad_norm_figure(records: Iterable[dict], clip: float | None = None,
                     title: str = "Gradient norm before clipping") -> go.Figure:
    """||grad|| per step on a log scale, the clipping threshold dashed, clipped steps marked.

    Buckets keep their largest norm when the history is downsampled, so an explosion is never
    averaged away.
    """
    steps, _ = split_records(records)
    x, y = _series(steps, "grad_norm")
    if not x:
        return empty_figure(title)
    fig = new_figure(title, "training step", "‖gradient‖ (log scale)")
    dx, dy = downsample(x, y, how="max")
    fig.add_trace(go.Scatter(x=dx, y=dy, mode="lines", name="norm before clipping",
                             line=dict(color=PALETTE[0], width=2)))
    clipped = [(s, g) for s, g, c in zip(column(steps, "step"), column(steps, "grad_norm"),
                                         column(steps, "clipped")) if c]
    if clipped:
        cx, cy = downsample([c[0] for c in clipped], [c[1] for c in clipped], how="max")
        fig.add_trace(go.Scatter(x=cx, y=cy, mode="markers", name=f"clipped ({len(clipped)} steps)",
                                 marker=dict(symbol="x", size=9, color=PALETTE[1])))
    if clip:
        hline(fig, clip, dict(dash="dash", color=PALETTE[1], width=2), f"clip threshold {clip:g}",
              font_size=15)
    fig.update_yaxes(type="log")
    return fig


def grad_norm_histogram(records: Iterable[dict], clip: float | None = None,
                        title: str = "How large were the gradients? (before clipping)") -> go.Figure:
    """Histogram of pre-clip gradient norms (log-spaced bins) with the threshold marked."""
    steps, _ = split_records(records)
    _, norms = _series(steps, "grad_norm")
    norms = [n for n in norms if n > 0 and math.isfinite(n)]
    if not norms:
        return empty_figure(title)
    fig = new_figure(title, "log10 ‖gradient‖", "number of steps")
    fig.add_trace(go.Histogram(x=[math.log10(n) for n in norms], nbinsx=40, name="steps",
                               marker_color=PALETTE[0]))
    if clip:
        vline(fig, math.log10(clip), dict(dash="dash", color=PALETTE[1], width=3), f"clip {clip:g}",
              font_size=15)
    return fig


# Line styles of a comparison chart: a dash pattern and a marker per cell (and per attention), so
# two curves that coincide (GRU on LSTM, dot-product on additive) both stay visible.
LINE_STYLES = {"rnn": ("solid", "circle"), "gru": ("dash", "diamond"), "lstm": ("dot", "square"),
               "leaky": ("dashdot", "triangle-up"), "esn": ("longdash", "x"),
               "none": ("solid", "circle"), "dot": ("dash", "diamond"), "additive": ("dot", "square")}
FALLBACK_STYLES = [("solid", "circle"), ("dash", "diamond"), ("dot", "square"),
                   ("dashdot", "triangle-up"), ("longdash", "x")]
X_AXES = {"step": ("step", "training step"), "steps": ("step", "training step"),
          "elapsed": ("elapsed", "seconds of training"), "seconds": ("elapsed", "seconds of training")}
MAX_MARKERS = 12                   # markers drawn per line (the line itself keeps every point)


def line_style(label: str, i: int = 0) -> tuple[str, str]:
    """(dash, marker symbol) for a run: by the cell or attention named in ``label``, else by index."""
    name = " ".join(str(label).lower().split())
    if name in ARCH_NAMES:
        return LINE_STYLES[ARCH_NAMES[name]]
    for word in reversed(re.findall(r"[a-z]+", str(label).lower())):
        if word in LINE_STYLES:
            return LINE_STYLES[word]
    return FALLBACK_STYLES[i % len(FALLBACK_STYLES)]


LEGEND_PLOT_PX = 330               # the plot area's width in a half-width column (1280 px screen)


def legend_rows(names: Iterable[str], plot_px: int = LEGEND_PLOT_PX) -> int:
    """Rows a horizontal plotly legend takes: one if every entry fits side by side; otherwise
    plotly lines the entries up in columns as wide as the widest one."""
    widths = [40 + 8.5 * len(str(n)) for n in names]       # symbol + text at the legend's font
    if not widths or sum(widths) <= plot_px:
        return 1
    per_row = max(1, int(plot_px // max(widths)))
    return -(-len(widths) // per_row)


def compare_figure(runs: Mapping[str, Iterable[dict]], key: str = "val_loss",
                   title: str | None = None, x: str = "step") -> go.Figure:
    """Several runs on one chart: ``runs`` maps a label (e.g. "GRU") to its records.

    ``key`` is a step field ("loss") or an eval field ("val_loss", a metric). ``x`` is "step"
    (the default: every cell gets the same number of updates, the fair race) or "seconds" (alias
    "elapsed": wall-clock time, where a cell without a fused kernel looks slow). Each run has its
    own colour, dash pattern and marker, so a curve lying on another one still shows.
    """
    if x not in X_AXES:
        raise ValueError(f"x must be one of {', '.join(X_AXES)}, got {x!r}")
    field_name, x_title = X_AXES[x]
    title = title or f"{metric_label(key)} by architecture"
    fig = new_figure(title, x_title, metric_label(key))
    for i, (label, records) in enumerate((runs or {}).items()):
        steps, evals = split_records(records)
        source = steps if key in ("loss", "grad_norm") else evals
        pts = [(px, py) for px, py in zip(column(source, field_name), column(source, key))
               if isinstance(py, (int, float)) and px is not None]
        if not pts:
            continue
        px, py = downsample([p[0] for p in pts], [p[1] for p in pts])
        dash, symbol = line_style(label, i)
        fig.add_trace(go.Scatter(x=px, y=py, mode="lines+markers", name=str(label),
                                 line=dict(color=arch_colour(label, i), width=3, dash=dash),
                                 marker=dict(symbol=symbol, size=9, maxdisplayed=MAX_MARKERS)))
    if not fig.data:
        return empty_figure(title)
    # The legend sits under the title; in a half-width column long labels wrap onto more rows,
    # which would cover the title or squeeze the plot: every further row gets its own space, and
    # the figure grows by as much, so the plot keeps its height.
    extra = 24 * (legend_rows(t.name for t in fig.data) - 1)
    fig.update_layout(showlegend=True, margin_t=fig.layout.margin.t + extra,
                      height=fig.layout.height + extra)
    return fig
