"""The web process's memory housekeeping (rnn.ui.memory, docs/LOAD_AND_SOAK.md) and the lab slots
(rnn.ui.gate), kept from the gate tests (test_gate_release.py) now that trainings run in workers.

- Streamlit's full garbage collection after every script run (fragment ticks included) made ten
  sessions spend the whole CPU collecting: it is turned off and done periodically instead,
  unless a deployer set the option.
- The memory log's heap figures follow malloc.
- At most ``capacity`` lab runs at once in the web process; a slot comes back after an error.
"""
from __future__ import annotations

import gc
import sys
import threading
import weakref

import pytest
from streamlit import config
from streamlit.config_option import ConfigOption

from rnn.ui import memory
from rnn.ui.gate import busy_message, lab_slots


@pytest.fixture
def gc_option():
    saved = (config.get_option(memory.GC_OPTION), config.get_where_defined(memory.GC_OPTION))
    yield
    config.set_option(memory.GC_OPTION, saved[0], where_defined=saved[1])


def test_periodic_gc_turns_per_run_gc_off_and_starts_one_collector(gc_option):
    config.set_option(memory.GC_OPTION, True, where_defined=ConfigOption.DEFAULT_DEFINITION)
    assert memory.periodic_gc() is True
    assert config.get_option(memory.GC_OPTION) is False
    threads = [t for t in threading.enumerate() if t.name == "rnn-periodic-gc"]
    assert len(threads) == 1 and threads[0].daemon and threads[0].is_alive()
    assert memory.periodic_gc() is True                     # idempotent: still one thread
    assert len([t for t in threading.enumerate() if t.name == "rnn-periodic-gc"]) == 1


def test_a_deployer_who_wants_gc_after_every_run_keeps_it(gc_option):
    config.set_option(memory.GC_OPTION, True, where_defined="config.toml")
    assert memory.periodic_gc() is False
    assert config.get_option(memory.GC_OPTION) is True


def test_collect_garbage_frees_a_cycle_and_reports_the_process():
    class Exp:                        # an Experiment and what it holds refer to each other
        def __init__(self):
            self.trainer = {"loss_fn": lambda: self}

    gc.disable()
    try:
        exp = Exp()
        ref = weakref.ref(exp)
        del exp
        assert ref() is not None                        # a cycle is not freed by refcount
        stats = memory.collect_garbage()
    finally:
        gc.enable()
    assert ref() is None and stats["collected"] >= 1
    assert stats["rss_mb"] > 0 and stats["objects"] > 0


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallinfo2")
def test_heap_stats_count_a_live_block_and_its_release():
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
    # glibc maps a 64 MB block on its own, unless its mmap threshold or count says otherwise
    # (seen late in a full test run): then the block sits in an arena. Either way glibc counts it.
    def held_mb(stats):
        return stats["heap_mmapped_mb"] + stats["heap_in_use_mb"]
    assert held_mb(held) - held_mb(before) >= 63
    assert held_mb(after) - held_mb(before) < 8          # other threads may allocate meanwhile


def test_lab_slots_cap_the_runs_and_come_back():
    slots = lab_slots(2)
    assert slots is lab_slots(2)                            # one per process
    assert slots.try_acquire() and slots.try_acquire()
    assert not slots.try_acquire()
    assert "2 lab runs are" in busy_message(slots)
    slots.release()
    assert slots.try_acquire()
    slots.release()
    slots.release()
    assert slots.in_use == 0


def test_the_collector_thread_never_lists_every_object(monkeypatch):
    """gc.get_objects() from the collector thread can hold a tuple another thread is still
    building (tuple(generator)), and that thread's resize then fails with SystemError; the
    stats count the allocator's blocks instead."""
    import gc

    from rnn.ui import memory

    def forbidden(*args, **kwargs):
        raise AssertionError("gc.get_objects() called from the collector")

    monkeypatch.setattr(gc, "get_objects", forbidden)
    stats = memory.collect_garbage()
    assert stats["objects"] > 1000
