"""Shared helpers for the benchmarks: timing, medians, the machine description.

The machine these run on is shared and noisy, so every figure that matters is a *ratio* of two
things measured in the same run, interleaved (A, B, A, B, ...) and summarised by the median.
"""
from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
if str(ROOT) not in sys.path:          # `python bench/run.py` and `python -m bench.run` both work
    sys.path.insert(0, str(ROOT))


def loadavg() -> list[float]:
    """The 1, 5 and 15 minute load averages (how busy the shared machine was)."""
    return [round(x, 2) for x in os.getloadavg()]


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def cpu_flags() -> list[str]:
    """The vector instruction sets the CPU reports (they decide the matmul ceiling)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                return [f for f in ("avx2", "fma", "avx512f", "avx512_bf16", "amx_tile")
                        if f in line.split()]
    except OSError:
        pass
    return []


def machine_info() -> dict:
    """nproc, CPU model, library versions and the load right now."""
    import streamlit
    import torch
    return {"nproc": os.cpu_count(), "cpu": cpu_model(), "cpu_flags": cpu_flags(),
            "python": platform.python_version(),
            "torch": torch.__version__, "streamlit": streamlit.__version__,
            "torch_default_threads": torch.get_num_threads(), "loadavg": loadavg()}


def median(values) -> float:
    values = list(values)
    return statistics.median(values) if values else float("nan")


def p95(values) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    return values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]


def time_call(fn, repeat: int, warmup: int = 1) -> list[float]:
    """Seconds per call of fn(), `repeat` times after `warmup` untimed calls."""
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def interleaved(fns: dict, rounds: int, per_round: int = 1, warmup: int = 1) -> dict[str, list[float]]:
    """Time several variants in alternation (a, b, a, b, ...) so that load changes hit all alike.

    Each round runs every variant `per_round` times in a row and records the mean seconds per call
    for that round. Returns name -> list of per-round means.
    """
    for fn in fns.values():
        for _ in range(warmup):
            fn()
    out = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            start = time.perf_counter()
            for _ in range(per_round):
                fn()
            out[name].append((time.perf_counter() - start) / per_round)
    return out


def interleaved_wall_cpu(fns: dict, rounds: int, warmup: int = 3) -> tuple[dict, dict]:
    """``interleaved`` with one call per variant per round, each call timed in wall
    seconds and in this thread's CPU seconds. Returns (wall, cpu): name -> list per round."""
    for fn in fns.values():
        for _ in range(warmup):
            fn()
    wall = {name: [] for name in fns}
    cpu = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            w, c = time.perf_counter(), time.thread_time()
            fn()
            cpu[name].append(time.thread_time() - c)
            wall[name].append(time.perf_counter() - w)
    return wall, cpu


def rss_mb(pid: int) -> float:
    """Resident set size of a process, from /proc/<pid>/status (VmRSS), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def tree_rss_mb(pid: int) -> float:
    """RSS of a process plus its children (streamlit runs in one process; this is a safety net)."""
    total = rss_mb(pid)
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    for child in children:
        try:
            total += tree_rss_mb(int(child))
        except (OSError, ValueError):
            pass
    return total


def rss_breakdown(pid: int, top: int = 12) -> dict:
    """Where a process's resident pages are (/proc/<pid>/smaps), in MiB: anonymous (heap, stacks,
    allocator pools) against file-backed (the code and data of the shared libraries it ran), and
    the ``top`` largest mappings by name ("[anon]" for unnamed ones)."""
    by_name: dict[str, float] = {}
    anon = file_backed = 0.0
    name = "[anon]"
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        head = line.split()
        if not head:
            continue
        if "-" in head[0] and not head[0].endswith(":"):    # a mapping's header line
            name = head[5] if len(head) > 5 else "[anon]"
            name = name.rsplit("/", 1)[-1] if name.startswith("/") else name
        elif head[0] == "Rss:":
            mb = int(head[1]) / 1024
            by_name[name] = by_name.get(name, 0.0) + mb
            if name.startswith("["):             # [anon], [heap], [stack]...
                anon += mb
            else:
                file_backed += mb
    biggest = sorted(by_name.items(), key=lambda kv: -kv[1])[:top]
    return {"anon_mb": round(anon, 1), "file_mb": round(file_backed, 1),
            "top": {k: round(v, 1) for k, v in biggest}}
