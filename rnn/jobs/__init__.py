"""Training jobs: trainings run in worker processes, never in the web process.

    backend = get_backend()                 # local workers, or RQ on Redis when configured
    job_id = backend.submit(spec_for(exp))  # rnn.jobs.runner.spec_for
    update = backend.read(job_id, cursor, wait=0.3)   # new records, state, queue place, result
    backend.stop(job_id)                    # the worker stops within a step

``RNN_PLAYGROUND_JOBS`` chooses the backend: unset or ``local`` for worker processes on this
machine (rnn.jobs.local), ``redis://host:port/db`` for RQ workers on Redis (rnn.jobs.rq_backend,
``python -m rnn worker``). One backend per process.
"""
from __future__ import annotations

import os
import threading

from rnn.jobs.base import (DIVERGED, DONE, FAILED, FINISHED, PAUSED, QUEUED, RUNNING, UNKNOWN,
                           WORKER_LOST, JobBackend, JobResult, JobSpec, JobUpdate, Resume)

JOBS_ENV = "RNN_PLAYGROUND_JOBS"
_lock = threading.Lock()
_backend: JobBackend | None = None

__all__ = ["get_backend", "set_backend", "JobBackend", "JobSpec", "JobResult", "JobUpdate", "Resume",
           "QUEUED", "RUNNING", "FINISHED", "FAILED", "UNKNOWN", "DONE", "DIVERGED", "PAUSED",
           "WORKER_LOST", "JOBS_ENV"]


def make_backend(url: str | None = None) -> JobBackend:
    url = (os.environ.get(JOBS_ENV, "") if url is None else url).strip()
    if url.startswith(("redis://", "rediss://", "unix://")):
        from rnn.jobs.rq_backend import RQBackend
        return RQBackend(url)
    if url in ("", "local"):
        from rnn.jobs.local import LocalBackend
        return LocalBackend()
    raise ValueError(f"{JOBS_ENV} must be 'local' or a redis:// URL, not {url!r}")


def get_backend() -> JobBackend:
    """This process's backend (made on first use; its workers start on the first job)."""
    global _backend
    with _lock:
        if _backend is None:
            _backend = make_backend()
        return _backend


def set_backend(backend: JobBackend | None) -> JobBackend | None:
    """Swap the process's backend (tests, benchmarks); returns the old one."""
    global _backend
    with _lock:
        old, _backend = _backend, backend
        return old
