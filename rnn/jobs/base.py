"""What a training job is, whichever backend runs it.

A job is submitted as a ``JobSpec`` (the experiment's task, configs, vocabularies and weights, its
data: a built-in set's name or the bytes of the user's file, its budget and seed, and where an
earlier job of the same run stopped), trained by a worker process, and read back as
``JobUpdate``s: the step and eval records that arrived since a cursor (rnn.train.history types),
the job's state and place in the queue, and at the end a ``JobResult`` (weights as safetensors
bytes, the run's history of this job, and the state to continue from).

Everything here is JSON with the bytes in base64 (``to_wire`` / ``from_wire``), so a job crosses
a pipe to a local worker or Redis to a worker on another machine the same way. No pickle.
"""
from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Protocol

from rnn.train.history import History, Record, record_from_dict

QUEUED, RUNNING, FINISHED, FAILED, UNKNOWN = "queued", "running", "finished", "failed", "unknown"
# how a finished job ended: the budget (or patience, or the data) ran out; diverged; stopped
DONE, DIVERGED, PAUSED = "done", "diverged", "paused"

WORKER_LOST = ("The training worker stopped unexpectedly (it was restarted or ran out of "
               "memory), so this training ended early. Its weights did not come back, so the "
               "run is as it was when you pressed Start: press Start to train again.")


def _b64(data: bytes | None) -> str | None:
    return None if data is None else base64.b64encode(data).decode("ascii")


def _unb64(text: str | None) -> bytes | None:
    return None if text is None else base64.b64decode(text)


@dataclass
class Resume:
    """Where a run stopped, so the next job of the run continues it: the trainer's counters,
    the optimizer's state and the best evaluation's weights (safetensors bytes)."""
    step_count: int = 0
    elapsed: float = 0.0
    examples: int = 0
    step_seconds: float = 0.0
    last_eval_step: int | None = None
    best_step: int | None = None
    best_value: float | None = None
    evals_since_best: int = 0
    optimizer: bytes | None = None
    best_weights: bytes | None = None

    def to_wire(self) -> dict:
        out = {k: getattr(self, k) for k in ("step_count", "elapsed", "examples", "step_seconds",
                                              "last_eval_step", "best_step", "best_value",
                                              "evals_since_best")}
        return {**out, "optimizer": _b64(self.optimizer), "best_weights": _b64(self.best_weights)}

    @classmethod
    def from_wire(cls, d: dict | None) -> "Resume | None":
        if not d:
            return None
        return cls(**{**d, "optimizer": _unb64(d.get("optimizer")),
                      "best_weights": _unb64(d.get("best_weights"))})


@dataclass
class JobSpec:
    """One training job: the experiment (``meta`` as in a checkpoint's meta.json, without its
    history, and ``weights``), its data (``dataset``: a built-in set's name, or ``file_name`` and
    ``file_bytes``: the user's file, parsed again by the worker) and where to continue from.
    The budget and the seed are the ``train_config`` inside ``meta``."""
    meta: dict
    weights: bytes
    dataset: str | None = None
    file_name: str | None = None
    file_bytes: bytes | None = None
    resume: Resume | None = None

    def to_wire(self) -> dict:
        return {"meta": self.meta, "weights": _b64(self.weights), "dataset": self.dataset,
                "file_name": self.file_name, "file_bytes": _b64(self.file_bytes),
                "resume": self.resume.to_wire() if self.resume else None}

    @classmethod
    def from_wire(cls, d: dict) -> "JobSpec":
        return cls(meta=d["meta"], weights=_unb64(d["weights"]), dataset=d.get("dataset"),
                   file_name=d.get("file_name"), file_bytes=_unb64(d.get("file_bytes")),
                   resume=Resume.from_wire(d.get("resume")))


@dataclass
class JobResult:
    """How the job ended (``DONE``, ``DIVERGED`` or ``PAUSED`` by Stop), the weights the model
    holds now (safetensors bytes), this job's records and the state to continue from."""
    status: str
    stop_reason: str
    weights: bytes
    history: History
    resume: Resume | None = None

    def to_wire(self) -> dict:
        return {"status": self.status, "stop_reason": self.stop_reason,
                "weights": _b64(self.weights), "history": self.history.to_dicts(),
                "resume": self.resume.to_wire() if self.resume else None}

    @classmethod
    def from_wire(cls, d: dict) -> "JobResult":
        return cls(status=d["status"], stop_reason=d.get("stop_reason", ""),
                   weights=_unb64(d["weights"]), history=History.from_dicts(d.get("history", [])),
                   resume=Resume.from_wire(d.get("resume")))


@dataclass
class JobUpdate:
    """What ``read`` returns: the records since the cursor (typed), the cursor to pass next time,
    the job's state, its 1-based place in the queue while queued, the result once finished and
    a message for the student once failed; ``weights``: the newest snapshot of the model's
    weights (safetensors bytes) when there is one the cursor has not seen."""
    records: list[Record] = field(default_factory=list)
    cursor: object = 0
    state: str = UNKNOWN
    position: int | None = None
    result: JobResult | None = None
    error: str = ""
    weights: bytes | None = None


def records_from_wire(dicts: list[dict]) -> list[Record]:
    return [record_from_dict(d) for d in dicts]


class JobBackend(Protocol):
    """Where trainings run. ``read`` never blocks longer than ``wait`` seconds, and a reader
    that comes back with an old cursor (a rerun, a reconnect) gets the records from there on."""

    name: str

    def submit(self, spec: JobSpec) -> str: ...

    def read(self, job_id: str, cursor: object = 0, wait: float = 0.0) -> JobUpdate: ...

    def stop(self, job_id: str) -> None: ...

    def forget(self, job_id: str) -> None: ...

    def counts(self) -> dict: ...
