"""Garbage collection and heap trimming for the server process (docs/LOAD_AND_SOAK.md).

Streamlit runs a full ``gc.collect()`` after every script run, fragment ticks included
(``runner.postScriptGC``). With torch and plotly loaded a full collection walks ~265,000 objects
and holds the GIL for 0.1-0.25 s; at two ticks a second per training or queued session, ten
sessions spent more than the whole CPU collecting garbage and trainings crawled
(bench/classroom.py). ``periodic_gc`` (called by every page's ``setup_page`` and when the
first page runs) switches that option off (unless the deployer set it) and starts a daemon
thread that collects every ``GC_EVERY`` seconds instead, so the cyclic garbage of
finished runs and closed sessions (an Experiment and its Trainer refer to each other) is still
reclaimed; on glibc it then hands the freed heap back to the system (``malloc_trim``), so the
resident set shows what is in use.

``RNN_PLAYGROUND_MEMORY_LOG=1`` prints one line per collection to stderr (objects, resident set,
heap): bench/soak.py reads it.

Trainings no longer run here (rnn.jobs: worker processes), but the web process still holds torch
and plotly and still reruns a fragment once a second per training session, so a full collection
after every run would still cost what it did: the periodic collection stays.

glibc gives each thread that contends for the heap its own arena (up to 8 per core), and
Streamlit runs every script run in a new thread; freed memory then sits in many arenas.
``MALLOC_ARENA_MAX=2`` in the server's environment (Dockerfile, docs/DEPLOY.md) keeps the heap
in two; it must be set before the process starts (glibc fixes the limit at its first arena).
"""
from __future__ import annotations

import ctypes
import gc
import os
import sys
import threading
import time
import weakref

GC_EVERY = 30.0                      # seconds between the collector thread's full collections
GC_OPTION = "runner.postScriptGC"
MEMORY_LOG = "RNN_PLAYGROUND_MEMORY_LOG"
_gc_lock = threading.Lock()
_gc_thread: threading.Thread | None = None
_live_experiments: "weakref.WeakSet" = weakref.WeakSet()     # every experiment a panel made


def _glibc():
    """glibc through ctypes, or None (another C library or platform)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:
        return None


def _malloc_trim() -> bool:
    """Give freed heap memory back to the system (glibc only; elsewhere a no-op)."""
    trim = getattr(_glibc(), "malloc_trim", None)
    return bool(trim(0)) if trim is not None else False


def _rss_mb() -> float:
    try:
        with open(f"/proc/{os.getpid()}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


class _Mallinfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
        "fordblks", "keepcost")]


def heap_stats() -> dict:
    """glibc's own account of its heap (``mallinfo2``, glibc 2.33+), in MB: what ``malloc``'s
    blocks hold now, what lies free inside the arenas (resident or already handed back), and
    blocks mapped on their own. Told apart from the resident set, it says whether memory is in
    use or lost to fragmentation (BENCHMARKS.md, issue 16). Empty where unavailable."""
    fn = getattr(_glibc(), "mallinfo2", None)
    if fn is None:
        return {}
    fn.restype = _Mallinfo2
    info, mb = fn(), 1 / 2 ** 20
    return {"heap_in_use_mb": round(info.uordblks * mb, 1),
            "heap_free_mb": round(info.fordblks * mb, 1),
            "heap_mmapped_mb": round(info.hblkhd * mb, 1)}


def collect_garbage() -> dict:
    """One full collection and a heap trim; what the memory log prints."""
    start = time.perf_counter()
    found = gc.collect()
    collected = time.perf_counter()
    _malloc_trim()                   # ctypes lets go of the GIL while it runs
    return {"collected": found, "gc_ms": round(1000 * (collected - start), 1),
            "trim_ms": round(1000 * (time.perf_counter() - collected), 1),
            # not len(gc.get_objects()): from this thread it can take a reference to a tuple that
            # another thread is still building, whose resize then fails (SystemError: "bad
            # argument to internal function", seen once in the suite); the allocator's count of
            # blocks in use tracks the same growth without touching any object
            "objects": sys.getallocatedblocks(), "live_experiments": len(_live_experiments),
            "rss_mb": round(_rss_mb(), 1), **heap_stats()}


def _collect_forever(every: float) -> None:
    while True:
        time.sleep(every)
        stats = collect_garbage()
        if os.environ.get(MEMORY_LOG, "").strip().lower() in ("1", "true", "yes", "on"):
            print("rnn-memory: " + " ".join(f"{k}={v}" for k, v in stats.items()),
                  file=sys.stderr, flush=True)


def periodic_gc(every: float = GC_EVERY) -> bool:
    """Replace Streamlit's collection after every run by one every ``every`` seconds.

    Leaves a ``runner.postScriptGC`` set to true in a config file, the environment or a flag
    alone. The option is hidden and set through Streamlit's internals (rnn.ui.streamlit_private).
    Idempotent; returns True when the per-run collection is off and the collector runs.
    """
    global _gc_thread
    from streamlit import config

    from rnn.ui.streamlit_private import option_set_by_deployer, set_hidden_option

    with _gc_lock:
        if option_set_by_deployer(GC_OPTION) and config.get_option(GC_OPTION):
            return False
        set_hidden_option(GC_OPTION, False, where="rnn.ui.memory.periodic_gc")
        if _gc_thread is None or not _gc_thread.is_alive():
            _gc_thread = threading.Thread(target=_collect_forever, args=(every,), daemon=True,
                                          name="rnn-periodic-gc")
            _gc_thread.start()
        return True


def _track(exp) -> None:
    """Count ``exp`` among the live experiments (weakly: it does not keep ``exp`` alive)."""
    try:
        _live_experiments.add(exp)
    except TypeError:            # not weak-referenceable: not counted
        pass
