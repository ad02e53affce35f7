"""Cell step times: one training step (forward + backward) of each recurrent cell, side by side.

What is timed, per cell and hidden size H (one torch thread, as the app trains):
    layer:  ``RecurrentLayer(arch, D, H).padded_forward(x, lengths)`` on a batch of N = 32
            sequences of L = 64 steps (D = 32, lengths 33..64), a linear read-out of every step,
            loss, backward: how the task models run the cell.
    torch:  the same step on ``torch.nn.RNN/GRU/LSTM`` (unpacked, one call), i.e. what
            ``padded_forward`` ran before it had its own RNN/GRU kernels (the "before" column).
    trace:  the same step through ``RecurrentLayer.trace`` (the explainable cells, a Python loop
            recorded by autograd): what the leaky unit would cost without the fast path.
    model:  a whole Text generation training step (LanguageModel on ``names``, batch 32 x 64
            characters, Adam): what a student waits for.
    model0: the same model step with its recurrent layer run by torch.nn's module, as before the
            fast path (the bench replaces ``model.rnn.forward`` on that one instance).
Every variant is timed in alternation, one step each per round; a ratio is the median over rounds
of (this cell's step / the LSTM's step in the same round).

    python bench/cells.py [--rounds 30] [--sizes 64,256] [--json out.json]
"""
from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):   # `python bench/cells.py`: put the repo, not bench/, on the path
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse
import json

import torch

from bench.common import interleaved_wall_cpu, machine_info, median

ARCHS = ("lstm", "gru", "rnn", "leaky", "esn")
TORCH_ARCHS = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}
TRACED = ("gru", "leaky")
N, L, D = 32, 64, 32


def _layer_step(arch: str, hidden: int, use_torch: bool = False, trace: bool = False):
    """A closure running one forward + backward of a layer on a fixed batch."""
    from rnn.layer import RecurrentLayer
    torch.manual_seed(0)
    if trace:
        module = RecurrentLayer(arch, D, hidden)
        run = lambda x, lengths: module.trace(x, lengths).output  # noqa: E731
    elif use_torch:
        module = TORCH_ARCHS[arch](D, hidden, batch_first=True)
        run = lambda x, lengths: module(x)[0]               # noqa: E731 (bench closure)
    else:
        module = RecurrentLayer(arch, D, hidden)
        run = lambda x, lengths: module.padded_forward(x, lengths)[0]  # noqa: E731
    head = torch.nn.Linear(hidden, 8)
    x = torch.randn(N, L, D, requires_grad=True)  # as an embedding's output would
    lengths = torch.randint(L // 2 + 1, L + 1, (N,))
    lengths[0] = L
    target = torch.randint(0, 8, (N, L))

    def step():
        out = run(x, lengths)
        loss = torch.nn.functional.cross_entropy(head(out).reshape(-1, 8), target.reshape(-1))
        loss.backward()
    return step


def _model_step(arch: str, hidden: int, before: bool = False):
    """One Adam step of the Text generation language model on pre-built batches (the model and
    batches of bench/overhead.py, batch 32)."""
    import itertools

    from bench.overhead import _setup
    model, prebuilt = _setup(arch, hidden, n_batches=20)
    if before:   # what RecurrentLayer.forward did before: torch.nn's RNN/GRU/LSTM module
        layer = model.rnn
        layer.forward = lambda x, lengths=None, state=None: layer.fused(x, state)  # noqa: E731
    batches = itertools.cycle(prebuilt)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.Adam(params, lr=3e-3)

    def step():
        opt.zero_grad(set_to_none=True)
        model.loss(next(batches)).backward()
        opt.step()
    return step


def measure(sizes, rounds: int) -> list[dict]:
    rows = []
    for hidden in sizes:
        variants = {}
        for arch in ARCHS:
            variants[("layer", arch)] = _layer_step(arch, hidden, use_torch=False)
            if arch in TORCH_ARCHS:
                variants[("torch", arch)] = _layer_step(arch, hidden, use_torch=True)
            if arch in TRACED:
                variants[("trace", arch)] = _layer_step(arch, hidden, trace=True)
            variants[("model", arch)] = _model_step(arch, hidden)
            if arch in TORCH_ARCHS:
                variants[("model0", arch)] = _model_step(arch, hidden, before=True)
        times, cpu = interleaved_wall_cpu(variants, rounds, warmup=1)
        for (kind, arch), ts in times.items():
            # ratio to OUR LSTM step of the same kind (a layer step for layer, torch and trace)
            ref = ("model" if kind.startswith("model") else "layer", "lstm")
            cs = cpu[(kind, arch)]
            rows.append({"H": hidden, "kind": kind, "arch": arch, "ms": 1e3 * median(ts),
                         "ratio_to_lstm": median(a / b for a, b in zip(ts, times[ref])),
                         "cpu_ms": 1e3 * median(cs),
                         "cpu_ratio_to_lstm": median(a / b for a, b in zip(cs, cpu[ref]))})
    return rows


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--sizes", default="64,256")
    parser.add_argument("--json", default=None)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    rows = measure([int(s) for s in args.sizes.split(",")], args.rounds)
    print(f"N={N} L={L} D={D}, one thread, {args.rounds} rounds, median; ratio = step / the LSTM "
          "step in the same round (layer, torch, trace: our layer's LSTM; model, model0: the model's)")
    print("wall: elapsed time; cpu: this thread's CPU time (what a shared, overloaded machine "
          "distorts least: time spent waiting for a core is not in it)")
    print(f"{'H':>4} {'kind':>6} {'arch':>6} {'wall ms':>8} {'/LSTM':>7} {'cpu ms':>8} {'/LSTM':>7}")
    for r in rows:
        print(f"{r['H']:>4} {r['kind']:>6} {r['arch']:>6} {r['ms']:>8.2f} {r['ratio_to_lstm']:>7.3f}"
              f" {r['cpu_ms']:>8.2f} {r['cpu_ratio_to_lstm']:>7.3f}")
    if args.json:
        Path(args.json).write_text(json.dumps({"machine": machine_info(), "rows": rows}, indent=1))


if __name__ == "__main__":
    main()
