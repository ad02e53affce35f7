"""Contracts of rnn/lessons/questions/bidirectional.toml (5_Bidirectional.py): one function per
question, named by its ``contract``, returning an ``Outcome`` (tests/contracts/common.py)."""
from __future__ import annotations

from .common import SAME, Outcome, probs, shipped, train


def bidirectional_jordan() -> Outcome:
    """The shipped pair on the Jordan minimal pair: P(name) at "Jordan"."""
    from rnn.data import MINIMAL_PAIRS
    borders, smith = MINIMAL_PAIRS[1]
    uni, bi = shipped("ner-lstm-uni"), shipped("ner-lstm")
    u = [probs(uni, s)["Jordan"] for s in (borders, smith)]
    b = [probs(bi, s)["Jordan"] for s in (borders, smith)]
    holds = abs(u[0] - u[1]) <= SAME and b[0] < 0.5 <= b[1]
    return Outcome(holds, {"uni": u, "bi": b},
                   f"left-to-right {u[0]:.3f} / {u[1]:.3f}; bidirectional {b[0]:.3f} / {b[1]:.3f}")


def bidirectional_ambiguous_accuracy() -> Outcome:
    """The shipped pair on the test set, ambiguous words vs the rest (the Compare tab)."""
    from rnn.lessons.bidirectional import usual_sense_accuracy
    m = {}
    for label, name in (("uni", "ner-lstm-uni"), ("bi", "ner-lstm")):
        r = shipped(name).evaluate("test")
        m[label] = {"ambiguous": float(r["accuracy_ambiguous"]), "other": float(r["accuracy_other"])}
    data = shipped("ner-lstm").ensure_data()
    m["usual_sense"] = usual_sense = usual_sense_accuracy(data.train, data.test)
    holds = (0.35 <= m["uni"]["ambiguous"] <= 0.70 and abs(m["uni"]["ambiguous"] - usual_sense) <= 0.1
             and m["bi"]["ambiguous"] >= 0.90 and min(m["uni"]["other"], m["bi"]["other"]) >= 0.95)
    return Outcome(holds, m, "; ".join(f"{k}: ambiguous {m[k]['ambiguous']:.2f}, other "
                                       f"{m[k]['other']:.2f}" for k in ("uni", "bi"))
                   + f"; usual sense {usual_sense:.2f}")


BIDIR_RNN_STEPS = 200


def bidirectional_rnn_cell(steps: int = BIDIR_RNN_STEPS, seed: int = 0) -> Outcome:
    """Vanilla-RNN taggers (the lab's default size), left-to-right and bidirectional, ``steps``
    steps each, same data and seed: validation accuracy on ambiguous words."""
    acc = {}
    for label, bidirectional in (("uni", False), ("bi", True)):
        exp = train("ner", steps, "names", seed=seed, arch="rnn", hidden=64, embed=32,
                    bidirectional=bidirectional, lr=3e-3)
        acc[label] = float(exp.metrics()["accuracy_ambiguous"])
    holds = acc["bi"] - acc["uni"] >= 0.25
    return Outcome(holds, acc, f"ambiguous-word accuracy after {steps} steps: left-to-right "
                   f"{acc['uni']:.2f}, bidirectional {acc['bi']:.2f}")
