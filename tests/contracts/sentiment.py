"""Contracts of rnn/lessons/questions/sentiment.toml (3_Sentiment.py): one function per
question, named by its ``contract``, returning an ``Outcome`` (tests/contracts/common.py)."""
from __future__ import annotations

import numpy as np

from rnn.lessons import challenges as Q

from .common import Outcome, crossings, line, shipped, train


def sentiment_not_good() -> Outcome:
    """The shipped LSTM's line on "The acting was not good.": where does it fall most?"""
    tokens, p = line(shipped("sentiment-lstm"), Q.NOT_GOOD)
    change = np.diff([0.5] + p)
    fall = tokens[int(np.argmin(change))]
    holds = fall == "good" and p[tokens.index("not")] >= 0.5 and p[-1] < 0.5
    return Outcome(holds, {"tokens": tokens, "line": p, "largest_fall_at": fall},
                   f"largest fall at “{fall}”; line " + " ".join(f"{t}:{q:.2f}" for t, q in zip(tokens, p)))


def sentiment_but() -> Outcome:
    """The shipped LSTM on "Good acting but a dull plot." and its swapped halves."""
    exp = shipped("sentiment-lstm")
    tokens, p = line(exp, Q.BUT_DULL)
    _, swapped = line(exp, Q.DULL_BUT)
    first_below = next((i for i, q in enumerate(p) if q < 0.5), None)
    but = tokens.index("but")
    holds = (p[tokens.index("acting")] > 0.5 and first_below is not None and first_below >= but
             and p[-1] < 0.5 and swapped[-1] > 0.5)
    return Outcome(holds, {"tokens": tokens, "line": p, "swapped_end": swapped[-1],
                           "first_below": tokens[first_below] if first_below is not None else None},
                   "line " + " ".join(f"{t}:{q:.2f}" for t, q in zip(tokens, p))
                   + f"; swapped ends at {swapped[-1]:.2f}")


def sentiment_long_review() -> Outcome:
    """Each shipped classifier on the long review: above 0.5 after "lovely", last fall below 0.5
    at or after "but", ends below 0.5."""
    m = {}
    for arch in ("rnn", "gru", "lstm"):
        tokens, p = line(shipped(f"sentiment-{arch}"), Q.LONG_REVIEW)
        falls = [i for i in range(len(p)) if p[i] < 0.5 and (i == 0 or p[i - 1] >= 0.5)]
        m[arch] = {"after_lovely": p[tokens.index("lovely")], "last_fall": tokens[falls[-1]] if falls else None,
                   "last_fall_at": falls[-1] if falls else None, "but_at": tokens.index("but"),
                   "crossings": crossings(p), "end": p[-1]}
    holds = all(v["after_lovely"] > 0.5 and v["last_fall_at"] is not None
                and v["last_fall_at"] >= v["but_at"] and v["end"] < 0.5 for v in m.values())
    return Outcome(holds, m, "; ".join(f"{a}: {v['after_lovely']:.2f} after lovely, last fall at "
                                       f"“{v['last_fall']}”, ends {v['end']:.2f}" for a, v in m.items()))


def sentiment_but_great() -> Outcome:
    """"the acting was good , but the plot was great ." and the four polarity combinations of
    "the S1 was A1 , but the S2 was A2 ." (rnn.lessons.sentiment.second_clause_share)."""
    from rnn.lessons.sentiment import second_clause_share
    m = {}
    for arch in ("gru", "lstm"):
        exp = shipped(f"sentiment-{arch}")
        m[arch] = {"but_great": line(exp, Q.BUT_GREAT)[1][-1], **second_clause_share(exp)}
    by_a2 = {a: [x for k, x in v.items() if " but " in k] for a, v in m.items()}
    holds = all(v["but_great"] > 0.5 and v["worst"] >= 0.95 for v in m.values()) \
        and all(len(shares) == 4 and min(shares) >= 0.95 for shares in by_a2.values())
    return Outcome(holds, m, "; ".join(f"{a}: P = {v['but_great']:.2f}, by A2 " + ", ".join(
        f"{k} {x:.2f}" for k, x in v.items() if " but " in k) for a, v in m.items()))


CELL_RACE_STEPS, CELL_RACE_EVERY = 300, 100


def sentiment_cell_race(steps: int = CELL_RACE_STEPS, seed: int = 0) -> Outcome:
    """RNN, GRU and LSTM classifiers (the page's default size) trained ``steps`` steps each on
    the built-in reviews, same seed, evaluated every 100 steps: validation accuracy by step (the
    Compare tab's chart with its x axis on training steps)."""
    curves = {}
    for arch in ("rnn", "gru", "lstm"):
        exp = train("sentiment", steps, "reviews", seed=seed, eval_every=CELL_RACE_EVERY,
                    arch=arch, hidden=64, embed=32)
        curves[arch] = {r.step: round(float(r.metrics["accuracy"]), 3) for r in exp.history.evals
                        if "accuracy" in r.metrics}
    at = sorted(curves["rnn"])
    # the shipped RNN (same data and seed, 500 steps; the Compare tab's shipped curves)
    shipped_rnn = [r.metrics["accuracy"] for r in shipped("sentiment-rnn").history.evals
                   if isinstance(r.metrics.get("accuracy"), (int, float))]
    caught_up = float(shipped_rnn[-1]) if shipped_rnn else 0.0
    holds = (bool(at) and all(max(curves["gru"][s], curves["lstm"][s]) > curves["rnn"][s] for s in at)
             and caught_up >= 0.95)
    return Outcome(holds, {**curves, "shipped_rnn_final": caught_up},
                   "validation accuracy by step: " + "; ".join(
                       f"{a} " + ", ".join(f"{s}: {v:.2f}" for s, v in c.items())
                       for a, c in curves.items()) + f"; shipped RNN at its end {caught_up:.2f}")
