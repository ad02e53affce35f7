"""3. Time to quality: training seconds until each built-in task first reaches its target.

Each run is the CLI's default model (hidden 64, embedding 32, batch 32, Adam lr 3e-3, clip 1.0,
seed 0; NER bidirectional), trained through the Experiment API, the same object the CLI's
``python -m rnn train`` drives, in slices of ``SLICE`` training seconds. After every slice the
validation metric is computed (at most ``EVAL_ITEMS`` examples); evaluation time is *not* counted,
so the figure is pure training time (it does include building the batch stream on the first
slice; the process's one-time torch._dynamo import is paid before the clock starts). A run
stops at the target or at its cap.

Every run is its own process with one torch thread, two at a time (the app's semaphore also
admits two trainings), so the figures are what a session sees with one other training beside it.

Targets: NER token F1 >= 0.95, sentiment accuracy >= 0.90, numbers translation exact match
>= 0.80, and each character corpus a validation loss (nats per character) at or below that of a
character trigram model: counts of the training text with add-0.1 smoothing, scored on the same
validation text. Beating it means the network uses more than the last two characters. (Half the
uniform loss, 0.5 ln V, was too easy: the Python corpus passes it before a bigram model would.)
"""
from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):   # `python bench/quality.py`: put the repo, not bench/, on the path
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import json
import math
import subprocess
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from bench.common import ROOT

ARCHS = ("rnn", "gru", "lstm")
NGRAM, NGRAM_ADD = 3, 0.1
EVAL_ITEMS = 300
SLICE = 2.0
# (task, dataset, metric, target or None for the corpus rule, cap seconds, extra model options)
JOBS = [
    ("ner", "names", "f1", 0.95, 60, {"bidirectional": True}),
    ("sentiment", "reviews", "accuracy", 0.90, 60, {}),
    ("translation", "numbers", "exact_match", 0.80, 90, {}),
    ("textgen", "names", "loss", None, 45, {}),
    ("textgen", "prose", "loss", None, 45, {}),
    ("textgen", "python", "loss", None, 45, {}),
]
QUICK = [("ner", "names"), ("sentiment", "reviews"), ("textgen", "names")]


def cli_command(task: str, dataset: str, arch: str, cap: float, options: dict) -> str:
    bi = " --bidirectional" if options.get("bidirectional") else ""
    return (f"python -m rnn train --task {task} --dataset {dataset} --arch {arch}{bi} "
            f"--seconds {cap:g} --eval-every 50 --out runs/{task}-{dataset}-{arch}")


def reached(metric: str, value: float, target: float) -> bool:
    if value is None or not math.isfinite(value):
        return False
    return value <= target if metric == "loss" else value >= target


def run_job(task: str, dataset: str, arch: str, metric: str, target, cap: float, options: dict) -> dict:
    """Train one model until the target or the cap (runs in a worker process)."""
    import torch
    torch.set_num_threads(1)
    warm = time.perf_counter()
    _warm_up_process()
    warm = time.perf_counter() - warm
    from rnn.experiment import Experiment
    from rnn.models.config import ModelConfig
    from rnn.train.trainer import TrainConfig
    start = time.perf_counter()
    exp = Experiment.create(task, ModelConfig(arch=arch, **options),
                            TrainConfig(seconds=cap + SLICE, steps=None, eval_every=10**9, seed=0),
                            dataset=dataset)
    setup = time.perf_counter() - start
    val = exp.ensure_data().val
    val = val if isinstance(val, str) else val[:EVAL_ITEMS]
    ngram = None
    if target is None:
        from rnn.tasks.textgen import MAX_EVAL_TOKENS
        target = ngram = ngram_loss(exp.splits.train, exp.splits.val[: MAX_EVAL_TOKENS + 1])
    trained, curve, hit = 0.0, [], None
    while trained < cap and exp.status not in ("done", "diverged"):
        t0 = time.perf_counter()
        # short slices first: early crossings are timed finely, late ones cost fewer evaluations
        exp.train_for(min(max(0.5, 0.25 * trained), SLICE, cap - trained))
        trained += time.perf_counter() - t0
        steps = [r.step for r in exp.history.steps]
        value = exp.evaluate(data=val).get(metric)
        curve.append((round(trained, 2), steps[-1] if steps else 0, value))
        if reached(metric, value, target):
            hit = curve[-1]
            break
    return {"task": task, "dataset": dataset, "arch": arch, "metric": metric, "target": target,
            "cap_s": cap, "seconds": hit[0] if hit else None, "steps": hit[1] if hit else None,
            "best": (min if metric == "loss" else max)(v for _, _, v in curve if v is not None),
            "final_steps": curve[-1][1] if curve else 0,
            "steps_per_s": (curve[-1][1] / curve[-1][0]) if curve and curve[-1][0] else None,
            "setup_s": setup, "process_warmup_s": warm, "curve": curve, "status": exp.status,
            "uniform_loss": math.log(len(exp.vocabs["tokens"])) if metric == "loss" else None,
            "ngram_loss": ngram,
            "command": cli_command(task, dataset, arch, cap, options), **options}


def ngram_loss(train: str, val: str, n: int = NGRAM, add: float = NGRAM_ADD) -> float:
    """Nats per character of an n-gram counting model of `train` on `val` (add-`add` smoothing
    over the training characters plus one for unseen ones; the first n-1 characters unscored)."""
    vocab = len(set(train)) + 1
    grams = Counter(train[i : i + n] for i in range(len(train) - n + 1))
    contexts = Counter(train[i : i + n - 1] for i in range(len(train) - n + 1))
    total = 0.0
    for i in range(n - 1, len(val)):
        gram = val[i - n + 1 : i + 1]
        total -= math.log((grams[gram] + add) / (contexts[gram[:-1]] + add * vocab))
    return total / max(1, len(val) - n + 1)


def _warm_up_process() -> None:
    """Pay once-per-process costs before the clock starts: torch.optim's first optimizer imports
    torch._dynamo (about a second here). A server pays this once, at its first training."""
    import torch
    p = torch.nn.Parameter(torch.zeros(2))
    p.grad = torch.ones(2)
    torch.optim.Adam([p]).step()


def _spawn(job: dict) -> dict:
    """One job in a fresh interpreter (clean memory, one thread, no fork after torch started)."""
    proc = subprocess.run([sys.executable, "-m", "bench.quality", json.dumps(job)], cwd=ROOT, check=False,
                          capture_output=True, text=True, timeout=job["cap"] + 240)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        return {**job, "error": (proc.stderr.strip().splitlines() or ["no output"])[-1]}
    return json.loads(lines[-1])


def run(quick: bool = False, workers: int = 2) -> dict:
    jobs = []
    for task, dataset, metric, target, cap, options in JOBS:
        if quick and (task, dataset) not in QUICK:
            continue
        for arch in (("lstm",) if quick else ARCHS):
            jobs.append({"task": task, "dataset": dataset, "arch": arch, "metric": metric,
                         "target": target, "cap": min(cap, 30) if quick else cap, "options": options})
    with ThreadPoolExecutor(workers) as pool:
        rows = []
        for row in pool.map(_spawn, jobs):
            rows.append(row)
            shown = f"{row['seconds']:.1f} s" if row.get("seconds") else f"not in {row['cap_s'] if 'cap_s' in row else row.get('cap')} s"
            print(f"  quality {row['task']}/{row['dataset']} {row['arch']}: {shown} "
                  f"(best {row.get('best', float('nan')):.3f} vs target {row.get('target') or float('nan'):.3f})"
                  if "error" not in row else f"  quality {row['task']} {row['arch']}: ERROR {row['error']}",
                  flush=True)
    return {"rows": rows, "workers": workers, "ngram": NGRAM, "slice_s": SLICE,
            "eval_items": EVAL_ITEMS}


if __name__ == "__main__":
    if len(sys.argv) > 1:
        spec = json.loads(sys.argv[1])
        result = run_job(spec["task"], spec["dataset"], spec["arch"], spec["metric"], spec["target"],
                         spec["cap"], spec["options"])
        print(json.dumps(result))
    else:
        print(json.dumps(run(quick=True), indent=1))
