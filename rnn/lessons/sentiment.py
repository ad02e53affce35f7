"""The sentiment lesson's computations: example reviews, classroom experiments, and the words where
the running prediction swings (the "not" and the "but" a student should look at).

No Streamlit here: the page (pages/3_Sentiment.py) lays out widgets and calls these.
"""
from __future__ import annotations

import numpy as np

from rnn.lessons.common import RACE_CELLS  # noqa: F401  (the pages race these cells)

SHIPPED_COLUMNS = {"accuracy": "validation accuracy", "val_loss": "validation loss"}
SHIPPED_CAPTION = ("All three end near 100 % on this generated data; the vanilla RNN needs more "
                   "steps to get there.")
COMPARED_FIELDS = ("arch", "hidden", "embed", "layers", "bidirectional", "nonlinearity", "dropout")
INSPECT_NOTE = ("Only the **last column** of a⟨t⟩ reaches the output. Look for units that change "
                "sign at “not” or “but”.")
SWING = 0.25                      # a change in P(positive) this large is worth pointing at

# Example buttons of the Try tab: label -> review.
EXAMPLES = {
    "not good": "The acting was not good.",
    "never boring": "The plot is never boring.",
    "… but a dull plot": "Good acting but a dull plot.",
    "… but good acting": "A dull plot but good acting.",
    "long review": ("The room was wonderful, the staff were kind and the view was lovely, "
                    "but the bed was awful."),
}
DEFAULT_TEXT = EXAMPLES["not good"]


def verdict(prob: float) -> tuple[str, str]:
    """("positive" / "negative", a confidence phrase) for P(positive) = ``prob``."""
    label = "positive" if prob >= 0.5 else "negative"
    sure = abs(prob - 0.5) * 2
    phrase = "very sure" if sure > 0.8 else "fairly sure" if sure > 0.4 else "unsure"
    return label, phrase


def swings(tokens, probs, threshold: float = SWING, limit: int = 3) -> list[dict]:
    """The words where P(positive) changed most, biggest first: [{"index", "word", "before",
    "after", "change"}]; only changes of at least ``threshold``. The first word is compared with
    0.5 (no evidence yet)."""
    p = np.asarray(probs, dtype=float)
    if len(p) == 0:
        return []
    before = np.concatenate([[0.5], p[:-1]])
    change = p - before
    order = [i for i in np.argsort(-np.abs(change)) if abs(change[i]) >= threshold][:limit]
    return [{"index": int(i), "word": tokens[i], "before": float(before[i]), "after": float(p[i]),
             "change": float(change[i])} for i in order]


def swing_sentence(swing: dict) -> str:
    """One line for a swing: '“good”: 0.91 → 0.30 (down)'."""
    arrow = "up" if swing["change"] > 0 else "down"
    return (f"“{swing['word']}” (word {swing['index'] + 1}): {swing['before']:.2f} → "
            f"{swing['after']:.2f} ({arrow})")


def crossings(probs) -> list[int]:
    """Indices of the words after which the prediction crossed 0.5 (changed its answer)."""
    p = np.asarray(probs, dtype=float)
    side = p >= 0.5
    return [int(i) for i in range(1, len(p)) if side[i] != side[i - 1]]
