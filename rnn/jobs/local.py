"""The default backend: worker processes on this machine, nothing to install or start.

``streamlit run app.py`` gets ``RNN_PLAYGROUND_WORKERS`` worker processes (default: one per core),
started from a fork server that has imported torch once (``spawn`` where there is none), each
with ``torch.set_num_threads(1)``. The web process never trains: it hands a job to an idle worker
over that worker's pipe and reads the records the worker sends back; jobs wait in a first-come
queue when every worker is busy. A thread of the web process reads every pipe.

Stop is a message on the worker's pipe, which the worker checks after every step. A worker that
dies (killed, out of memory) fails its job with a message for the student and is replaced.
"""
from __future__ import annotations

import atexit
import collections
import contextlib
import sys
import multiprocessing as mp
import logging
import os
import threading
import time
import uuid
from dataclasses import dataclass, field
from multiprocessing.connection import wait as wait_for

from rnn.jobs.base import (FAILED, FINISHED, QUEUED, RUNNING, UNKNOWN, WORKER_LOST, JobResult,
                           JobSpec, JobUpdate, records_from_wire)
from rnn.messages import friendly_message

WORKERS_ENV = "RNN_PLAYGROUND_WORKERS"
KEEP_SECONDS = 600.0          # a finished job nobody reads is forgotten after this long
LEASE_SECONDS = 30.0          # a running job nobody has read for this long is stopped (a closed tab)


def default_workers() -> int:
    try:
        return max(1, int(os.environ.get(WORKERS_ENV, "")))
    except ValueError:
        return max(1, os.cpu_count() or 1)


def _context(method: str | None = None):
    methods = mp.get_all_start_methods()
    method = method or ("forkserver" if "forkserver" in methods else "spawn")
    ctx = mp.get_context(method)
    if method == "forkserver":
        ctx.set_forkserver_preload(["rnn.jobs.runner", "rnn.experiment", "rnn.tasks"])
    return ctx


def _worker_main(conn) -> None:
    """A worker process: take a job from the pipe, train it, send records and the result."""
    import json

    from rnn.jobs.runner import one_thread, run_job

    one_thread()
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return                       # the web process went away
        if msg[0] != "job":
            continue                     # a late stop for a job that already ended
        job_id, wire = msg[1], msg[2]
        stop = [False]

        def should_stop() -> bool:
            while conn.poll():
                m = conn.recv()
                if m[0] == "stop" and m[1] == job_id:
                    stop[0] = True
            return stop[0]

        try:
            result = run_job(JobSpec.from_wire(wire),
                             emit=lambda recs, weights: conn.send(
                                 ("records", job_id, (json.dumps(recs), weights))),
                             should_stop=should_stop)
            conn.send(("result", job_id, result.to_wire()))
        except Exception as exc:  # noqa: BLE001 -- the student reads it; the worker goes on
            import logging
            logging.getLogger(__name__).error("training job failed", exc_info=exc)
            conn.send(("error", job_id, friendly_message(exc)))


@contextlib.contextmanager
def _main_module_hidden():
    """Start a worker without multiprocessing re-running this process's main script in it (the
    ``streamlit`` or ``pytest`` launcher, or a script read from stdin): the worker needs only
    rnn.jobs, which it imports by name."""
    main = sys.modules.get("__main__")
    saved = {k: main.__dict__[k] for k in ("__spec__", "__file__") if main and k in main.__dict__}
    try:
        if main is not None:
            main.__dict__["__spec__"] = None
            main.__dict__.pop("__file__", None)
        yield
    finally:
        if main is not None:
            main.__dict__.update(saved)


@dataclass
class _Job:
    id: str
    wire: dict
    state: str = QUEUED
    records: list = field(default_factory=list)
    result: dict | None = None
    error: str = ""
    ended: float = 0.0
    worker: "_Worker | None" = None
    weights: bytes | None = None
    weights_seq: int = 0
    read_at: float = field(default_factory=time.monotonic)


@dataclass
class _Worker:
    process: object
    conn: object
    job: _Job | None = None


class LocalBackend:
    name = "local"

    def __init__(self, workers: int | None = None, method: str | None = None):
        self.n_workers = workers or default_workers()
        self._method = method
        self._ctx = None
        self._cond = threading.Condition()
        self._jobs: dict[str, _Job] = {}
        self._queue: collections.deque[_Job] = collections.deque()
        self._workers: list[_Worker] = []
        self._thread: threading.Thread | None = None
        self._closed = False

    # ---------------------------------------------------------------- workers
    def _start_worker(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        process = self._ctx.Process(target=_worker_main, args=(child,), daemon=True,
                                    name="rnn-training-worker")
        with _main_module_hidden():
            process.start()
        child.close()
        return _Worker(process, parent)

    def _ensure_started(self) -> None:
        if self._thread is not None:
            return
        self._ctx = _context(self._method)
        self._workers = [self._start_worker() for _ in range(self.n_workers)]
        self._thread = threading.Thread(target=self._loop, daemon=True, name="rnn-jobs-local")
        self._thread.start()
        atexit.register(self.close)

    def worker_pids(self) -> list[int]:
        with self._cond:
            return [w.process.pid for w in self._workers]

    def busy_worker_pid(self, job_id: str) -> int | None:
        with self._cond:
            job = self._jobs.get(job_id)
            return job.worker.process.pid if job and job.worker else None

    # ---------------------------------------------------------------- the reading thread
    def _loop(self) -> None:
        while not self._closed:
            with self._cond:
                waitables = [w.conn for w in self._workers] + [w.process.sentinel for w in self._workers]
            try:
                ready = set(wait_for(waitables, timeout=0.5))
            except OSError:
                ready = set()
            with self._cond:
                for i, w in enumerate(list(self._workers)):
                    self._drain(w)
                    if w.process.sentinel in ready or not w.process.is_alive():
                        self._drain(w)
                        if w.job is not None:
                            self._end(w.job, FAILED, error=WORKER_LOST)
                        try:
                            w.conn.close()
                        except OSError:
                            pass
                        if not self._closed:
                            try:
                                self._workers[self._workers.index(w)] = self._start_worker()
                            except Exception:  # noqa: BLE001 -- shutting down, or out of resources
                                logging.getLogger(__name__).exception("cannot restart a worker")
                                self._workers.remove(w)
                                if not self._workers:
                                    self._closed = True
                self._prune()
                self._dispatch()
                self._cond.notify_all()

    def _drain(self, w: _Worker) -> None:
        import json
        try:
            while w.conn.poll():
                kind, job_id, payload = w.conn.recv()
                job = self._jobs.get(job_id)
                if kind == "records":
                    if job is not None:
                        job.records.extend(json.loads(payload[0]))
                        if payload[1] is not None:
                            job.weights, job.weights_seq = payload[1], job.weights_seq + 1
                elif kind in ("result", "error"):
                    if w.job is not None and w.job.id == job_id:
                        w.job = None
                    if job is not None:
                        if kind == "result":
                            self._end(job, FINISHED, result=payload)
                        else:
                            self._end(job, FAILED, error=payload)
        except (EOFError, OSError):
            pass

    def _end(self, job: _Job, state: str, result: dict | None = None, error: str = "") -> None:
        job.state, job.result, job.error, job.ended = state, result, error, time.monotonic()
        if job.worker is not None and job.worker.job is job:
            job.worker.job = None
        job.worker = None

    def _dispatch(self) -> None:
        for w in self._workers:
            if not self._queue:
                return
            if w.job is None and w.process.is_alive():
                job = self._queue.popleft()
                try:
                    w.conn.send(("job", job.id, job.wire))
                except OSError:
                    self._queue.appendleft(job)
                    continue
                job.state, job.worker, w.job = RUNNING, w, job

    def _prune(self) -> None:
        now = time.monotonic()
        for job in self._jobs.values():      # a closed tab's training stops (Start continues it)
            if job.state == RUNNING and job.worker is not None and now - job.read_at > LEASE_SECONDS:
                try:
                    job.worker.conn.send(("stop", job.id))
                except OSError:
                    pass
                job.read_at = now
        for job_id in [j.id for j in self._jobs.values()
                       if j.state in (FINISHED, FAILED) and now - j.ended > KEEP_SECONDS]:
            del self._jobs[job_id]

    # ---------------------------------------------------------------- the interface
    def submit(self, spec: JobSpec) -> str:
        job = _Job(uuid.uuid4().hex, spec.to_wire())
        with self._cond:
            self._ensure_started()
            self._jobs[job.id] = job
            self._queue.append(job)
            self._dispatch()
        return job.id

    def read(self, job_id: str, cursor: object = 0, wait: float = 0.0) -> JobUpdate:
        """``cursor``: 0 at first, then what the last update returned ((records, weights) seen)."""
        cursor, seen = (cursor if isinstance(cursor, (tuple, list)) else (int(cursor or 0), 0))
        deadline = time.monotonic() + wait
        with self._cond:
            while True:
                job = self._jobs.get(job_id)
                if job is None:
                    return JobUpdate(cursor=(cursor, seen), state=UNKNOWN)
                job.read_at = time.monotonic()
                left = deadline - time.monotonic()
                if len(job.records) > cursor or job.state in (FINISHED, FAILED) or left <= 0:
                    break
                self._cond.wait(left)
            position = None
            if job.state == QUEUED:
                position = next((i + 1 for i, j in enumerate(self._queue) if j is job), None)
            return JobUpdate(records=records_from_wire(job.records[cursor:]),
                             cursor=(len(job.records), job.weights_seq),
                             state=job.state, position=position,
                             result=JobResult.from_wire(job.result) if job.result else None,
                             error=job.error,
                             weights=job.weights if job.weights_seq > seen else None)

    def stop(self, job_id: str) -> None:
        with self._cond:
            job = self._jobs.get(job_id)
            if job is None:
                return
            if job.state == QUEUED:
                try:
                    self._queue.remove(job)
                except ValueError:
                    pass
                self._end(job, FINISHED)
            elif job.state == RUNNING and job.worker is not None:
                try:
                    job.worker.conn.send(("stop", job_id))
                except OSError:
                    pass
            self._cond.notify_all()

    def forget(self, job_id: str) -> None:
        self.stop(job_id)
        with self._cond:
            job = self._jobs.get(job_id)
            if job is not None and job.state in (FINISHED, FAILED, QUEUED):
                del self._jobs[job_id]

    def counts(self) -> dict:
        with self._cond:
            return {"workers": len(self._workers),
                    "busy": sum(w.job is not None for w in self._workers),
                    "queued": len(self._queue)}

    def close(self) -> None:
        with self._cond:
            self._closed = True
            workers, self._workers = self._workers, []
        for w in workers:
            try:
                w.conn.close()
            except OSError:
                pass
            w.process.terminate()
        for w in workers:
            w.process.join(timeout=2)
