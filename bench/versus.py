"""Before/after: one training step of each task, at two commits, measured in the same run.

Each commit's engine is unpacked with ``git archive`` into bench/out/versus/<commit>/ and measured
in its own process; the processes alternate (before, after, before, after, ...) so that the load of
this shared machine falls on both alike, and each figure is the median over the rounds. The
text-generation task, whose code path the speed-ups did not touch, is the control: its ratio shows
how much of a difference is noise.

    python bench/versus.py                    # BEFORE (below) vs the working tree
    python bench/versus.py 0337da7 HEAD       # any two commits
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

if __package__ in (None, ""):   # `python bench/versus.py`: put the repo, not bench/, on the path
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench.common import OUT, ROOT, median

BEFORE = "0337da7"       # the engine before the two speed-ups (word batches, padded_forward)
TASKS = [("ner", "names", {"arch": "lstm", "hidden": 64, "bidirectional": True}),
         ("sentiment", "reviews", {"arch": "lstm", "hidden": 64}),
         ("translation", "numbers", {"arch": "lstm", "hidden": 64}),
         ("textgen", "names", {"arch": "lstm", "hidden": 128})]

# Runs inside the measured tree: ms per Trainer.step and per batch, medians of `steps` samples.
PROBE = """
import json, sys, time, statistics
import torch
torch.set_num_threads(1)
from rnn.experiment import Experiment
from rnn.models.config import ModelConfig
from rnn.train.trainer import TrainConfig
out = {}
for task, dataset, options in json.loads(sys.argv[1]):
    exp = Experiment.create(task, ModelConfig(**options),
                            TrainConfig(seconds=None, steps=10**9, eval_every=10**9), dataset=dataset)
    exp.train_for(0.3)
    spare = exp.task.batches(exp.splits.train, exp.vocabs, exp.model_config, 32, seed=1)
    step, batch = [], []
    for _ in range(int(sys.argv[2])):
        t0 = time.perf_counter(); exp.trainer.step(); t1 = time.perf_counter()
        next(spare); t2 = time.perf_counter()
        step.append(t1 - t0); batch.append(t2 - t1)
    out[task] = {"ms_step": 1e3 * statistics.median(step), "ms_batch": 1e3 * statistics.median(batch)}
print(json.dumps(out))
"""


def unpack(commit: str) -> Path:
    """The commit's engine (rnn/, all a probe imports) under bench/out/versus/<commit>/."""
    sha = subprocess.run(["git", "rev-parse", "--short", commit], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout.strip()
    where = OUT / "versus" / sha
    if not where.exists():
        where.mkdir(parents=True)
        archive = subprocess.run(["git", "archive", sha, "rnn"], cwd=ROOT, capture_output=True,
                                 check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(where)], input=archive, check=True)
    return where


def probe(tree: Path, steps: int) -> dict:
    proc = subprocess.run([sys.executable, "-c", PROBE, json.dumps(TASKS), str(steps)], cwd=tree,
                          capture_output=True, text=True, timeout=600, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"probe failed in {tree}: {proc.stderr.strip()[-500:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run(quick: bool = False, before: str = BEFORE, after: str | None = None) -> dict:
    trees = {"before": unpack(before), "after": unpack(after) if after else ROOT}
    rounds, steps = (1, 30) if quick else (4, 50)
    samples: dict = {side: [] for side in trees}
    for _ in range(rounds):
        for side, tree in trees.items():
            samples[side].append(probe(tree, steps))
    rows = []
    for task, dataset, options in TASKS:
        fig = {side: {k: median(s[task][k] for s in samples[side]) for k in ("ms_step", "ms_batch")}
               for side in trees}
        rows.append({"task": task, "dataset": dataset, **options,
                     **{f"{k}_{side}": v for side in trees for k, v in fig[side].items()},
                     "speedup": fig["before"]["ms_step"] / fig["after"]["ms_step"]})
        print(f"  versus {task}: {fig['before']['ms_step']:.1f} -> {fig['after']['ms_step']:.1f} ms/step "
              f"({rows[-1]['speedup']:.2f}x)", flush=True)
    return {"before": before, "after": after or "working tree", "rounds": rounds,
            "steps": steps, "rows": rows}


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("before", nargs="?", default=BEFORE)
    ap.add_argument("after", nargs="?", default=None)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    print(json.dumps(run(args.quick, args.before, args.after), indent=1))
