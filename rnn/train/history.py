"""Typed run-history records: what a training produced, step by step.

The trainer (rnn/train/trainer.py) writes its records as plain dicts (``{"kind": "step", ...}``),
which pages, plots and checkpoints read. These classes are the same records with types: one class
per kind, each converting to and from exactly the trainer's dict (``to_dict`` / ``record_from_dict``),
and a ``History`` that holds a run's records with its steps, evaluations, best and stop apart.

An Experiment's ``history`` is a ``History`` (rnn/experiment.py): pages, plots, the CLI and the
export read ``history.steps``, ``.evals``, ``.best``, ``.stop``, ``.trained`` instead of filtering
dicts by their "kind"; checkpoints keep the dicts (``to_dicts`` / ``from_dicts``), so old saved
runs still load. Training jobs (rnn/jobs) stream these records from a worker process to the web
process and hand back a ``History`` with the result, so whoever reads a run reads one set of types
wherever it ran. ``select`` and ``split_records`` pick records by kind from a History or from a
list of the trainer's dicts alike (the plots take either); no other module looks at "kind".
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Iterable, Union

__all__ = ["StepRecord", "EvalRecord", "BestRecord", "StopRecord", "Record", "History",
           "record_from_dict", "kind_of", "select", "split_records", "column", "budget_text"]


class _Fields:
    """Read a record's fields by name, as in the trainer's dict (``record.get("loss")``): what
    plots and tables use to pick a column by its name (``"val_loss"``, a task metric)."""

    def get(self, key: str, default=None):
        if key == "kind":
            return self.kind
        names = self.__dataclass_fields__
        return getattr(self, key) if key in names else default


@dataclass(frozen=True)
class StepRecord(_Fields):
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
class EvalRecord(_Fields):
    """One evaluation on the validation items: the task's metrics (``val_loss``, ``f1``, ...)."""
    step: int
    elapsed: float
    metrics: dict = field(default_factory=dict)
    kind = "eval"

    def to_dict(self) -> dict:
        return {"kind": "eval", "step": self.step, "elapsed": self.elapsed, **self.metrics}

    def get(self, key: str, default=None):
        if key in ("kind", "step", "elapsed"):
            return super().get(key)
        return self.metrics.get(key, default)


@dataclass(frozen=True)
class BestRecord(_Fields):
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

    def get(self, key: str, default=None):
        if key == self.metric and key not in self.__dataclass_fields__:
            return self.value
        return super().get(key, default)


@dataclass(frozen=True)
class StopRecord(_Fields):
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
_TYPES = (StepRecord, EvalRecord, BestRecord, StopRecord)
_STEP_FIELDS = frozenset(StepRecord.__dataclass_fields__)


def _number(value, default: float = math.nan) -> float:
    """A record's number; a checkpoint writes NaN/inf as null (strict JSON), read back as NaN."""
    return default if value is None else float(value)


def record_from_dict(d: dict) -> Record:
    """The typed record of one of the trainer's dicts. Raises ValueError for an unknown kind."""
    kind = d.get("kind")
    if kind == "step":
        return StepRecord(step=int(d["step"]), loss=_number(d["loss"]),
                          **{k: d[k] for k in _STEP_KEYS if d.get(k) is not None})
    if kind == "eval":
        return EvalRecord(step=int(d["step"]), elapsed=_number(d.get("elapsed"), 0.0),
                          metrics={k: v for k, v in d.items() if k not in ("kind", "step", "elapsed")})
    if kind == "best":
        metric = d.get("metric", "")
        return BestRecord(step=int(d["step"]), elapsed=_number(d.get("elapsed"), 0.0), metric=metric,
                          value=_number(d.get(metric)), restored=bool(d.get("restored", True)))
    if kind == "stop":
        best = d.get("best_step")
        return StopRecord(step=int(d["step"]), elapsed=_number(d.get("elapsed"), 0.0),
                          reason=str(d.get("reason", "")), diverged=bool(d.get("diverged", False)),
                          best_step=None if best is None else int(best))
    raise ValueError(f"not a training record: kind {kind!r}")


def kind_of(record) -> str | None:
    """"step", "eval", "best" or "stop" for a typed record or one of the trainer's dicts."""
    return record.get("kind") if isinstance(record, dict) else getattr(record, "kind", None)


def select(records, *kinds: str) -> list:
    """The records of these kinds, in order, as they are (typed records or the trainer's dicts:
    plots and tables take either)."""
    return [r for r in (records or ()) if kind_of(r) in kinds]


def split_records(records) -> tuple[list, list]:
    """(step records, eval records) of a History or of any records, in order."""
    if isinstance(records, History):
        return records.steps, records.evals
    steps, evals = [], []
    for r in records or ():
        kind = kind_of(r)
        if kind == "step":
            steps.append(r)
        elif kind == "eval":
            evals.append(r)
    return steps, evals


def column(records: list, key: str) -> list:
    """Each record's ``key`` (None where it has none), typed records or dicts alike: the x or y
    of a chart. Steps or evaluations alone (``History.steps``, ``.evals``) are read at the speed
    of attribute access (a live chart redraws thousands of steps every tick)."""
    if records and all(type(r) is StepRecord for r in records) and key in _STEP_FIELDS:
        return list(map(attrgetter(key), records))
    if records and all(type(r) is EvalRecord for r in records):
        if key in ("step", "elapsed"):
            return list(map(attrgetter(key), records))
        return [r.metrics.get(key) for r in records]
    return [r.get(key) for r in records]


@dataclass
class History:
    """A run's records in order, with its steps, evaluations, best and stop apart.

    Iterating gives the typed records; ``history[i]`` one record, ``history[a:b]`` a list.
    Dicts added (``add``, ``extend``) are typed first, so the trainer's records go in as they are.
    """
    records: list = field(default_factory=list)

    @classmethod
    def from_dicts(cls, dicts: Iterable[dict], strict: bool = True) -> "History":
        """The records of the trainer's dicts; ``strict=False`` drops what is not a training
        record (an unknown kind, a record without its step) instead of raising ValueError."""
        if strict:
            return cls([record_from_dict(d) for d in dicts])
        records = []
        for d in dicts or ():
            try:
                records.append(record_from_dict(d))
            except (ValueError, KeyError, TypeError, AttributeError):
                continue
        return cls(records)

    @classmethod
    def of(cls, records) -> "History":
        """``records`` as a History: itself if it is one, else the typed copy of a list."""
        if isinstance(records, History):
            return records
        return cls([r if isinstance(r, _TYPES) else record_from_dict(r) for r in records or ()])

    def to_dicts(self) -> list[dict]:
        return [r.to_dict() for r in self.records]

    def add(self, record: Record | dict) -> Record:
        if isinstance(record, dict):
            record = record_from_dict(record)
        self.records.append(record)
        return record

    def extend(self, records: Iterable[Record | dict]) -> list[Record]:
        """Add ``records`` in order; returns them typed."""
        return [self.add(r) for r in records]

    def truncate(self, length: int) -> None:
        """Keep the first ``length`` records (a job that failed gives back what it added)."""
        del self.records[length:]

    def copy(self) -> "History":
        return History(list(self.records))       # records are frozen: sharing them is safe

    def thinned(self, max_steps: int = 300) -> "History":
        """Every eval/best/stop record but at most ``max_steps`` evenly spaced step records (the
        last one kept), so a checkpoint's JSON stays small however long the run was."""
        steps = [i for i, r in enumerate(self.records) if isinstance(r, StepRecord)]
        stride = max(1, -(-len(steps) // max_steps))
        keep = set(steps[::stride]) | ({steps[-1]} if steps else set())
        return History([r for i, r in enumerate(self.records)
                        if not isinstance(r, StepRecord) or i in keep])

    @property
    def steps(self) -> list[StepRecord]:
        return [r for r in self.records if isinstance(r, StepRecord)]

    @property
    def evals(self) -> list[EvalRecord]:
        return [r for r in self.records if isinstance(r, EvalRecord)]

    @property
    def best(self) -> BestRecord | None:
        """The last "best" record: the step whose weights the model holds (None before the end)."""
        return next((r for r in reversed(self.records) if isinstance(r, BestRecord)), None)

    @property
    def stop(self) -> StopRecord | None:
        return self.records[-1] if self.records and isinstance(self.records[-1], StopRecord) else None

    @property
    def last_stop(self) -> StopRecord | None:
        """The last "stop" record anywhere (a continued run has one per budget it used)."""
        return next((r for r in reversed(self.records) if isinstance(r, StopRecord)), None)

    @property
    def stop_reason(self) -> str:
        return self.stop.reason if self.stop else ""

    @property
    def last_step(self) -> StepRecord | None:
        return next((r for r in reversed(self.records) if isinstance(r, StepRecord)), None)

    @property
    def last_eval(self) -> EvalRecord | None:
        return next((r for r in reversed(self.records) if isinstance(r, EvalRecord)), None)

    @property
    def trained(self) -> bool:
        """Has the run made at least one optimizer step?"""
        return any(isinstance(r, StepRecord) for r in self.records)

    @property
    def steps_done(self) -> int | None:
        """How many steps the run made: its highest step or stop record (None before training)."""
        done = [r.step for r in self.records if isinstance(r, (StepRecord, StopRecord))]
        return max(done) if done else None

    def last_value(self, key: str) -> float | None:
        """The last evaluation's number for ``key`` (None if never measured)."""
        for r in reversed(self.records):
            value = r.metrics.get(key) if isinstance(r, EvalRecord) else None
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return float(value)
        return None

    def __iter__(self):
        return iter(self.records)

    def __getitem__(self, index):
        return self.records[index]

    def __len__(self) -> int:
        return len(self.records)

    def __bool__(self) -> bool:
        return bool(self.records)


def budget_text(seconds: float) -> str:
    """A time budget as a person reads it: "35 s", "2.5 s", "90 s" (never "35.0425 s")."""
    seconds = float(seconds)
    if seconds >= 10:
        return f"{seconds:.0f} s"
    return f"{seconds:.1f}".rstrip("0").rstrip(".") + " s"
