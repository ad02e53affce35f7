"""An experiment: one task, one model, its data, its training run and its history.

This is the one object the pages and the CLI hold. It is deliberately plain: build it, train it a
slice at a time, ask it for predictions and traces, save it. Pretrained experiments shared between
sessions are never trained in place: ``clone()`` gives a session its own copy.

It never asks which task it holds: what differs between tasks (options such as translation's token
joiners, the loss, the scores, what a prediction or a trace returns) is the Task's business
(rnn/tasks/base.py). The trainer keeps the weights of the best validation score on the task's
headline metric; ``best_step`` says which step's weights the model holds.
"""
from __future__ import annotations

import copy
from dataclasses import asdict, fields
from pathlib import Path
from typing import Callable

import torch

from rnn.checkpoint import (CheckpointError, checkpoint_from_files, checkpoint_to_files,
                            load_checkpoint, save_checkpoint)
from rnn.data import DataFormatError, Vocab
from rnn.models.config import ModelConfig
from rnn.settings import check_text_length, validate_model_size
from rnn.tasks import get_task
from rnn.train.config import TrainConfig, extend_budget
from rnn.train.history import History, Record
from rnn.train.metrics import finite
from rnn.train.trainer import Trainer

FORMAT = "rnn-playground/1"
EVAL_ITEMS = 500            # validation examples scored during training (keeps ticks short)
                            # (a text is cut by the task's own cap instead)

__all__ = ["Experiment", "ModelConfig", "TrainConfig", "FORMAT"]


class Experiment:
    def __init__(self, task: str, model_config: ModelConfig, train_config: TrainConfig, vocabs: dict,
                 dataset: str, splits=None, options: dict | None = None):
        self.task = get_task(task)
        if model_config.bidirectional and not self.task.allows_bidirectional:
            model_config = ModelConfig.from_dict({**model_config.to_dict(), "bidirectional": False})
        self.model_config = model_config
        self.train_config = train_config
        self.vocabs = vocabs
        self.dataset = dataset
        self.splits = splits
        # where ensure_data gets the built-in set (None: the task builds it); the app shares one
        # copy per server (rnn/ui/task_page.py), built only when a model is scored or trained
        self.load_data: Callable[[], object] | None = None
        self.options = dict(options or {})
        torch.manual_seed(train_config.seed)
        self.model = self.task.build_model(model_config, vocabs)
        self.trainer: Trainer | None = None
        self.history = History()
        self.status = "ready"
        self.stop_reason = ""

    @property
    def history(self) -> History:
        """The run's records, typed (rnn/train/history.py): ``history.steps``, ``.evals``,
        ``.best``, ``.stop``, ``.trained``."""
        return self._history

    @history.setter
    def history(self, records) -> None:          # a list of the trainer's dicts is typed here
        self._history = History.of(records)

    # ---- construction --------------------------------------------------------------------
    @classmethod
    def create(cls, task: str, model_config: ModelConfig | None = None,
               train_config: TrainConfig | None = None, dataset: str | None = None, data=None,
               data_name: str | None = None, options: dict | None = None,
               data_file: tuple[str, bytes] | None = None) -> "Experiment":
        """A fresh, untrained experiment on a built-in dataset (by name) or on loaded ``data``.

        ``data_file``: the (name, bytes) ``data`` was read from, kept as ``exp.data_file`` for a
        training worker, which parses the file itself (rnn.jobs.runner.spec_for)."""
        spec = get_task(task)
        model_config = model_config or ModelConfig()
        train_config = train_config or TrainConfig()
        if data is None:
            dataset = dataset or next(iter(spec.datasets()))
            data = spec.load_builtin(dataset, seed=0)
        elif dataset is None:          # a user's file; a built-in set may also come preloaded (cached)
            dataset = f"file:{data_name or 'upload'}"
        options = {**spec.default_options(dataset, model_config), **(options or {})}
        vocabs = spec.build_vocabs(data, model_config)
        exp = cls(task, model_config, train_config, vocabs, dataset, data, options)
        if data_file is not None:
            exp.data_file = data_file
        return exp

    def clone(self) -> "Experiment":
        """An independent copy (its own weights and history) sharing the read-only data and vocabularies."""
        other = copy.copy(self)
        other.model = copy.deepcopy(self.model)
        # configs are mutable dataclasses: a session changing its copy's settings must not change
        # the shared experiment's (and so every other session's)
        other.model_config = copy.deepcopy(self.model_config)
        other.train_config = copy.deepcopy(self.train_config)
        other.trainer = None
        other.history = self.history.copy()
        other.options = dict(self.options)
        return other

    def ensure_data(self):
        """Load the built-in data of a restored experiment (user files are not stored in checkpoints)."""
        if self.splits is None:
            if self.dataset.startswith("file:"):
                raise DataFormatError(f"this model was trained on an uploaded file ({self.dataset[5:]}) "
                                      "that is not part of the checkpoint; upload it again to continue")
            load = getattr(self, "load_data", None)
            self.splits = load() if load else self.task.load_builtin(self.dataset, seed=0)
        return self.splits

    # ---- training ------------------------------------------------------------------------
    def _make_trainer(self) -> Trainer:
        splits = self.ensure_data()
        batches = self.task.batches(splits.train, self.vocabs, self.model_config,
                                    self.train_config.batch_size, self.train_config.seed, self.options)
        return Trainer(self.model, self._loss, batches, self.train_config, eval_fn=self._eval_fn,
                       monitor=(self.monitor_key, self.task.higher_is_better))

    def _loss(self, model, batch):
        return self.task.loss(model, batch, self.options)

    @property
    def monitor_key(self) -> str:
        """The validation metric whose best value picks the weights that are kept."""
        return "val_loss" if self.task.metric == "loss" else self.task.metric

    def _eval_fn(self, model) -> dict:
        items = self.splits.val
        if not isinstance(items, str):
            items = items[:EVAL_ITEMS]
        result = self._evaluate_items(self.task.cap(items, self.model_config))
        result["val_loss"] = result.pop("loss", float("nan"))
        return {k: v for k, v in result.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}

    def train_for(self, seconds: float, between_steps=None) -> list[Record]:
        """Train for about ``seconds`` (one UI tick). Returns the new records (typed); also kept
        in ``history``. ``between_steps``: see ``Trainer.run_for``."""
        if self.trainer is None:
            self.trainer = self._make_trainer()
        if self.trainer.done:
            return []
        self.status = "training"
        records = self.history.extend(self.trainer.run_for(seconds, between_steps))
        if self.trainer.done:
            self.status = "diverged" if self.trainer.diverged else "done"
            self.stop_reason = self.trainer.stop_reason or ""
        self.model.eval()
        return records

    def train(self, progress=None) -> History:
        """Train for the whole budget (the CLI's path). ``progress(record)`` is called per
        (typed) record."""
        if self.trainer is None:
            self.trainer = self._make_trainer()
        self.status = "training"
        for record in self.trainer.run():
            record = self.history.add(record)
            if progress is not None:
                progress(record)
        self.status = "diverged" if self.trainer.diverged else "done"
        self.stop_reason = self.trainer.stop_reason or ""
        self.model.eval()
        return self.history

    def extend_budget(self, seconds: float | None = None, steps: int | None = None) -> None:
        """Give a finished (not diverged) run more budget, so "Continue" trains on from its
        current weights: ``seconds`` more wall-clock training, and/or ``steps`` more steps."""
        if self.status == "diverged":
            raise ValueError("a diverged run cannot continue; start a new one")
        if self.trainer is not None:               # trained here: the trainer carries on
            self.trainer.extend(seconds=seconds, steps=steps)
            self.train_config = self.trainer.config
        else:                                      # trained by a job: its next job carries on
            last = self.history.last_step
            extend_budget(self.train_config, last.step if last else 0,
                          float(last.elapsed) if last else 0.0, seconds, steps)
        self.status, self.stop_reason = "ready", ""

    @property
    def fraction_done(self) -> float:
        """How much of the step or time budget is used, 0..1 (for progress bars)."""
        if self.status in ("done", "diverged"):
            return 1.0
        last = self.history.last_step
        if last is None:
            return 0.0
        cfg = self.train_config
        parts = [last.step / cfg.steps if cfg.steps else 0.0,
                 last.elapsed / cfg.seconds if cfg.seconds else 0.0]
        return min(1.0, max(parts))

    @property
    def best_step(self) -> int | None:
        """The step whose weights the model holds after training: that of the best validation
        score (None before training ends, or if no evaluation was scored)."""
        best = self.history.best
        return best.step if best else None

    # ---- using the model -----------------------------------------------------------------
    def _evaluate_items(self, items) -> dict:
        return self.task.evaluate(self.model, items, self.vocabs, self.model_config, **self.options)

    def evaluate(self, split: str = "test", data=None, capped: bool = True) -> dict:
        """Metrics on a split of the experiment's data, or on ``data`` (a list of examples / a
        text). The pages keep ``capped``: the items are cut to what the live app scores (the
        task's cap, so a page stays fast); the CLI passes capped=False to score every item."""
        items = data if data is not None else getattr(self.ensure_data(), split)
        if capped:
            items = self.task.cap(items, self.model_config)
        return self._evaluate_items(items)

    def predict(self, text: str, **options) -> dict:
        """The task's prediction for ``text``; ``options`` add to (or override) the experiment's."""
        check_text_length(text)     # LimitError: e.g. sentiment scores every prefix (quadratic)
        return self.task.predict(self.model, self.vocabs, self.model_config, text,
                                 **{**self.options, **options})

    def trace(self, text: str) -> dict:
        check_text_length(text)
        return self.task.trace(self.model, self.vocabs, self.model_config, text, **self.options)

    def metrics(self) -> dict:
        """The validation metrics of the weights the model holds: those of the best evaluation
        once training has ended, else the last evaluation (empty before any evaluation)."""
        evals = self.history.evals
        best = self.best_step
        if best is not None:
            evals = [r for r in evals if r.step == best] or evals
        if not evals:
            return {}
        return {"step": evals[-1].step, "elapsed": evals[-1].elapsed, **evals[-1].metrics}

    # ---- saving and loading ---------------------------------------------------------------
    def meta(self) -> dict:
        return {"format": FORMAT, "task": self.task.name, "dataset": self.dataset,
                "model_config": self.model_config.to_dict(), "train_config": asdict(self.train_config),
                "options": self.options, "status": self.status, "stop_reason": self.stop_reason,
                "vocabs": {k: v.to_json() for k, v in self.vocabs.items()},
                "history": [finite(r) for r in self.history.thinned().to_dicts()]}

    def save(self, directory) -> Path:
        return save_checkpoint(directory, self.model.state_dict(), self.meta())

    def to_files(self) -> dict[str, bytes]:
        return checkpoint_to_files(self.model.state_dict(), self.meta())

    @classmethod
    def load(cls, directory) -> "Experiment":
        state, meta = load_checkpoint(directory)
        return cls._from_checkpoint(state, meta, str(directory))

    @classmethod
    def from_files(cls, files: dict[str, bytes]) -> "Experiment":
        state, meta = checkpoint_from_files(files)
        return cls._from_checkpoint(state, meta, "the uploaded checkpoint", check_limits=True)

    @classmethod
    def _from_checkpoint(cls, state: dict, meta: dict, where: str, check_limits: bool = False) -> "Experiment":
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise CheckpointError(f"{where}: not an RNN Playground checkpoint (meta.json format is "
                                  f"{meta.get('format') if isinstance(meta, dict) else None!r}, expected {FORMAT!r})")
        try:
            vocabs = {k: Vocab.from_json(v) for k, v in meta["vocabs"].items()}
            model_config = ModelConfig.from_dict(meta["model_config"])
            if check_limits:    # an upload's meta.json must not make us allocate a huge model
                validate_model_size(model_config.hidden, model_config.embed, model_config.layers, strict=True)
            known = {f.name for f in fields(TrainConfig)}
            train_config = TrainConfig(**{k: v for k, v in meta.get("train_config", {}).items() if k in known})
            exp = cls(meta["task"], model_config, train_config, vocabs, meta["dataset"],
                      options=meta.get("options"))
        except (KeyError, TypeError, ValueError) as err:
            raise CheckpointError(f"{where}: meta.json is incomplete or invalid ({err})") from None
        _load_weights(exp.model, state, where)
        history = meta.get("history", [])
        exp.history = History.from_dicts(history if isinstance(history, list) else [], strict=False)
        exp.status = "ready"
        exp.model.eval()
        return exp


def _load_weights(model: torch.nn.Module, state: dict, where: str) -> None:
    expected = model.state_dict()
    missing = sorted(set(expected) - set(state))
    unexpected = sorted(set(state) - set(expected))
    wrong = [k for k in expected if k in state and tuple(state[k].shape) != tuple(expected[k].shape)]
    if missing or unexpected or wrong:
        detail = "; ".join(filter(None, [
            f"missing {', '.join(missing[:3])}" if missing else "",
            f"unexpected {', '.join(unexpected[:3])}" if unexpected else "",
            ", ".join(f"{k} has shape {tuple(state[k].shape)}, expected {tuple(expected[k].shape)}"
                      for k in wrong[:3])]))
        raise CheckpointError(f"{where}: the weights do not fit the model in meta.json ({detail})")
    model.load_state_dict({k: v.to(expected[k].dtype) for k, v in state.items()})

