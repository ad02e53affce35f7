"""Contracts of rnn/lessons/questions/ner.toml (1_Named_entities.py): one function per
question, named by its ``contract``, returning an ``Outcome`` (tests/contracts/common.py)."""
from __future__ import annotations

from rnn.lessons import challenges as Q

from .common import SAME, Outcome, probs, shipped, tagged, train


def ner_teddy_unidirectional() -> Outcome:
    """Shipped ner-lstm-uni and ner-lstm on the Teddy minimal pair: P(name) at "Teddy"."""
    uni, bi = shipped("ner-lstm-uni"), shipped("ner-lstm")
    u = [probs(uni, s)["Teddy"] for s in (Q.TEDDY_BEARS, Q.TEDDY_ROOSEVELT)]
    b = [probs(bi, s)["Teddy"] for s in (Q.TEDDY_BEARS, Q.TEDDY_ROOSEVELT)]
    holds = abs(u[0] - u[1]) <= SAME and b[0] < 0.5 <= b[1]
    return Outcome(holds, {"uni_bears": u[0], "uni_roosevelt": u[1], "bi_bears": b[0],
                           "bi_roosevelt": b[1]},
                   f"left-to-right {u[0]:.3f} / {u[1]:.3f}; bidirectional {b[0]:.3f} / {b[1]:.3f}")


UNSEEN_NAMES = ["Zorblax", "Quengi", "Oluwaseun", "Adeyemi"]


def ner_unseen_names() -> Outcome:
    """Every shipped bidirectional tagger on the never-seen names sentence."""
    measured, holds = {}, True
    for arch in ("rnn", "gru", "lstm"):
        names, _, unknown = tagged(shipped(f"ner-{arch}"), Q.UNSEEN)
        measured[arch] = {"names": names, "unknown": unknown}
        holds &= names == UNSEEN_NAMES and all(w in unknown for w in UNSEEN_NAMES)
    return Outcome(holds, measured, "; ".join(f"{a}: {m['names']}" for a, m in measured.items()))


HARRY_NAMES = ["Harry", "Potter", "Hermione", "Granger"]
ORDINARY_UNKNOWN = ("invented", "spell")
NO_SPELLING_STEPS = 300


def ner_no_spelling(steps: int = NO_SPELLING_STEPS, seed: int = 0) -> Outcome:
    """A bidirectional LSTM tagger (the page's default size) trained without spelling features
    for ``steps`` steps, against the shipped one with them, on the page's default sentence."""
    plain = train("ner", steps, "names", seed=seed, arch="lstm", hidden=64, embed=32,
                  bidirectional=True, char_features=False)
    names, _, unknown = tagged(plain, Q.HARRY)
    spelled, _, _ = tagged(shipped("ner-lstm"), Q.HARRY)
    wrong = [w for w in ORDINARY_UNKNOWN if w in names and w in unknown]
    holds = all(n in names for n in HARRY_NAMES) and bool(wrong) \
        and not any(w in spelled for w in ORDINARY_UNKNOWN)
    return Outcome(holds, {"without_spelling": names, "with_spelling": spelled, "unknown": unknown},
                   f"without spelling tagged {names}; with spelling {spelled}")


def ner_lowercase() -> Outcome:
    """The shipped bidirectional LSTM (the page's default) on the lowercase sentence."""
    names, _, _ = tagged(shipped("ner-lstm"), Q.LOWERCASE)
    holds = names == [n.lower() for n in HARRY_NAMES]
    return Outcome(holds, {"names": names}, f"tagged as names: {names}")
