"""rnn.ui.memory.trim_heaps: the free top of a thread's arena goes back to the system, which
glibc's malloc_trim alone leaves resident (see rnn/ui/memory.py). Each case runs in a fresh
interpreter: the thresholds are process-wide and pinning them is for good."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from rnn.ui import memory

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(memory._glibc() is None, reason="needs glibc (Linux)")

# A script thread's work, as a page visit does it: 48 MB in 192 blocks of 256 KB (under the
# pinned mmap threshold, so they come from the thread's arena), all freed again, thread gone.
SCRIPT = textwrap.dedent("""
    import json, sys, threading
    from rnn.ui import memory

    def rss():
        with open("/proc/self/status") as f:
            return next(int(l.split()[1]) / 1024 for l in f if l.startswith("VmRSS"))

    import ctypes
    libc = memory._glibc()
    libc.memset.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_size_t]
    assert memory.pin_malloc_thresholds()

    def visit():
        blocks = [libc.malloc(256 << 10) for _ in range(192)]
        for b in blocks:
            libc.memset(b, 1, 256 << 10)          # touch every page: resident
        for b in reversed(blocks):
            libc.free(b)

    out = {"before": rss()}
    t = threading.Thread(target=visit); t.start(); t.join()
    out["after_visit"] = rss()
    libc.malloc_trim(0)
    out["after_malloc_trim"] = rss()
    out["trim_heaps"] = memory.trim_heaps()
    out["after_trim_heaps"] = rss()
    # the thresholds are back at their ceilings: the same work again stays in the arena
    t = threading.Thread(target=visit); t.start(); t.join()
    out["after_second_visit"] = rss()
    print(json.dumps(out))
""")


def run(env_extra: dict | None = None) -> dict:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "MALLOC_ARENA_MAX": "2",
           **(env_extra or {})}
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_trim_heaps_returns_the_free_top_of_a_thread_arena_that_malloc_trim_keeps():
    mb = run()
    grown = mb["after_visit"] - mb["before"]
    assert grown > 40, mb                                  # the blocks were resident
    assert mb["after_malloc_trim"] - mb["before"] > 40, mb   # glibc's own trim keeps the top
    assert mb["after_trim_heaps"] - mb["before"] < 8, mb     # ours hands it back
    # the trim threshold went back up: a second visit leaves its top in the arena again
    assert mb["after_second_visit"] - mb["after_trim_heaps"] > 40, mb


def test_trim_heaps_reaches_every_arena_without_an_arena_limit():
    mb = run({"MALLOC_ARENA_MAX": ""})
    assert mb["after_trim_heaps"] - mb["before"] < 8, mb


def test_arenas_to_poke_follows_the_limit(monkeypatch):
    monkeypatch.setenv("MALLOC_ARENA_MAX", "2")
    assert memory._arenas_to_poke() == 3
    monkeypatch.setenv("MALLOC_ARENA_MAX", "")
    assert memory._arenas_to_poke() >= 9
