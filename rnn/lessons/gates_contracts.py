"""The checks behind the memory-and-gates page's predict-first questions (``Challenge.contract``).

Each function runs its experiment at fixed settings (the shipped checkpoints, or a step budget and a
seed) and raises AssertionError, with the measured figures, if the challenge's ``claim`` does not
hold; otherwise it returns the figures. tests/test_contract_gates.py calls every one of them.
"""
from __future__ import annotations

from rnn.lessons import gates
from rnn.pretrained import load_pretrained

CHANCE_BAND = 0.65      # "near chance" for a balanced two-way choice
SOLVED = 0.90


def _shipped(*archs: str) -> dict:
    return {arch: load_pretrained(f"agreement-{arch}") for arch in archs}


def falls_first() -> dict:
    curves = gates.gap_curves(_shipped("rnn", "gru", "lstm"))
    first = gates.falls_first(curves, SOLVED)
    long = {a: gates.long_gap_accuracy(c) for a, c in curves.items()}
    never = 10 ** 6
    assert first["rnn"] is not None, (first, long)
    assert first["rnn"] < min(first["gru"] or never, first["lstm"] or never), (first, long)
    assert long["rnn"] < CHANCE_BAND and long["gru"] > SOLVED and long["lstm"] > SOLVED, long
    return {"first_gap_below_0.9": first, "accuracy_gaps_20_50": long}


def short_only() -> dict:
    exp = load_pretrained("agreement-rnn-short")
    long = gates.long_gap_accuracy(gates.gap_curves({"rnn-short": exp})["rnn-short"])
    assert exp.dataset == "short" and long > SOLVED, long
    return {"accuracy_gaps_20_50": long}


def esn_short() -> dict:
    curve = gates.gap_curves({"esn-short": load_pretrained("agreement-esn-short")})["esn-short"]
    short = gates.long_gap_accuracy({g: a for g, a in curve.items() if g <= 5}, 0)
    long = gates.long_gap_accuracy(curve)
    assert short > 0.8 and long < CHANCE_BAND, curve
    return {"accuracy_gaps_0_5": short, "accuracy_gaps_20_50": long}


def esn_vs_rnn() -> dict:
    curves = gates.gap_curves(_shipped("rnn", "esn", "lstm"))
    long = {a: gates.long_gap_accuracy(c) for a, c in curves.items()}
    assert long["esn"] < CHANCE_BAND and long["rnn"] < CHANCE_BAND and long["lstm"] > SOLVED, long
    return {"accuracy_gaps_20_50": long}


def leaky_holds() -> dict:
    long = gates.long_gap_accuracy(gates.gap_curves(_shipped("leaky"))["leaky"])
    assert long > SOLVED, long
    return {"accuracy_gaps_20_50": long}


def memory_unit() -> dict:
    exp = load_pretrained("agreement-lstm")
    found = gates.find_memory_unit(exp, exp.ensure_data().val[:400])
    total = len(found["scores"])
    assert found["state"] == "c" and found["good_units"] >= 0.9 * total, found
    return {"unit": found["unit"], "good_units": found["good_units"], "of": total}


def depth() -> dict:
    rows = gates.depth_rows({n: load_pretrained(gates.depth_checkpoint(n)) for n in gates.DEPTHS})
    scores = {r["stacked layers"]: r["accuracy, gaps 20-50"] for r in rows}
    assert all(s < CHANCE_BAND for s in scores.values()), rows
    return {"accuracy_gaps_20_50_by_layers": scores}


GATED_PASS = 0.95       # issue 25: the gated cells' bar on the overwrite level
MARGIN = 0.10           # ... and how far below the weaker of them the ungated cells must stay
WRITE_LEAN = 0.15       # Γ_u at subjects minus Γ_u at the same nouns inside clauses


def overwrite() -> dict:
    scores = gates.by_subjects({a: load_pretrained(f"agreement-{a}-overwrite")
                                for a in ("rnn", "leaky", "gru", "lstm")})
    test = {a: s["all"] for a, s in scores.items()}
    weaker = min(test["gru"], test["lstm"])
    assert weaker >= GATED_PASS, test
    assert test["leaky"] <= weaker - MARGIN and test["rnn"] <= weaker - MARGIN, test
    return {"accuracy_overwrite_test": test, "by_subjects": scores}


def gru_writes() -> dict:
    from rnn.data.agreement import build_agreement
    items = build_agreement("overwrite").test[:300]
    gru = gates.gates_by_role(load_pretrained("agreement-gru-overwrite"), items)["Γ_u (update)"]
    lstm = gates.gates_by_role(load_pretrained("agreement-lstm-overwrite"), items)
    subject, inside = gates.ROLES[0], gates.ROLES[1]
    assert gru[subject] - gru[inside] >= WRITE_LEAN, gru
    assert lstm["Γ_u (update)"][subject] > lstm["Γ_u (update)"][inside], lstm
    return {"gru": gru, "lstm": lstm}
