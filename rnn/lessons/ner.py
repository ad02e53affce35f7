"""The named-entities lesson's computations: example sentences, classroom experiments, the coloured
word chips of the Try tab, the names found, and slices of a trace for the Inspect tab.

No Streamlit here: the page (pages/1_Named_entities.py) lays out widgets and calls these.
"""
from __future__ import annotations

import html
import numpy as np

from rnn.lessons.common import RACE_CELLS  # noqa: F401  (the pages race these cells)

COMPARED_FIELDS = ("arch", "bidirectional", "hidden", "embed", "layers", "nonlinearity", "dropout",
                   "char_features")

# Example buttons of the Try tab: label -> sentence (the first is the seed's own example).
EXAMPLES = {
    "Harry Potter…": "Harry Potter and Hermione Granger invented a new spell.",
    "Teddy bears": "Teddy bears are on sale.",
    "Teddy Roosevelt": "Teddy Roosevelt was a great President.",
    "Names never seen": "Zorblax Quengi met Oluwaseun Adeyemi at the station in Oslo.",
    "all lowercase": "harry potter and hermione granger invented a new spell.",
}
DEFAULT_TEXT = EXAMPLES["Harry Potter…"]


def chip_colour(p: float) -> str:
    """Background colour for a word with P(name) = ``p``: white (0) to the palette's orange (1)."""
    p = float(np.clip(p, 0.0, 1.0)) if np.isfinite(p) else 0.0
    white, orange = (255, 255, 255), (213, 94, 0)           # PALETTE[1], colour-blind safe
    r, g, b = (round(w + (o - w) * p) for w, o in zip(white, orange))
    return f"rgb({r},{g},{b})"


def _chip(token: str, p: float, known: bool) -> str:
    text_colour = "#ffffff" if p >= 0.6 else "#111111"
    mark = "" if known else "<sup style='font-size:0.6em' title='never seen in training'>✱</sup>"
    border = "2px solid #333" if p >= 0.5 else "1px solid #bbb"
    style = (f"background:{chip_colour(p)};color:{text_colour};border:{border};border-radius:8px;"
             "padding:4px 10px;margin:3px;display:inline-block;font-size:1.45rem;line-height:1.6")
    return (f"<span style='{style}' title='P(name) = {p:.2f}'>{html.escape(token)}{mark}"
            f"<span style='font-size:0.75rem;opacity:0.85'> {p:.2f}</span></span>")


def chips_html(tokens, probs, known=None) -> str:
    """One coloured chip per word (HTML): the darker, the more likely part of a name; ✱ marks a
    word never seen in training. Every token is escaped, so typed text cannot inject HTML."""
    known = list(known) if known is not None else [True] * len(tokens)
    chips = "".join(_chip(t, float(p), bool(k)) for t, p, k in zip(tokens, probs, known))
    return f"<div style='line-height:2.4'>{chips}</div>"


def legend_html() -> str:
    """The colour scale under the chips: 0 … 1, and what ✱ means."""
    stops = ", ".join(chip_colour(p) for p in (0.0, 0.5, 1.0))
    bar = (f"<span style='display:inline-block;width:180px;height:14px;vertical-align:middle;"
           f"background:linear-gradient(to right, {stops});border:1px solid #bbb'></span>")
    return (f"<div style='font-size:0.95rem;color:#444'>P(part of a name): 0 {bar} 1 &nbsp;·&nbsp; "
            "bold border: tagged as a name (≥ 0.5) &nbsp;·&nbsp; ✱ never seen in training</div>")


def names_found(tokens, is_name) -> list[str]:
    """Runs of consecutive words tagged as names, joined: ["Harry Potter", "Hermione Granger"]."""
    spans, current = [], []
    for token, flag in zip(tokens, is_name):
        if flag:
            current.append(token)
        elif current:
            spans.append(" ".join(current))
            current = []
    if current:
        spans.append(" ".join(current))
    return spans


def unknown_words(tokens, known) -> list[str]:
    """The distinct words of a prediction that were not in the training vocabulary, in order."""
    seen: list[str] = []
    for token, k in zip(tokens, known):
        if not k and token not in seen:
            seen.append(token)
    return seen


def spelling_table(tokens, max_rows: int = 12) -> list[dict]:
    """What the spelling features see in each word: its shape flags and a few character n-grams
    (the n-grams are hashed into buckets; here they are shown as text)."""
    from rnn.models.features import SHAPE_NAMES, word_shape
    rows = []
    for word in list(tokens)[:max_rows]:
        flags = dict(zip(SHAPE_NAMES, word_shape(word)))
        marked = f"^{word.lower()}$"
        trigrams = [marked[i : i + 3] for i in range(max(1, len(marked) - 2))]
        rows.append({"word": word, "Titlecase": bool(flags["title"]), "ALL CAPS": bool(flags["upper"]),
                     "lowercase": bool(flags["lower"]), "punctuation": bool(flags["punct"]),
                     "non-ASCII letter": bool(flags["non_ascii"]),
                     "3-letter pieces": " ".join(trigrams[:6]) + (" …" if len(trigrams) > 6 else "")})
    return rows


SHIPPED_COLUMNS = {"f1": "F1", "accuracy_ambiguous": "accuracy, ambiguous words",
                   "val_loss": "val. loss"}
SHIPPED_CAPTION = ("On this generated data every bidirectional cell ends near F1 = 1; the "
                   "differences are in how fast they get there. Reading left to right only is what "
                   "costs accuracy, on words like “Teddy”.")


def found_sentence(result: dict) -> str:
    """"Names found: **Harry Potter**, **Hermione Granger**." for a prediction."""
    found = names_found(result["tokens"], result["is_name"])
    return "Names found: " + (", ".join(f"**{n}**" for n in found) or "none") + "."


def train_intro(config, data_name: str) -> str:
    direction = "bidirectional" if config.bidirectional else "left-to-right"
    spelling = "with" if config.char_features else "without"
    return (f"Train a **{direction} {config.arch.upper()}** tagger {spelling} spelling features on "
            f"**{data_name}**. F1 balances finding every name (recall) against tagging only names "
            "(precision).")
