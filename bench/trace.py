"""2. Explainable cells vs fused kernels: ``RecurrentLayer.trace`` vs ``RecurrentLayer.forward``.

Inspection runs the trace under no_grad on one sentence; the gradient-flow lab runs it with
autograd on a batch. Input size 32 (an embedding), hidden 256, 40 tokens, one torch thread (the
app pins one). Variants are timed in alternation; medians of the rounds.

Also the whole Inspect path on a shipped checkpoint: ``Experiment.trace(text)`` (tokenise,
features, trace, numpy) on a 40-word sentence, which is what a page waits for.
"""
from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):   # `python bench/trace.py`: put the repo, not bench/, on the path
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import torch

from bench.common import interleaved, median

ARCHS = ("rnn", "gru", "lstm")
HIDDEN, INPUT, LENGTH, BATCH = 256, 32, 40, 32
TARGET_MS = 50.0


def _layer_case(arch: str, bidirectional: bool, n: int, grad: bool, rounds: int) -> dict:
    from rnn.layer import RecurrentLayer
    torch.manual_seed(0)
    layer = RecurrentLayer(arch, INPUT, HIDDEN, bidirectional=bidirectional).eval()
    x = torch.randn(n, LENGTH, INPUT)

    def fused():
        with torch.set_grad_enabled(grad):
            out, _ = layer(x)
            if grad:
                out.sum().backward()

    def trace():
        with torch.set_grad_enabled(grad):
            out = layer.trace(x).output
            if grad:
                out.sum().backward()

    times = interleaved({"fused": fused, "trace": trace}, rounds=rounds, per_round=3, warmup=2)
    ms_f, ms_t = 1e3 * median(times["fused"]), 1e3 * median(times["trace"])
    return {"arch": arch, "bidirectional": bidirectional, "batch": n, "length": LENGTH,
            "hidden": HIDDEN, "grad": grad, "ms_fused": ms_f, "ms_trace": ms_t,
            "ratio": ms_t / ms_f}


def _experiment_case(rounds: int) -> list[dict]:
    """Experiment.trace on the shipped bidirectional NER checkpoints (what Inspect calls)."""
    from rnn.pretrained import load_pretrained
    words = ["Teddy", "Roosevelt", "was", "a", "great", "President", "and", "April", "Jordan", "met", "him", "in", "Paris", ",", "while", "teddy", "bears", "were", "on", "sale", "in", "April", ";", "Jordan", "said", "that", "Marie", "Curie", "and", "Ada", "Lovelace", "would", "visit", "the", "old", "museum", "next", "Monday", "at", "noon", "."]
    text = " ".join(words[:LENGTH])
    rows = []
    for name in ("ner-rnn", "ner-gru", "ner-lstm"):
        try:
            exp = load_pretrained(name)
        except Exception as err:  # noqa: BLE001 -- checkpoints may be rebuilt while we run
            rows.append({"checkpoint": name, "error": str(err)})
            continue
        times = interleaved({"predict": lambda exp=exp: exp.predict(text), "trace": lambda exp=exp: exp.trace(text)},
                            rounds=rounds, per_round=2, warmup=1)
        rows.append({"checkpoint": name, "tokens": len(text.split()), "hidden": exp.model_config.hidden,
                     "bidirectional": exp.model_config.bidirectional,
                     "ms_predict": 1e3 * median(times["predict"]),
                     "ms_trace": 1e3 * median(times["trace"])})
    return rows


def run(quick: bool = False) -> dict:
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    rounds = 3 if quick else 9
    try:
        rows = []
        for arch in ARCHS:
            rows.append(_layer_case(arch, False, 1, False, rounds))
            rows.append(_layer_case(arch, True, 1, False, rounds))
            rows.append(_layer_case(arch, False, BATCH, False, rounds))
            rows.append(_layer_case(arch, False, BATCH, True, rounds))
            for r in rows[-4:]:
                print(f"  trace {arch} bi={r['bidirectional']} N={r['batch']} grad={r['grad']}: "
                      f"{r['ms_trace']:.1f} ms vs fused {r['ms_fused']:.1f} ms", flush=True)
        experiment = _experiment_case(rounds)
    finally:
        torch.set_num_threads(threads)
    single = [r for r in rows if r["batch"] == 1]
    return {"rows": rows, "experiment": experiment, "target_ms": TARGET_MS, "threads": 1,
            "max_single_ms": max(r["ms_trace"] for r in single)}


if __name__ == "__main__":
    import json
    print(json.dumps(run(quick=True), indent=1))
