"""Training jobs (rnn.jobs) on both backends: typed records that are the trainer's own, a job that
streams them and hands back weights and history, Stop, Continue from where a job stopped, a worker
killed mid-training, a Redis restart mid-training, and the ``python -m rnn worker`` command.
The RQ tests need redis-server (skipped locally without it; required in CI: tests/services.py)."""
from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
import time

import pytest

from rnn.experiment import Experiment
from rnn.jobs import DONE, FAILED, FINISHED, PAUSED, WORKER_LOST
from rnn.jobs.base import JobSpec
from rnn.jobs.local import LocalBackend
from rnn.jobs.runner import apply_result, spec_for
from rnn.models.config import ModelConfig
from rnn.train.history import (BestRecord, EvalRecord, History, StepRecord, StopRecord,
                               budget_text, record_from_dict)
from rnn.train.trainer import TrainConfig
from services import redis_server  # noqa: F401 (fixture)


def tiny(steps=None, seconds=None, **kw) -> Experiment:
    return Experiment.create("sentiment", ModelConfig(hidden=8, embed=8),
                             TrainConfig(steps=steps, seconds=seconds, eval_every=5, batch_size=8, **kw))


def follow(backend, job_id, timeout=90.0, until=None):
    """Read a job until it ends (or ``until(records)`` holds); returns (records, last update)."""
    records, cursor, deadline = [], 0, time.monotonic() + timeout
    while True:
        update = backend.read(job_id, cursor, wait=0.3)
        cursor = update.cursor
        records += update.records
        if update.state in (FINISHED, FAILED) or (until and until(records)):
            return records, update
        assert time.monotonic() < deadline, f"job still {update.state}"


# ---------------------------------------------------------------- typed history
def test_typed_records_are_the_trainers_own_dicts():
    exp = tiny(steps=12, patience=None)
    exp.train()
    history = History.from_dicts(exp.trainer.records)
    assert history.to_dicts() == exp.trainer.records             # the same records, typed
    assert history == exp.history                                # as the experiment keeps them
    assert all(isinstance(r, StepRecord) for r in history.steps) and len(history.steps) == 12
    assert all(isinstance(r, EvalRecord) and "val_loss" in r.metrics for r in history.evals)
    assert isinstance(history.best, BestRecord) and history.best.metric == "accuracy"
    assert isinstance(history.stop, StopRecord) and history.stop_reason == "finished 12 steps"
    with pytest.raises(ValueError):
        record_from_dict({"kind": "nonsense"})


def test_budget_text_is_for_people():
    assert budget_text(35.0425) == "35 s" and budget_text(2.5) == "2.5 s" and budget_text(5) == "5 s"
    assert budget_text(0.3) == "0.3 s"


def test_a_spec_crosses_the_wire_as_json_without_pickle():
    import json
    spec = spec_for(tiny(steps=3))
    wire = json.loads(json.dumps(spec.to_wire()))
    again = JobSpec.from_wire(wire)
    assert again.weights == spec.weights and again.meta == spec.meta and again.dataset == "reviews"


def test_a_users_file_travels_as_its_bytes():
    from rnn.tasks import get_task
    rows = ("text,label\n" + "".join(f"word{i} film,{i % 2}\n" for i in range(40))).encode()
    exp = Experiment.create("sentiment", ModelConfig(hidden=8, embed=8),
                            TrainConfig(steps=3, seconds=None, batch_size=8),
                            data=get_task("sentiment").load_file(rows, name="mine.csv"),
                            data_name="mine.csv")
    from rnn.data import DataFormatError
    with pytest.raises(DataFormatError, match="upload it again"):
        spec_for(exp)                                   # no bytes kept: a clear message
    exp.data_file = ("mine.csv", rows)
    spec = spec_for(exp)
    assert spec.dataset is None and spec.file_bytes == rows


def test_the_sidebars_upload_gives_the_worker_its_bytes():
    """A page's experiment on an uploaded file (data_sidebar's source, rnn.ui.task_page.data_args)
    keeps the file's bytes, so a worker can train it; on a built-in set it sends the set's name."""
    from rnn.tasks import get_task
    from rnn.ui.task_page import data_args
    rows = ("text,label\n" + "".join(f"word{i} film,{i % 2}\n" for i in range(40))).encode()
    task = get_task("sentiment")
    upload = {"dataset": None, "data": task.load_file(rows, name="mine.csv"), "name": "mine.csv",
              "raw": rows}
    builtin = {"dataset": "reviews", "data": task.load_builtin("reviews", seed=0), "name": "reviews"}
    config, train = ModelConfig(hidden=8, embed=8), TrainConfig(steps=3, seconds=None, batch_size=8)
    spec = spec_for(Experiment.create("sentiment", config, train, **data_args(upload)))
    assert (spec.dataset, spec.file_name, spec.file_bytes) == (None, "mine.csv", rows)
    spec = spec_for(Experiment.create("sentiment", config, train, **data_args(builtin)))
    assert (spec.dataset, spec.file_bytes) == ("reviews", None)


# ---------------------------------------------------------------- the local backend
@pytest.fixture(scope="module")
def local():
    backend = LocalBackend(workers=2)
    yield backend
    backend.close()


def test_local_job_streams_records_and_returns_weights_and_history(local):
    exp = tiny(steps=25)
    job = local.submit(spec_for(exp))
    records, update = follow(local, job)
    assert update.state == FINISHED and update.result.status == DONE
    assert [r.step for r in records if isinstance(r, StepRecord)] == list(range(1, 26))
    assert update.result.history.to_dicts() == [r.to_dict() for r in records]
    before = {k: v.clone() for k, v in exp.model.state_dict().items()}
    apply_result(exp, update.result)
    assert exp.status == "done" and exp.stop_reason == "finished 25 steps"
    assert any(not (before[k] == v).all() for k, v in exp.model.state_dict().items())


def test_the_web_process_does_not_train(local, monkeypatch):
    """The trainer never runs in the submitting process."""
    from rnn.train import trainer
    monkeypatch.setattr(trainer.Trainer, "step", lambda self: pytest.fail("trained in the web process"))
    job = local.submit(spec_for(tiny(steps=5)))
    _, update = follow(local, job)
    assert update.result.status == DONE


def test_stop_pauses_and_continue_goes_on_from_the_same_step(local):
    exp = tiny(seconds=60.0)
    job = local.submit(spec_for(exp))
    records, _ = follow(local, job, until=lambda rs: sum(isinstance(r, StepRecord) for r in rs) >= 5)
    local.stop(job)
    whole, update = follow(local, job)                        # read again from the start
    assert update.result.status == PAUSED and update.result.stop_reason == ""
    steps = [r.step for r in whole if isinstance(r, StepRecord)]
    assert steps == list(range(1, steps[-1] + 1))
    assert not any(isinstance(r, StopRecord) for r in whole)   # paused, not finished
    resume = update.result.resume
    assert resume.step_count == steps[-1] and resume.optimizer
    apply_result(exp, update.result)
    exp.history.extend(whole)
    exp.train_config.seconds, exp.train_config.steps = None, steps[-1] + 10
    job = local.submit(spec_for(exp, exp.job_resume))
    records, update = follow(local, job)
    later = [r.step for r in records if isinstance(r, StepRecord)]
    assert later == list(range(steps[-1] + 1, steps[-1] + 11)) and update.result.status == DONE


def test_a_killed_local_worker_fails_its_job_with_a_message_and_is_replaced(local):
    job = local.submit(spec_for(tiny(seconds=60.0)))
    follow(local, job, until=lambda rs: len(rs) > 0)
    pid = local.busy_worker_pid(job)
    os.kill(pid, signal.SIGKILL)
    _, update = follow(local, job)
    assert update.state == FAILED and update.error == WORKER_LOST
    assert pid not in local.worker_pids() and len(local.worker_pids()) == 2
    again = local.submit(spec_for(tiny(steps=5)))
    assert follow(local, again)[1].result.status == DONE


def test_a_broken_job_fails_with_the_engines_message(local):
    spec = spec_for(tiny(steps=5))
    spec.dataset = "no-such-set"
    _, update = follow(local, local.submit(spec))
    assert update.state == FAILED and "no-such-set" in update.error and "Traceback" not in update.error


# ---------------------------------------------------------------- RQ on Redis
@pytest.fixture
def rq(redis_server):
    from rnn.jobs.rq_backend import RQBackend
    backend = RQBackend(redis_server.url)
    backend.redis.flushdb()
    worker = subprocess.Popen([sys.executable, "-m", "rnn", "worker", "--redis", redis_server.url],
                              cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    yield backend, worker
    worker.send_signal(signal.SIGINT)
    try:
        worker.wait(10)
    except subprocess.TimeoutExpired:
        worker.kill()


def _worker_pid(backend, job_id) -> int:
    deadline = time.monotonic() + 60
    while not (pid := backend.redis.get(f"rnn:job:{job_id}:alive")):
        assert time.monotonic() < deadline
        time.sleep(0.1)
    return int(pid)


def test_rq_job_streams_from_any_cursor_and_stops(rq):
    backend, _ = rq
    exp = tiny(seconds=60.0)
    job = backend.submit(spec_for(exp))
    records, first = follow(backend, job, until=lambda rs: sum(isinstance(r, StepRecord) for r in rs) >= 5)
    # a second reader (another replica, a reconnect) from the start sees the same records
    from rnn.jobs.rq_backend import RQBackend
    other = RQBackend(backend.url)
    again = other.read(job, 0).records
    assert [r.to_dict() for r in again[:len(records)]] == [r.to_dict() for r in records]
    backend.stop(job)
    whole, update = follow(other, job, timeout=30)              # from the start, to the end
    assert update.state == FINISHED and update.result.status == PAUSED
    steps = [r.step for r in whole if isinstance(r, StepRecord)]
    assert update.result.resume.step_count == steps[-1] and steps == list(range(1, steps[-1] + 1))


def test_rq_killed_worker_fails_the_job_with_a_message_and_a_new_one_trains(rq, redis_server):
    backend, worker = rq
    job = backend.submit(spec_for(tiny(seconds=60.0)))
    pid = _worker_pid(backend, job)
    os.kill(pid, signal.SIGKILL)                            # the process training this job
    _, update = follow(backend, job, timeout=30)
    assert update.state == FAILED and update.error == WORKER_LOST
    # ``python -m rnn worker`` starts another process; a new job trains to the end
    again = backend.submit(spec_for(tiny(steps=10)))
    records, update = follow(backend, again, timeout=90)
    assert update.result.status == DONE and records[-1].kind == "stop"


def test_rq_job_survives_a_redis_restart(rq, redis_server):
    backend, _ = rq
    job = backend.submit(spec_for(tiny(steps=400)))
    records, _ = follow(backend, job, until=lambda rs: len(rs) > 10)
    redis_server.restart()                                  # same port, same append-only file
    whole, update = follow(backend, job, timeout=120)       # read again from the start
    assert update.state == FINISHED and update.result.status == DONE
    assert [r.to_dict() for r in whole[:len(records)]] == [r.to_dict() for r in records]
    steps = [r.step for r in whole if isinstance(r, StepRecord)]
    assert steps == list(range(1, 401))                     # every record once, in order
    assert math.isfinite(update.result.history.steps[-1].loss)


def test_worker_command_needs_a_redis_url():
    out = subprocess.run([sys.executable, "-m", "rnn", "worker"], capture_output=True, text=True,
                         env={**os.environ, "RNN_PLAYGROUND_JOBS": ""})
    assert out.returncode == 2 and "Redis URL" in out.stderr and "Traceback" not in out.stderr
    out = subprocess.run([sys.executable, "-m", "rnn", "worker", "--redis", "redis://127.0.0.1:1/0"],
                         capture_output=True, text=True)
    assert out.returncode == 2 and "cannot run a worker" in out.stderr and "Traceback" not in out.stderr


def test_a_job_nobody_reads_any_more_stops_like_stop(monkeypatch):
    """A closed tab: its job is not read again, and stops after LEASE_SECONDS (Start continues
    it if the student comes back), so workers do not train for nobody."""
    import rnn.jobs.local as local_module
    monkeypatch.setattr(local_module, "LEASE_SECONDS", 1.0)
    backend = LocalBackend(workers=1)
    try:
        job = backend.submit(spec_for(tiny(seconds=60.0)))
        follow(backend, job, until=lambda rs: len(rs) > 0)
        deadline = time.monotonic() + 30
        while backend._jobs[job].state != FINISHED:          # no reads meanwhile
            assert time.monotonic() < deadline
            time.sleep(0.2)
        update = backend.read(job, 0)
        assert update.result.status == PAUSED
    finally:
        backend.close()
