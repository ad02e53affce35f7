"""Lesson: memory and gates. Why GRU and LSTM beat the vanilla RNN when a word far back decides.

The page (pages/7_Memory_and_gates.py) is a list of calls into this module (and
rnn/lessons/gates_learn.py: the equations next to the lines of our cells' code, the gate
calculator): the memory-unit finder, the accuracy-against-gap curves and the predict-first
experiments. No Streamlit here.
"""
from __future__ import annotations

import numpy as np
import torch

from rnn.data.agreement import NOUNS, PLURALS, build_agreement, gap_sweep, subject_positions
from rnn.lessons.gates_text import (CALC_NOTE, CHALLENGES, COMPARE_TEXT, DEPTH_AFTER,  # noqa: F401
                                    DEPTH_CHALLENGE, DEPTH_EQUATION, DEPTH_OWN, DEPTH_TEXT, GATES_TEXT,
                                    INSPECT_TEXT, INTRO, OVERWRITE_TEXT, PYTORCH_NAMES,
                                    REMEDIES, SWEEP_TEXT, TASK_TEXT)
from rnn.models.config import ARCHS
from rnn.tasks import get_task

TASK = "agreement"
CELLS = ARCHS
LABELS = {"rnn": "RNN", "leaky": "Leaky RNN", "esn": "Echo state net", "gru": "GRU", "lstm": "LSTM"}
SWEEP_GAPS = tuple(range(0, 51, 5))
SINGULAR_OF = {plural: singular for singular, plural in NOUNS.items()}
SHORT_ONLY = "RNN trained on gaps 0-5"
ESN_SHORT = "ESN trained on gaps 0-5"
# the shipped models on the Compare chart: label -> checkpoint (all 1500 steps, seed 0, H = 64)
SHIPPED = {**{LABELS[a]: f"agreement-{a}" for a in CELLS}, SHORT_ONLY: "agreement-rnn-short",
           ESN_SHORT: "agreement-esn-short"}
# the same five cells trained on the overwrite level (1-3 subjects in a row; same budget and seed)
OVERWRITE = {LABELS[a]: f"agreement-{a}-overwrite" for a in CELLS}
DATASETS = ("long", "short", "overwrite")
# The course notes' sentence is "The cat, which already ate ..., was full"; "ate", "fish" and
# "wanted" are not in the models' vocabulary (they would be read as <unk>), so the examples use
# words the data has.
DEFAULT_TEXT = "The cat , which already chased the dogs that the boy fed , was full ."
EXAMPLES = {
    "cat … was": DEFAULT_TEXT,
    "cats … were": "The cats , which already chased the dog that the boys fed , were full .",
    "long gap": ("The teacher , that met the students near the kings that chased the dogs which "
                 "followed the girls that helped the farmers beside the horses , was happy ."),
    "two subjects": ("The cat , which saw the dogs , was full , and the boys , near the girl "
                     "that the teacher thanked , were happy ."),
}

# ---- Inspect: the memory unit ------------------------------------------------------------------
def threshold_accuracy(values: np.ndarray, labels: np.ndarray) -> tuple[float, float, bool]:
    """How well one number separates two classes: the best accuracy of "plural if value > θ"
    (or "< θ") over every θ. Returns (accuracy, θ, plural_is_high)."""
    order = np.argsort(values)
    v, y = values[order], labels[order].astype(float)
    n, plural = len(y), y.sum()
    # cutting after position k: predict singular for the first k+1, plural for the rest
    plural_below = np.cumsum(y)
    right_high = (np.arange(1, n + 1) - plural_below) + (plural - plural_below)
    # a cut between two equal values is no threshold at all: only cut where the value rises
    can_cut = np.append(v[1:] > v[:-1], True)
    best = int(np.argmax(np.where(can_cut, np.maximum(right_high, n - right_high), -1)))
    high = right_high[best] >= n - right_high[best]
    theta = float((v[best] + v[min(best + 1, n - 1)]) / 2)
    return float(max(right_high[best], n - right_high[best]) / n), theta, bool(high)


def separation(values: np.ndarray, labels: np.ndarray) -> float:
    """How far apart the two classes sit on one unit: |mean_plural − mean_singular| over their
    pooled standard deviation (0 when a class is missing)."""
    one, zero = values[labels == 1], values[labels == 0]
    if not len(one) or not len(zero):
        return 0.0
    spread = np.sqrt((one.var() + zero.var()) / 2) + 1e-8
    return float(abs(one.mean() - zero.mean()) / spread)


def find_memory_unit(exp, items, good: float = 0.95) -> dict:
    """The unit of the memory (c⟨t⟩ for the LSTM, a⟨t⟩ for the others) whose value at the verb
    best separates singular from plural subjects on ``items`` (validation examples): the best
    single-unit accuracy, ties broken by the widest separation.

    Returns {"state": "c" | "h", "unit", "accuracy", "threshold", "plural_is_high",
    "scores": accuracy of every unit, "good_units": how many reach ``good`` alone}."""
    got = get_task(TASK).trace_batch(exp.model, exp.vocabs, items)
    state = "c" if "c" in got["at_verb"] else "h"
    values, labels = got["at_verb"][state], np.array(got["labels"])
    scored = [threshold_accuracy(values[:, k], labels) for k in range(values.shape[1])]
    margins = [separation(values[:, k], labels) for k in range(values.shape[1])]
    unit = max(range(len(scored)), key=lambda k: (round(scored[k][0], 6), margins[k]))
    accuracy, theta, high = scored[unit]
    return {"state": state, "unit": unit, "accuracy": accuracy, "threshold": theta,
            "plural_is_high": high, "scores": [s[0] for s in scored],
            "good_units": sum(s[0] >= good for s in scored)}


def flip_subject(tokens: list[str]) -> list[str] | None:
    """The same words with the subject whose verb is asked for (the last main-clause subject: the
    first noun, or a noun after ", and the") in the other number, or None."""
    last = [i for i in subject_positions(tokens) if tokens[i] in NOUNS or tokens[i] in SINGULAR_OF]
    if last and last[-1] > 1:
        i = last[-1]
        return tokens[:i] + [NOUNS.get(tokens[i]) or SINGULAR_OF[tokens[i]]] + tokens[i + 1:]
    for i, tok in enumerate(tokens):
        if tok in NOUNS:
            return tokens[:i] + [NOUNS[tok]] + tokens[i + 1:]
        if tok in SINGULAR_OF:
            return tokens[:i] + [SINGULAR_OF[tok]] + tokens[i + 1:]
    return None


def keep_gates(arch: str, steps: dict, unit: int) -> dict[str, np.ndarray]:
    """The gates that decide whether ``unit`` is kept or rewritten, per word, in course notation."""
    if arch == "lstm":
        return {"Γ_f (forget: keep c⟨t−1⟩)": steps["f"][:, unit],
                "Γ_u (update: write c̃⟨t⟩)": steps["i"][:, unit]}
    if arch == "gru":
        return {"Γ_u (update: write c̃⟨t⟩) = 1 − z": 1 - steps["z"][:, unit]}
    if arch == "leaky" and "alpha" in steps:
        return {"α (the share of the old state kept)": steps["alpha"][:, unit]}
    return {}


def unit_story(exp, text: str, found: dict) -> dict:
    """One typed sentence through the model: the memory unit's value at each word (and, when the
    subject can be flipped, the same sentence with the other number), its gates, the answer.
    ``found`` is ``find_memory_unit``'s result."""
    trace = exp.trace(text)
    steps, unit = trace["layers"][-1][0], found["unit"]
    tokens = trace["tokens"]
    values = {f"{found['state']}[{unit}] for “{_subject(tokens)}”": steps[found["state"]][:, unit]}
    flipped = flip_subject(tokens)
    if flipped is not None:
        other = exp.trace(" ".join(flipped))["layers"][-1][0]
        values[f"… for “{_subject(flipped)}”"] = other[found["state"]][:, unit]
    result = exp.predict(text)
    return {"tokens": tokens, "values": values, "gates": keep_gates(exp.model_config.arch, steps, unit),
            "prob": result["prob"], "number": result["number"], "verb": result["verb"]}


def _subject(tokens: list[str]) -> str:
    last = [i for i in subject_positions(tokens) if tokens[i] in NOUNS or tokens[i] in SINGULAR_OF]
    if last:
        return tokens[last[-1]]
    return next((t for t in tokens if t in NOUNS or t in SINGULAR_OF), tokens[0])


# ---- Inspect: the gates where a subject is written ----------------------------------------------
ROLES = ("subject nouns", "the same nouns inside a clause", "other words")


def gates_by_role(exp, items) -> dict[str, dict[str, float]]:
    """The mean of each keep-or-write gate (over every unit) at the main-clause subject nouns, at
    the same nouns as attractors inside the clauses, and at every other word, over ``items``
    (agreement examples). GRU: Γ_u (= 1 − torch's z); LSTM: Γ_u (torch's i) and Γ_f (f). Empty
    for a cell without gates."""
    arch = exp.model_config.arch
    if arch not in ("gru", "lstm"):
        return {}
    task = get_task(TASK)
    exp.model.eval()
    with torch.no_grad():
        steps = exp.model.trace(task.make_batch(items, exp.vocabs, exp.model.config)).steps[-1][0]
    named = ({"Γ_u (update)": 1 - steps["z"].numpy()} if arch == "gru"
             else {"Γ_u (update)": steps["i"].numpy(), "Γ_f (forget)": steps["f"].numpy()})
    where: dict[str, list] = {r: [] for r in ROLES}
    for n, x in enumerate(items):
        subjects = set(subject_positions(x.tokens))
        for i, tok in enumerate(x.tokens):
            role = (ROLES[0] if i in subjects else ROLES[1] if tok in NOUNS or tok in PLURALS
                    else ROLES[2])
            where[role].append((n, i))
    out = {}
    for gate, values in named.items():
        per_step = values.mean(axis=2)                       # (N, L): the mean over the units
        out[gate] = {role: float(np.mean([per_step[n, i] for n, i in pos])) if pos else float("nan")
                     for role, pos in where.items()}
    return out


def gate_role_rows(measured: dict[str, dict[str, float]]) -> list[dict]:
    """``gates_by_role``'s result as table rows."""
    return [{"gate (mean over units)": gate, **{r: round(v, 2) for r, v in roles.items()}}
            for gate, roles in measured.items()]


# ---- Compare: accuracy against the gap ------------------------------------------------------
def gap_curves(experiments: dict, gaps=SWEEP_GAPS, per_gap: int = 40,
               dataset: str = "long") -> dict[str, dict[int, float]]:
    """label -> {gap: accuracy} on fresh sentences (``per_gap`` at each gap, a fixed seed; with
    1-3 subjects when ``dataset`` is "overwrite")."""
    task, items = get_task(TASK), gap_sweep(gaps, per_gap, dataset=dataset)
    return {label: task.accuracy_by_gap(exp.model, exp.vocabs, items)
            for label, exp in experiments.items() if exp is not None}


def long_gap_accuracy(curve: dict[int, float], lo: int = 20) -> float:
    values = [a for g, a in curve.items() if g >= lo]
    return float(np.mean(values)) if values else float("nan")


def summary_rows(curves: dict[str, dict[int, float]], name: str = "cell") -> list[dict]:
    """One row per curve: mean accuracy on gaps 0-5 and on gaps 20-50."""
    return [{name: label,
             "accuracy, gaps 0-5": round(long_gap_accuracy({g: a for g, a in c.items() if g <= 5}, 0), 2),
             "accuracy, gaps 20-50": round(long_gap_accuracy(c), 2)} for label, c in curves.items()]


def overlap_note(curves: dict[str, dict[int, float]], level: float = 0.99) -> str:
    """A caption naming the curves that sit at (nearly) 1.0 at every gap and so hide behind each
    other on the chart ("" when fewer than two do)."""
    top = [label for label, c in curves.items() if c and min(c.values()) >= level]
    return f"On one line at 1.0, hiding each other: {', '.join(top)}." if len(top) > 1 else ""


def by_subjects(experiments: dict, n: int = 600) -> dict[str, dict[str, float]]:
    """label -> accuracy on the first ``n`` sentences of the overwrite test split (gaps 20-50),
    split by how many subjects they have: "1 subject", "2-3 subjects", and "all"."""
    task, test = get_task(TASK), build_agreement("overwrite").test[:n]
    groups = {"1 subject": [x for x in test if x.subjects == 1],
              "2-3 subjects": [x for x in test if x.subjects > 1], "all": test}
    out = {}
    for label, exp in experiments.items():
        if exp is None:
            continue
        out[label] = {g: task.evaluate(exp.model, items, exp.vocabs, exp.model_config)["accuracy"]
                      for g, items in groups.items()}
    return out


def subject_rows(scores: dict[str, dict[str, float]]) -> list[dict]:
    """``by_subjects``'s result as table rows."""
    return [{"cell": label, **{f"accuracy, {g}": round(v, 2) for g, v in s.items()}}
            for label, s in scores.items()]


def falls_first(curves: dict[str, dict[int, float]], level: float = 0.9) -> dict[str, int | None]:
    """label -> the first gap where accuracy drops below ``level`` (None: never)."""
    return {label: next((g for g, a in sorted(c.items()) if a < level), None)
            for label, c in curves.items()}


# ---- Deep RNNs -------------------------------------------------------------------------------
DEPTHS = (1, 2, 3)


def depth_checkpoint(layers: int) -> str:
    """The shipped vanilla RNN with ``layers`` stacked layers (same data, seed and 1500 steps)."""
    return "agreement-rnn" if layers == 1 else f"agreement-rnn-{layers}layers"


def pretrained_for(config, dataset: str = "long") -> str:
    """The shipped checkpoint closest to the sidebar: on the overwrite level the cell's overwrite
    model; else the stacked RNNs for 2 or 3 vanilla layers, otherwise the one-layer model of the
    chosen cell."""
    if dataset == "overwrite":
        return OVERWRITE[LABELS[config.arch]]
    if config.arch == "rnn" and config.layers in DEPTHS:
        return depth_checkpoint(config.layers)
    return f"agreement-{config.arch}"


COMPARED_FIELDS = ("arch", "hidden", "embed", "layers", "bidirectional", "dropout", "leak",
                   "learn_leak", "spectral_radius", "nonlinearity")


def differences(shown, wanted) -> list[str]:
    """The model settings in which the shown model differs from the sidebar's."""
    a, b = shown.to_dict(), wanted.to_dict()
    return [f for f in COMPARED_FIELDS if f in a and f in b and a[f] != b[f]]


def pretrained_notice(shown, own, wanted) -> str | None:
    """The notice when Try and Inspect show a shipped model (not ``own``) that differs from the
    sidebar's settings ``wanted``; None when there is nothing to say."""
    if shown is None or shown is own or not (diff := differences(shown.model_config, wanted)):
        return None
    return (f"The pretrained model differs from the sidebar in: {', '.join(diff)}. To see your "
            "settings in action, train your own in the **Train** tab.")


def depth_rows(experiments: dict[int, object]) -> list[dict]:
    """layers -> experiment: a row each with its accuracy on short (0-5) and long (20-50) gaps."""
    return summary_rows(gap_curves(experiments), "stacked layers")


SCORED_ON = {"long": "gaps 20–50", "short": "gaps 0–5",
             "overwrite": "the last subject's verb, 20–50 words after it"}
STATE_NAMES = {"c": "c⟨t⟩", "h": "a⟨t⟩"}


def unit_sentence(found: dict, story: dict) -> str:
    """What the finder found, in two or three sentences."""
    high = "high" if found["plural_is_high"] else "low"
    good, total = found["good_units"], len(found["scores"])
    if good == 0:
        spread = "No unit reaches 95 %: this model does not carry the number to the verb."
    elif good >= total / 2:
        spread = (f"**{good} of {total}** units reach 95 % each: the number is spread over the "
                  "whole memory, since it is all this task asks the model to keep.")
    else:
        spread = f"**{good} of {total}** units reach 95 % each."
    return (f"Unit **{found['unit']}** of {STATE_NAMES[found['state']]} alone gets "
            f"**{found['accuracy']:.0%}** of validation verbs right ({high} = plural). {spread} "
            f"On this sentence the model says **{story['number']}**.")


def verdict(prob: float) -> tuple[str, str]:
    """(singular | plural, the verb forms) for P(plural)."""
    return ("plural", "were / are / have") if prob >= 0.5 else ("singular", "was / is / has")
