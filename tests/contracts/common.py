"""What every contract shares: the one result type (``Outcome``) and the fixed ways to get a model.

Every experiment is fixed: the shipped checkpoints where the question is about a trained model
(so it measures exactly what the page shows), and a training run with a budget in **steps** and a
seed where the question is about training (seconds would measure the machine, not the model).
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import torch

SAME = 1e-6                     # "the same probability": equal up to float noise


@dataclass(frozen=True)
class Outcome:
    """What a contract measured and whether its question's claim holds: ``holds`` (the claim, as
    a bool), ``measured`` (the numbers it rests on) and ``summary`` (one line a test failure or a
    teacher can read)."""

    holds: bool
    measured: dict = field(default_factory=dict)
    summary: str = ""

    def __bool__(self) -> bool:
        return bool(self.holds)


def outcome(holds: bool, measured: dict) -> Outcome:
    """An Outcome whose summary is the measured figures themselves."""
    return Outcome(bool(holds), measured, str(measured))


@lru_cache(maxsize=None)
def shipped(name: str):
    """A shipped checkpoint as an Experiment, loaded once per process (read-only use)."""
    from rnn.pretrained import load_pretrained
    return load_pretrained(name)


def train(task: str, steps: int, dataset: str, seed: int = 0, options: dict | None = None,
          lr: float = 3e-3, batch_size: int = 32, eval_every: int | None = None, **model):
    """A fresh experiment trained for exactly ``steps`` steps (no time limit), evaluated every
    ``eval_every`` steps (default: once, at the end). One thread, so the figure does not depend
    on the machine's core count."""
    from rnn.experiment import Experiment
    from rnn.models.config import ModelConfig
    from rnn.train.trainer import TrainConfig
    with one_thread():
        exp = Experiment.create(task, ModelConfig(**model),
                                TrainConfig(steps=steps, seconds=None, eval_every=eval_every or steps,
                                            seed=seed, lr=lr, batch_size=batch_size),
                                dataset=dataset, options=options)
        exp.train()
    return exp


@contextmanager
def one_thread():
    """torch on one thread for the block (as the app trains), then as it was."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def probs(exp, text: str, key: str = "probs") -> dict[str, float]:
    """Word -> probability for the first occurrence of each word of ``text``."""
    result = exp.predict(text)
    out: dict[str, float] = {}
    for token, p in zip(result["tokens"], result[key]):
        out.setdefault(token, float(p))
    return out


def tagged(exp, text: str) -> tuple[list[str], list[str], list[str]]:
    """(tokens tagged as a name, tokens not tagged, unknown tokens) of ``text``."""
    r = exp.predict(text)
    names = [t for t, p in zip(r["tokens"], r["probs"]) if p >= 0.5]
    others = [t for t, p in zip(r["tokens"], r["probs"]) if p < 0.5]
    unknown = [t for t, k in zip(r["tokens"], r["known"]) if not k]
    return names, others, unknown


def crossings(values) -> int:
    """How often a line of probabilities crosses 0.5."""
    side = np.asarray(values, dtype=float) >= 0.5
    return int((side[1:] != side[:-1]).sum())


def line(exp, text: str) -> tuple[list[str], list[float]]:
    """A classifier's tokens and its probability after each of them."""
    r = exp.predict(text)
    return list(r["tokens"]), [float(p) for p in r["prob_after_each"]]
