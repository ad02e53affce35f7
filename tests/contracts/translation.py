"""Contracts of rnn/lessons/questions/translation.toml (4_Translation.py): one function per
question, named by its ``contract``, returning an ``Outcome`` (tests/contracts/common.py)."""
from __future__ import annotations

import numpy as np

from rnn.lessons import challenges as Q

from .common import Outcome, shipped, train

RACE = {"none": "translation-lstm-none", "additive": "translation-lstm"}
SHORT, LONG = 4, 6              # source lengths in words: "seven hundred and five" / "... thousand ..."


def _by_length(exp) -> dict[int, float]:
    """Exact match by source length on the validation set, as the race's chart scores it."""
    return {int(k): float(v) for k, v in exp.evaluate("val")["exact_match_by_length"].items()}


def translation_length_race() -> Outcome:
    """The shipped race pair on numbers: the LSTM without attention (3500 steps, still learning)
    and with additive attention (1500 steps), exact match by source length (validation set).
    4- and 6-word sources are 99 % of it; the handful of 1- and 2-word ones are reported too."""
    m = {label: _by_length(shipped(name)) for label, name in RACE.items()}
    none, add = m["none"], m["additive"]
    holds = (none[SHORT] >= 1.5 * none[LONG] and none[LONG] < 0.9
             and min(add[SHORT], add[LONG]) >= 0.95)
    return Outcome(holds, m, f"no attention: {SHORT} words {none[SHORT]:.2f}, {LONG} words "
                   f"{none[LONG]:.2f}; additive: {add[SHORT]:.2f}, {add[LONG]:.2f} (all lengths: {m})")


def translation_attention_ninety() -> Outcome:
    """The shipped LSTM's attention row for "quatre-vingt-dix" on "one hundred and ninety"."""
    from rnn.lessons.translation import attention_axes
    result = shipped("translation-lstm").predict(Q.NINETY)
    axes = attention_axes(result)
    if axes is None:
        return Outcome(False, {"text": result["text"]}, "no attention weights")
    src, out = axes
    row = np.asarray(result["attention"])[out.index("quatre-vingt-dix")] \
        if "quatre-vingt-dix" in out else None
    looked = src[int(np.argmax(row))] if row is not None else None
    holds = result["text"] == "cent quatre-vingt-dix" and looked == "ninety"
    return Outcome(holds, {"text": result["text"], "looked_at": looked,
                           "row": None if row is None else row.tolist()},
                   f"“{result['text']}”; writing quatre-vingt-dix it looks at “{looked}”")


TEACHER_STEPS, TEACHER_EVERY, TEACHER_LEVEL, TEACHER_GOOD = 300, 50, 0.5, 0.8


def _first_reaching(history, key: str, level: float) -> int | None:
    """The first evaluated step at which ``key`` reached ``level`` (None: never)."""
    return next((r.step for r in history.evals if (r.metrics.get(key) or 0) >= level), None)


def translation_teacher_forcing(steps: int = TEACHER_STEPS, seed: int = 0) -> Outcome:
    """The page's default model (LSTM, additive attention) on numbers, teacher forcing 0 vs 1,
    ``steps`` steps each, evaluated every 50 steps: when validation exact match (free-running
    greedy decoding, what the Train tab's chart shows) first reaches 50 %, and where it ends."""
    m = {}
    for ratio in (0.0, 1.0):
        exp = train("translation", steps, "numbers", seed=seed, options={"teacher_forcing": ratio},
                    eval_every=TEACHER_EVERY, arch="lstm", hidden=64, attention="additive")
        curve = [(r.step, round(r.metrics["exact_match"], 3)) for r in exp.history.evals
                 if "exact_match" in r.metrics]
        m[ratio] = {"reaches_50%_at": _first_reaching(exp.history, "exact_match", TEACHER_LEVEL),
                    "final": curve[-1][1] if curve else 0.0, "exact_match": curve}
    tf0, tf1 = m[0.0]["reaches_50%_at"], m[1.0]["reaches_50%_at"]
    holds = (tf0 is not None and tf1 is not None and abs(tf0 - tf1) <= TEACHER_EVERY
             and min(m[0.0]["final"], m[1.0]["final"]) >= TEACHER_GOOD)
    return Outcome(holds, m, f"50 % exact match first at step {tf0} (teacher forcing 0) and {tf1} "
                   f"(teacher forcing 1); after {steps} steps {m[0.0]['final']:.2f} and "
                   f"{m[1.0]['final']:.2f}")
