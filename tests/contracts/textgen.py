"""Contracts of rnn/lessons/questions/textgen.toml (2_Text_generation.py): one function per
question, named by its ``contract``, returning an ``Outcome`` (tests/contracts/common.py)."""
from __future__ import annotations

from functools import lru_cache

from .common import Outcome, shipped

RARE = 0.05                     # a letter the model gives under 5 % counts as unlikely
N_SAMPLES = 30                  # samples per text-generation setting
TEXTGEN_ARCHS = ("rnn", "gru", "lstm")


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
