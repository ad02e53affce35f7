"""What the classroom and soak benchmarks found (docs/LOAD_AND_SOAK.md), kept fixed.

- Streamlit's full garbage collection after every script run (fragment ticks included) made ten
  sessions spend the whole CPU collecting: the live panel turns it off and collects periodically
  instead, unless a deployer set the option.
- A gate slot comes back whatever ends a training slice: an engine error, or Streamlit stopping
  the script because the tab closed (a BaseException); a closed tab's place in the queue is
  dropped after STALE_SECONDS (a fake clock here, nothing is timed).
- The memory log counts live experiments; one dropped by its session is gone after a collection.
- Scheduling (BENCHMARKS.md, "Classroom scheduling"): with "shortest" a training keeps its turn
  until it ends, earlier trainings go first, and one that has trained SHORT_SECONDS yields to
  any shorter one; "rotate" hands the slot to the head of the queue after every slice.
"""
from __future__ import annotations

import gc
import sys
import threading
import weakref

import pytest
from streamlit import config
from streamlit.config_option import ConfigOption

from rnn.ui import live_training, memory
from rnn.ui.gate import (POLICY_ENV, REMEMBER_SECONDS, SHORT_SECONDS, STALE_SECONDS, TrainingGate,
                         default_policy, queue_message)


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class ScriptStopped(BaseException):
    """Like Streamlit's StopException: not an Exception, raised when a session goes away."""


@pytest.fixture
def gc_option():
    """Restore runner.postScriptGC (and where it was defined) after the test."""
    saved = (config.get_option(memory.GC_OPTION),
             config.get_where_defined(memory.GC_OPTION))
    yield
    config.set_option(memory.GC_OPTION, saved[0], where_defined=saved[1])


# ---- garbage collection ---------------------------------------------------------------------
def test_making_the_gate_turns_per_run_gc_off_and_starts_the_collector(gc_option):
    config.set_option(memory.GC_OPTION, True, where_defined=ConfigOption.DEFAULT_DEFINITION)
    assert config.get_option(memory.GC_OPTION) is True
    live_training._gate.clear()
    try:
        gate = live_training._gate(2)
    finally:
        live_training._gate.clear()
    assert isinstance(gate, TrainingGate)
    assert config.get_option(memory.GC_OPTION) is False
    threads = [t for t in threading.enumerate() if t.name == "rnn-periodic-gc"]
    assert len(threads) == 1 and threads[0].daemon and threads[0].is_alive()
    assert memory.periodic_gc() is True                     # idempotent: still one thread
    assert len([t for t in threading.enumerate() if t.name == "rnn-periodic-gc"]) == 1


def test_a_deployer_who_wants_gc_after_every_run_keeps_it(gc_option):
    config.set_option(memory.GC_OPTION, True, where_defined="config.toml")
    assert memory.periodic_gc() is False
    assert config.get_option(memory.GC_OPTION) is True


def test_collect_garbage_frees_a_dropped_experiment_in_a_cycle_and_counts_it_gone():
    class Exp:                        # an Experiment and its Trainer refer to each other
        def __init__(self):
            self.trainer = {"loss_fn": lambda: self}

    gc.disable()                      # only the explicit collection below may free the cycle
    try:
        before = memory.collect_garbage()["live_experiments"]
        kept, exp = Exp(), Exp()
        memory._track(kept)
        memory._track(exp)
        ref = weakref.ref(exp)
        assert len(memory._live_experiments) == before + 2
        del exp                                         # the session let go of it ...
        assert ref() is not None                        # ... but a cycle is not freed by refcount
        assert len(memory._live_experiments) == before + 2
        stats = memory.collect_garbage()
    finally:
        gc.enable()
    assert ref() is None
    assert stats["collected"] >= 1
    assert stats["live_experiments"] == before + 1      # the dropped one is no longer counted
    assert kept in memory._live_experiments
    assert stats["rss_mb"] > 0 and stats["objects"] > 0
    del kept


def test_the_memory_log_counts_the_watched_gates_tickets():
    gate = TrainingGate(1, clock=FakeClock())
    saved = memory._gc_gate
    memory.watch_gate(gate)
    try:
        assert gate.try_acquire("a") and not gate.try_acquire("b")
        stats = memory.collect_garbage()
    finally:
        memory.watch_gate(saved)
    assert (stats["slots_in_use"], stats["queued"], stats["recently_training"]) == (1, 1, 1)


def test_track_ignores_objects_it_cannot_count():
    before = len(memory._live_experiments)
    memory._track(object())   # no __weakref__ slot: silently not counted
    memory._track([])
    assert len(memory._live_experiments) == before


def test_live_training_still_exports_the_memory_names():
    assert live_training.collect_garbage is memory.collect_garbage
    assert live_training._live_experiments is memory._live_experiments


# ---- gate slots and queue places --------------------------------------------------------------
def test_slot_comes_back_when_the_script_is_stopped_mid_slice():
    gate = TrainingGate(1, clock=FakeClock())
    with pytest.raises(ScriptStopped):
        with gate.slot("closed-tab") as ok:
            assert ok
            raise ScriptStopped()
    assert gate.counts()["slots_in_use"] == 0
    assert gate.try_acquire("next")


def test_slot_comes_back_after_an_engine_error_and_leave_inside_it():
    gate = TrainingGate(2, clock=FakeClock())
    with pytest.raises(ValueError):
        with gate.slot("broken") as ok:
            assert ok
            gate.leave("broken")          # what _tick does before showing the error
            raise ValueError("bad data")
    counts = gate.counts()
    assert counts["slots_in_use"] == 0
    assert counts["recently_training"] == 0   # left: not counted as "training" in messages
    assert gate.n_training() == 0


def test_a_closed_tab_at_the_head_of_the_queue_stops_blocking_after_it_goes_stale():
    clock = FakeClock()
    gate = TrainingGate(1, clock=clock, policy="rotate")
    assert gate.try_acquire("a")              # a trains
    assert not gate.try_acquire("ghost")      # ghost queues first ...
    assert not gate.try_acquire("b")          # ... then b
    gate.release("a")
    # The tab of "ghost" closes: it never polls again. b may not jump the queue at once ...
    clock.now += 1
    assert not gate.try_acquire("b")
    assert gate.position("b") == 2
    # ... but once the ghost's ticket is stale it is dropped and b gets the slot.
    clock.now += STALE_SECONDS + 0.1
    gate.try_acquire("b")  # refresh b (it polls every tick)
    assert gate.counts()["slots_in_use"] == 1
    assert gate.position("ghost") is None and gate.n_waiting() == 0


def test_every_slot_is_free_once_all_sessions_have_gone():
    clock = FakeClock()
    gate = TrainingGate(2, clock=clock, policy="rotate")
    for i in range(30):                       # a class presses Start
        with gate.slot(f"s{i}"):
            pass
    for i in range(30):
        gate.try_acquire(f"w{i}")             # 2 of these hold slots, 28 queue
    assert gate.counts()["slots_in_use"] == 2
    gate.release("w0")
    gate.release("w1")
    clock.now += STALE_SECONDS + 1            # everyone closed their tab
    assert gate.counts() == {"slots_in_use": 0, "queued": 0, "recently_training": 0}
    assert gate.try_acquire("late") and "1 session is training" in queue_message(gate, "other")


def test_a_closed_tab_that_had_the_turn_stops_blocking_after_it_goes_stale_shortest():
    clock = FakeClock()
    gate = TrainingGate(1, clock=clock, policy="shortest")
    with gate.slot("ghost") as ok:            # ghost trains a slice, then its tab closes
        assert ok
    clock.now += 0.5
    assert not gate.try_acquire("b")          # the ghost keeps its turn between slices ...
    clock.now += STALE_SECONDS + 0.1
    assert gate.try_acquire("b")              # ... until it is stale
    assert gate.counts() == {"slots_in_use": 1, "queued": 0, "recently_training": 1}


# ---- scheduling policies ------------------------------------------------------------------------
def _simulate(policy: str, budgets: dict[str, float], capacity: int = 1, tick: float = 0.5,
              slice_s: float = 0.3, start: dict[str, float] | None = None) -> dict[str, float]:
    """Sessions poll the gate every ``tick`` seconds (as the live fragment does) and train
    ``slice_s`` per admitted tick until their budget is spent; returns ticket -> finish time."""
    clock = FakeClock()
    t0 = clock.now
    gate = TrainingGate(capacity, clock=clock, policy=policy)
    left, start, done = dict(budgets), start or {}, {}
    while left and clock.now - t0 < 10_000:
        now = clock.now - t0
        admitted = [t for t in sorted(left) if start.get(t, 0.0) <= now and gate.try_acquire(t)]
        assert len(admitted) <= capacity
        clock.now += slice_s                    # the admitted ones train side by side
        for ticket in admitted:
            gate.release(ticket)
            left[ticket] -= slice_s
            if left[ticket] <= 1e-9:
                done[ticket] = clock.now - t0
                del left[ticket]
                gate.leave(ticket)
        clock.now += tick - slice_s
    assert not left, "a training never finished"
    return done


def test_shortest_runs_equal_trainings_one_after_the_other_and_halves_the_mean_wait():
    budgets = {f"s{i:02d}": 3.0 for i in range(30)}
    rotate = _simulate("rotate", budgets, capacity=2)
    shortest = _simulate("shortest", budgets, capacity=2)
    mean = lambda d: sum(d.values()) / len(d)
    assert max(shortest.values()) <= max(rotate.values()) + 1.0    # the class ends no later
    # pairs finish one after the other: mean (n + 1) / 2n of rotation's, 16/30 for 15 pairs
    assert mean(shortest) <= 0.56 * mean(rotate)
    # run to completion in order: the first two finish after their own 3 s of slices
    first = sorted(shortest.values())[:2]
    assert all(f <= 3.0 / 0.3 * 0.5 for f in first)
    # under rotation everyone finishes near the end
    assert min(rotate.values()) >= 0.8 * max(rotate.values())


def test_shortest_lets_a_short_training_past_a_long_one_that_has_had_its_share():
    long_budget = SHORT_SECONDS + 10.0
    budgets = {"a-long": long_budget, "b-short": 3.0}
    # the long one starts alone; the short one arrives once the long one has trained > SHORT_SECONDS
    arrive = (SHORT_SECONDS / 0.3) * 0.5 + 2.0
    done = _simulate("shortest", budgets, capacity=1, start={"b-short": arrive})
    assert done["b-short"] < done["a-long"]
    assert done["b-short"] - arrive <= 3.0 / 0.3 * 0.5 + 1.0        # served at once, to the end
    # a short one that arrives early waits for the long one's first SHORT_SECONDS only
    done = _simulate("shortest", budgets, capacity=1, start={"b-short": 1.0})
    assert done["b-short"] <= (SHORT_SECONDS + 3.0) / 0.3 * 0.5 + 2.0


def test_shortest_serves_in_order_of_arrival_and_positions_follow_it():
    clock = FakeClock()
    gate = TrainingGate(1, clock=clock, policy="shortest")
    assert gate.try_acquire("first")
    clock.now += 0.1
    assert not gate.try_acquire("second")
    clock.now += 0.1
    assert not gate.try_acquire("third")
    assert (gate.position("second"), gate.position("third")) == (1, 2)
    gate.release("first")
    assert not gate.try_acquire("third")      # "first" keeps its turn between slices
    assert gate.try_acquire("first")
    gate.release("first")
    gate.leave("first")                      # finished
    assert not gate.try_acquire("third")      # "second" arrived earlier
    assert gate.try_acquire("second")
    assert "You are number 1 in the queue" in queue_message(gate, "third")


def test_policy_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv(POLICY_ENV, "rotate")
    assert default_policy() == "rotate" and TrainingGate(1).policy == "rotate"
    monkeypatch.setenv(POLICY_ENV, "no-such-policy")
    assert default_policy() == "shortest"
    monkeypatch.delenv(POLICY_ENV)
    assert TrainingGate(1).policy == "shortest"
    with pytest.raises(ValueError):
        TrainingGate(1, policy="lottery")


def test_everyone_gone_frees_every_slot_shortest():
    clock = FakeClock()
    gate = TrainingGate(2, clock=clock, policy="shortest")
    for i in range(30):                       # a class presses Start; two get slots
        gate.try_acquire(f"s{i}")
    assert gate.counts()["slots_in_use"] == 2
    gate.release("s0")
    gate.release("s1")
    clock.now += STALE_SECONDS + 1            # everyone closed their tab
    assert gate.counts() == {"slots_in_use": 0, "queued": 0, "recently_training": 0}
    assert gate.try_acquire("late") and gate.try_acquire("later")
    gate.release("late")
    gate.release("later")
    clock.now += REMEMBER_SECONDS + 1
    assert gate.try_acquire("next")
    assert set(gate._arrived) == {"next"}                 # nothing kept for the sessions gone


def test_a_session_that_polls_late_keeps_its_place_shortest():
    """A starved server ticks a queued session less often than STALE_SECONDS: it drops out of
    the queue, but gets its place back (its start time) when it polls again."""
    clock = FakeClock()
    gate = TrainingGate(1, clock=clock, policy="shortest")
    assert gate.try_acquire("a")
    clock.now += 0.1
    assert not gate.try_acquire("early")
    clock.now += 0.1
    assert not gate.try_acquire("late")
    for _ in range(7):                            # "a" trains on; the others do not poll
        gate.release("a")
        clock.now += 1
        assert gate.try_acquire("a")
    assert gate.n_waiting() == 0                  # both queue entries went stale
    assert not gate.try_acquire("late")           # they poll again, "late" first
    clock.now += 0.1
    assert not gate.try_acquire("early")
    assert (gate.position("early"), gate.position("late")) == (1, 2)
    gate.release("a")
    gate.leave("a")
    assert not gate.try_acquire("late")           # "early" started first
    assert gate.try_acquire("early")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallinfo2")
def test_heap_stats_count_a_live_block_and_its_release():
    """The memory log's heap figures follow malloc: a 64 MB block shows as mapped on its own
    while held and is gone once freed."""
    import ctypes
    libc = ctypes.CDLL("libc.so.6")
    libc.malloc.restype = ctypes.c_void_p
    libc.free.argtypes = [ctypes.c_void_p]
    before = memory.heap_stats()
    if not before:
        pytest.skip("this C library has no mallinfo2")
    block = libc.malloc(64 << 20)
    held = memory.heap_stats()
    libc.free(block)
    after = memory.heap_stats()
    assert held["heap_mmapped_mb"] - before["heap_mmapped_mb"] >= 63
    assert after["heap_mmapped_mb"] - before["heap_mmapped_mb"] < 1
    assert before["heap_in_use_mb"] > 0 and before["heap_free_mb"] >= 0
