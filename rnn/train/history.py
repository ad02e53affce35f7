"""Typed run-history records: what a training produced, step by step.

The trainer (rnn/train/trainer.py) writes its records as plain dicts (``{"kind": "step", ...}``),
which pages, plots and checkpoints read. These classes are the same records with types: one class
per kind, each converting to and from exactly the trainer's dict (``to_dict`` / ``record_from_dict``),
and a ``History`` that holds a run's records with its steps, evaluations, best and stop apart.

Training jobs (rnn/jobs) stream these records from a worker process to the web process and hand
back a ``History`` with the result, so whoever reads a run reads one set of types wherever it ran.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Iterable, Union

__all__ = ["StepRecord", "EvalRecord", "BestRecord", "StopRecord", "Record", "History",
           "record_from_dict", "budget_text"]


@dataclass(frozen=True)
class StepRecord:
    """One applied optimizer step: its loss, gradient norm (before and after clipping), learning
    rate, throughput so far and the seconds of training so far."""
    step: int
    loss: float
    grad_norm: float = math.nan
    grad_norm_clipped: float = math.nan
    clipped: bool = False
    lr: float = math.nan
    examples_per_s: float = 0.0
    elapsed: float = 0.0
    kind = "step"

    def to_dict(self) -> dict:
        return {"kind": "step", "step": self.step, "loss": self.loss, "grad_norm": self.grad_norm,
                "grad_norm_clipped": self.grad_norm_clipped, "clipped": self.clipped, "lr": self.lr,
                "examples_per_s": self.examples_per_s, "elapsed": self.elapsed}


@dataclass(frozen=True)
class EvalRecord:
    """One evaluation on the validation items: the task's metrics (``val_loss``, ``f1``, ...)."""
    step: int
    elapsed: float
    metrics: dict = field(default_factory=dict)
    kind = "eval"

    def to_dict(self) -> dict:
        return {"kind": "eval", "step": self.step, "elapsed": self.elapsed, **self.metrics}


@dataclass(frozen=True)
class BestRecord:
    """The step whose weights the model holds at the end (its best validation ``metric``)."""
    step: int
    elapsed: float
    metric: str
    value: float
    restored: bool = True
    kind = "best"

    def to_dict(self) -> dict:
        return {"kind": "best", "step": self.step, "elapsed": self.elapsed, "metric": self.metric,
                self.metric: self.value, "restored": self.restored}


@dataclass(frozen=True)
class StopRecord:
    """Why training ended (always the last record of a finished run)."""
    step: int
    elapsed: float
    reason: str
    diverged: bool = False
    best_step: int | None = None
    kind = "stop"

    def to_dict(self) -> dict:
        return {"kind": "stop", "step": self.step, "elapsed": self.elapsed, "reason": self.reason,
                "diverged": self.diverged, "best_step": self.best_step}


Record = Union[StepRecord, EvalRecord, BestRecord, StopRecord]
_STEP_KEYS = ("grad_norm", "grad_norm_clipped", "clipped", "lr", "examples_per_s", "elapsed")


def record_from_dict(d: dict) -> Record:
    """The typed record of one of the trainer's dicts. Raises ValueError for an unknown kind."""
    kind = d.get("kind")
    if kind == "step":
        return StepRecord(step=int(d["step"]), loss=float(d["loss"]),
                          **{k: d[k] for k in _STEP_KEYS if k in d})
    if kind == "eval":
        return EvalRecord(step=int(d["step"]), elapsed=float(d.get("elapsed", 0.0)),
                          metrics={k: v for k, v in d.items() if k not in ("kind", "step", "elapsed")})
    if kind == "best":
        metric = d.get("metric", "")
        return BestRecord(step=int(d["step"]), elapsed=float(d.get("elapsed", 0.0)), metric=metric,
                          value=float(d.get(metric, math.nan)), restored=bool(d.get("restored", True)))
    if kind == "stop":
        best = d.get("best_step")
        return StopRecord(step=int(d["step"]), elapsed=float(d.get("elapsed", 0.0)),
                          reason=str(d.get("reason", "")), diverged=bool(d.get("diverged", False)),
                          best_step=None if best is None else int(best))
    raise ValueError(f"not a training record: kind {kind!r}")


@dataclass
class History:
    """A run's records in order, with its steps, evaluations, best and stop apart."""
    records: list = field(default_factory=list)

    @classmethod
    def from_dicts(cls, dicts: Iterable[dict]) -> "History":
        return cls([record_from_dict(d) for d in dicts])

    def to_dicts(self) -> list[dict]:
        return [r.to_dict() for r in self.records]

    def add(self, record: Record | dict) -> Record:
        if isinstance(record, dict):
            record = record_from_dict(record)
        self.records.append(record)
        return record

    def extend(self, records: Iterable[Record | dict]) -> None:
        for r in records:
            self.add(r)

    @property
    def steps(self) -> list[StepRecord]:
        return [r for r in self.records if isinstance(r, StepRecord)]

    @property
    def evals(self) -> list[EvalRecord]:
        return [r for r in self.records if isinstance(r, EvalRecord)]

    @property
    def best(self) -> BestRecord | None:
        found = [r for r in self.records if isinstance(r, BestRecord)]
        return found[-1] if found else None

    @property
    def stop(self) -> StopRecord | None:
        return self.records[-1] if self.records and isinstance(self.records[-1], StopRecord) else None

    @property
    def stop_reason(self) -> str:
        return self.stop.reason if self.stop else ""

    def __len__(self) -> int:
        return len(self.records)


def budget_text(seconds: float) -> str:
    """A time budget as a person reads it: "35 s", "2.5 s", "90 s" (never "35.0425 s")."""
    seconds = float(seconds)
    if seconds >= 10:
        return f"{seconds:.0f} s"
    return f"{seconds:.1f}".rstrip("0").rstrip(".") + " s"
