"""Contracts of rnn/lessons/questions/gates.toml (7_Memory_and_gates.py): one function per question,
named by its ``contract``, returning an ``Outcome`` (tests/contracts/common.py). All of them measure
the shipped agreement checkpoints."""
from __future__ import annotations

from rnn.lessons import gates

from .common import Outcome, outcome, shipped

CHANCE_BAND = 0.65      # "near chance" for a balanced two-way choice
SOLVED = 0.90
GATED_PASS = 0.95       # issue 25: the gated cells' bar on the overwrite level
MARGIN = 0.10           # ... and how far below the weaker of them the ungated cells must stay
WRITE_LEAN = 0.15       # Γ_u at subjects minus Γ_u at the same nouns inside clauses


def _shipped(*archs: str) -> dict:
    return {arch: shipped(f"agreement-{arch}") for arch in archs}


def falls_first() -> Outcome:
    curves = gates.gap_curves(_shipped("rnn", "gru", "lstm"))
    first = gates.falls_first(curves, SOLVED)
    long = {a: gates.long_gap_accuracy(c) for a, c in curves.items()}
    never = 10 ** 6
    holds = (first["rnn"] is not None
             and first["rnn"] < min(first["gru"] or never, first["lstm"] or never)
             and long["rnn"] < CHANCE_BAND and long["gru"] > SOLVED and long["lstm"] > SOLVED)
    return outcome(holds, {"first_gap_below_0.9": first, "accuracy_gaps_20_50": long})


def short_only() -> Outcome:
    exp = shipped("agreement-rnn-short")
    long = gates.long_gap_accuracy(gates.gap_curves({"rnn-short": exp})["rnn-short"])
    return outcome(exp.dataset == "short" and long > SOLVED,
                   {"dataset": exp.dataset, "accuracy_gaps_20_50": long})


def esn_short() -> Outcome:
    curve = gates.gap_curves({"esn-short": shipped("agreement-esn-short")})["esn-short"]
    short = gates.long_gap_accuracy({g: a for g, a in curve.items() if g <= 5}, 0)
    long = gates.long_gap_accuracy(curve)
    return outcome(short > 0.8 and long < CHANCE_BAND,
                   {"accuracy_gaps_0_5": short, "accuracy_gaps_20_50": long, "by_gap": curve})


def esn_vs_rnn() -> Outcome:
    curves = gates.gap_curves(_shipped("rnn", "esn", "lstm"))
    long = {a: gates.long_gap_accuracy(c) for a, c in curves.items()}
    holds = long["esn"] < CHANCE_BAND and long["rnn"] < CHANCE_BAND and long["lstm"] > SOLVED
    return outcome(holds, {"accuracy_gaps_20_50": long})


def leaky_holds() -> Outcome:
    long = gates.long_gap_accuracy(gates.gap_curves(_shipped("leaky"))["leaky"])
    return outcome(long > SOLVED, {"accuracy_gaps_20_50": long})


def memory_unit() -> Outcome:
    exp = shipped("agreement-lstm")
    found = gates.find_memory_unit(exp, exp.ensure_data().val[:400])
    total = len(found["scores"])
    holds = found["state"] == "c" and found["good_units"] >= 0.9 * total
    return outcome(holds, {"state": found["state"], "unit": found["unit"],
                           "good_units": found["good_units"], "of": total})


def depth() -> Outcome:
    rows = gates.depth_rows({n: shipped(gates.depth_checkpoint(n)) for n in gates.DEPTHS})
    scores = {r["stacked layers"]: r["accuracy, gaps 20-50"] for r in rows}
    return outcome(bool(scores) and all(s < CHANCE_BAND for s in scores.values()),
                   {"accuracy_gaps_20_50_by_layers": scores})


def overwrite() -> Outcome:
    scores = gates.by_subjects({a: shipped(f"agreement-{a}-overwrite")
                                for a in ("rnn", "leaky", "gru", "lstm")})
    test = {a: s["all"] for a, s in scores.items()}
    weaker = min(test["gru"], test["lstm"])
    holds = (weaker >= GATED_PASS and test["leaky"] <= weaker - MARGIN
             and test["rnn"] <= weaker - MARGIN)
    return outcome(holds, {"accuracy_overwrite_test": test, "by_subjects": scores})


def gru_writes() -> Outcome:
    from rnn.data.agreement import build_agreement
    items = build_agreement("overwrite").test[:300]
    gru = gates.gates_by_role(shipped("agreement-gru-overwrite"), items)["Γ_u (update)"]
    lstm = gates.gates_by_role(shipped("agreement-lstm-overwrite"), items)
    subject, inside = gates.ROLES[0], gates.ROLES[1]
    holds = (gru[subject] - gru[inside] >= WRITE_LEAN
             and lstm["Γ_u (update)"][subject] > lstm["Γ_u (update)"][inside])
    return outcome(holds, {"gru": gru, "lstm": lstm})
