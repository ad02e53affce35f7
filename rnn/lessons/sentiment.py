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
    "… but great": "the acting was good , but the plot was great .",
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


BUT_PAIR = "the {s1} was {a1} , but the {s2} was {a2} ."
COMBOS = ((1, 1), (1, 0), (0, 1), (0, 0))        # (polarity of A1, polarity of A2)


def but_pairs(per_combo: int = 64, seed: int = 0) -> dict[tuple[int, int], list[str]]:
    """Reviews "the S1 was A1 , but the S2 was A2 ." for each polarity combination: two singular
    things from one domain and opinion words of the built-in data, drawn with a fixed seed. The
    right label is A2's polarity whatever A1 says."""
    import random

    from rnn.data.sentiment import DOMAINS, NEGATIVE, POSITIVE
    rng = random.Random(f"but-pairs-{seed}")
    singular = {d: sorted(s for s, plural in things.items() if not plural) for d, things in DOMAINS.items()}
    out: dict[tuple[int, int], list[str]] = {}
    for pol1, pol2 in COMBOS:
        texts: list[str] = []
        while len(texts) < per_combo:
            s1, s2 = rng.sample(singular[rng.choice(sorted(singular))], 2)
            a1 = rng.choice(POSITIVE if pol1 else NEGATIVE)
            a2 = rng.choice(POSITIVE if pol2 else NEGATIVE)
            texts.append(BUT_PAIR.format(s1=s1, a1=a1, s2=s2, a2=a2))
        out[(pol1, pol2)] = texts
    return out


def second_clause_share(exp, per_combo: int = 64, seed: int = 0) -> dict[str, float]:
    """For a sentiment model: the share of ``but_pairs`` it labels by A2's polarity, per
    combination ("+ but -" ...), and the lowest of the four ("worst")."""
    from rnn.data.tokenize import tokenize_words
    task = exp.task
    out = {}
    for (pol1, pol2), texts in but_pairs(per_combo, seed).items():
        probs = task.positive_probability(exp.model, exp.vocabs, [[t.lower() for t in tokenize_words(x)]
                                                                 for x in texts])
        out[f"{'+-'[1 - pol1]} but {'+-'[1 - pol2]}"] = float(np.mean([(p >= 0.5) == bool(pol2) for p in probs]))
    out["worst"] = min(out.values())
    return out
