"""Static diagrams as SVG text: the four RNN shapes, one-hot vectors, the embedding lookup.

Pure functions from plain data (lists of words, lists of numbers) to an SVG string, with no
plotly, numpy or torch: the home page draws these, and its first visit should not wait for the
Plotly bundle (4.7 MB of JavaScript) or a second of imports (BENCHMARKS.md, "Start-up"). The
lesson pages draw the same taxonomy diagrams, so each shape is drawn one way everywhere.

Notation (the course's): word t of a sentence is x⟨t⟩, a column of |V| zeros with a single 1 at
the word's index in the vocabulary V. An embedding matrix E (d x |V|) turns it into
e⟨t⟩ = E x⟨t⟩, which is column "word" of E: the product is a table lookup. (PyTorch's
``nn.Embedding`` stores E transposed, |V| x d, and picks rows; the same thing.)

Every string that came from a user is XML-escaped; an SVG carries a <title> for screen readers.
"""
from __future__ import annotations

import random
import re
from functools import lru_cache
from html import escape, unescape
from typing import Sequence

UNK = "<unk>"
INK = "#1A1A1A"            # the app theme's text colour
MUTED = "#6B6B6B"
ACCENT = "#CC79A7"         # Okabe-Ito reddish purple: the feedback arrow of generation
BLUE = "#0072B2"           # Okabe-Ito blue: the app's primary colour
FONT = "'Source Sans Pro', 'Source Sans 3', Arial, Helvetica, sans-serif"

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
_FILL = {"x": "#D9ECF7", "a": "#E6F4EA", "dec": "#FBE7D9", "y": "#FFF2CC"}


def _text(x: float, y: float, s: str, size: int = 17, fill: str = INK, anchor: str = "middle",
          weight: str = "normal", extra: str = "") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" fill="{fill}" '
            f'text-anchor="{anchor}" dominant-baseline="central" font-weight="{weight}"{extra}>'
            f"{escape(s)}</text>")


def _svg(width: float, height: float, label: str, body: list[str]) -> str:
    """The outer element, sized in pixels (its natural size when shown as an image)."""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
            f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label="{escape(label)}" '
            f'font-family="{FONT}"><rect width="100%" height="100%" fill="white"/>'
            f"<title>{escape(label)}</title>" + "".join(body) + "</svg>")


def label_of(svg: str) -> str:
    """The diagram's text alternative (its aria-label), for the image's alt text."""
    match = re.search(r'aria-label="([^"]*)"', svg)
    return unescape(match.group(1)) if match else ""


# ---- the four shapes -------------------------------------------------------------------------
_WIDTH, _BW, _BH = 420, 62, 46             # drawing width (every shape alike), box width, height
_ROW = {"y": 95, "a": 185, "x": 275}       # centre heights of the output, cell and input rows


def _arrow(x0: float, y0: float, x1: float, y1: float, colour: str = INK,
           dashed: bool = False) -> str:
    dash = ' stroke-dasharray="6 4"' if dashed else ""
    head = "accent" if colour != INK else "ink"
    return (f'<line x1="{x0:.1f}" y1="{y0:.1f}" x2="{x1:.1f}" y2="{y1:.1f}" stroke="{colour}" '
            f'stroke-width="2"{dash} marker-end="url(#head-{head})"/>')


def _box(cx: float, cy: float, label: str, fill: str, bw: float) -> list[str]:
    return [f'<rect x="{cx - bw / 2:.1f}" y="{cy - _BH / 2:.1f}" width="{bw:.1f}" height="{_BH}" '
            f'rx="6" fill="{fill}" stroke="#333333" stroke-width="2"/>', _text(cx, cy, label)]


@lru_cache(maxsize=None)       # four fixed drawings: built once per process, not on every rerun
def taxonomy_svg(kind: str) -> str:
    """The unrolled network for ``kind`` in ``KINDS``: inputs x⟨t⟩ below, the cell passing its
    activation a⟨t⟩ to the right in the middle, outputs ŷ⟨t⟩ above. Only where inputs and
    outputs exist differs between the shapes. Unknown kinds raise ValueError."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    title, example, steps, inputs, outputs, decoder = KINDS[kind]
    # Every shape is drawn equally wide, so side by side they scale alike: the six steps of
    # the encoder-decoder sit closer together rather than in smaller type.
    step = _WIDTH / steps
    bw = min(_BW, step - 16)
    width, height = _WIDTH + 20, 310
    body = ['<defs>' + "".join(
        f'<marker id="head-{name}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        f'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        f'fill="{colour}"/></marker>' for name, colour in (("ink", INK), ("accent", ACCENT)))
        + '</defs>',
        _text(10, 18, title, size=19, anchor="start", weight="bold"),
        _text(10, 44, example, size=15, fill=MUTED, anchor="start")]
    cx = [10 + step / 2 + t * step for t in range(steps)]
    for t in range(steps):
        is_dec = t in decoder
        body += _box(cx[t], _ROW["a"], "dec" if is_dec else ("enc" if decoder else "a"),
                     _FILL["dec" if is_dec else "a"], bw)
        if t in inputs:
            body += _box(cx[t], _ROW["x"], f"x⟨{t + 1}⟩", _FILL["x"], bw)
            body.append(_arrow(cx[t], _ROW["x"] - _BH / 2, cx[t], _ROW["a"] + _BH / 2 + 1))
        if t in outputs:
            k = t + 1 - (min(outputs) if decoder else 0)
            body += _box(cx[t], _ROW["y"], f"ŷ⟨{k}⟩", _FILL["y"], bw)
            body.append(_arrow(cx[t], _ROW["a"] - _BH / 2, cx[t], _ROW["y"] + _BH / 2 + 1))
        if t > 0:
            body.append(_arrow(cx[t - 1] + bw / 2, _ROW["a"], cx[t] - bw / 2 - 1, _ROW["a"]))
        # Generation feeds each output back in as the next input (dashed, in the accent colour).
        if t > 0 and t - 1 in outputs and t in outputs and t not in inputs:
            body.append(_arrow(cx[t - 1] + bw / 2, _ROW["y"] + _BH / 4, cx[t] - bw / 4,
                               _ROW["a"] - _BH / 2 - 1, colour=ACCENT, dashed=True))
    return _svg(width, height, f"{title}: {example}", body)


# ---- one-hot vectors and the embedding lookup ------------------------------------------------
_CELL, _LABEL_W = 34, 110                   # grid cell, row-label column


def _band(labels: Sequence[str]) -> int:
    """Height of the band the rotated column labels need (15 px type, 40 degrees)."""
    return 24 + int(5.6 * max((len(label) for label in labels), default=1))


def sentence_vocab(tokens: Sequence[str], common: Sequence[str] = (), max_size: int = 30) -> list[str]:
    """A small vocabulary for the demo: ``<unk>``, the sentence's words (first seen first),
    then common words, at most ``max_size`` in all. Words that do not fit map to ``<unk>``."""
    vocab = [UNK]
    for word in list(tokens) + list(common):
        if len(vocab) >= max_size:
            break
        if word not in vocab:
            vocab.append(word)
    return vocab


def one_hot_indices(tokens: Sequence[str], vocab: Sequence[str]) -> list[int | None]:
    """For each word, the row of its single 1 in x⟨t⟩ (unknown words -> ``<unk>``'s row, or
    None when the vocabulary has no ``<unk>``)."""
    index = {w: i for i, w in enumerate(vocab)}
    return [index.get(word, index.get(UNK)) for word in tokens]


def one_hot_matrix(tokens: Sequence[str], vocab: Sequence[str]) -> list[list[int]]:
    """The |V| x T matrix (a list of rows) whose column t is x⟨t⟩."""
    rows = [[0] * len(tokens) for _ in vocab]
    for t, i in enumerate(one_hot_indices(tokens, vocab)):
        if i is not None:
            rows[i][t] = 1
    return rows


def random_embedding(dim: int, vocab_size: int, seed: int = 0) -> list[list[float]]:
    """A d x |V| matrix of N(0, 1) numbers rounded to one decimal (the demo's untrained E)."""
    rng = random.Random(seed)
    return [[round(rng.gauss(0.0, 1.0), 1) + 0.0 for _ in range(vocab_size)] for _ in range(dim)]


def short(label: str, width: int) -> str:
    label = str(label)
    return label if len(label) <= width else label[: width - 1] + "…"


def _column_labels(x0: float, y: float, labels: Sequence[str]) -> list[str]:
    """Labels written up and to the right above each column, so long words never overlap."""
    out = []
    for j, label in enumerate(labels):
        cx = x0 + j * _CELL + _CELL / 2
        out.append(_text(cx, y, label, size=15, anchor="start",
                         extra=f' transform="rotate(-40 {cx:.1f} {y:.1f})"'))
    return out


def one_hot_svg(tokens: Sequence[str], vocab: Sequence[str]) -> str:
    """The one-hot matrix [x⟨1⟩ … x⟨T⟩]: vocabulary words down the side, the sentence's words
    along the top, a filled cell with "1" where word t sits in V. Empty input -> a short note."""
    title = "One-hot vectors: each column x⟨t⟩ has a single 1"
    if not tokens or not vocab:
        return _svg(600, 60, title, [_text(10, 30, f"{title} (no words yet)", anchor="start")])
    matrix = one_hot_matrix(tokens, vocab)
    columns = [short(w, 12) for w in tokens]
    top = 40 + _band(columns)
    width = _LABEL_W + len(tokens) * _CELL + 60
    height = top + len(vocab) * _CELL + 40
    body = [_text(10, 18, title, size=19, anchor="start", weight="bold")]
    body += _column_labels(_LABEL_W, top - 8, columns)
    for i, word in enumerate(vocab):
        y = top + i * _CELL
        body.append(_text(_LABEL_W - 8, y + _CELL / 2, short(word, 12), size=15, anchor="end"))
        # The zeros of a row are one grey path and one text (a glyph per x position): a sentence
        # of 12 words draws ~40 elements instead of ~500, which the browser paints faster.
        zeros = [t for t in range(len(tokens)) if matrix[i][t] != 1]
        if zeros:
            cells = "".join(f"M{_LABEL_W + t * _CELL + 1},{y + 1}h{_CELL - 2}v{_CELL - 2}"
                            f"h-{_CELL - 2}z" for t in zeros)
            xs = " ".join(f"{_LABEL_W + t * _CELL + _CELL / 2:g}" for t in zeros)
            body.append(f'<path d="{cells}" fill="#F1F1F1"/>')
            body.append(f'<text x="{xs}" y="{y + _CELL / 2:g}" font-size="15" fill="#B5B5B5" '
                        f'text-anchor="middle" dominant-baseline="central">{"0" * len(zeros)}</text>')
        for t in range(len(tokens)):
            if matrix[i][t] == 1:
                x = _LABEL_W + t * _CELL
                body.append(f'<rect x="{x + 1}" y="{y + 1}" width="{_CELL - 2}" '
                            f'height="{_CELL - 2}" fill="{BLUE}"/>')
                body.append(_text(x + _CELL / 2, y + _CELL / 2, "1", size=15, fill="white",
                                  weight="bold"))
    bottom = top + len(vocab) * _CELL
    for t in range(len(tokens)):
        body.append(_text(_LABEL_W + t * _CELL + _CELL / 2, bottom + 14, str(t + 1), size=13,
                          fill=MUTED))
    body.append(_text(_LABEL_W, bottom + 32, "t (word of the sentence); rows: the vocabulary V",
                      size=14, fill=MUTED, anchor="start"))
    return _svg(width, height, f"{title}. Sentence: {' '.join(tokens)}", body)


def _diverging(value: float, bound: float) -> str:
    """ColorBrewer RdBu reversed (colour-blind safe): negative blue, 0 white, positive red."""
    s = max(-1.0, min(1.0, value / bound)) if bound else 0.0
    end = (178, 24, 43) if s > 0 else (33, 102, 172)
    mix = [round(255 + (c - 255) * abs(s)) for c in end]
    return "#{:02X}{:02X}{:02X}".format(*mix)


def _matrix_cells(x0: float, y0: float, rows: Sequence[Sequence[float]], bound: float) -> list[str]:
    out = []
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            x, y = x0 + j * _CELL, y0 + i * _CELL
            strong = abs(value) > 0.6 * bound
            out.append(f'<rect x="{x + 1}" y="{y + 1}" width="{_CELL - 2}" height="{_CELL - 2}" '
                       f'fill="{_diverging(value, bound)}"/>')
            out.append(_text(x + _CELL / 2, y + _CELL / 2, f"{value:.1f}", size=12,
                             fill="white" if strong else INK))
    return out


def embedding_svg(tokens: Sequence[str], vocab: Sequence[str],
                  embedding: Sequence[Sequence[float]]) -> str:
    """Top: E (d x |V|) with the columns the sentence picks outlined. Bottom: E X =
    [e⟨1⟩ … e⟨T⟩], computed as the matrix product, so a student can check by eye that it equals
    the outlined columns. Empty or mismatched input -> a short note."""
    title = "Embedding lookup: E x⟨t⟩ is column x⟨t⟩ of E"
    E = [list(map(float, row)) for row in (embedding or [])]
    if not tokens or not vocab or not E or any(len(row) != len(vocab) for row in E):
        return _svg(600, 60, title, [_text(10, 30, f"{title} (no words yet)", anchor="start")])
    X = one_hot_matrix(tokens, vocab)
    looked_up = [[sum(E[k][i] * X[i][t] for i in range(len(vocab))) for t in range(len(tokens))]
                 for k in range(len(E))]                      # E X: the product IS the lookup
    bound = max((abs(v) for row in E for v in row), default=1.0) or 1.0
    d = len(E)
    words, columns = [short(w, 10) for w in vocab], [short(w, 10) for w in tokens]
    top1 = 40 + 26 + _band(words)
    top2 = top1 + d * _CELL + 40 + 8 + _band(columns)
    width = _LABEL_W + max(len(vocab), len(tokens)) * _CELL + 40
    height = top2 + d * _CELL + 20
    body = [_text(10, 18, title, size=19, anchor="start", weight="bold"),
            _text(10, 48, "E: one column per vocabulary word", size=16, anchor="start")]
    body += _column_labels(_LABEL_W, top1 - 8, words)
    body += _matrix_cells(_LABEL_W, top1, E, bound)
    for k in range(d):
        for top in (top1, top2):
            body.append(_text(_LABEL_W - 8, top + k * _CELL + _CELL / 2, f"dim {k + 1}", size=14,
                              anchor="end", fill=MUTED))
    for i in sorted({i for i in one_hot_indices(tokens, vocab) if i is not None}):
        body.append(f'<rect x="{_LABEL_W + i * _CELL}" y="{top1}" width="{_CELL}" '
                    f'height="{d * _CELL}" fill="none" stroke="{INK}" stroke-width="3"/>')
    body.append(_text(10, top1 + d * _CELL + 40, "E X = [e⟨1⟩ … e⟨T⟩]: one column per word of "
                      "the sentence", size=16, anchor="start"))
    body += _column_labels(_LABEL_W, top2 - 8, columns)
    body += _matrix_cells(_LABEL_W, top2, looked_up, bound)
    return _svg(width, height, f"{title}. Sentence: {' '.join(tokens)}", body)
