"""Subject-verb agreement across a gap (issue 13): every cell, three seeds, accuracy by gap bucket.

Each run: trained on the `long` data set (gaps 0-50 mixed; or `--dataset short`, gaps 0-5; or
`--dataset overwrite`, 1-3 subjects in a row), H = 64, embed 32, batch 32, Adam lr 3e-3, clip 1,
1500 steps, the given seed. Scored on the `long` test split (gaps 20-50, 2000 sentences: column
"long test"; for `overwrite`, its own test split: "overwrite test", and that split by the number
of subjects: "1 subj", "2-3 subj") and on a fixed sweep of fresh sentences, 20 at every gap from
0 to 50 (for `overwrite` with 1-3 subjects), by gap bucket. Seconds and steps per second are printed too (they
depend on the machine's load; compare cells only within one run).

    python bench/agreement.py [--seeds 0 1 2] [--cells rnn leaky esn gru lstm] [--steps 1500]
                              [--layers 1] [--dataset long]

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
from rnn.models.config import ARCHS  # noqa: E402

BUCKETS = ("0-5", "6-10", "11-19", "20-29", "30-39", "40-50")


def one_run(arch: str, seed: int, steps: int, layers: int = 1, dataset: str = "long") -> dict:
    from rnn.data.agreement import bucket_of, build_agreement, gap_sweep
    from rnn.experiment import Experiment
    from rnn.models.config import ModelConfig
    from rnn.tasks import get_task
    from rnn.train.trainer import TrainConfig
    exp = Experiment.create("agreement", ModelConfig(arch=arch, hidden=64, embed=32, layers=layers),
                            TrainConfig(steps=steps, seconds=None, batch_size=32, lr=3e-3, seed=seed,
                                        eval_every=steps), dataset=dataset)
    start = time.perf_counter()
    exp.train()
    seconds = time.perf_counter() - start
    extra = {}
    if dataset == "overwrite":
        test = build_agreement("overwrite").test
        extra["overwrite test"] = exp.evaluate(data=test)["accuracy"]
        extra["1 subj"] = exp.evaluate(data=[x for x in test if x.subjects == 1])["accuracy"]
        extra["2-3 subj"] = exp.evaluate(data=[x for x in test if x.subjects > 1])["accuracy"]
    else:
        extra["long test"] = exp.evaluate(data=build_agreement("long").test)["accuracy"]
    sweep = gap_sweep(range(51), 20, dataset="overwrite" if dataset == "overwrite" else "long")
    per_gap = get_task("agreement").accuracy_by_gap(exp.model, exp.vocabs, sweep)
    buckets = {b: statistics.mean(a for g, a in per_gap.items() if bucket_of(g) == b) for b in BUCKETS}
    return {"arch": arch, "layers": layers, "dataset": dataset, "seed": seed, "steps": steps,
            "seconds": round(seconds, 1), "steps_per_s": round(steps / seconds, 1), "status": exp.status,
            **{k: round(v, 3) for k, v in extra.items()}, **{b: round(v, 3) for b, v in buckets.items()}}


def table(runs: list[dict]) -> str:
    cols = [*BUCKETS, *(k for k in ("long test", "overwrite test", "1 subj", "2-3 subj") if k in runs[0])]
    lines = ["| cell | " + " | ".join(cols) + " | steps/s |", "|---" * (len(cols) + 2) + "|"]
    for arch, layers, data in dict.fromkeys((r["arch"], r["layers"], r["dataset"]) for r in runs):
        rs = [r for r in runs if (r["arch"], r["layers"], r["dataset"]) == (arch, layers, data)]
        name = arch + (f" ×{layers} layers" if layers > 1 else "") + (f" (trained on {data})" if data not in ("long", "overwrite") else "")
        cells = [f"{statistics.mean(r[c] for r in rs):.2f} ({' / '.join(f'{r[c]:.2f}' for r in rs)})"
                 for c in cols]
        speed = statistics.median(r["steps_per_s"] for r in rs)
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {speed:.0f} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--cells", nargs="+", default=list(ARCHS))
    parser.add_argument("--layers", type=int, nargs="+", default=[1])
    parser.add_argument("--steps", type=int, default=1500)
    parser.add_argument("--dataset", choices=("long", "short", "overwrite"), default="long")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    print(json.dumps({"loadavg_start": loadavg(), "torch": torch.__version__}), flush=True)
    runs = []
    for seed in args.seeds:
        for layers in args.layers:
            for arch in args.cells:
                runs.append(one_run(arch, seed, args.steps, layers, args.dataset))
                print(json.dumps(runs[-1]), flush=True)
    print(json.dumps({"loadavg_end": loadavg()}), flush=True)
    print(table(runs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
