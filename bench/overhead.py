"""1. Trainer overhead: ``Trainer.step()`` vs a bare PyTorch loop on the same model and batches.

Model: the character language model of the Text generation page (``LanguageModel``) on the
``names`` corpus, batch 32 x 64 characters, Adam, one torch thread (as the app trains). Both
loops start from identical weights (a deep copy), read the same pre-built batches, and are timed
in alternation, one step each (trainer, bare, bare+clip, trainer, ...). A ratio is the median of
the per-round ratios: the two steps of a round ran a few milliseconds apart, under the same load
from the other sessions on this machine, which a ratio of two medians would not guarantee.

    bare:       zero_grad; loss = model.loss(batch); loss.backward(); opt.step()
    bare+clip:  the same plus clip_grad_norm_(params, 1.0)
    trainer:    Trainer.step() with clip=1.0: adds its RNG swap, loss.item(), the gradient norm,
                a weight snapshot every 50 steps and a record dict per step.

Every step is timed twice: wall-clock and this thread's CPU time (``time.thread_time``; with one
torch thread the forward, the backward and the update all run on it). On a machine shared by many
processes a step's wall time also holds the time the scheduler gave to others, which swamps a few
per cent; its CPU time does not, so ``cpu_ratio`` is the figure to read when the load average is
well above the number of cores (``ratio`` is the wall-clock one).
"""
from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):   # `python bench/overhead.py`: put the repo, not bench/, on the path
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import copy
import itertools

import torch

from bench.common import interleaved, interleaved_wall_cpu, median

from rnn.models.config import ARCHS   # every cell the models can be built with
SIZES = (64, 256)
BATCH = 32


def _setup(arch: str, hidden: int, n_batches: int = 40):
    from rnn.models.config import ModelConfig
    from rnn.tasks import get_task
    task = get_task("textgen")
    splits = task.load_builtin("names", seed=0)
    config = ModelConfig(arch=arch, hidden=hidden, embed=32, level="char")
    vocabs = task.build_vocabs(splits, config)
    torch.manual_seed(0)
    model = task.build_model(config, vocabs)
    stream = task.batches(splits.train, vocabs, config, BATCH, seed=0)
    return model, [next(stream) for _ in range(n_batches)]


def _bare_step(model, optimizer, batches, clip: bool):
    params = [p for p in model.parameters() if p.requires_grad]

    def step():
        batch = next(batches)
        optimizer.zero_grad(set_to_none=True)
        loss = model.loss(batch)
        loss.backward()
        if clip:
            torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
    return step


def measure_one(arch: str, hidden: int, rounds: int, per_round: int) -> dict:
    from rnn.train.trainer import TrainConfig, Trainer
    model, batches = _setup(arch, hidden)
    models = {name: copy.deepcopy(model) for name in ("trainer", "bare", "bare_clip")}
    config = TrainConfig(lr=3e-3, clip=1.0, steps=10**9, seconds=None, seed=0)
    trainer = Trainer(models["trainer"], lambda m, b: m.loss(b), itertools.cycle(batches), config)
    fns = {"trainer": trainer.step}
    for name, clip in (("bare", False), ("bare_clip", True)):
        opt = torch.optim.Adam(models[name].parameters(), lr=3e-3)
        fns[name] = _bare_step(models[name], opt, itertools.cycle(batches), clip)
    times, cpu = interleaved_wall_cpu(fns, rounds=rounds, warmup=3)
    med = {name: median(v) for name, v in times.items()}

    def paired(a: str, b: str, clock: dict | None = None) -> float:
        clock = clock or times
        return median(x / y for x, y in zip(clock[a], clock[b]))
    return {"arch": arch, "hidden": hidden, "batch": BATCH, "window": 64,
            "ms_bare": 1e3 * med["bare"], "ms_bare_clip": 1e3 * med["bare_clip"],
            "ms_trainer": 1e3 * med["trainer"], "ratio": paired("trainer", "bare"),
            "ratio_vs_clip": paired("trainer", "bare_clip"), "clip_cost": paired("bare_clip", "bare"),
            "ratio_of_minimums": min(times["trainer"]) / min(times["bare"]),
            "cpu_ms_bare": 1e3 * median(cpu["bare"]), "cpu_ms_trainer": 1e3 * median(cpu["trainer"]),
            "cpu_ratio": paired("trainer", "bare", cpu), "cpu_ratio_vs_clip": paired("trainer", "bare_clip", cpu),
            "cpu_clip_cost": paired("bare_clip", "bare", cpu),
            "rounds": rounds, "steps_per_round": per_round}


# Where one training step of each task goes, at the defaults its page opens with.
TASK_DEFAULTS = [("ner", "names", {"arch": "lstm", "hidden": 64, "bidirectional": True}),
                 ("sentiment", "reviews", {"arch": "lstm", "hidden": 64}),
                 ("translation", "numbers", {"arch": "lstm", "hidden": 64}),
                 ("textgen", "names", {"arch": "lstm", "hidden": 128})]


def task_steps(rounds: int, per_round: int) -> list[dict]:
    """Per task: ms per Trainer.step (batch included) and ms to build one batch, interleaved.

    The batch is drawn from a second, identical stream, so timing it leaves the trainer's alone.
    """
    from rnn.experiment import Experiment
    from rnn.models.config import ModelConfig
    from rnn.train.trainer import TrainConfig
    rows = []
    for task, dataset, options in TASK_DEFAULTS:
        exp = Experiment.create(task, ModelConfig(**options),
                                TrainConfig(seconds=None, steps=10**9, eval_every=10**9), dataset=dataset)
        exp.train_for(0.2)                                   # builds the trainer and its stream
        spare = exp.task.batches(exp.splits.train, exp.vocabs, exp.model_config,
                                 exp.train_config.batch_size, seed=1)
        times = interleaved({"step": exp.trainer.step, "batch": lambda spare=spare: next(spare)},
                            rounds=rounds, per_round=per_round, warmup=2)
        step, batch = median(times["step"]), median(times["batch"])
        rows.append({"task": task, "dataset": dataset, **options, "ms_step": 1e3 * step,
                     "ms_batch": 1e3 * batch, "batch_share": batch / step, "steps_per_s": 1 / step})
        print(f"  step anatomy {task}/{dataset}: {1e3 * step:.1f} ms/step, batch {1e3 * batch:.2f} ms "
              f"({100 * batch / step:.0f} %)", flush=True)
    return rows


def run(quick: bool = False) -> dict:
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        rows = []
        for hidden in SIZES:
            for arch in ARCHS:
                # one step per variant per round: the finest interleaving, so that load bursts on
                # this shared machine hit all three alike; the median drops the rounds they spoil
                rounds = (10 if quick else 100) if hidden <= 64 else (5 if quick else 40)
                per_round = 1
                rows.append(measure_one(arch, hidden, rounds, per_round))
                print(f"  overhead {arch} h{hidden}: ratio {rows[-1]['ratio']:.3f} "
                      f"({rows[-1]['ms_trainer']:.1f} vs {rows[-1]['ms_bare']:.1f} ms), "
                      f"CPU time {rows[-1]['cpu_ratio']:.3f}", flush=True)
        tasks = task_steps(*((5, 5) if quick else (10, 10)))
    finally:
        torch.set_num_threads(threads)
    return {"rows": rows, "tasks": tasks, "target": 1.05, "threads": 1,
            "max_ratio": max(r["ratio"] for r in rows), "max_cpu_ratio": max(r["cpu_ratio"] for r in rows)}


if __name__ == "__main__":
    import json
    print(json.dumps(run(quick=True), indent=1))
