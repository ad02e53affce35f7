"""Easy vs long-range level (issue 12): every task x level x cell x seed, the test metric at equal steps.

Each run uses the task page's default sizes (sentiment H = 64, embed 32; NER bidirectional
H = 64, embed 32, spelling features; text generation char-level H = 128; translation H = 64,
additive attention), Adam lr 3e-3, batch 32, clip 1, the given steps and seed, one thread; the
score is the task's headline metric on the test split (text generation: test loss in nats per
character, lower is better). ``--noattn`` adds translation runs without attention on each level;
``--shipped`` also scores the shipped checkpoints of the chosen tasks and levels (seed 0, each
with its own spec's steps: rnn/pretrained.py), evaluated now on their test splits.

    python bench/levels.py [--tasks sentiment ner textgen translation] [--levels easy long]
                           [--cells rnn gru lstm] [--seeds 0 1 2] [--steps 1500] [--jobs 1]

Prints one JSON line per run (also seconds and steps per second, which depend on the machine's
load: compare cells only within one run), then a Markdown table: the mean over seeds and each
seed's value.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))   # `python bench/levels.py`

from bench.common import loadavg  # noqa: E402

TASKS = ("sentiment", "ner", "textgen", "translation")
PAGE_MODELS = {"sentiment": {"hidden": 64, "embed": 32},
               "ner": {"hidden": 64, "embed": 32, "bidirectional": True, "char_features": True},
               "textgen": {"hidden": 128, "level": "char"},
               "translation": {"hidden": 64, "attention": "additive"}}
METRICS = {"sentiment": "accuracy", "ner": "f1", "textgen": "loss", "translation": "exact_match"}


def one_run(task: str, level: str, arch: str, seed: int, steps: int, attention: str | None = None) -> dict:
    import torch
    torch.set_num_threads(1)
    from rnn.data.long_levels import dataset_for_level
    from rnn.experiment import Experiment
    from rnn.models.config import ModelConfig
    from rnn.train.trainer import TrainConfig
    model = dict(PAGE_MODELS[task], arch=arch)
    if attention:
        model["attention"] = attention
    dataset = dataset_for_level(task, level)
    exp = Experiment.create(task, ModelConfig(**model),
                            TrainConfig(steps=steps, seconds=None, batch_size=32, lr=3e-3, seed=seed,
                                        eval_every=steps), dataset=dataset)
    start = time.perf_counter()
    exp.train()
    seconds = time.perf_counter() - start
    result = exp.evaluate("test")
    metric = METRICS[task]
    return {"task": task, "level": level, "dataset": dataset, "cell": arch,
            "attention": model["attention"] if task == "translation" else None, "seed": seed,
            "steps": steps, "metric": metric, "test": round(float(result[metric]), 4),
            "seconds": round(seconds, 1), "steps_per_s": round(steps / seconds, 2),
            "status": exp.status, "loadavg": loadavg()}


def shipped_run(name: str) -> dict:
    """A shipped checkpoint (seed 0, its spec's steps) evaluated now on its test split."""
    import torch
    torch.set_num_threads(1)
    from rnn.data.long_levels import level_of
    from rnn.pretrained import BY_NAME, load_pretrained
    spec = BY_NAME[name]
    exp = load_pretrained(name)
    metric = METRICS[spec.task]
    result = exp.evaluate("test")
    return {"task": spec.task, "level": level_of(spec.dataset), "dataset": spec.dataset,
            "cell": spec.model["arch"], "attention": exp.model_config.attention
            if spec.task == "translation" else None, "seed": 0, "steps": spec.steps,
            "metric": metric, "test": round(float(result[metric]), 4), "shipped": name}


def shipped_names(tasks, levels, cells, noattn: bool = False) -> list[str]:
    """The shipped checkpoints of these tasks, levels and cells at the page's settings
    (rnn.pretrained's table); with ``noattn`` also translation models without attention."""
    from rnn.data.long_levels import EASY_DATASETS, LONG_DATASETS
    from rnn.pretrained import SPECS
    wanted = {(t, EASY_DATASETS[t] if lv == "easy" else LONG_DATASETS[t]) for t in tasks for lv in levels}
    attentions = ("additive", "none") if noattn else ("additive",)
    return [s.name for s in SPECS if (s.task, s.dataset) in wanted and s.model["arch"] in cells
            and s.model.get("bidirectional", s.task == "ner") == (s.task == "ner")
            and s.model.get("attention", "additive") in attentions]


def _row_label(r: dict) -> str:
    label = f"{r['task']} / {r['dataset']}, {r['steps']} steps"
    if r["task"] == "translation":
        label += f" (attention {r['attention']})"
    return label


def table(results: list[dict], cells: list[str]) -> str:
    rows: dict[str, dict[str, list[float]]] = {}
    metric_of = {}
    for r in results:
        label = _row_label(r)
        metric_of[label] = r["metric"] + (" (lower is better)" if r["metric"] == "loss" else "")
        rows.setdefault(label, {}).setdefault(r["cell"], []).append(r["test"])
    head = "| task / data | test metric | " + " | ".join(c.upper() for c in cells) + " |"
    lines = [head, "|" + "---|" * (len(cells) + 2)]
    for label, by_cell in rows.items():
        cols = []
        for cell in cells:
            values = by_cell.get(cell, [])
            cols.append(f"**{statistics.mean(values):.3f}** ({', '.join(f'{v:.2f}' for v in values)})"
                        if values else "-")
        lines.append(f"| {label} | {metric_of[label]} | " + " | ".join(cols) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tasks", nargs="*", default=list(TASKS), choices=TASKS)
    parser.add_argument("--levels", nargs="*", default=["easy", "long"], choices=("easy", "long"))
    parser.add_argument("--cells", nargs="*", default=["rnn", "gru", "lstm"])
    parser.add_argument("--seeds", nargs="*", type=int, default=[0, 1, 2])
    parser.add_argument("--steps", type=int, default=1500)
    parser.add_argument("--noattn", action="store_true", help="translation: also without attention")
    parser.add_argument("--jobs", type=int, default=1, help="runs in parallel (one thread each)")
    parser.add_argument("--shipped", action="store_true",
                        help="also score the shipped checkpoints (seed 0) of these tasks and levels")
    args = parser.parse_args()
    results = []
    if args.shipped:
        for name in shipped_names(args.tasks, args.levels, args.cells, args.noattn):
            results.append(shipped_run(name))
            print(json.dumps(results[-1]), flush=True)
    runs = [(task, level, cell, seed, args.steps, None)
            for task in args.tasks for level in args.levels for cell in args.cells for seed in args.seeds]
    if args.noattn and "translation" in args.tasks:
        runs += [("translation", level, cell, seed, args.steps, "none")
                 for level in args.levels for cell in args.cells for seed in args.seeds]
    if runs:
        with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            for result in pool.map(one_run, *zip(*runs)):
                print(json.dumps(result), flush=True)
                results.append(result)
    print()
    print(table(results, args.cells))


if __name__ == "__main__":
    main()
