"""Garbage collection and heap trimming for the server process (docs/LOAD_AND_SOAK.md).

Streamlit runs a full ``gc.collect()`` after every script run, fragment ticks included
(``runner.postScriptGC``). With torch and plotly loaded a full collection walks ~265,000 objects
and holds the GIL for 0.1-0.25 s; at two ticks a second per training or queued session, ten
sessions spent more than the whole CPU collecting garbage and trainings crawled
(bench/classroom.py). ``periodic_gc`` (called by every page's ``setup_page`` and when the
training gate is made) switches that option off (unless the deployer set it) and starts a daemon
thread that collects every ``GC_EVERY`` seconds instead, so the cyclic garbage of
finished runs and closed sessions (an Experiment and its Trainer refer to each other) is still
reclaimed; on glibc it then hands the freed heap back to the system (``malloc_trim``), so the
resident set shows what is in use.

``RNN_PLAYGROUND_MEMORY_LOG=1`` prints one line per collection to stderr (live experiments,
gate tickets, resident set): bench/soak.py reads it.

glibc gives each thread that contends for the heap its own arena (up to 8 per core), and
Streamlit runs every script run in a new thread; freed memory then sits in many arenas.
``MALLOC_ARENA_MAX=2`` in the server's environment (Dockerfile, docs/DEPLOY.md) keeps the heap
in two; it must be set before the process starts (glibc fixes the limit at its first arena).

``malloc_trim`` hands back the free pages inside every arena, but the free space at the *top* of
a thread's arena only goes back when a ``free()`` in that arena finds it larger than the trim
threshold, and glibc's dynamic threshold climbs to 64 MiB once a program has freed a few big
blocks. A page visit that builds a data set or scores a model in a script thread leaves that
arena's top free and resident for good: 20-30 MB after one visit to every page (BENCHMARKS.md,
issue 16, fourth round). So ``trim_heaps`` (every collection) lowers the threshold for a moment
and makes one small ``free()`` in every arena from short-lived threads, which glibc hands the
free arenas of finished script threads first. The thresholds are pinned at the ceilings the
dynamic rule reaches anyway (``pin_malloc_thresholds``), so a training step's allocations are
served exactly as before (bench: step times unchanged); a fixed low threshold instead made an
LSTM step at H = 256 up to 20 % slower (its buffers went back and forth to the kernel).
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
_gc_gate = None                                  # the gate whose tickets the memory log counts
_live_experiments: "weakref.WeakSet" = weakref.WeakSet()     # every experiment a panel made


M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3      # mallopt's parameter numbers (malloc.h)
MMAP_CEILING = 32 << 20           # glibc's dynamic mmap threshold stops here on 64-bit systems
TRIM_CEILING = 2 * MMAP_CEILING   # ... and the dynamic trim threshold at twice that
TRIM_LOW = 128 << 10              # glibc's initial trim threshold
POKE_BYTES = 256 << 10            # one block per arena: above the fast bins, under the mmap line
_libc = None
_pinned = False


def _glibc():
    """glibc through ctypes, or None (another C library or platform: every call is a no-op)."""
    global _libc
    if _libc is None:
        _libc = False
        if sys.platform.startswith("linux"):
            try:
                lib = ctypes.CDLL("libc.so.6")
                lib.mallopt, lib.malloc_trim, lib.malloc, lib.free     # all four must exist
                lib.malloc.restype = ctypes.c_void_p
                lib.free.argtypes = [ctypes.c_void_p]
                _libc = lib
            except (OSError, AttributeError):
                pass
    return _libc or None


def pin_malloc_thresholds() -> bool:
    """Fix glibc's mmap and trim thresholds at the ceilings its dynamic rule climbs to (32 and
    64 MiB), so ``trim_heaps`` can lower the trim threshold for a moment and put it back without
    changing how any later allocation is served. Idempotent; False where there is no glibc."""
    global _pinned
    libc = _glibc()
    if libc is None:
        return False
    if not _pinned:
        _pinned = bool(libc.mallopt(M_MMAP_THRESHOLD, MMAP_CEILING)
                       and libc.mallopt(M_TRIM_THRESHOLD, TRIM_CEILING))
    return _pinned


def _arenas_to_poke() -> int:
    """How many threads ``trim_heaps`` starts: one per arena glibc may have, plus one."""
    limit = os.environ.get("MALLOC_ARENA_MAX", "").strip()
    if limit.isdigit() and int(limit) > 0:
        return int(limit) + 1
    return 8 * (os.cpu_count() or 1) + 1          # glibc's default limit on 64-bit systems


def _poke(libc) -> None:
    block = libc.malloc(POKE_BYTES)
    if block:
        libc.free(block)          # freed next to the arena's top: glibc checks the threshold


def trim_heaps() -> bool:
    """Give freed heap memory back to the system: the free pages inside every arena
    (``malloc_trim``) and the free top of every thread arena (see the module notes). glibc only;
    elsewhere a no-op that returns False."""
    libc = _glibc()
    if libc is None:
        return False
    if not pin_malloc_thresholds():
        return bool(libc.malloc_trim(0))
    libc.mallopt(M_TRIM_THRESHOLD, TRIM_LOW)
    try:
        released = bool(libc.malloc_trim(0))
        for _ in range(_arenas_to_poke()):
            thread = threading.Thread(target=_poke, args=(libc,), name="rnn-trim", daemon=True)
            thread.start()
            thread.join()
    finally:
        libc.mallopt(M_TRIM_THRESHOLD, TRIM_CEILING)
    return released


def _rss_mb() -> float:
    try:
        with open(f"/proc/{os.getpid()}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def watch_gate(gate) -> None:
    """Count ``gate``'s tickets (``gate.counts()``) in every collection's statistics."""
    global _gc_gate
    _gc_gate = gate


def collect_garbage() -> dict:
    """One full collection and a heap trim; what the memory log prints."""
    start = time.perf_counter()
    found = gc.collect()
    collected = time.perf_counter()
    trim_heaps()                     # ctypes lets go of the GIL while glibc works
    gate = _gc_gate
    counts = gate.counts() if gate is not None else {}
    return {"collected": found, "gc_ms": round(1000 * (collected - start), 1),
            "trim_ms": round(1000 * (time.perf_counter() - collected), 1),
            "objects": len(gc.get_objects()), "live_experiments": len(_live_experiments), **counts,
            "rss_mb": round(_rss_mb(), 1)}


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
    alone. Idempotent; returns True when the per-run collection is off and the collector runs.
    """
    global _gc_thread
    from streamlit import config

    with _gc_lock:
        if config.is_manually_set(GC_OPTION) and config.get_option(GC_OPTION):
            return False
        config.set_option(GC_OPTION, False, where_defined="rnn.ui.memory.periodic_gc")
        pin_malloc_thresholds()
        if _gc_thread is None or not _gc_thread.is_alive():
            _gc_thread = threading.Thread(target=_collect_forever, args=(every,), daemon=True,
                                          name="rnn-periodic-gc")
            _gc_thread.start()
        return True


def _track(exp) -> None:
    """Count ``exp`` among the live experiments (weakly: it does not keep ``exp`` alive)."""
    try:
        _live_experiments.add(exp)
    except TypeError:            # not weak-referenceable (a test's stand-in): not counted
        pass
