"""Soak: sessions coming and going for a long time; does the server's memory stay bounded?

One ``streamlit run app.py`` (hosted mode, the gate's default of 2 trainings at once) and a
stream of visitors (``bench.clients.WsSession``, Streamlit's websocket protocol), about
``--concurrent`` of them at any moment. Each visitor picks a lesson with a training panel
(Named entities, Text generation, Sentiment, Translation, in turn), opens it on the Train tab with
a 5-second budget and presses Start; then

- most wait for "Finished after", open the Try tab, type twice and close the tab;
- one in four closes the tab 1-3 s after Start, *mid-training* (its job training in a worker, or queued);
- one in six only reads the Learn tab and leaves.

The server's resident set (VmRSS, /proc/<pid>/status) is sampled every ``--every`` seconds into
``bench/out/soak_rss.csv``. After the traffic, the server is left alone for longer than Streamlit
keeps a closed tab's session for reconnection (``server.disconnectedSessionTTL``, 120 s), then one
last visitor opens a page and leaves (Streamlit drops expired sessions when the next one
disconnects) and trains alone: it must not be queued behind a ghost of a closed tab. The
resident set is read once more after the app's periodic garbage collection has run.

    python bench/soak.py --minutes 20            # the soak in docs/LOAD_AND_SOAK.md
    python bench/soak.py --minutes 4 --concurrent 6
"""
from __future__ import annotations

import argparse
import asyncio
import csv
import json
import random
import re
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.browser import Server
from bench.clients import WsSession
from bench.common import OUT, loadavg, median, p95, rss_mb

SERVER_ENV = {"RNN_PLAYGROUND_HOSTED": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
              "RNN_PLAYGROUND_MEMORY_LOG": "1"}      # the app's collector prints a line per run
# page -> (task prefix of its sidebar keys, Try text box key, text to type)
LESSONS = {"Named_entities": ("ner", "ner_text", "Yesterday Teddy Roosevelt met April Jordan in Paris ."),
           "Text_generation": ("textgen", "tg_prime", "Ma"),
           "Sentiment": ("sentiment", "sentiment_text", "not good at all , but the acting was great"),
           "Translation": ("translation", "tr_source", "three hundred and forty-two")}
ENDED = re.compile(r"^(Finished after|Training diverged)")
SESSION_TTL = 120          # Streamlit's server.disconnectedSessionTTL default, seconds
APP_GC_EVERY = 30          # rnn.ui.live_training.GC_EVERY


class Tally:
    def __init__(self):
        self.live = 0
        self.opened = 0
        self.closed = 0
        self.kinds: dict[str, int] = {}
        self.completed = 0
        self.errors: list[str] = []
        self.interactions: list[float] = []
        self.rates: list[float] = []
        self.phase = "start"


async def visitor(i: int, url: str, tally: Tally, rng: random.Random, seconds: int,
                  timeout: float) -> None:
    page = list(LESSONS)[i % len(LESSONS)]
    task, box, text = LESSONS[page]
    roll = rng.random()
    kind = "reader" if roll < 1 / 6 else "abandons mid-training" if roll < 1 / 6 + 1 / 4 else "trainer"
    tally.kinds[kind] = tally.kinds.get(kind, 0) + 1
    s = WsSession(url, f"v{i}")
    tally.live += 1
    tally.opened += 1
    ok = False
    try:
        if kind == "reader":
            await s.open(page, "tab=Learn", timeout=timeout)
            await asyncio.sleep(rng.uniform(1, 4))
            ok = True
            return
        await s.open(page, f"tab=Train&{task}_seconds={seconds}", timeout=timeout)
        t_click = time.perf_counter()
        await s.click("button:Start", timeout=timeout)
        if kind != "trainer":
            await asyncio.sleep(rng.uniform(1, 3))
            ok = True
            return                                      # the tab closes mid-training
        end = await s.wait_text(lambda t: bool(ENDED.match(t)), t_click, timeout)
        if end is None:
            raise TimeoutError(f"no finish message within {timeout:.0f} s")
        match = re.match(r"Finished after (\d+) steps \((\d+) s\)", end[2])
        if match:
            tally.rates.append(int(match.group(1)) / max(1, int(match.group(2))))
        tally.interactions.append(1000 * await s.set_value("tabs", "Try", timeout=timeout))
        for extra in ("", " "):
            tally.interactions.append(1000 * await s.set_value(f"text_input:key:{box}", text + extra,
                                                               timeout=timeout))
        ok = True
    except Exception as exc:  # noqa: BLE001 -- counted, the soak goes on
        s.errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        bad = s.errors + [t for _, k, t in s.texts.items if k in ("alert_error", "exception")]
        if bad:
            tally.errors += [f"v{i} {page} {kind}: {e}"[:300] for e in bad[:3]]
        elif ok:
            tally.completed += 1
        await s.close()
        tally.live -= 1
        tally.closed += 1


def last_memory_line(log_path: Path) -> dict:
    """The app's latest ``rnn-memory:`` line (rnn.ui.live_training), as numbers."""
    try:
        lines = [ln for ln in log_path.read_text(errors="replace").splitlines()
                 if ln.startswith("rnn-memory:")]
    except OSError:
        return {}
    if not lines:
        return {}
    out = {}
    for part in lines[-1].split()[1:]:
        key, _, value = part.partition("=")
        try:
            out[key] = float(value)
        except ValueError:
            pass
    out["n_lines"] = len(lines)
    return out


async def sampler(pid: int, tally: Tally, rows: list, stop: asyncio.Event, every: float, t0: float,
                  log_path: Path, quiet: bool = False) -> None:
    while not stop.is_set():
        mem = last_memory_line(log_path)
        row = {"t_s": round(time.perf_counter() - t0, 1), "rss_mb": round(rss_mb(pid), 1),
               "live_sessions": tally.live, "opened": tally.opened, "closed": tally.closed,
               "phase": tally.phase, "app_live_experiments": mem.get("live_experiments"),
               "app_objects": mem.get("objects"), "app_gc_runs": mem.get("n_lines")}
        rows.append(row)
        if not quiet:
            print(f"  {row['t_s']:7.0f} s  RSS {row['rss_mb']:7.1f} MB  live {row['live_sessions']:2d}  "
                  f"opened {row['opened']:4d}  experiments alive {_i(row['app_live_experiments'])}  "
                  f"{row['phase']}",
                  flush=True)
        try:
            await asyncio.wait_for(stop.wait(), every)
        except asyncio.TimeoutError:
            pass


async def _soak(minutes: float, concurrent: int, every: float, seconds: int, seed: int) -> dict:
    rng = random.Random(seed)
    tally = Tally()
    rows: list[dict] = []
    server = Server(env=SERVER_ENV, log_name="soak_streamlit.log")
    marks: dict[str, float] = {}
    final: dict = {}
    try:
        server.wait_port()
        t0 = time.perf_counter()
        stop = asyncio.Event()
        log_path = Path(server.log.name)
        sample_task = asyncio.create_task(sampler(server.pid, tally, rows, stop, every, t0, log_path))
        await asyncio.sleep(min(20, every * 2))
        marks["idle"] = rss_mb(server.pid)
        tail = SESSION_TTL + 30 + APP_GC_EVERY + 30
        traffic_s = max(60.0, minutes * 60 - tail - (time.perf_counter() - t0))
        timeout = 120 + 20 * seconds * concurrent
        # Warm-up: one visit to every lesson, one after the other (loads the shared caches).
        tally.phase = "warm-up"
        for i in range(len(LESSONS)):
            s = WsSession(server.url, f"warm{i}")
            page = list(LESSONS)[i]
            await s.open(page, "tab=Try", timeout=timeout)
            await s.close()
        await asyncio.sleep(5)
        marks["after_warmup"] = rss_mb(server.pid)
        tally.phase = "traffic"
        end_traffic = time.perf_counter() + traffic_s
        running: set[asyncio.Task] = set()
        i = 0
        while time.perf_counter() < end_traffic:
            while len(running) < concurrent and time.perf_counter() < end_traffic:
                task = asyncio.create_task(visitor(i, server.url, tally, rng, seconds, timeout))
                running.add(task)
                task.add_done_callback(running.discard)
                i += 1
                await asyncio.sleep(rng.uniform(0.2, 2.0))
            await asyncio.sleep(0.5)
        tally.phase = "draining"
        if running:
            await asyncio.wait(running, timeout=timeout)
        marks["end_of_traffic"] = rss_mb(server.pid)
        app_lines = {"end_of_traffic": last_memory_line(log_path)}
        tally.phase = "quiet (session TTL)"
        await asyncio.sleep(SESSION_TTL + 30)
        marks["after_ttl_quiet"] = rss_mb(server.pid)
        app_lines["after_ttl_quiet"] = last_memory_line(log_path)
        # A last visitor: its disconnect makes Streamlit drop the expired sessions; it trains
        # alone, so it must get a slot at once (no ghost of a closed tab holds one or queues first).
        tally.phase = "last visitor"
        s = WsSession(server.url, "last")
        task, box, text = LESSONS["Text_generation"]
        await s.open("Text_generation", f"tab=Train&{task}_seconds={seconds}", timeout=timeout)
        t_click = time.perf_counter()
        await s.click("button:Start", timeout=timeout)
        end = await s.wait_text(lambda t: bool(ENDED.match(t)), t_click, timeout)
        texts = s.texts.since(t_click)
        progress = [t for t, k, _ in texts if k == "progress"]
        final = {"finished": bool(end), "message": end[2][:100] if end else None,
                 "queued_messages": sum(1 for _, k, t in texts if k == "alert" and t.startswith("Queued")),
                 "start_to_first_slice_s": (progress[0] - t_click) if progress else None,
                 "errors": list(s.errors)}
        await s.close()
        tally.phase = "after last visitor + app GC"
        await asyncio.sleep(APP_GC_EVERY + 15)
        marks["end"] = rss_mb(server.pid)
        app_lines["end"] = last_memory_line(log_path)
        final["app_memory"] = app_lines
        stop.set()
        await sample_task
        log_errors = server.errors_in_log()
    finally:
        server.stop()
    return summarise(rows, marks, tally, final, log_errors, minutes, concurrent, seconds, traffic_s)


def summarise(rows, marks, tally, final, log_errors, minutes, concurrent, seconds, traffic_s) -> dict:
    traffic = [r for r in rows if r["phase"] in ("traffic", "draining")]
    half = traffic[len(traffic) // 2:]
    slope = _slope([(r["t_s"] / 60, r["rss_mb"]) for r in half])          # MB per minute
    thirds = [traffic[k * len(traffic) // 3:(k + 1) * len(traffic) // 3] for k in range(3)]
    peak_by_third = [max((r["rss_mb"] for r in part), default=float("nan")) for part in thirds]
    peak = max((r["rss_mb"] for r in rows), default=float("nan"))
    # Bounded: in the last third of the traffic the resident set peaks, and averages, no higher
    # than 5 % above the middle third (the first third holds the ramp-up). The second half's
    # trend (least squares, MB per minute) is reported too; samples swing by +-50 MB.
    means = [sum(r["rss_mb"] for r in part) / len(part) if part else float("nan") for part in thirds]
    bounded = peak_by_third[2] <= 1.05 * peak_by_third[1] and means[2] <= 1.05 * means[1]
    returned = marks.get("end_of_traffic", float("nan")) - marks.get("end", float("nan"))
    # Models: at the end only the last visitor's session (closed < 120 s ago, kept by Streamlit
    # for a reconnect) may still hold an experiment.
    end_line = final.get("app_memory", {}).get("end", {})
    models_released = end_line.get("live_experiments", 99) <= 1
    return {"minutes": minutes, "concurrent": concurrent, "train_seconds": seconds,
            "traffic_s": traffic_s, "rss_mb": {**marks, "peak": peak, "peak_by_traffic_third": peak_by_third,
                       "mean_by_traffic_third": means},
            "slope_mb_per_min_second_half": slope, "bounded": bounded,
            "rss_returned_after_close_mb": returned, "models_released": models_released,
            "sessions": {"opened": tally.opened, "closed": tally.closed, "completed": tally.completed,
                         "kinds": tally.kinds, "errors": len(tally.errors)},
            "errors": tally.errors[:30], "server_log_errors": log_errors,
            "interaction_ms": {"median": median(tally.interactions), "p95": p95(tally.interactions),
                               "n": len(tally.interactions)},
            "steps_per_s": {"median": median(tally.rates), "n": len(tally.rates)},
            "last_visitor": final, "loadavg_end": loadavg(), "curve": rows}


def _i(x) -> str:
    return "-" if x is None else str(int(x))


def _slope(points) -> float:
    if len(points) < 2:
        return float("nan")
    mx = sum(x for x, _ in points) / len(points)
    my = sum(y for _, y in points) / len(points)
    den = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / den if den else float("nan")


def curve_table(rows: list[dict], step_s: float = 60) -> str:
    lines = ["| t (min) | RSS MB | live sessions | sessions opened | experiments alive (app) | "
             "gate slots in use / queued | phase |", "|---|---|---|---|---|---|---|"]
    next_t = 0.0
    for r in rows:
        if r["t_s"] >= next_t or r is rows[-1]:
            lines.append(f"| {r['t_s'] / 60:.1f} | {r['rss_mb']:.0f} | {r['live_sessions']} | "
                         f"{r['opened']} | {_i(r.get('app_live_experiments'))} | "
                         f"{_i(r.get('gate_slots_in_use'))} / {_i(r.get('gate_queued'))} | {r['phase']} |")
            next_t = r["t_s"] + step_s
    return "\n".join(lines)


def run(minutes: float = 20, concurrent: int = 8, every: float = 10, seconds: int = 5,
        seed: int = 0) -> dict:
    out = asyncio.run(_soak(minutes, concurrent, every, seconds, seed))
    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / "soak_rss.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(out["curve"][0]))
        w.writeheader()
        w.writerows(out["curve"])
    (OUT / "soak.json").write_text(json.dumps(out, indent=1, default=str))
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--minutes", type=float, default=20, help="total length, quiet tail included")
    ap.add_argument("--concurrent", type=int, default=8, help="visitors at any moment")
    ap.add_argument("--every", type=float, default=10, help="seconds between RSS samples")
    ap.add_argument("--seconds", type=int, default=5, help="training budget per visitor")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    out = run(args.minutes, args.concurrent, args.every, args.seconds, args.seed)
    print(curve_table(out["curve"], step_s=max(60.0, args.minutes * 60 / 20)))
    m = out["rss_mb"]
    print(f"RSS MB: idle {m['idle']:.0f}, after warm-up {m['after_warmup']:.0f}, peak {m['peak']:.0f}, "
          f"end of traffic {m['end_of_traffic']:.0f}, after TTL {m['after_ttl_quiet']:.0f}, end {m['end']:.0f}")
    print(f"second-half slope {out['slope_mb_per_min_second_half']:+.2f} MB/min; bounded: {out['bounded']}; "
          f"RSS returned after close: {out['rss_returned_after_close_mb']:.0f} MB; models released: "
          f"{out['models_released']}")
    print(f"sessions: {out['sessions']}; server log errors: {len(out['server_log_errors'])}")
    print(f"interactions: {out['interaction_ms']}; steps/s {out['steps_per_s']}")
    print(f"last visitor: {out['last_visitor']}")
    for e in out["errors"][:10]:
        print("  !", e)


if __name__ == "__main__":
    main()
