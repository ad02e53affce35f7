"""The live panel follows a training job (rnn.ui.live_training over rnn.jobs' local workers)
through AppTest: the web process only reads what a worker trains; Stop stops the worker and Start
continues from where it stopped; the end of the budget, a divergence, an engine error, a full
set of workers (queue) and a worker killed mid-training each read as they should."""
import os
import signal
import time

import pytest
from streamlit.testing.v1 import AppTest

from rnn.jobs import set_backend
from rnn.jobs.local import LocalBackend


@pytest.fixture(scope="module")
def workers():
    backend = LocalBackend(workers=2)
    old = set_backend(backend)
    yield backend
    set_backend(old)
    backend.close()


def panel_script(steps=None, seconds=None, lr=3e-3, fail=False, clip=1.0):
    from rnn.experiment import Experiment
    from rnn.models.config import ModelConfig
    from rnn.train.trainer import TrainConfig
    from rnn.ui import training_panel

    def make(label=None):
        if fail:
            from rnn.data import DataFormatError
            raise DataFormatError("expected 2 columns, got 1", file="x.conll", line=3)
        return Experiment.create("sentiment", ModelConfig(hidden=8, embed=8),
                                 TrainConfig(steps=steps, seconds=seconds, lr=lr, eval_every=10,
                                             batch_size=8, clip=clip, optimizer="sgd" if lr > 1 else "adam"))

    training_panel("t", make, "accuracy", summary="tiny")


def _app(**kwargs):
    return AppTest.from_function(panel_script, default_timeout=60, kwargs=kwargs).run()


def _steps(at):
    exp = at.session_state["t"] if "t" in at.session_state else None
    return [r.step for r in exp.history.steps] if exp is not None else []


def _until(at, condition, timeout=60.0):
    deadline = time.monotonic() + timeout
    while not condition(at):
        assert not at.exception, at.exception
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)
        at.run()
    return at


def _job(at):
    return at.session_state["_panel_t"].job


def test_stop_stops_the_worker_and_start_continues_the_same_run(workers):
    at = _app(seconds=60.0)
    assert not at.exception and _steps(at) == []                 # nothing trains before Start
    at.button(key="t_start").click().run()
    _until(at, lambda a: len(_steps(a)) >= 3)
    assert at.get("plotly_chart") and at.get("progress")
    at.button(key="t_stop").click().run()
    stopped = _steps(at)
    exp = at.session_state["t"]
    assert exp.status == "ready" and _job(at).job_id is None  # the worker gave its weights back
    assert exp.job_resume.step_count == stopped[-1]
    time.sleep(0.5)
    at.run()
    assert _steps(at) == stopped                                 # nothing trains after Stop
    assert not at.button(key="t_start").disabled
    at.button(key="t_start").click().run()                       # Start again: continue the run
    _until(at, lambda a: len(_steps(a)) > len(stopped) + 2)
    steps = _steps(at)
    assert steps == list(range(1, len(steps) + 1))               # one run, no restart from step 1
    at.button(key="t_stop").click().run()
    assert not at.exception


def test_run_finishes_at_budget_then_offers_downloads(workers):
    at = _app(steps=30)
    at.button(key="t_start").click().run()
    _until(at, lambda a: a.session_state["t"].status == "done" if "t" in a.session_state else False)
    assert _steps(at)[-1] == 30 and not at.exception
    assert any("Finished after 30 steps" in s.value for s in at.success)
    assert at.button(key="t_start").disabled
    keys = {b.key for b in at.get("download_button")}
    assert "t_dl_zip" in keys and len(keys) >= 2          # the model, its metrics (and the export)


def test_continue_after_the_budget_trains_on_from_the_same_step(workers, short_more):
    at = _app(steps=20)
    at.button(key="t_start").click().run()
    _until(at, lambda a: "t" in a.session_state and a.session_state["t"].status == "done")
    at.button(key="t_more").click().run()
    _until(at, lambda a: a.session_state["t"].status == "done" and len(_steps(a)) > 20)
    steps = _steps(at)
    assert steps[:21] == list(range(1, 22)) and steps == sorted(steps)


def test_diverged_run_shows_reason_and_kept_weights(workers):
    at = _app(steps=200, lr=1e8, clip=None)
    at.button(key="t_start").click().run()
    _until(at, lambda a: "t" in a.session_state and a.session_state["t"].status == "diverged")
    at.run()
    errors = " ".join(e.value for e in at.error)
    assert "Training diverged" in errors and "last good weights" in errors, errors


def test_engine_error_becomes_a_message(workers):
    at = _app(fail=True)
    at.button(key="t_start").click().run()
    assert not at.exception
    assert any("x.conll, line 3" in e.value for e in at.error)


def test_busy_workers_queue_the_run_with_a_message():
    backend = LocalBackend(workers=1)
    old = set_backend(backend)
    try:
        blocker = _app(seconds=30.0)
        blocker.button(key="t_start").click().run()
        _until(blocker, lambda a: len(_steps(a)) > 0)
        at = _app(seconds=5.0)
        at.button(key="t_start").click().run()
        infos = " ".join(i.value for i in at.info)
        assert "Queued: 1 training runs now" in infos and "number 1 in the queue" in infos, infos
        assert _job(at).queued                               # ticks at TICK_QUEUED meanwhile
        blocker.button(key="t_stop").click().run()             # the worker frees up: it starts
        _until(at, lambda a: len(_steps(a)) > 0)
        assert not _job(at).queued                           # and back to TICK_EVERY
        at.button(key="t_stop").click().run()
    finally:
        set_backend(old)
        backend.close()


def test_a_worker_killed_mid_training_says_so_and_can_start_again(workers):
    at = _app(seconds=60.0)
    at.button(key="t_start").click().run()
    _until(at, lambda a: len(_steps(a)) >= 3)
    pid = workers.busy_worker_pid(_job(at).job_id)
    before = at.session_state["t"].history[:0]
    os.kill(pid, signal.SIGKILL)
    _until(at, lambda a: not _job(a).running)
    errors = " ".join(e.value for e in at.error)
    assert "training worker stopped unexpectedly" in errors and "press Start" in errors, errors
    exp = at.session_state["t"]
    assert list(exp.history) == before and exp.status == "ready"       # back to where the job began
    assert not at.button(key="t_start").disabled
    at.button(key="t_start").click().run()                       # a new worker takes it
    _until(at, lambda a: len(_steps(a)) >= 3)
    assert not at.error
    at.button(key="t_stop").click().run()
    assert pid not in workers.worker_pids()
