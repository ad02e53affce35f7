"""4. Hardware ceiling: achieved FLOP/s of a training step vs the machine's dense matmul FLOP/s.

FLOPs are counted analytically, matrix multiplies only (elementwise gate maths, Adam and the loss
are left out, so the fraction is if anything generous). For the character language model with
batch N, window L, embedding E, hidden H, G gates (RNN 1, GRU 3, LSTM 4) and vocabulary V:

    forward  = 2 N L (E G H  +  H G H  +  H V)      input projection, recurrence, output head
    training = 3 x forward                          backward costs about two forwards

The ceiling is the best dense matmul this machine does in the same run, two ways: torch.mm, which
goes to MKL, and oneDNN's matmul (the library behind torch's CPU LSTM kernel), each on square 1024
matrices (the best case) and at the recurrent matmul's own shape (N x H) @ (H x G H). On AMD CPUs
MKL does not pick its AVX-512 code, so the two differ by about 2x there. Measured with 1 thread
(as the app trains) and, for two models, 2 threads. One step is profiled with torch.profiler to
say where the time goes.
"""
from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):   # `python bench/ceiling.py`: put the repo, not bench/, on the path
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import torch

from bench.common import interleaved, median
from bench.overhead import _bare_step, _setup

GATES = {"rnn": 1, "gru": 3, "lstm": 4}
N, L, E = 32, 64, 32


def step_flops(arch: str, hidden: int, vocab: int) -> float:
    g = GATES[arch]
    forward = 2 * N * L * (E * g * hidden + hidden * g * hidden + hidden * vocab)
    return 3.0 * forward


def _matmul_call(m: int, k: int, n: int, library: str):
    """A call doing ~0.2 GFLOP of (m x k) @ (k x n) matmuls in `library`, and its FLOP count."""
    a, b = torch.randn(m, k), torch.randn(k, n)
    w = b.t().contiguous()                  # oneDNN's linear takes the (n x k) weight
    inner = max(1, int(2e8 // (2 * m * k * n)))

    def mkl():
        for _ in range(inner):
            torch.mm(a, b)

    def onednn():
        for _ in range(inner):
            torch.ops.mkldnn._linear_pointwise(a, w, None, "none", [], "")
    return (mkl if library == "mkl" else onednn), 2.0 * m * k * n * inner


def _has_onednn() -> bool:
    try:
        _matmul_call(8, 8, 8, "onednn")[0]()
        return True
    except (RuntimeError, AttributeError):
        return False


def _step_call(arch: str, hidden: int):
    import itertools
    model, batches = _setup(arch, hidden, n_batches=10)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    return _bare_step(model, opt, itertools.cycle(batches), clip=True), model.head.out_features


def measure(arch: str, hidden: int, rounds: int) -> dict:
    """Step time and the matmul ceilings, interleaved so that load hits them all alike."""
    shapes = {"square": (1024, 1024, 1024), "rec": (N, hidden, GATES[arch] * hidden)}
    libraries = ("mkl", "onednn") if _has_onednn() else ("mkl",)
    calls, flops_of = {}, {}
    for shape, (m, k, n) in shapes.items():
        for lib in libraries:
            calls[f"{shape}_{lib}"], flops_of[f"{shape}_{lib}"] = _matmul_call(m, k, n, lib)
    calls["step"], vocab = _step_call(arch, hidden)
    times = interleaved(calls, rounds=rounds, warmup=2)
    gflops = {name: flops_of[name] / median(times[name]) / 1e9 for name in flops_of}
    seconds = median(times["step"])
    achieved = step_flops(arch, hidden, vocab) / seconds / 1e9
    best_square = max(gflops[f"square_{lib}"] for lib in libraries)
    best_rec = max(gflops[f"rec_{lib}"] for lib in libraries)
    return {"threads": torch.get_num_threads(), "arch": arch, "hidden": hidden, "vocab": vocab,
            "ms_step": 1e3 * seconds, "gflop_step": step_flops(arch, hidden, vocab) / 1e9,
            "achieved_gflops": achieved, **{f"{name}_gflops": v for name, v in gflops.items()},
            "square_gflops": best_square, "recurrent_shape_gflops": best_rec,
            "frac_of_square": achieved / best_square, "frac_of_recurrent_shape": achieved / best_rec}


def profile_step(arch: str, hidden: int, top: int = 12) -> list[dict]:
    """Self CPU time per operator over 5 steps, the biggest first."""
    import itertools

    from torch.profiler import ProfilerActivity, profile
    model, batches = _setup(arch, hidden, n_batches=6)
    step = _bare_step(model, torch.optim.Adam(model.parameters(), lr=3e-3), itertools.cycle(batches), True)
    step()
    step()
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        for _ in range(5):
            step()
    events = prof.key_averages()
    total = sum(e.self_cpu_time_total for e in events) or 1.0
    rows = sorted(events, key=lambda e: e.self_cpu_time_total, reverse=True)[:top]
    return [{"op": e.key, "self_ms_per_step": e.self_cpu_time_total / 1e3 / 5,
             "share": e.self_cpu_time_total / total, "calls_per_step": e.count / 5} for e in rows]


CASES = {1: (("lstm", 64), ("lstm", 256), ("gru", 256), ("rnn", 256)),
         2: (("lstm", 256), ("gru", 256))}


def run(quick: bool = False) -> dict:
    threads = torch.get_num_threads()
    rounds = 3 if quick else 7
    out = {"steps": [], "profile": {}}
    try:
        for n_threads, cases in CASES.items():
            torch.set_num_threads(n_threads)
            for arch, hidden in cases:
                s = measure(arch, hidden, rounds)
                out["steps"].append(s)
                print(f"  ceiling t{n_threads} {arch} h{hidden}: {s['ms_step']:.1f} ms/step, "
                      f"{s['achieved_gflops']:.1f} GFLOP/s achieved, {s['square_gflops']:.1f} square, "
                      f"{s['recurrent_shape_gflops']:.1f} at recurrent shape", flush=True)
        torch.set_num_threads(1)
        for arch in ("lstm", "gru", "rnn"):
            out["profile"][f"{arch}-256"] = profile_step(arch, 256)
    finally:
        torch.set_num_threads(threads)
    return out


if __name__ == "__main__":
    import json
    print(json.dumps(run(quick=True), indent=1))
