"""4. Hardware ceiling: achieved FLOP/s of a training step vs the machine's dense matmul FLOP/s.

FLOPs are counted analytically, matrix multiplies only (elementwise gate maths, Adam and the loss
are left out, so the fraction is if anything generous). For the character language model with
batch N, window L, embedding E, hidden H, G gates (RNN 1, GRU 3, LSTM 4) and vocabulary V:

    forward  = 2 N L (E G H  +  H G H  +  H V)      input projection, recurrence, output head
    training = 3 x forward                          backward costs about two forwards

The ceiling is torch.mm on square 1024 matrices (the best case for the BLAS), and, more to the
point, the recurrent matmul's own shape (N x H) @ (H x G H), measured with 1 and 2 threads in the
same run. One step is profiled with torch.profiler to say where the time goes.
"""
from __future__ import annotations

import torch

from bench.common import interleaved, median
from bench.overhead import _bare_step, _setup

GATES = {"rnn": 1, "gru": 3, "lstm": 4}
N, L, E = 32, 64, 32


def step_flops(arch: str, hidden: int, vocab: int) -> float:
    g = GATES[arch]
    forward = 2 * N * L * (E * g * hidden + hidden * g * hidden + hidden * vocab)
    return 3.0 * forward


def _matmul_call(m: int, k: int, n: int):
    """A call doing ~0.2 GFLOP of (m x k) @ (k x n) matmuls, and its FLOP count."""
    a, b = torch.randn(m, k), torch.randn(k, n)
    inner = max(1, int(2e8 // (2 * m * k * n)))

    def call():
        for _ in range(inner):
            torch.mm(a, b)
    return call, 2.0 * m * k * n * inner


def _step_call(arch: str, hidden: int):
    import itertools
    model, batches = _setup(arch, hidden, n_batches=10)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    return _bare_step(model, opt, itertools.cycle(batches), clip=True), model.head.out_features


def measure(arch: str, hidden: int, rounds: int) -> dict:
    """Step time and both matmul ceilings, interleaved so that load hits all three alike."""
    square, square_flops = _matmul_call(1024, 1024, 1024)
    rec, rec_flops = _matmul_call(N, hidden, GATES[arch] * hidden)
    step, vocab = _step_call(arch, hidden)
    times = interleaved({"square": square, "rec": rec, "step": step}, rounds=rounds, warmup=2)
    square_fps = square_flops / median(times["square"])
    rec_fps = rec_flops / median(times["rec"])
    seconds = median(times["step"])
    flops = step_flops(arch, hidden, vocab)
    return {"threads": torch.get_num_threads(), "arch": arch, "hidden": hidden, "vocab": vocab,
            "ms_step": 1e3 * seconds, "gflop_step": flops / 1e9,
            "achieved_gflops": flops / seconds / 1e9, "square_gflops": square_fps / 1e9,
            "recurrent_shape_gflops": rec_fps / 1e9, "frac_of_square": flops / seconds / square_fps,
            "frac_of_recurrent_shape": flops / seconds / rec_fps}


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


def run(quick: bool = False) -> dict:
    threads = torch.get_num_threads()
    rounds = 3 if quick else 7
    out = {"steps": [], "profile": {}}
    try:
        for n_threads in (1, 2):
            torch.set_num_threads(n_threads)
            for arch, hidden in (("lstm", 64), ("lstm", 256), ("gru", 256), ("rnn", 256)):
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
