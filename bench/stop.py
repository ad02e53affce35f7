"""Stop latency: from the Stop click to the worker's CPU going idle (and to the weights being back).

For each trial a training job runs (a small text-generation LSTM, 60-second budget) until it has
trained for a random 1-3 s; then ``stop()`` (what the Stop button calls) and, from the worker's
own CPU clock (/proc/PID/task/*/schedstat, nanoseconds), the moment its CPU time stops growing.
Reported: the median, p95, p99 and max over the trials, for the local backend and (``--jobs rq``)
RQ on a real Redis (bench/services.py).

    python bench/stop.py --trials 40
    python bench/stop.py --trials 40 --jobs local rq
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import OUT, loadavg, median

IDLE_FOR = 0.3          # seconds of no CPU growth that count as idle


def cpu_ns(pid: int) -> int:
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return total


def idle_after(pid: int, t0: float, timeout: float = 10.0) -> float:
    """Seconds from t0 to the last growth of ``pid``'s CPU time before IDLE_FOR of none."""
    last, last_t = cpu_ns(pid), time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        time.sleep(0.002)
        now = cpu_ns(pid)
        t = time.perf_counter()
        if now > last + 200_000:            # more than 0.2 ms of CPU since the last look: busy
            last, last_t = now, t
        elif t - last_t >= IDLE_FOR:
            return max(0.0, last_t - t0)
    return float("nan")


def experiment():
    from rnn.experiment import Experiment
    from rnn.models.config import ModelConfig
    from rnn.train.trainer import TrainConfig
    return Experiment.create("textgen", ModelConfig(arch="lstm", hidden=128, embed=32),
                             TrainConfig(seconds=60.0, eval_every=100), dataset="names")


def trials(backend, pid_of, n: int, seed: int = 0) -> list[dict]:
    from rnn.jobs.runner import spec_for
    rng = random.Random(seed)
    out = []
    for i in range(n):
        job = backend.submit(spec_for(experiment()))
        cursor, seen = 0, 0
        started = None
        while True:                                  # until it trains
            u = backend.read(job, cursor, wait=0.2)
            cursor = u.cursor
            seen += len(u.records)
            if seen and started is None:
                started = time.perf_counter()
            if started and time.perf_counter() - started > rng.uniform(1.0, 3.0):
                break
        pid = pid_of(backend, job)
        t0 = time.perf_counter()
        backend.stop(job)
        idle = idle_after(pid, t0)
        while True:
            u = backend.read(job, cursor, wait=0.5)
            cursor = u.cursor
            if u.state in ("finished", "failed"):
                break
        back = time.perf_counter() - t0
        out.append({"trial": i, "idle_s": idle, "result_s": back, "status": u.result.status if u.result else u.state})
        print(f"    trial {i}: CPU idle after {idle * 1000:.0f} ms, weights back after {back * 1000:.0f} ms",
              flush=True)
        backend.forget(job)
    return out


def pctl(values: list[float], q: float) -> float:
    v = sorted(x for x in values if x == x)
    if not v:
        return float("nan")
    return v[min(len(v) - 1, int(round(q * (len(v) - 1))))]


def run(n: int, jobs: list[str]) -> dict:
    results = {}
    for kind in jobs:
        print(f"  stop latency, {kind} backend, {n} trials; load {loadavg()}", flush=True)
        if kind == "local":
            from rnn.jobs.local import LocalBackend
            backend = LocalBackend(workers=1)
            rows = trials(backend, lambda b, j: b.busy_worker_pid(j), n)
            backend.close()
        else:
            from bench.services import Redis
            import subprocess
            from rnn.jobs.rq_backend import RQBackend
            with Redis(tempfile.mkdtemp()) as r:
                worker = subprocess.Popen([sys.executable, "-m", "rnn", "worker", "--redis", r.url],
                                          cwd=Path(__file__).resolve().parents[1])
                backend = RQBackend(r.url)
                rows = trials(backend, lambda b, j: int(b.redis.get(f"rnn:job:{j}:alive")), n)
                worker.send_signal(2)
                try:
                    worker.wait(30)
                except subprocess.TimeoutExpired:
                    worker.kill()
        idle = [r["idle_s"] for r in rows]
        back = [r["result_s"] for r in rows]
        results[kind] = {"trials": rows, "idle_ms": {k: 1000 * f(idle) for k, f in
                                                     (("median", median), ("p95", lambda v: pctl(v, .95)),
                                                      ("p99", lambda v: pctl(v, .99)), ("max", max))},
                         "result_ms": {k: 1000 * f(back) for k, f in
                                       (("median", median), ("p99", lambda v: pctl(v, .99)), ("max", max))},
                         "loadavg_end": loadavg()}
    return results


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--trials", type=int, default=40)
    ap.add_argument("--jobs", nargs="*", default=["local"], choices=("local", "rq"))
    args = ap.parse_args(argv)
    before = loadavg()
    res = run(args.trials, args.jobs)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "stop.json").write_text(json.dumps({"loadavg_before": before, "results": res}, indent=1))
    print(f"load average before {before}")
    print("| backend | trials | CPU idle after Stop, ms: median / p95 / p99 / max | weights back, ms: median / p99 | load at end |")
    print("|---|---|---|---|---|")
    for kind, r in res.items():
        i, b = r["idle_ms"], r["result_ms"]
        print(f"| {kind} | {len(r['trials'])} | {i['median']:.0f} / {i['p95']:.0f} / {i['p99']:.0f} / "
              f"{i['max']:.0f} | {b['median']:.0f} / {b['p99']:.0f} | {r['loadavg_end']} |")


if __name__ == "__main__":
    main()
