"""Subject-verb agreement across a gap (issue 13): every cell, three seeds, accuracy by gap bucket.

Each run: `long` data set (trained on gaps 0-50, tested on 20-50), H = 64, embed 32, batch 32,
Adam lr 3e-3, clip 1, 1500 steps, the given seed; test accuracy per gap bucket, and also the
accuracy on a sweep of fresh sentences at gaps 0-5 (the short end). Seconds and steps per second
are printed too (they depend on the machine's load; compare cells only within one run).

    python bench/agreement.py [--seeds 0 1 2] [--cells rnn leaky esn gru lstm] [--steps 1500]

Prints one JSON line per run, then a Markdown table (mean over seeds, and each seed's value).
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))   # `python bench/agreement.py`

import torch  # noqa: E402

from bench.common import loadavg  # noqa: E402

BUCKETS = ("20-29", "30-39", "40-50")


def one_run(arch: str, seed: int, steps: int, layers: int = 1) -> dict:
    from rnn.data.agreement import gap_sweep
    from rnn.experiment import Experiment
    from rnn.models.config import ModelConfig
    from rnn.tasks import get_task
    from rnn.train.trainer import TrainConfig
    exp = Experiment.create("agreement", ModelConfig(arch=arch, hidden=64, embed=32, layers=layers),
                            TrainConfig(steps=steps, seconds=None, batch_size=32, lr=3e-3, seed=seed,
                                        eval_every=steps), dataset="long")
    start = time.perf_counter()
    exp.train()
    seconds = time.perf_counter() - start
    test = exp.evaluate("test")
    short = get_task("agreement").accuracy_by_gap(exp.model, exp.vocabs, gap_sweep(range(6), 40))
    return {"arch": arch, "layers": layers, "seed": seed, "steps": steps, "seconds": round(seconds, 1),
            "steps_per_s": round(steps / seconds, 1), "status": exp.status,
            "gaps 0-5": round(statistics.mean(short.values()), 3),
            "gaps 20-50": round(test["accuracy"], 3),
            **{b: round(test.get(f"acc_gap_{b}", float("nan")), 3) for b in BUCKETS}}


def table(runs: list[dict]) -> str:
    cols = ["gaps 0-5", *BUCKETS, "gaps 20-50"]
    lines = ["| cell | " + " | ".join(cols) + " | steps/s |", "|---" * (len(cols) + 2) + "|"]
    for arch, layers in dict.fromkeys((r["arch"], r["layers"]) for r in runs):
        rs = [r for r in runs if r["arch"] == arch and r["layers"] == layers]
        name = arch + (f" ×{layers} layers" if layers > 1 else "")
        cells = [f"{statistics.mean(r[c] for r in rs):.2f} ({' / '.join(f'{r[c]:.2f}' for r in rs)})"
                 for c in cols]
        speed = statistics.median(r["steps_per_s"] for r in rs)
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {speed:.0f} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--cells", nargs="+", default=["rnn", "leaky", "esn", "gru", "lstm"])
    parser.add_argument("--layers", type=int, nargs="+", default=[1])
    parser.add_argument("--steps", type=int, default=1500)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    print(json.dumps({"loadavg_start": loadavg(), "torch": torch.__version__}), flush=True)
    runs = []
    for seed in args.seeds:
        for layers in args.layers:
            for arch in args.cells:
                runs.append(one_run(arch, seed, args.steps, layers))
                print(json.dumps(runs[-1]), flush=True)
    print(json.dumps({"loadavg_end": loadavg()}), flush=True)
    print(table(runs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
