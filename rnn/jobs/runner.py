"""The training itself, as a worker runs it, and the two ends that meet the web process.

``spec_for(exp)`` (web side) turns a session's Experiment into a JobSpec; ``run_job(spec, emit,
should_stop)`` (worker side) rebuilds the experiment, continues from where the run stopped,
trains until the budget ends or a stop is asked for (checked after every step), and calls
``emit(records)`` with the new records about every ``EMIT_SECONDS``; ``apply_result(exp, result)``
(web side) puts the worker's weights and ending into the session's Experiment.
"""
from __future__ import annotations

import functools
import math
import time
from typing import Callable

import safetensors.torch
import torch

from rnn.jobs.base import DIVERGED, DONE, PAUSED, JobResult, JobSpec, Resume
from rnn.train.history import History

EMIT_SECONDS = 0.2              # the worker sends its new records this often (and at the end)
WEIGHTS_SECONDS = 1.0           # and the model's weights this often (Try follows the training)
SLICE_SECONDS = 0.25


class StopRequested(Exception):
    """Raised between two steps when the student pressed Stop."""


# ------------------------------------------------------------------ tensors <-> bytes
def _to_bytes(state: dict) -> bytes:
    return safetensors.torch.save({k: v.detach().to("cpu").contiguous().clone()
                                   for k, v in state.items()})


def _from_bytes(data: bytes) -> dict:
    from rnn.checkpoint import _load_weights     # the checked reader (never pickle)
    return _load_weights(data)


def _optimizer_bytes(optimizer) -> bytes:
    flat = {}
    for index, state in optimizer.state_dict()["state"].items():
        for name, value in state.items():
            if isinstance(value, torch.Tensor):
                flat[f"{index}.{name}"] = value
    return _to_bytes(flat)


def _load_optimizer(optimizer, data: bytes) -> None:
    per_param: dict = {}
    for key, value in _from_bytes(data).items():
        index, name = key.split(".", 1)
        per_param.setdefault(int(index), {})[name] = value
    state = optimizer.state_dict()
    optimizer.load_state_dict({"state": per_param, "param_groups": state["param_groups"]})


# ------------------------------------------------------------------ web side
def spec_for(exp, resume: Resume | None = None) -> JobSpec:
    """The job that trains ``exp`` on from where it is (``resume``: where its last job stopped)."""
    meta = exp.meta()
    meta.pop("history", None)
    file_name = file_bytes = None
    dataset = exp.dataset
    if dataset.startswith("file:"):
        source = getattr(exp, "data_file", None)
        if source is None:
            from rnn.data import DataFormatError
            raise DataFormatError("this model's own data file is not available any more; "
                                  "upload it again to train")
        file_name, file_bytes = source
        dataset = None
    return JobSpec(meta=meta, weights=_to_bytes(exp.model.state_dict()), dataset=dataset,
                   file_name=file_name, file_bytes=file_bytes, resume=resume)


def load_weights(exp, data: bytes) -> None:
    """Put a worker's weights (safetensors bytes) into ``exp``'s model."""
    weights = _from_bytes(data)
    own = exp.model.state_dict()
    exp.model.load_state_dict({k: v.to(own[k].dtype) for k, v in weights.items()})
    exp.model.eval()


def apply_result(exp, result: JobResult) -> None:
    """Put a finished job's weights and ending into ``exp`` (its records are already there)."""
    load_weights(exp, result.weights)
    exp.job_resume = result.resume
    if result.status in (DONE, DIVERGED):
        exp.status, exp.stop_reason = result.status, result.stop_reason
    else:
        exp.status, exp.stop_reason = "ready", ""


# ------------------------------------------------------------------ worker side
@functools.lru_cache(maxsize=8)
def _builtin(task: str, dataset: str):
    """A built-in data set, generated once per worker process."""
    from rnn.data.splits import share_strings
    from rnn.tasks import get_task
    return share_strings(get_task(task).load_builtin(dataset, seed=0))


def build_experiment(spec: JobSpec):
    """The spec's experiment with its data, weights and configs (in a worker)."""
    from rnn.experiment import Experiment
    from rnn.settings import get_settings
    from rnn.tasks import get_task

    state = _from_bytes(spec.weights)
    exp = Experiment._from_checkpoint(state, dict(spec.meta), "the training job")
    if spec.file_bytes is not None:
        limit = int(get_settings().max_upload_mb * 1024 * 1024)
        exp.splits = get_task(exp.task.name).load_file(spec.file_bytes, name=spec.file_name or "upload",
                                                       max_bytes=max(limit, len(spec.file_bytes)))
    else:
        exp.splits = _builtin(exp.task.name, spec.dataset or exp.dataset)
    return exp


def _make_trainer(exp, done_steps: int):
    """The experiment's trainer; a run continued after ``done_steps`` draws its batches (and
    dropout) from seed + done_steps, so it goes on to new batches instead of repeating the
    first job's (the worker cannot keep the earlier job's batch stream)."""
    import dataclasses

    from rnn.train.trainer import Trainer

    if not done_steps:
        return exp._make_trainer()
    config = dataclasses.replace(exp.train_config, seed=exp.train_config.seed + done_steps)
    splits = exp.ensure_data()
    batches = exp.task.batches(splits.train, exp.vocabs, exp.model_config, config.batch_size,
                               config.seed, exp.options)
    return Trainer(exp.model, exp._loss, batches, config, eval_fn=exp._eval_fn,
                   monitor=(exp.monitor_key, exp.task.higher_is_better))


def _resume(trainer, resume: Resume | None) -> None:
    if resume is None:
        return
    trainer.resume({k: getattr(resume, k) for k in trainer.PROGRESS})
    if resume.optimizer:
        _load_optimizer(trainer.optimizer, resume.optimizer)
    if resume.best_step is not None and resume.best_value is not None:
        state = _from_bytes(resume.best_weights) if resume.best_weights else None
        trainer.best = {"step": resume.best_step, "value": resume.best_value, "state": state}


def _resume_of(trainer) -> Resume:
    best = trainer.best or {}
    value = best.get("value")
    return Resume(**trainer.progress(), best_step=best.get("step"),
                  best_value=float(value) if value is not None and math.isfinite(value) else None,
                  optimizer=_optimizer_bytes(trainer.optimizer),
                  best_weights=_to_bytes(best["state"]) if best.get("state") else None)


def run_job(spec: JobSpec, emit: Callable[[list[dict], bytes | None], None],
            should_stop: Callable[[], bool]) -> JobResult:
    """Train ``spec`` in this process; ``should_stop()`` is asked after every step.
    ``emit(records, weights)``: the new records, and the weights (safetensors bytes) with the
    first records and then about every ``WEIGHTS_SECONDS`` (else None)."""
    exp = build_experiment(spec)
    trainer = _make_trainer(exp, spec.resume.step_count if spec.resume else 0)
    _resume(trainer, spec.resume)
    sent = 0
    last_emit = time.monotonic()
    last_weights = None
    status = None

    def between_steps():
        if should_stop():
            raise StopRequested

    history = History()
    try:
        while not trainer.done:
            trainer.run_for(SLICE_SECONDS, between_steps=between_steps)
            if time.monotonic() - last_emit >= EMIT_SECONDS or trainer.done:
                new = trainer.records[sent:]
                sent = len(trainer.records)
                now = time.monotonic()
                weights = None
                if not trainer.done and (last_weights is None or now - last_weights >= WEIGHTS_SECONDS):
                    weights, last_weights = _to_bytes(exp.model.state_dict()), now
                if new or weights:
                    emit(new, weights)
                last_emit = now
    except StopRequested:
        status = PAUSED
    new = trainer.records[sent:]
    if new:
        emit(new, None)
    history.extend(trainer.records)
    if status is None:
        status = DIVERGED if trainer.diverged else DONE
    exp.model.eval()
    return JobResult(status=status, stop_reason=(trainer.stop_reason or "") if status != PAUSED else "",
                     weights=_to_bytes(exp.model.state_dict()), history=history,
                     resume=_resume_of(trainer))


WORKER_NICE = 10                # a worker's CPU priority (Linux nice): the pages come first


def one_thread() -> None:
    """A worker trains on one core (several workers share the machine's cores), at a lower CPU
    priority than the web process: on a machine that runs both, a student who clicks gets a core
    before a training does (``RNN_PLAYGROUND_WORKER_NICE``, default 10; 0 keeps it as it is)."""
    import os

    try:
        nice = int(os.environ.get("RNN_PLAYGROUND_WORKER_NICE", WORKER_NICE))
    except ValueError:
        nice = WORKER_NICE
    try:
        current = os.nice(0)
        if nice > current:
            os.nice(nice - current)
    except (AttributeError, OSError):         # not here, or not allowed: no change
        pass
    torch.set_num_threads(1)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:             # already set (or work already started) in this process
        pass
