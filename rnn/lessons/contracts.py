"""The lesson contracts: one function per predict-first question (``rnn.lessons.challenges``) that
runs the question's experiment through the engine and says whether the answer's claim holds.

Every experiment is fixed: the shipped checkpoints where the question is about a trained model
(so it measures exactly what the page shows), and a training run with a budget in **steps** and a
seed where the question is about training (seconds would measure the machine, not the model).
Each function returns an ``Outcome``: ``holds`` (the claim, as a bool), ``measured`` (the numbers
it rests on) and ``summary`` (one line a test failure or a teacher can read).

``check(key)`` runs the contract a challenge names. ``tests/test_contract_*.py`` assert them all.
No Streamlit here.
"""
from __future__ import annotations

import importlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import torch

from rnn.lessons import challenges as Q

SAME = 1e-6                     # "the same probability": equal up to float noise
RARE = 0.05                     # a letter the model gives under 5 % counts as unlikely
N_SAMPLES = 30                  # samples per text-generation setting
TEXTGEN_ARCHS = ("rnn", "gru", "lstm")


@dataclass(frozen=True)
class Outcome:
    """What a contract measured and whether the challenge's claim holds."""

    holds: bool
    measured: dict = field(default_factory=dict)
    summary: str = ""

    def __bool__(self) -> bool:
        return bool(self.holds)


def check(key: str) -> Outcome:
    """Run the contract of challenge ``key`` (e.g. "ner.lowercase")."""
    challenge = Q.ALL[key]
    if not challenge.contract:
        raise ValueError(f"{key} names no contract")
    module = Q.CONTRACT_MODULES.get(challenge.page)
    if module is None:
        with one_thread():          # as the app runs models; many tiny ops are slower on more
            return globals()[challenge.contract]()
    # Those modules' checks raise AssertionError (with the figures) when the claim fails and
    # return the figures when it holds.
    check_fn = getattr(importlib.import_module(module), challenge.contract)
    try:
        figures = check_fn()
    except AssertionError as failed:
        return Outcome(False, {"assertion": str(failed)}, f"claim failed: {failed}")
    return Outcome(True, dict(figures or {}), str(figures))


# ---- shared helpers ------------------------------------------------------------------------
@lru_cache(maxsize=None)
def shipped(name: str):
    """A shipped checkpoint as an Experiment, loaded once per process (read-only use)."""
    from rnn.pretrained import load_pretrained
    return load_pretrained(name)


def train(task: str, steps: int, dataset: str, seed: int = 0, options: dict | None = None,
          lr: float = 3e-3, batch_size: int = 32, eval_every: int | None = None, **model):
    """A fresh experiment trained for exactly ``steps`` steps (no time limit), evaluated every
    ``eval_every`` steps (default: once, at the end). One thread, so the figure does not depend
    on the machine's core count."""
    from rnn.experiment import Experiment
    from rnn.models.config import ModelConfig
    from rnn.train.trainer import TrainConfig
    with one_thread():
        exp = Experiment.create(task, ModelConfig(**model),
                                TrainConfig(steps=steps, seconds=None, eval_every=eval_every or steps,
                                            seed=seed, lr=lr, batch_size=batch_size),
                                dataset=dataset, options=options)
        exp.train()
    return exp


@contextmanager
def one_thread():
    """torch on one thread for the block (as the app trains), then as it was."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _probs(exp, text: str, key: str = "probs") -> dict[str, float]:
    """Word -> probability for the first occurrence of each word of ``text``."""
    result = exp.predict(text)
    out: dict[str, float] = {}
    for token, p in zip(result["tokens"], result[key]):
        out.setdefault(token, float(p))
    return out


def _tagged(exp, text: str) -> tuple[list[str], list[str], list[str]]:
    """(tokens tagged as a name, tokens not tagged, unknown tokens) of ``text``."""
    r = exp.predict(text)
    names = [t for t, p in zip(r["tokens"], r["probs"]) if p >= 0.5]
    others = [t for t, p in zip(r["tokens"], r["probs"]) if p < 0.5]
    unknown = [t for t, k in zip(r["tokens"], r["known"]) if not k]
    return names, others, unknown


def _crossings(probs) -> int:
    side = np.asarray(probs, dtype=float) >= 0.5
    return int((side[1:] != side[:-1]).sum())


# ---- 1 Named entities ---------------------------------------------------------------------
def ner_teddy_unidirectional() -> Outcome:
    """Shipped ner-lstm-uni and ner-lstm on the Teddy minimal pair: P(name) at "Teddy"."""
    uni, bi = shipped("ner-lstm-uni"), shipped("ner-lstm")
    u = [_probs(uni, s)["Teddy"] for s in (Q.TEDDY_BEARS, Q.TEDDY_ROOSEVELT)]
    b = [_probs(bi, s)["Teddy"] for s in (Q.TEDDY_BEARS, Q.TEDDY_ROOSEVELT)]
    holds = abs(u[0] - u[1]) <= SAME and b[0] < 0.5 <= b[1]
    return Outcome(holds, {"uni_bears": u[0], "uni_roosevelt": u[1], "bi_bears": b[0],
                           "bi_roosevelt": b[1]},
                   f"left-to-right {u[0]:.3f} / {u[1]:.3f}; bidirectional {b[0]:.3f} / {b[1]:.3f}")


UNSEEN_NAMES = ["Zorblax", "Quengi", "Oluwaseun", "Adeyemi"]


def ner_unseen_names() -> Outcome:
    """Every shipped bidirectional tagger on the never-seen names sentence."""
    measured, holds = {}, True
    for arch in ("rnn", "gru", "lstm"):
        names, _, unknown = _tagged(shipped(f"ner-{arch}"), Q.UNSEEN)
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
    names, _, unknown = _tagged(plain, Q.HARRY)
    spelled, _, _ = _tagged(shipped("ner-lstm"), Q.HARRY)
    wrong = [w for w in ORDINARY_UNKNOWN if w in names and w in unknown]
    holds = all(n in names for n in HARRY_NAMES) and bool(wrong) \
        and not any(w in spelled for w in ORDINARY_UNKNOWN)
    return Outcome(holds, {"without_spelling": names, "with_spelling": spelled, "unknown": unknown},
                   f"without spelling tagged {names}; with spelling {spelled}")


def ner_lowercase() -> Outcome:
    """The shipped bidirectional LSTM (the page's default) on the lowercase sentence."""
    names, _, _ = _tagged(shipped("ner-lstm"), Q.LOWERCASE)
    holds = names == [n.lower() for n in HARRY_NAMES]
    return Outcome(holds, {"names": names}, f"tagged as names: {names}")


# ---- 2 Text generation --------------------------------------------------------------------
def _sample_stats(exp, **options) -> dict:
    """Statistics of ``N_SAMPLES`` samples from an empty prime, seeds 0..N-1, as the Try tab
    draws them (``sample_many``). Sampling is seeded, so each setting is drawn once per model."""
    key = (id(exp), tuple(sorted(options.items())))
    if key not in _STATS:
        _STATS[key] = _draw_stats(exp, options)
    return _STATS[key]


_STATS: dict = {}


def _draw_stats(exp, options: dict) -> dict:
    from rnn.lessons.textgen import sample_many
    results = sample_many(exp, "", N_SAMPLES, 0, length=120, **options)
    steps = [s for r in results for s in r["steps"]]
    names = [r["text"].strip() for r in results]
    known = _training_names(exp.dataset)
    return {"rare": sum(s["prob"] < RARE for s in steps) / max(1, len(steps)),
            "first_letters": len({n[:1] for n in names}), "distinct": len(set(names)),
            "real_names": sum(n in known for n in names), "samples": names[:5]}


@lru_cache(maxsize=4)
def _training_names(dataset: str) -> frozenset:
    return frozenset(shipped("textgen-lstm").ensure_data().train.split("\n")) \
        if dataset == "names" else frozenset()


def _per_arch(measure) -> dict:
    return {arch: measure(shipped(f"textgen-{arch}")) for arch in TEXTGEN_ARCHS}


def textgen_temperature_high() -> Outcome:
    """Share of unlikely letters (model probability < 5 %) at T = 2 vs T = 1, every shipped LM."""
    m = _per_arch(lambda e: {"T1": _sample_stats(e, temperature=1.0)["rare"],
                             "T2": _sample_stats(e, temperature=2.0)["rare"]})
    holds = all(v["T2"] > 0.5 and v["T1"] < 1 / 3 for v in m.values())
    return Outcome(holds, m, "unlikely-letter share T=1 → T=2: " + ", ".join(
        f"{a} {v['T1']:.2f} → {v['T2']:.2f}" for a, v in m.items()))


def textgen_greedy() -> Outcome:
    """Five greedy samples (seeds 0-4, the Try tab's settings) vs five at T = 1."""
    from rnn.lessons.textgen import sample_many
    m = {}
    for arch in TEXTGEN_ARCHS:
        exp = shipped(f"textgen-{arch}")
        greedy = [r["text"] for r in sample_many(exp, "", 5, 0, greedy=True, length=200)]
        sampled = [r["text"] for r in sample_many(exp, "", 5, 0, temperature=1.0, length=200)]
        # the engine's option the page does not offer: no stop at the end of a name
        lines = exp.predict("", greedy=True, length=80, stop=None)["text"].split("\n")[:-1]
        m[arch] = {"greedy": sorted(set(greedy)), "sampled_distinct": len(set(sampled)),
                   "no_stop_lines": sorted(set(lines)), "no_stop_count": len(lines),
                   "last_lines": lines[-3:]}
    # a loop: the last three complete lines are one and the same name
    holds = all(len(v["greedy"]) == 1 and v["sampled_distinct"] > 1 and v["no_stop_count"] >= 5
                and len(v["last_lines"]) == 3 and len(set(v["last_lines"])) == 1
                for v in m.values())
    return Outcome(holds, m, "; ".join(f"{a}: greedy {v['greedy']}, T=1 gives "
                                       f"{v['sampled_distinct']} different, without the stop "
                                       f"{v['no_stop_count']} lines of {v['no_stop_lines']}"
                                       for a, v in m.items()))


def textgen_temperature_low() -> Outcome:
    """Different first letters and real training names among 30 samples, T = 0.3 vs T = 1."""
    def measure(e):
        low, one = _sample_stats(e, temperature=0.3), _sample_stats(e, temperature=1.0)
        return {k: (low[k], one[k]) for k in ("first_letters", "real_names")}
    m = _per_arch(measure)
    holds = all(v["first_letters"][0] < v["first_letters"][1]
                and v["real_names"][0] > v["real_names"][1] for v in m.values())
    return Outcome(holds, m, "(T=0.3, T=1): " + "; ".join(f"{a} {v}" for a, v in m.items()))


def textgen_top_k() -> Outcome:
    """Share of unlikely letters at T = 1.5 with and without top-k = 3."""
    m = _per_arch(lambda e: {"T1.5": _sample_stats(e, temperature=1.5)["rare"],
                             "T1.5_top3": _sample_stats(e, temperature=1.5, top_k=3)["rare"]})
    holds = all(v["T1.5_top3"] <= v["T1.5"] / 2 for v in m.values())
    return Outcome(holds, m, "unlikely-letter share without → with top-3: " + ", ".join(
        f"{a} {v['T1.5']:.2f} → {v['T1.5_top3']:.2f}" for a, v in m.items()))


# ---- 3 Sentiment ---------------------------------------------------------------------------
def _line(exp, text: str) -> tuple[list[str], list[float]]:
    r = exp.predict(text)
    return list(r["tokens"]), [float(p) for p in r["prob_after_each"]]



WORDS_PRIME = "Simple is better than complex ."


def textgen_words_eos() -> Outcome:
    """The shipped word-level LM: <eos> after a finished sentence, <unk> and <eos> in samples, an
    unseen typed word reported as unknown."""
    exp = shipped("textgen-lstm-words")
    first = exp.predict(WORDS_PRIME, greedy=True, length=1)["steps"][0]
    samples = [exp.predict("", length=60, seed=seed)["steps"] for seed in range(3)]
    tokens = {s["token"] for steps in samples for s in steps}
    unknown = exp.predict("The zyzzyva is", length=1)["unknown_prime"]
    holds = first["token"] == "<eos>" and {"<eos>", "<unk>"} <= tokens and unknown == ["zyzzyva"]
    return Outcome(holds, {"next": first["top"][:3], "sampled_specials": sorted(tokens & {"<eos>", "<unk>"}),
                           "unknown": unknown},
                   f"next after the prime: {first['top'][:3]}; specials sampled: "
                   f"{sorted(tokens & {'<eos>', '<unk>'})}; unknown typed: {unknown}")

def sentiment_not_good() -> Outcome:
    """The shipped LSTM's line on "The acting was not good.": where does it fall most?"""
    tokens, p = _line(shipped("sentiment-lstm"), Q.NOT_GOOD)
    change = np.diff([0.5] + p)
    fall = tokens[int(np.argmin(change))]
    holds = fall == "good" and p[tokens.index("not")] >= 0.5 and p[-1] < 0.5
    return Outcome(holds, {"tokens": tokens, "line": p, "largest_fall_at": fall},
                   f"largest fall at “{fall}”; line " + " ".join(f"{t}:{q:.2f}" for t, q in zip(tokens, p)))


def sentiment_but() -> Outcome:
    """The shipped LSTM on "Good acting but a dull plot." and its swapped halves."""
    exp = shipped("sentiment-lstm")
    tokens, p = _line(exp, Q.BUT_DULL)
    _, swapped = _line(exp, Q.DULL_BUT)
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
        tokens, p = _line(shipped(f"sentiment-{arch}"), Q.LONG_REVIEW)
        falls = [i for i in range(len(p)) if p[i] < 0.5 and (i == 0 or p[i - 1] >= 0.5)]
        m[arch] = {"after_lovely": p[tokens.index("lovely")], "last_fall": tokens[falls[-1]] if falls else None,
                   "last_fall_at": falls[-1] if falls else None, "but_at": tokens.index("but"),
                   "crossings": _crossings(p), "end": p[-1]}
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
        m[arch] = {"but_great": _line(exp, Q.BUT_GREAT)[1][-1], **second_clause_share(exp)}
    holds = all(v["but_great"] > 0.5 and v["worst"] >= 0.95 for v in m.values())
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
        curves[arch] = {r["step"]: round(float(r["accuracy"]), 3) for r in exp.history
                        if r.get("kind") == "eval" and "accuracy" in r}
    at = sorted(curves["rnn"])
    # the shipped RNN (same data and seed, 500 steps; the Compare tab's shipped curves)
    shipped_rnn = [r["accuracy"] for r in shipped("sentiment-rnn").history
                   if r.get("kind") == "eval" and isinstance(r.get("accuracy"), (int, float))]
    caught_up = float(shipped_rnn[-1]) if shipped_rnn else 0.0
    holds = (bool(at) and all(max(curves["gru"][s], curves["lstm"][s]) > curves["rnn"][s] for s in at)
             and caught_up >= 0.95)
    return Outcome(holds, {**curves, "shipped_rnn_final": caught_up},
                   "validation accuracy by step: " + "; ".join(
                       f"{a} " + ", ".join(f"{s}: {v:.2f}" for s, v in c.items())
                       for a, c in curves.items()) + f"; shipped RNN at its end {caught_up:.2f}")


# ---- 4 Translation -------------------------------------------------------------------------
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


def _first_reaching(history: list[dict], key: str, level: float) -> int | None:
    """The first evaluated step at which ``key`` reached ``level`` (None: never)."""
    return next((r["step"] for r in history if r.get("kind") == "eval" and r.get(key, 0) >= level),
                None)


def translation_teacher_forcing(steps: int = TEACHER_STEPS, seed: int = 0) -> Outcome:
    """The page's default model (LSTM, additive attention) on numbers, teacher forcing 0 vs 1,
    ``steps`` steps each, evaluated every 50 steps: when validation exact match (free-running
    greedy decoding, what the Train tab's chart shows) first reaches 50 %, and where it ends."""
    m = {}
    for ratio in (0.0, 1.0):
        exp = train("translation", steps, "numbers", seed=seed, options={"teacher_forcing": ratio},
                    eval_every=TEACHER_EVERY, arch="lstm", hidden=64, attention="additive")
        curve = [(r["step"], round(r["exact_match"], 3)) for r in exp.history
                 if r.get("kind") == "eval" and "exact_match" in r]
        m[ratio] = {"reaches_50%_at": _first_reaching(exp.history, "exact_match", TEACHER_LEVEL),
                    "final": curve[-1][1] if curve else 0.0, "exact_match": curve}
    tf0, tf1 = m[0.0]["reaches_50%_at"], m[1.0]["reaches_50%_at"]
    holds = (tf0 is not None and tf1 is not None and abs(tf0 - tf1) <= TEACHER_EVERY
             and min(m[0.0]["final"], m[1.0]["final"]) >= TEACHER_GOOD)
    return Outcome(holds, m, f"50 % exact match first at step {tf0} (teacher forcing 0) and {tf1} "
                   f"(teacher forcing 1); after {steps} steps {m[0.0]['final']:.2f} and "
                   f"{m[1.0]['final']:.2f}")


# ---- 5 Bidirectional -----------------------------------------------------------------------
def bidirectional_jordan() -> Outcome:
    """The shipped pair on the Jordan minimal pair: P(name) at "Jordan"."""
    from rnn.data import MINIMAL_PAIRS
    borders, smith = MINIMAL_PAIRS[1]
    uni, bi = shipped("ner-lstm-uni"), shipped("ner-lstm")
    u = [_probs(uni, s)["Jordan"] for s in (borders, smith)]
    b = [_probs(bi, s)["Jordan"] for s in (borders, smith)]
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


# ---- 6 Gradient flow -----------------------------------------------------------------------
def _decay_ratio(settings) -> float:
    from rnn.labs.memory import grad_norms_through_time
    from rnn.lessons.gradflow_lab import probe_batch
    y = grad_norms_through_time(settings.model("rnn"), probe_batch(settings))
    return float(y[0] / y[-1])


def gradflow_radius_up() -> Outcome:
    """‖∂L/∂a⟨1⟩‖ / ‖∂L/∂a⟨T⟩‖ of the page's RNN at init, radius 1.5 vs torch's init."""
    from rnn.lessons.gradflow_lab import LabSettings, rnn_spectrum
    up, init = _decay_ratio(LabSettings(radius=1.5)), _decay_ratio(LabSettings())
    radius = float(rnn_spectrum(LabSettings())["radius"])
    holds = up > 1 > init and 0.4 <= radius <= 0.8
    return Outcome(holds, {"radius_1.5": up, "init": init, "init_radius": radius},
                   f"ratio at radius 1.5: {up:.3g}; at torch's init (radius {radius:.2f}): {init:.3g}")


def gradflow_relu_clipping() -> Outcome:
    """The page's Train tab with the challenge's settings, clipping off, then on at 1."""
    from rnn.lessons.gradflow_lab import LabSettings, run_training
    s = LabSettings(T=20, radius=2.0, nonlinearity="relu")
    m = {}
    for clip in (None, 1.0):
        budget = {"steps": 300, "lr": 0.05, "clip": clip, "optimizer": "sgd", "batch_size": 32}
        with one_thread():
            run = run_training(s.model("rnn"), budget, seed=0, max_seconds=600)
        losses = [r["loss"] for r in run["records"]]
        m["off" if clip is None else "on"] = {"diverged": run["diverged"], "steps": len(losses),
                                              "finite": bool(np.isfinite(losses).all())}
    holds = m["off"]["diverged"] and m["off"]["steps"] < 300 \
        and not m["on"]["diverged"] and m["on"]["steps"] == 300 and m["on"]["finite"]
    return Outcome(holds, m, f"clipping off: diverged={m['off']['diverged']} after "
                   f"{m['off']['steps']} steps; on: {m['on']['steps']} steps, diverged={m['on']['diverged']}")


SWEEP_TS = (30, 50)


def gradflow_sweep() -> Outcome:
    """The Compare tab's sweep (the page's defaults: recall task, keep-gate bias 3, 300 steps)
    at T = 30 and 50: held-out accuracy per cell."""
    from rnn.lessons.gradflow_lab import ARCHS, SOLVED, LabSettings, accuracy_at
    s = LabSettings()
    with one_thread():
        acc = {arch: {T: accuracy_at(s, arch, T) for T in SWEEP_TS} for arch in ARCHS}
    chance = s.task().chance
    holds = all(acc[a][T] >= SOLVED for a in ("gru", "lstm") for T in SWEEP_TS) \
        and all(acc["rnn"][T] <= chance + 0.1 for T in SWEEP_TS)
    return Outcome(holds, {**acc, "chance": chance}, f"chance {chance:.2f}; " + "; ".join(
        f"{a}: " + ", ".join(f"T={T} {v:.2f}" for T, v in r.items()) for a, r in acc.items()))


def main(keys: list[str] | None = None) -> int:
    """``python -m rnn.lessons.contracts [key ...]``: run contracts, one table row each (whether
    the claim holds, CPU and wall seconds, what was measured). Exit status 1 if any claim fails."""
    import sys
    import time
    failed = 0
    print("| challenge | holds | CPU s | wall s | measured |\n|---|---|---|---|---|")
    for key in keys or list(Q.ALL):
        cpu, wall = time.process_time(), time.perf_counter()
        outcome = check(key)
        failed += not outcome.holds
        print(f"| {key} | {outcome.holds} | {time.process_time() - cpu:.1f} | "
              f"{time.perf_counter() - wall:.1f} | {outcome.summary[:160]} |")
        sys.stdout.flush()
    return int(failed > 0)


if __name__ == "__main__":
    import sys
    raise SystemExit(main(sys.argv[1:]))
