"""The hosted backend: RQ workers on Redis (``RNN_PLAYGROUND_JOBS=redis://host:6379/0``).

Any number of app replicas submit jobs to one Redis; ``python -m rnn worker`` on any machine that
reaches it runs them. Per job (keys ``rnn:job:<id>:...``, kept ``KEEP_SECONDS``):

- ``spec``: the JobSpec as JSON (bytes in base64), read once by the worker;
- ``stream``: a Redis stream of the records, one entry per batch (XADD by the worker, XREAD by
  the web process from its cursor, so a rerun or a reconnect to another replica resumes where it
  was); an entry ``end`` closes it;
- ``weights`` and ``wv``: the newest weight snapshot and its version (Try follows the training);
- ``stop``: set by Stop; the worker checks it after every step;
- ``state``, ``result``, ``error``: queued/running/finished/failed, the JobResult as JSON, the
  student's message;
- ``alive``: a heartbeat the worker renews every second (expires after ``HEARTBEAT_TTL``): a job
  whose worker was killed reads as failed, with a message, within seconds;
- ``lease``: renewed by every read; a job nobody has read for ``LEASE_SECONDS`` (its tab was
  closed) stops as if Stop had been pressed.

Jobs are queued on the RQ queue ``QUEUE`` with RQ's JSON serializer (no pickle).
"""
from __future__ import annotations

import json
import logging
import os
import threading
import time
import uuid

from rnn.jobs.base import (FAILED, FINISHED, QUEUED, RUNNING, UNKNOWN, WORKER_LOST, JobResult,
                           JobSpec, JobUpdate, records_from_wire)
from rnn.messages import friendly_message

QUEUE = "rnn-training"
KEEP_SECONDS = 3600
HEARTBEAT_TTL = 6
LEASE_SECONDS = 30                    # a job nobody has read for this long stops (a closed tab)
JOB_TIMEOUT = 3600                    # the longest a job may run (RQ kills it after that)
log = logging.getLogger(__name__)


def _key(job_id: str, name: str) -> str:
    return f"rnn:job:{job_id}:{name}"


def connect(url: str):
    """A Redis client that retries through a restart of the server."""
    import redis
    from redis.backoff import ExponentialBackoff
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError
    from redis.retry import Retry

    return redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=30,
                                health_check_interval=15,
                                retry=Retry(ExponentialBackoff(cap=1.0, base=0.05), 10),
                                retry_on_error=[RedisConnectionError, RedisTimeoutError])


def _serializer():
    from rq.serializers import JSONSerializer
    return JSONSerializer


class RQBackend:
    name = "rq"

    def __init__(self, url: str):
        from rq import Queue

        self.url = url
        self.redis = connect(url)
        self.queue = Queue(QUEUE, connection=self.redis, serializer=_serializer())

    def submit(self, spec: JobSpec) -> str:
        job_id = uuid.uuid4().hex
        pipe = self.redis.pipeline()
        pipe.set(_key(job_id, "spec"), json.dumps(spec.to_wire()), ex=KEEP_SECONDS)
        pipe.set(_key(job_id, "state"), QUEUED, ex=KEEP_SECONDS)
        pipe.set(_key(job_id, "lease"), 1, ex=LEASE_SECONDS)
        pipe.execute()
        self.queue.enqueue("rnn.jobs.rq_backend.rq_train", job_id, job_id=job_id,
                           job_timeout=JOB_TIMEOUT, result_ttl=600, failure_ttl=600)
        return job_id

    def read(self, job_id: str, cursor: object = 0, wait: float = 0.0) -> JobUpdate:
        """``cursor``: 0 at first, then what the last update returned (stream id, weights seen)."""
        stream_id, seen = (cursor if isinstance(cursor, (tuple, list)) else ("0-0", 0))
        r = self.redis
        r.set(_key(job_id, "lease"), 1, ex=LEASE_SECONDS)      # someone still follows this job
        state = (r.get(_key(job_id, "state")) or b"").decode() or UNKNOWN
        records: list[dict] = []
        ended = False
        block = int(wait * 1000) if state in (QUEUED, RUNNING) and wait > 0 else None
        got = r.xread({_key(job_id, "stream"): stream_id}, block=block, count=1000)
        for _stream, entries in got or []:
            for entry_id, fields in entries:
                stream_id = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
                if b"r" in fields:
                    records.extend(json.loads(fields[b"r"]))
                if b"end" in fields:
                    ended = True
        if got:
            state = (r.get(_key(job_id, "state")) or b"").decode() or UNKNOWN
        version = int(r.get(_key(job_id, "wv")) or 0)
        weights = r.get(_key(job_id, "weights")) if version > seen else None
        update = JobUpdate(records=records_from_wire(records), cursor=(stream_id, version),
                           state=state, weights=weights)
        if state == QUEUED:
            update.position = self._position(job_id)
        elif state == RUNNING and not ended and not r.exists(_key(job_id, "alive")):
            # No heartbeat. A worker that finishes writes its ending first and drops the
            # heartbeat after, so the state read now tells a finished job from a dead worker
            # (killed, out of memory, its machine went away).
            state = (r.get(_key(job_id, "state")) or b"").decode() or UNKNOWN
            if state == RUNNING:
                r.set(_key(job_id, "state"), FAILED, ex=KEEP_SECONDS)
                r.set(_key(job_id, "error"), WORKER_LOST, ex=KEEP_SECONDS)
                state = FAILED
            update.state = state
        if update.state in (FINISHED, FAILED) and not ended:
            # the records written just before the ending, if this read came between them
            for _stream, entries in r.xread({_key(job_id, "stream"): stream_id}, count=100000) or []:
                for entry_id, fields in entries:
                    stream_id = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
                    if b"r" in fields:
                        update.records += records_from_wire(json.loads(fields[b"r"]))
            update.cursor = (stream_id, version)
        if update.state == FINISHED:
            raw = r.get(_key(job_id, "result"))
            update.result = JobResult.from_wire(json.loads(raw)) if raw else None
        elif update.state == FAILED:
            update.error = (r.get(_key(job_id, "error")) or WORKER_LOST.encode()).decode()
        return update

    def _position(self, job_id: str) -> int | None:
        try:
            pos = self.queue.get_job_position(job_id)
        except Exception:  # noqa: BLE001 -- only for a message
            return None
        return None if pos is None else pos + 1

    def stop(self, job_id: str) -> None:
        r = self.redis
        r.set(_key(job_id, "stop"), 1, ex=KEEP_SECONDS)
        if (r.get(_key(job_id, "state")) or b"").decode() == QUEUED:
            from rq.job import Job
            try:
                Job.fetch(job_id, connection=r, serializer=_serializer()).cancel()
            except Exception:  # noqa: BLE001 -- already taken by a worker: it sees the stop key
                return
            # a worker that took it meanwhile sees the stop key after its first step
            if r.set(_key(job_id, "claimed"), "web", nx=True, ex=KEEP_SECONDS):
                r.set(_key(job_id, "state"), FINISHED, ex=KEEP_SECONDS)

    def forget(self, job_id: str) -> None:
        state = (self.redis.get(_key(job_id, "state")) or b"").decode()
        if state in (QUEUED, RUNNING):
            self.stop(job_id)
            return                        # the worker's keys expire after KEEP_SECONDS
        self.redis.delete(*[_key(job_id, k) for k in
                            ("spec", "stream", "weights", "wv", "stop", "state", "result", "error",
                             "alive", "claimed")])

    def counts(self) -> dict:
        from rq import Worker
        from rq.registry import StartedJobRegistry
        try:
            return {"workers": Worker.count(connection=self.redis, queue=self.queue),
                    "busy": len(StartedJobRegistry(queue=self.queue)),
                    "queued": len(self.queue)}
        except Exception:  # noqa: BLE001 -- only for a message
            return {}


# ---------------------------------------------------------------------- the worker's side
def rq_train(job_id: str) -> str:
    """The RQ job: train ``job_id``'s spec, streaming records; returns the job's ending."""
    from rq import get_current_job

    from rnn.jobs.runner import run_job

    r = get_current_job().connection
    if not r.set(_key(job_id, "claimed"), "worker", nx=True, ex=KEEP_SECONDS):
        return "stopped before it started"
    raw = r.get(_key(job_id, "spec"))
    if raw is None:
        return "expired"
    alive = _Heartbeat(r, job_id)
    r.set(_key(job_id, "state"), RUNNING, ex=KEEP_SECONDS)
    stream = _key(job_id, "stream")

    def emit(records: list[dict], weights: bytes | None) -> None:
        pipe = r.pipeline()
        if weights is not None:
            pipe.set(_key(job_id, "weights"), weights, ex=KEEP_SECONDS)
            pipe.incr(_key(job_id, "wv"))
            pipe.expire(_key(job_id, "wv"), KEEP_SECONDS)
        if records:
            pipe.xadd(stream, {"r": json.dumps(records)})
            pipe.expire(stream, KEEP_SECONDS)
        pipe.execute()

    def should_stop() -> bool:
        return alive.abandoned or bool(r.exists(_key(job_id, "stop")))

    try:
        result = run_job(JobSpec.from_wire(json.loads(raw)), emit, should_stop)
        pipe = r.pipeline()
        pipe.set(_key(job_id, "result"), json.dumps(result.to_wire()), ex=KEEP_SECONDS)
        pipe.set(_key(job_id, "state"), FINISHED, ex=KEEP_SECONDS)
        pipe.xadd(stream, {"end": "1"})
        pipe.execute()
        return result.status
    except Exception as exc:  # noqa: BLE001 -- the student reads the message
        log.error("training job %s failed", job_id, exc_info=exc)
        pipe = r.pipeline()
        pipe.set(_key(job_id, "error"), friendly_message(exc), ex=KEEP_SECONDS)
        pipe.set(_key(job_id, "state"), FAILED, ex=KEEP_SECONDS)
        pipe.xadd(stream, {"end": "1"})
        pipe.execute()
        return "failed"
    finally:
        alive.stop()


class _Heartbeat:
    """Renews ``alive`` every second from a thread while the job trains."""

    def __init__(self, r, job_id: str):
        self.r, self.key, self._done = r, _key(job_id, "alive"), threading.Event()
        self.lease, self.abandoned = _key(job_id, "lease"), False
        self.r.set(self.key, os.getpid(), ex=HEARTBEAT_TTL)
        self._thread = threading.Thread(target=self._beat, daemon=True, name="rnn-heartbeat")
        self._thread.start()

    def _beat(self) -> None:
        while not self._done.wait(1.0):
            try:
                self.r.set(self.key, os.getpid(), ex=HEARTBEAT_TTL)
                if not self.r.exists(self.lease):
                    self.abandoned = True     # nobody reads it (a closed tab): stop, as Stop would
            except Exception:  # noqa: BLE001 -- Redis restarting: the next beat retries
                pass

    def stop(self) -> None:
        self._done.set()
        try:
            self.r.delete(self.key)
        except Exception:  # noqa: BLE001
            pass


def _work(url: str, burst: bool) -> None:
    """One worker process: RQ's SimpleWorker (jobs run in this process, which keeps the built-in
    data sets it has made), torch on one thread."""
    from rq import Queue, SimpleWorker

    from rnn.jobs.runner import one_thread

    one_thread()
    import rnn.experiment  # noqa: F401 -- torch and the engine, once, before the first job
    r = connect(url)
    queue = Queue(QUEUE, connection=r, serializer=_serializer())
    SimpleWorker([queue], connection=r, serializer=_serializer()).work(
        burst=burst, with_scheduler=False, logging_level="WARNING")


def serve(url: str, processes: int = 1, burst: bool = False) -> int:
    """``python -m rnn worker``: keep ``processes`` worker processes running (a killed one is
    started again), until interrupted. With ``burst``, each stops when the queue is empty."""
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    connect(url).ping()                      # a clear error now if Redis cannot be reached
    procs = []

    def start():
        p = ctx.Process(target=_work, args=(url, burst), name="rnn-rq-worker")
        p.start()
        return p

    procs = [start() for _ in range(max(1, processes))]
    print(f"rnn worker: {len(procs)} process(es) on {url} (queue {QUEUE})", flush=True)
    try:
        while procs:
            time.sleep(0.5)
            for i, p in enumerate(procs):
                if p.exitcode is None:
                    continue
                if burst or p.exitcode == 0:
                    procs[i] = None
                else:
                    print(f"rnn worker: process {p.pid} ended ({p.exitcode}); starting another",
                          flush=True)
                    procs[i] = start()
            procs = [p for p in procs if p is not None]
    except KeyboardInterrupt:
        for p in procs:
            p.terminate()
        for p in procs:
            p.join(3)
            if p.exitcode is None:          # RQ's warm shutdown waits for a job: not on Ctrl-C
                p.kill()
                p.join(2)
    return 0
