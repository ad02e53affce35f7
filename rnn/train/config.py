"""How a run trains: ``TrainConfig`` (optimizer, learning rate, clipping, budget, evaluation,
early stopping, seed) and ``extend_budget``, which gives a finished run more steps or seconds.
The trainer (rnn.train.trainer) runs a config; the CLI, the pages and the job workers build one.
"""
from __future__ import annotations

from dataclasses import dataclass

OPTIMIZERS = ("adam", "sgd")


@dataclass
class TrainConfig:
    """How to train. The budget ends at `steps` steps or `seconds` of training, whichever comes
    first; at least one of them must be set.

    optimizer:      "adam" or "sgd"
    lr:             learning rate
    batch_size:     examples per batch (read by whoever builds `batches`; the trainer counts
                    the examples of each batch itself)
    clip:           global gradient-norm limit, or None for no clipping
    seed:           torch.manual_seed at construction; the trainer then keeps its own RNG
                    state (dropout, batches drawn with torch) across steps
    eval_every:     run eval_fn every this many steps (and at the end)
    weight_decay:   L2 penalty passed to the optimizer
    snapshot_every: copy the known-good weights every this many steps (for divergence)
    max_loss:       a loss above this counts as divergence
    keep_best:      restore the weights of the best evaluation at the end (needs a monitor)
    patience:       stop after this many evaluations without a new best (None = never)
    """

    optimizer: str = "adam"
    lr: float = 3e-3
    batch_size: int = 32
    clip: float | None = 1.0
    seed: int = 0
    steps: int | None = None
    seconds: float | None = 60.0
    eval_every: int = 100
    weight_decay: float = 0.0
    snapshot_every: int = 50
    max_loss: float = 1e6
    keep_best: bool = True
    patience: int | None = None

    def __post_init__(self):
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"optimizer must be one of {OPTIMIZERS}, not {self.optimizer!r}")
        if self.steps is None and self.seconds is None:
            raise ValueError("set a budget: steps, seconds or both")
        for name in ("lr", "batch_size", "clip", "steps", "seconds", "eval_every", "snapshot_every", "max_loss",
                     "patience"):
            value = getattr(self, name)
            if value is not None and not value > 0:
                raise ValueError(f"{name} must be greater than 0, not {value!r}")


def extend_budget(config: TrainConfig, done_steps: int, spent: float, seconds: float | None = None,
                  steps: int | None = None) -> TrainConfig:
    """``config`` (changed in place and returned) with a budget that goes ``seconds`` and/or
    ``steps`` past a run that made ``done_steps`` steps in ``spent`` seconds. Extra seconds on a
    run whose step budget is used up make the time the budget (the step limit is lifted)."""
    if seconds:
        config.seconds = max(config.seconds or 0.0, spent) + float(seconds)
        if config.steps is not None and done_steps >= config.steps:
            config.steps = None                    # the time is the budget now
    if steps:
        config.steps = max(config.steps or 0, done_steps) + int(steps)
    return config
