"""A model-agnostic training loop that yields plain records (minGPT's Trainer, minus callbacks).

The trainer knows nothing of models, tasks or the UI. It is given

    loss_fn(model, batch) -> scalar loss tensor      (the task decides what a loss is)
    batches                                          an iterator of batches (infinite is fine)
    eval_fn(model) -> dict of metrics                (optional; run under torch.no_grad())

and produces one dict per step, which pages and the CLI draw or print:

    {"kind": "step", "step", "loss", "grad_norm", "grad_norm_clipped", "clipped", "lr",
     "examples_per_s", "elapsed"}
    {"kind": "eval", "step", "elapsed", **metrics}
    {"kind": "best", "step", "elapsed", "metric", <metric>: value}  (just before the stop record)
    {"kind": "stop", "step", "elapsed", "reason", "diverged", "best_step"}   (always the last record)

One step: loss = loss_fn(model, batch); loss.backward(); g = ||grad||_2 over all parameters;
if clip is set and g > clip, scale every gradient by clip / g (global-norm clipping); update.

Divergence. A step whose loss is NaN/inf or above `max_loss`, or whose gradient norm is NaN/inf,
never updates the weights. Training stops with a reason that says what happened and what to
try. For a bad loss the current weights are suspect, so the last snapshot is restored: a copy
of the weights and optimizer state taken, every `snapshot_every` steps, just before an update
whose loss was finite (so the copy is known to give a finite loss). For a bad gradient with a
finite loss the weights before this step are kept. Copying only every few steps keeps the
per-step overhead small for big models.

Keeping the best. Given a `monitor` (a key of eval_fn's metrics and whether higher is better),
the trainer copies the weights at every evaluation that improves on the best so far, and when
training ends (budget, data, early stop or the user's stop; not divergence, see above) puts the
best weights back if a later evaluation was worse, then writes a "best" record naming the step
whose weights the model now holds. `keep_best=False` only reports that step. With `patience`,
training stops early once that many evaluations in a row have not improved on the best.

Reproducibility. The constructor calls torch.manual_seed(seed); from then on the trainer keeps
its own copy of torch's RNG state and swaps it in around each step and evaluation, so the same
seed, model initialisation and steps give the same losses even when several trainers are
advanced in turn in one process. (Threads training at the same time can still interleave.)
"""

from __future__ import annotations

import contextlib
import copy
import math
import time
from collections.abc import Callable, Iterable, Iterator

import torch

from rnn.train.config import TrainConfig, extend_budget
from rnn.train.optim import make_optimizer
from rnn.train.history import budget_text

def batch_size_of(batch) -> int:
    """Examples in a batch: `batch.size` if it is an int, else the first dimension of a tensor
    (or of the first tensor of a tuple/list/dict), else len(batch)."""
    size = getattr(batch, "size", None)
    if isinstance(size, int):
        return size
    first = batch
    if isinstance(batch, dict) and batch:
        first = next(iter(batch.values()))
    elif isinstance(batch, (tuple, list)) and batch and isinstance(batch[0], torch.Tensor):
        first = batch[0]
    if isinstance(first, torch.Tensor):
        return int(first.shape[0]) if first.dim() else 1
    return len(batch)


class Trainer:
    """Trains `model` on `batches` within `config`'s budget; see the module docstring."""

    def __init__(self, model: torch.nn.Module, loss_fn: Callable, batches: Iterable,
                 config: TrainConfig, eval_fn: Callable | None = None,
                 monitor: tuple[str, bool] | None = None):
        torch.manual_seed(config.seed)
        self._rng_state = torch.get_rng_state()
        self.model, self.loss_fn, self.config, self.eval_fn = model, loss_fn, config, eval_fn
        self.batches = iter(batches)
        self.params = [p for p in model.parameters() if p.requires_grad]
        self.optimizer = make_optimizer(self.params, config)
        self.step_count = 0              # completed (applied) optimizer steps
        self.elapsed = 0.0               # seconds spent inside step() and evaluate()
        self.examples = 0
        self._step_seconds = 0.0         # time in step() only, for the throughput
        self.records: list[dict] = []
        self.done, self.diverged, self.stop_reason = False, False, None
        self._last_eval_step = None
        self._snapshot = None            # (step, model state, optimizer state)
        self.monitor = monitor           # (metric key, higher is better) for keeping the best
        self.best: dict | None = None    # {"step", "value", "state"} of the best evaluation
        self._evals_since_best = 0

    # the counters a run's continuation in another process starts from (rnn.jobs.runner):
    # progress() name -> the attribute that holds it
    _PROGRESS = {"step_count": "step_count", "elapsed": "elapsed", "examples": "examples",
                 "step_seconds": "_step_seconds", "last_eval_step": "_last_eval_step",
                 "evals_since_best": "_evals_since_best"}
    PROGRESS = tuple(_PROGRESS)

    def progress(self) -> dict:
        """Where this run stands (``PROGRESS``); its weights and optimizer state travel apart."""
        return {name: getattr(self, attr) for name, attr in self._PROGRESS.items()}

    def resume(self, progress: dict) -> None:
        """Carry on counting from ``progress()`` of an earlier trainer of the same run."""
        for name, attr in self._PROGRESS.items():
            setattr(self, attr, progress[name])

    @property
    def examples_per_s(self) -> float:
        """Training throughput so far: examples / seconds spent in steps."""
        return self.examples / self._step_seconds if self._step_seconds else 0.0

    @contextlib.contextmanager
    def _own_rng(self):
        """Swap in this trainer's own torch RNG state, so that trainers advanced in turn (the
        Compare tab trains three models a slice at a time) each stay reproducible."""
        outer = torch.get_rng_state()
        torch.set_rng_state(self._rng_state)
        try:
            yield
        finally:
            self._rng_state = torch.get_rng_state()
            torch.set_rng_state(outer)

    def step(self) -> dict:
        """One optimizer step; returns its "step" record, or the "stop" record if the step
        diverged or the data ran out. Raises RuntimeError once training is done."""
        if self.done:
            raise RuntimeError(f"training is finished: {self.stop_reason}")
        with self._own_rng():
            return self._step()

    def _step(self) -> dict:
        start = time.perf_counter()
        try:
            batch = next(self.batches)
        except StopIteration:
            return self._finish(f"the data ran out after {self.step_count} steps", start)
        if not self.model.training:      # a walk over every module: only when something set eval()
            self.model.train()
        self.optimizer.zero_grad(set_to_none=True)
        loss = self.loss_fn(self.model, batch)
        loss_value = loss.item()
        if not math.isfinite(loss_value) or loss_value > self.config.max_loss:
            return self._diverge(self._loss_problem(loss_value), start, restore=True)
        if self.step_count % self.config.snapshot_every == 0:
            self._take_snapshot()        # these weights just gave a finite loss
        loss.backward()
        grad_norm = self._clip_gradients()
        if not math.isfinite(grad_norm):
            self.optimizer.zero_grad(set_to_none=True)
            return self._diverge(f"the gradient norm became {grad_norm}", start, restore=False)
        self.optimizer.step()
        self.step_count += 1
        self.examples += batch_size_of(batch)
        seconds = time.perf_counter() - start
        self._step_seconds += seconds
        self.elapsed += seconds
        return self._record(self._step_record(loss_value, grad_norm))

    def _clip_gradients(self) -> float:
        """The global gradient norm before clipping; clips in place when config.clip is set.

        Same result as clip_grad_norm_, cheaper: the gradients are scaled only when the norm is
        over the limit (clip_grad_norm_ multiplies every gradient on every step, by 1.0 when
        there is nothing to clip, a fixed cost that is a few per cent of a small model's step)."""
        grads = [p.grad for p in self.params if p.grad is not None]
        if not grads:
            return 0.0
        norm = torch.nn.utils.get_total_norm(grads)
        value = norm.item()
        clip = self.config.clip
        if clip is not None and value > clip:
            torch.nn.utils.clip_grads_with_norm_(self.params, clip, norm)
        return value

    def _step_record(self, loss: float, grad_norm: float) -> dict:
        clip = self.config.clip
        clipped = clip is not None and grad_norm > clip
        return {"kind": "step", "step": self.step_count, "loss": loss, "grad_norm": grad_norm,
                # clip_grads_with_norm_ scales to clip (up to a 1e-6 guard); not worth a second norm
                "grad_norm_clipped": clip if clipped else grad_norm, "clipped": clipped,
                "lr": self.optimizer.param_groups[0]["lr"],
                "examples_per_s": self.examples_per_s, "elapsed": self.elapsed}

    def evaluate(self) -> dict:
        """Run eval_fn (eval mode, no gradients) and return an "eval" record."""
        start = time.perf_counter()
        metrics = {}
        if self.eval_fn is not None:
            self.model.eval()
            try:
                with torch.no_grad(), self._own_rng():
                    metrics = dict(self.eval_fn(self.model))
            finally:
                self.model.train()
        self._note_best(metrics)
        self.elapsed += time.perf_counter() - start
        self._last_eval_step = self.step_count
        return self._record({"kind": "eval", "step": self.step_count, "elapsed": self.elapsed,
                             **metrics})

    def _note_best(self, metrics: dict) -> None:
        """Remember this evaluation (and copy the weights) if it is the best so far."""
        if self.monitor is None:
            return
        key, higher_is_better = self.monitor
        value = metrics.get(key)
        if not isinstance(value, (int, float)) or not math.isfinite(value):
            return
        if self.best is None or (value > self.best["value"] if higher_is_better else value < self.best["value"]):
            state = ({k: v.detach().clone() for k, v in self.model.state_dict().items()}
                     if self.config.keep_best else None)
            self.best = {"step": self.step_count, "value": value, "state": state}
            self._evals_since_best = 0
        else:
            self._evals_since_best += 1

    @property
    def best_step(self) -> int | None:
        """The step of the best evaluation so far (None before one, or without a monitor)."""
        return self.best["step"] if self.best else None

    def stop(self, reason: str = "stopped by the user") -> dict:
        """End training now (a Stop button); returns the "stop" record."""
        return self._finish(reason) if not self.done else self.records[-1]

    def extend(self, seconds: float | None = None, steps: int | None = None) -> None:
        """Give a finished (not diverged) run more budget so that it trains on: ``seconds`` more
        training time and/or ``steps`` more steps, counted from where it is now (or from its old
        budget, if that is further). The next ``run``/``run_for``/``step`` continues from the
        current weights, optimizer state, batches and RNG: step numbering goes on from
        ``step_count``, and patience counts from here again. The "Continue" button's path."""
        if self.diverged:
            raise ValueError("a diverged run cannot continue; start a new one")
        self.config = extend_budget(self.config, self.step_count, self.elapsed, seconds, steps)
        self.done, self.stop_reason = False, None
        self._evals_since_best = 0

    def run_for(self, seconds: float, between_steps: Callable[[], object] | None = None
                ) -> list[dict]:
        """Train for about `seconds` (one UI tick) and return the new records.

        Time is checked before each step, so a slice overruns by at most one step (plus an
        evaluation that falls due in it). Stops early at the end of the budget, with an
        evaluation and the "stop" record. ``between_steps`` is called after each step (the app
        waits there while a student's page run is in flight); the time it takes counts against
        the slice, not against the budget (``elapsed`` counts training only).
        """
        deadline = time.perf_counter() + seconds
        new: list[dict] = []
        while not self.done and time.perf_counter() < deadline:
            new.extend(self._advance())
            if between_steps is not None and not self.done:
                between_steps()
        return new

    def run(self) -> Iterator[dict]:
        """Yield every record until the budget ends; the last one is the "stop" record."""
        while not self.done:
            yield from self._advance()

    def _advance(self) -> list[dict]:
        """One step, then an evaluation if one is due, then the stop if the budget (or the
        patience) is spent. Returns every record written meanwhile."""
        first = len(self.records)
        self.step()
        if not self.done:
            if self.eval_fn is not None and self.step_count % self.config.eval_every == 0:
                self.evaluate()
            reason = self._budget_spent() or self._out_of_patience()
            if reason:
                if self.eval_fn is not None and self._last_eval_step != self.step_count:
                    self.evaluate()
                self._finish(reason)
        return self.records[first:]

    def _budget_spent(self) -> str | None:
        steps, seconds = self.config.steps, self.config.seconds
        if steps is not None and self.step_count >= steps:
            return f"finished {self.step_count} steps"
        if seconds is not None and self.elapsed >= seconds:
            return f"used the {budget_text(seconds)} time budget ({self.step_count} steps)"
        return None

    def _out_of_patience(self) -> str | None:
        patience = self.config.patience
        if patience is None or self.best is None or self._evals_since_best < patience:
            return None
        return (f"stopped early: validation {self.monitor[0]} has not improved for {patience} "
                f"evaluations since step {self.best['step']} ({self.step_count} steps)")

    def _loss_problem(self, loss: float) -> str:
        if math.isfinite(loss):
            return f"the loss exploded to {loss:.3g}"
        return f"the loss became {loss}"

    def _take_snapshot(self) -> None:
        model_state = {k: v.detach().clone() for k, v in self.model.state_dict().items()}
        self._snapshot = (self.step_count, model_state, copy.deepcopy(self.optimizer.state_dict()))

    def _diverge(self, problem: str, start: float, restore: bool) -> dict:
        """Stop after a bad step, restoring the last snapshot when the weights are suspect."""
        advice = "try a smaller learning rate"
        if self.config.clip is None:
            advice += " or turn on gradient clipping"
        if restore and self._snapshot is not None:
            step, model_state, optimizer_state = self._snapshot
            self.model.load_state_dict(model_state)
            self.optimizer.load_state_dict(optimizer_state)
            kept = f"restored the weights from step {step}"
        elif restore:
            kept = "no earlier weights were saved, so the weights are those of step 0"
        else:
            kept = f"kept the weights from step {self.step_count}, before this update"
        self.diverged = True
        reason = f"diverged at step {self.step_count + 1}: {problem} ({advice}); {kept}"
        return self._finish(reason, start)

    def _finish(self, reason: str, start: float | None = None) -> dict:
        if start is not None:
            self.elapsed += time.perf_counter() - start
        self.done, self.stop_reason = True, reason
        if self.best is not None and not self.diverged:
            self._restore_best()
        best_step = self.best["step"] if self.best is not None and not self.diverged else None
        return self._record({"kind": "stop", "step": self.step_count, "elapsed": self.elapsed,
                             "reason": reason, "diverged": self.diverged, "best_step": best_step})

    def _restore_best(self) -> None:
        """Put the best evaluation's weights back (if kept and a later step changed them) and
        write the "best" record."""
        if self.best["state"] is not None and self.best["step"] != self.step_count:
            self.model.load_state_dict(self.best["state"])
        key = self.monitor[0]
        self._record({"kind": "best", "step": self.best["step"], "elapsed": self.elapsed,
                      "metric": key, key: self.best["value"], "restored": self.config.keep_best})

    def _record(self, record: dict) -> dict:
        self.records.append(record)
        return record
