"""Visitors first (rnn.ui.gate.Visitors): between two training steps a training waits while another
session's page run is in flight, never for its own, never for long, and loses no budget."""
import threading

import pytest

from rnn.ui.gate import VISITORS_ENV, Visitors, visitors_first_enabled


class Clock:
    def __init__(self):
        self.t = 0.0

    def __call__(self):
        return self.t

    def sleep(self, dt):
        self.t += dt


def _run_in_thread(visitors, hold: threading.Event, begun: threading.Event):
    def body():
        visitors.begin()
        begun.set()
        hold.wait(10)
    thread = threading.Thread(target=body, daemon=True)
    thread.start()
    begun.wait(10)
    return thread


def test_another_sessions_run_in_flight_holds_a_training_back_until_it_ends():
    visitors = Visitors()
    hold, begun = threading.Event(), threading.Event()
    thread = _run_in_thread(visitors, hold, begun)
    assert visitors.busy() == 1
    threading.Timer(0.15, hold.set).start()          # the page run ends after 0.15 s
    waited = visitors.wait(max_wait=5.0)
    thread.join(5)
    assert 0.1 <= waited < 2.0 and visitors.busy() == 0


def test_a_training_never_waits_for_its_own_sessions_run():
    visitors = Visitors()
    visitors.begin()                                  # this thread's page run
    assert visitors.busy() == 0
    assert visitors.wait(max_wait=1.0) < 0.05


def test_the_wait_is_capped_and_an_old_run_stops_counting():
    clock = Clock()
    visitors = Visitors(clock=clock, max_age=2.0, sleep=clock.sleep)
    hold, begun = threading.Event(), threading.Event()
    _run_in_thread(visitors, hold, begun)
    try:
        assert visitors.wait(max_wait=0.5) == pytest.approx(0.5, abs=0.01)   # capped
        clock.t = 2.5                                                          # a run too old
        assert visitors.busy() == 0 and visitors.wait(max_wait=0.5) == 0.0
    finally:
        hold.set()


def test_end_and_a_finished_thread_both_release():
    visitors = Visitors()
    hold, begun = threading.Event(), threading.Event()
    thread = _run_in_thread(visitors, hold, begun)
    visitors.end(thread)
    assert visitors.busy() == 0
    visitors.begin(thread)
    hold.set()
    thread.join(5)
    assert visitors.busy() == 0


@pytest.mark.parametrize("value, on", [(None, True), ("1", True), ("0", False), ("off", False),
                                       ("false", False), ("yes", True)])
def test_switch_comes_from_the_environment(monkeypatch, value, on):
    if value is None:
        monkeypatch.delenv(VISITORS_ENV, raising=False)
    else:
        monkeypatch.setenv(VISITORS_ENV, value)
    assert visitors_first_enabled() is on


class ManualClock:
    """A stand-in for the trainer's ``time`` module: each reading moves ``tick`` seconds, and
    ``sleep`` moves it on at once, so the test is about what the trainer counts, not about how
    many steps this machine fits in a budget."""

    def __init__(self, tick: float = 0.01):
        self.now, self.tick = 0.0, tick

    def perf_counter(self) -> float:
        self.now += self.tick
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_time_spent_waiting_between_steps_costs_no_budget(monkeypatch):
    """The trainer calls between_steps after each step; the time budget counts training only."""
    from rnn.experiment import Experiment
    from rnn.models.config import ModelConfig
    from rnn.train.trainer import TrainConfig

    clock = ManualClock()
    monkeypatch.setattr("rnn.train.trainer.time", clock)
    budget, pause_s = 0.4, 1.0          # each pause alone is longer than the whole budget
    exp = Experiment.create("sentiment", ModelConfig(arch="gru", hidden=8, embed=8),
                            TrainConfig(seconds=budget, eval_every=1000, seed=0))
    calls = []

    def pause():
        calls.append(clock.now)
        clock.sleep(pause_s)

    for _ in range(1000):
        if exp.status in ("done", "diverged"):
            break
        exp.train_for(0.3, pause)
    steps = [r for r in exp.history if r.get("kind") == "step"]
    stop = exp.history[-1]
    assert exp.status == "done" and "time budget" in stop["reason"]
    # had the pauses counted, the first one would have spent the budget after one step
    assert len(calls) >= len(steps) - 1 >= 2
    last_step = steps[-1]["elapsed"] - steps[-2]["elapsed"]
    assert steps[-2]["elapsed"] < budget <= steps[-1]["elapsed"] <= budget + last_step + 1e-9
    assert clock.now >= stop["elapsed"] + pause_s * len(calls)     # the pauses came on top


def _page():
    from rnn.ui.setup import setup_page

    setup_page("Test", ":material/home:")
    setup_page("Test", ":material/home:")


def test_every_page_run_is_marked_once_as_one_a_person_waits_for(monkeypatch):
    from streamlit.testing.v1 import AppTest

    from rnn.ui import gate

    threads = []
    monkeypatch.setattr(gate.VISITORS, "begin", lambda: threads.append(threading.current_thread()))
    at = AppTest.from_function(_page)
    at.run()
    at.run()
    assert not at.exception and len(threads) == 2


def test_the_registry_stays_bounded_when_nobody_trains():
    """Page runs come and go for hours with no training to ask busy(): begin() prunes."""
    visitors = Visitors()
    for _ in range(50):
        thread = threading.Thread(target=visitors.begin)
        thread.start()
        thread.join()
    visitors.begin()
    assert len(visitors._runs) <= 2


def test_a_training_thread_lowers_only_its_own_cpu_priority():
    import os

    from rnn.ui.gate import TRAINING_NICE, train_politely

    main_before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    seen = {}

    def body():
        seen["ok"] = train_politely()
        seen["again"] = train_politely()                 # once per thread is enough
        seen["nice"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    thread = threading.Thread(target=body)
    thread.start()
    thread.join()
    if not seen["ok"]:
        pytest.skip("no per-thread priorities on this system")
    assert seen["again"] and seen["nice"] >= TRAINING_NICE
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == main_before
