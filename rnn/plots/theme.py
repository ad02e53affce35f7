"""One look for every chart in the app: a plotly template, a colour-blind-safe palette, helpers.

Every figure function in ``rnn.plots`` starts from :func:`new_figure` so fonts, colours and margins
are the same on every page. Fonts are large because the app is read off a projector at the back
of a classroom. The palette is Okabe & Ito's (safe for the common kinds of colour blindness);
diverging maps are centred at 0 so "negative" and "positive" read the same everywhere.
"""
from __future__ import annotations

import re
from typing import Sequence

import numpy as np
# No pandas here, on purpose. Plotly looks pandas up in sys.modules only (get_module("pandas",
# should_load=False)), and once took it from there half-imported while another session's thread
# was still importing it ("partially initialized module 'pandas' has no attribute 'Series'", seen
# when 30 sessions opened pages at once); this module then imported pandas first to be safe. The
# app no longer imports pandas at all (tables are Markdown, rnn/markdown_tables.py; CSV by the csv module),
# so plotly never finds it and the race cannot happen, and the server saves pandas and pyarrow's
# ~150 MB (BENCHMARKS.md, issue 16). tests/test_startup.py checks that no page imports it. If
# something ever must import pandas in the server, import it fully here again, before plotly.
import plotly.graph_objects as go
import plotly.io as pio

# Okabe-Ito, reordered so the first three (used for RNN, GRU, LSTM) differ in hue and lightness.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]
# Every cell keeps one colour on every chart; no two cells share one (the leaky unit and the echo
# state network used to borrow the GRU's and the LSTM's by position).
ARCH_COLOURS = {"rnn": PALETTE[0], "gru": PALETTE[1], "lstm": PALETTE[2], "leaky": PALETTE[3],
                "esn": PALETTE[6]}
# what a chart's legend may call a cell -> the cell
ARCH_NAMES = {"rnn": "rnn", "vanilla rnn": "rnn", "gru": "gru", "lstm": "lstm", "leaky": "leaky",
               "leaky rnn": "leaky", "leaky unit": "leaky", "esn": "esn",
               "echo state network": "esn", "echo state net": "esn"}
DIVERGING = "RdBu_r"       # ColorBrewer RdBu is colour-blind safe; reversed so positive = red
SEQUENTIAL = "Viridis"     # perceptually uniform, readable in greyscale too
MAX_POINTS = 400           # longest line we send to the browser (payloads stay small)
FONT_SIZE = 18
TEMPLATE_NAME = "rnn_playground"


def _build_template() -> go.layout.Template:
    axis = dict(title_font=dict(size=FONT_SIZE), tickfont=dict(size=FONT_SIZE - 2),
                gridcolor="#E5E5E5", zerolinecolor="#BBBBBB", automargin=True)
    layout = go.Layout(
        font=dict(family="Source Sans Pro, Arial, sans-serif", size=FONT_SIZE, color="#222222"),
        # Title pinned to the top and the legend left-aligned just above the plot, with room
        # for two legend rows in between, so a wrapped legend never covers the title.
        title=dict(font=dict(size=FONT_SIZE + 2), x=0.0, xanchor="left", y=1.0, yref="container",
                   yanchor="top", pad=dict(t=14)),
        colorway=PALETTE,
        paper_bgcolor="white", plot_bgcolor="white",
        xaxis=axis, yaxis=axis,
        legend=dict(font=dict(size=FONT_SIZE - 2), orientation="h", yanchor="bottom", y=1.0,
                    x=0.0, xanchor="left"),
        margin=dict(l=70, r=30, t=110, b=60),
        hoverlabel=dict(font_size=FONT_SIZE - 2),
    )
    return go.layout.Template(layout=layout)


pio.templates[TEMPLATE_NAME] = _build_template()


def arch_colour(label: str, i: int = 0) -> str:
    """Each cell keeps one colour on every chart ("Vanilla RNN" counts as "rnn", "Leaky RNN" as
    the leaky unit, "Echo state network" as "esn"); another label gets the ``i``-th colour."""
    name = " ".join(str(label).lower().split())
    if name in ARCH_NAMES:
        return ARCH_COLOURS[ARCH_NAMES[name]]
    words = name.split()
    if words and words[-1] in ("rnn", "gru", "lstm"):
        return ARCH_COLOURS[words[-1]]
    return PALETTE[i % len(PALETTE)]


def wrap_title(title: str, width: int = 36) -> str:
    """Break a long title onto lines of about ``width`` characters.

    Plotly never wraps titles and charts often sit in half-width columns, where a long title
    would run off the edge. A ``<br>`` already in the title (e.g. before a ``<sup>`` subtitle)
    splits it into parts that are wrapped separately.
    """
    out = []
    for part in title.split("<br>"):
        limit = int(width * 1.6) if "<sup>" in part else width   # subtitles are set smaller
        line, lines = "", []
        for word in part.split(" "):
            if line and len(_visible(line + " " + word)) > limit:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(line)
        out.append("<br>".join(lines))
    return "<br>".join(out)


def _visible(text: str) -> str:
    """Text without HTML tags, for measuring line length."""
    return re.sub(r"<[^>]+>", "", text)


def use_app_template() -> None:
    """Make the app's template plotly's default for new figures (again, if needed).

    A figure that names a template in its layout validates and deep-copies it (~4 ms, most of a
    figure's cost); one built while the template is plotly's default gets it without that (the
    same figure, 0.5 ms). ``import streamlit`` sets the default to its own template, so this is
    checked before each figure rather than once.
    """
    if pio.templates.default != TEMPLATE_NAME:
        pio.templates.default = TEMPLATE_NAME


def subplots(**kwargs) -> go.Figure:
    """``plotly.subplots.make_subplots`` with the app's template as plotly's default (see
    ``use_app_template``): the stacked figures get it without a per-figure copy."""
    from plotly.subplots import make_subplots

    use_app_template()
    return make_subplots(**kwargs)


def _layout(title: str, x_title: str, y_title: str, height: int) -> dict:
    wrapped = wrap_title(title)
    return dict(title=dict(text=wrapped), height=height,
                xaxis=dict(title=dict(text=x_title)), yaxis=dict(title=dict(text=y_title)),
                margin=dict(t=title_margin(wrapped)))


def new_figure(title: str, x_title: str = "", y_title: str = "", height: int = 420) -> go.Figure:
    """An empty figure in the app's template with a title that says what is shown.

    The layout goes to the constructor as one nested dict, with the template as plotly's
    default (``use_app_template``): ``update_layout`` with the same settings as keyword paths
    cost ten times as much (5 ms a figure), and every page run builds several figures
    (BENCHMARKS.md, "Classroom scheduling").
    """
    use_app_template()
    return go.Figure(layout=_layout(title, x_title, y_title, height))


def title_margin(wrapped_title: str, legend: bool = True) -> int:
    """Top margin that fits the title's lines (and one legend row below it)."""
    return 56 + 26 * (wrapped_title.count("<br>") + 1) + (30 if legend else 0)


def place_legend(fig: go.Figure) -> go.Figure:
    """Pin a chart's top legend under its title, growing down towards the plot, not up.

    The template's legend sits on the plot's top edge and grows upwards as it wraps. On a
    screen it is one row, in the space ``title_margin`` keeps for it; on a phone the same
    entries wrap onto several rows and covered the title (tests/test_browser_phone_width.py).
    Anchored at the top in the figure's own pixels (``yref="container"``), it starts where the
    title ends, and Plotly's automatic margin moves the plot down below every row. One row
    lands at the height it always did, now under the title's first letter. A legend a figure
    places itself is left alone.
    """
    legend = fig.layout.legend
    if legend.y is not None or legend.yref is not None or legend.orientation is not None:
        return fig
    height = fig.layout.height or 450
    title = fig.layout.title.text or ""
    top = title_margin(title, legend=False) if title else 20
    # from the figure's left edge, as the title: on a phone the plot's own width (less the axis
    # labels) fitted one short entry a row
    fig.update_layout(legend=dict(yref="container", yanchor="top", y=max(0.0, 1 - top / height),
                                  xref="container", x=0.0, xanchor="left"))
    return fig


def empty_figure(title: str, message: str = "no data yet", height: int = 320) -> go.Figure:
    """A figure with no traces and a centred note, shown instead of raising on empty input."""
    layout = _layout(title, "", "", height)
    layout["xaxis"]["visible"] = layout["yaxis"]["visible"] = False
    layout["annotations"] = [dict(text=message, x=0.5, y=0.5, xref="paper", yref="paper",
                                  showarrow=False, font=dict(size=FONT_SIZE + 2, color="#777777"))]
    use_app_template()
    return go.Figure(layout=layout)


def downsample(xs: Sequence[float], ys: Sequence[float], max_points: int = MAX_POINTS,
               how: str = "mean") -> tuple[list, list]:
    """Shrink a long curve to at most ``max_points`` points.

    ``how="mean"`` averages each bucket (a smooth loss curve); ``"max"`` keeps each bucket's
    largest value (so a gradient spike stays visible). x is the bucket's last x, so the final
    point of the curve is always the latest step.
    """
    xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    if len(xs) <= max_points:
        return xs.tolist(), ys.tolist()
    edges = np.linspace(0, len(xs), max_points + 1).astype(int)
    reduce = np.nanmax if how == "max" else np.nanmean
    out_x = [xs[hi - 1] for lo, hi in zip(edges[:-1], edges[1:]) if hi > lo]
    out_y = [reduce(ys[lo:hi]) for lo, hi in zip(edges[:-1], edges[1:]) if hi > lo]
    return [float(v) for v in out_x], [float(v) for v in out_y]


def short_labels(tokens: Sequence[str], width: int = 12) -> list[str]:
    """Axis labels that stay readable: long tokens are cut, and repeated tokens made unique.

    Plotly merges equal category labels into one tick, so the second "the" in a sentence would
    vanish; a zero-width-space suffix keeps it a separate column while looking identical.
    """
    seen: dict[str, int] = {}
    out = []
    for tok in tokens:
        label = str(tok) if len(str(tok)) <= width else str(tok)[: width - 1] + "…"
        count = seen.get(label, 0)
        seen[label] = count + 1
        out.append(label + "\u200b" * count)
    return out


# ---- reference lines -------------------------------------------------------------------------
# plotly's ``add_hline``/``add_vline`` cost ~10 ms each (they search the figure's subplots), most
# of a training chart's rebuild, which a class of 30-90 live sessions pays every tick (py-spy on
# a replica during bench/classroom.py). These append the very same shape and annotation dicts
# (tests/test_plots.py compares them with plotly's) straight to the layout, in ~1 ms.
_H_POS = {"top right": (1, "right", "bottom"), "top left": (0, "left", "bottom"),
          "bottom right": (1, "right", "top"), "bottom left": (0, "left", "top")}
_V_POS = {"top right": (1, "left", "top"), "top left": (1, "right", "top"),
          "bottom right": (0, "left", "bottom"), "bottom left": (0, "right", "bottom")}


def _reference_line(fig: go.Figure, axis: str, at: float, line: dict, text: str | None,
                    position: str, font_size: int | None) -> go.Figure:
    """A line at ``axis`` = ``at`` across the plot's other axis, labelled at ``position``."""
    other = "x" if axis == "y" else "y"
    shape = {"type": "line", f"{other}ref": f"{other} domain", f"{other}0": 0, f"{other}1": 1,
             f"{axis}ref": axis, f"{axis}0": at, f"{axis}1": at, "line": line}
    update = {"shapes": [*fig.layout.shapes, shape]}
    if text is not None:
        where, xanchor, yanchor = (_H_POS if axis == "y" else _V_POS)[position]
        note = {"text": text, "showarrow": False, f"{other}ref": f"{other} domain", other: where,
                f"{axis}ref": axis, axis: at, "xanchor": xanchor, "yanchor": yanchor}
        if font_size:
            note["font"] = {"size": font_size}
        update["annotations"] = [*fig.layout.annotations, note]
    fig.update_layout(**update)
    return fig


def hline(fig: go.Figure, y: float, line: dict, text: str | None = None,
          position: str = "top right", font_size: int | None = None) -> go.Figure:
    """A horizontal line across the plot at ``y`` (``fig.add_hline``'s shape), labelled."""
    return _reference_line(fig, "y", y, line, text, position, font_size)


def vline(fig: go.Figure, x: float, line: dict, text: str | None = None,
          position: str = "top right", font_size: int | None = None) -> go.Figure:
    """A vertical line up the plot at ``x`` (``fig.add_vline``'s shape), labelled."""
    return _reference_line(fig, "x", x, line, text, position, font_size)
