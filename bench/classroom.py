"""6. Classroom load: N sessions on one server (or the hosted set-up), trainings in workers.

For each N (1, 10, 30) a fresh ``streamlit run app.py`` (hosted mode; trainings run in the local
backend's worker processes, one per core) or, with ``--replicas 2 --jobs rq --db postgresql``,
the hosted set-up of compose.yaml from Debian packages on loopback (bench/hosted.py: HAProxy in
front of 2 replicas, ``python -m rnn worker`` processes on Redis, PostgreSQL), and:

- a **probe** session opens Text generation on Try (the pretrained model) and, first with
  nothing else running, then all through the class, types a new priming text about once a
  second: the time from the key press to the end of the rerun it caused is the *interaction
  time* (idle, then "while trainings run");
- N **student** sessions arrive over a few seconds, each opens
  ``Text_generation?tab=Train&textgen_seconds=S``, presses Start, waits for "Finished after ...",
  then opens the Try tab and types three priming texts (more interactions, timed the same way
  and counted as "while trainings run" when another student was still training), and leaves.

A session *completes* when it saw its "Finished after" message and nothing went wrong: no
exception element, no error alert, no dropped connection, no timeout. The server log must hold
no traceback. Per-session throughput: steps / training seconds (from the finish message: the
steps the model took in its S-second budget, i.e. its speed while it held a slot), and steps /
wall seconds from Start to finish (what the student waited, queue included).

Clients: students and the probe are ``bench.clients.WsSession`` (Streamlit's websocket protocol,
one asyncio process); ``--browsers K`` makes K of the students real headless-Chromium pages
(separate browser contexts) running the same steps through the UI.

    python bench/classroom.py --quick        # N = 1, 10, 30 with 5-second trainings (a few min)
    python bench/classroom.py                # N = 1, 10, 30, 10-second trainings, 2 browsers
    python bench/classroom.py --n 30 --seconds 5 --browsers 0
    python bench/classroom.py --quick --n 10 --streamlit-gc   # the failure before the fix:
                                     # Streamlit's full gc.collect() after every script run
    python bench/classroom.py --quick --n 30 --browsers 0 --replicas 2 --jobs rq --db postgresql
                                     # the hosted set-up through the proxy
    python bench/classroom.py --quick --n 30 --browsers 0 --baseline /tmp/main-e0d3ed5
                                     # and the same class on an older checkout, side by side
                                     # (``git worktree add /tmp/main-e0d3ed5 e0d3ed5``)
    python bench/classroom.py --quick --n 90 --browsers 0 --replicas 2 --jobs rq --db postgresql \
        --baseline /tmp/main-fac35f3 --same-topology   # two versions of the hosted code

Throughput is the class's: every session's steps summed, over the seconds from the first Start to
the last finish. Memory: the web processes' RSS (before, peak, after) apart from the workers',
and the total PSS (shared pages split) of every process of the set-up at its peak.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.clients import WsSession
from bench.common import OUT, loadavg, median, p95, rss_mb
from bench.hosted import Hosted, pss_mb, tree

PAGE = "Text_generation"
FINISH = re.compile(r"Finished after (\d+) steps \((\d+) s\)")
ENDED = re.compile(r"^(Finished after|Training diverged)")
QUEUED = "Queued:"
PRIMES = ("Ma", "The ", "Once upon a time", "Al", "Jo", "When the", "Be", "In the beginning")
INTERACTION_TIMEOUT = 120      # seconds: an interaction slower than this is an error
# bench/browser.py's observer reads the attribute when its callback runs (a run that starts and
# ends within one task is logged as two "notRunning"), and waits for a run that *starts* after the
# key press; but a change made while a run is in flight restarts that run, and the attribute never
# leaves "running". This observer keeps each mutation's old value; an interaction has taken effect
# at the first end of a run after it (old value "running"), or, if that record is missing (seen
# once: the end was never logged), when something changed after it and the app is idle again;
# _settled_ms then waits for the burst to settle.
OBSERVER_OLD = """
window.__stlog2 = [];
new MutationObserver(ms => { for (const m of ms) { window.__stlog2.push([m.oldValue, performance.now()]); }
}).observe(document, {attributes: true, subtree: true, attributeOldValue: true,
                      attributeFilter: ['data-test-script-state']});
"""
RUN_ENDED_AFTER = """t0 => { const l = (window.__stlog2 || []).filter(e => e[1] > t0);
    const j = l.findIndex(e => e[0] === 'running');
    if (j >= 0) return l[j][1];
    const app = document.querySelector("[data-testid='stApp']");
    const idle = app && app.getAttribute('data-test-script-state') === 'notRunning';
    return (l.length && idle) ? performance.now() : null; }"""
SERVER_ENV = {"RNN_PLAYGROUND_HOSTED": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


class Clock:
    """Shared state of one class: who is training now, every interaction, RSS samples."""

    def __init__(self):
        self.training: set[str] = set()
        self.interactions: list[dict] = []
        self.rss: list[tuple[float, float]] = []
        self.worker_rss: list[tuple[float, float]] = []
        self.pss: list[tuple[float, float]] = []
        self.t0 = time.perf_counter()

    def note(self, who: str, what: str, seconds: float, started_active: int) -> None:
        active = len(self.training - {who})
        self.interactions.append({"who": who, "what": what, "ms": seconds * 1000,
                                  "during_training": min(active, started_active) > 0,
                                  "t": time.perf_counter() - self.t0})


# ---- one student over the websocket ------------------------------------------------------
async def ws_student(name: str, url: str, clock: Clock, seconds: int, timeout: float,
                     n_try: int = 3) -> dict:
    s = WsSession(url, name)
    row = {"session": name, "client": "websocket", "completed": False}
    try:
        row["load_s"] = await s.open(PAGE, f"tab=Train&textgen_seconds={seconds}")
        t_click = time.perf_counter()
        clock.training.add(name)
        await s.click("button:Start")
        end = await s.wait_text(lambda t: bool(ENDED.match(t)), t_click, timeout)
        clock.training.discard(name)
        if end is None:
            raise TimeoutError(f"no finish message within {timeout:.0f} s")
        _training_figures(row, s.texts.since(t_click), t_click, end)
        row["try_ms"] = []
        for i in range(n_try + 1):
            active = len(clock.training)
            if i == 0:
                took = await s.set_value("tabs", "Try", timeout=INTERACTION_TIMEOUT)
                what = "open Try tab"
            else:
                took = await s.set_value("text_input:key:tg_prime", f"{PRIMES[i % len(PRIMES)]}{name}{i}",
                                         timeout=INTERACTION_TIMEOUT)
                what = "type a priming text"
            clock.note(name, what, took, active)
            row["try_ms"].append(took * 1000)
        row["completed"] = not s.errors and not any(k == "alert_error" for _, k, _ in s.texts.items)
    except Exception as exc:  # noqa: BLE001 -- recorded as this session's error
        s.errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        clock.training.discard(name)
        row["errors"] = s.errors + [t for _, k, t in s.texts.items if k == "alert_error"][:3]
        row["messages"], row["bytes"] = s.messages, s.bytes
        await s.close()
    return row


def _training_figures(row: dict, texts: list, t_click: float, end: tuple) -> None:
    """Steps, training seconds, queue wait and rates from what the page showed."""
    t_end, _, message = end
    row["message"] = message[:120]
    match = FINISH.match(message)
    row["diverged"] = message.startswith("Training diverged")
    progress = [t for t, k, _ in texts if k == "progress"]
    row["queued_ticks"] = sum(1 for _, k, t in texts if k == "alert" and t.startswith(QUEUED))
    row["wait_s"] = (progress[0] - t_click) if progress else None     # Start -> first slice trained
    row["wall_s"] = t_end - t_click
    row["t_click"] = t_click
    if match:
        steps, train_s = int(match.group(1)), int(match.group(2))
        row["steps"], row["train_s"] = steps, train_s
        row["steps_per_s"] = steps / max(train_s, 1)
        row["wall_steps_per_s"] = steps / row["wall_s"]


# ---- one student in a real browser ----------------------------------------------------------
async def browser_student(name: str, url: str, clock: Clock, seconds: int, timeout: float, b,
                          n_try: int = 3) -> dict:
    from bench.browser import new_page, now, page_errors, wait_ready
    row = {"session": name, "client": "chromium", "completed": False}
    context = await b.new_context(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    try:
        page = await new_page(context, timeout_ms=timeout * 1000)
        await page.add_init_script(OBSERVER_OLD)
        client_errors: list[str] = row.setdefault("client_errors", [])
        page.on("crash", lambda *_: client_errors.append("the page (renderer) crashed"))
        page.on("pageerror", lambda exc: client_errors.append(f"page error: {str(exc)[:200]}"))
        page.on("console", lambda m: client_errors.append(f"console {m.type}: {m.text[:200]}")
                if m.type == "error" and "Failed to load resource" not in m.text else None)
        start = time.perf_counter()
        await page.goto(f"{url}/{PAGE}?tab=Train&textgen_seconds={seconds}", wait_until="domcontentloaded")
        await wait_ready(page)
        row["load_s"] = time.perf_counter() - start
        main = page.locator("[data-testid='stMain']")
        t_click = time.perf_counter()
        clock.training.add(name)
        await main.locator("button:has-text('Start')").first.click()
        done = page.get_by_text(re.compile(r"Finished after|Training diverged"))
        await done.first.wait_for(timeout=timeout * 1000)
        clock.training.discard(name)
        message = await done.first.inner_text()
        _training_figures(row, [], t_click, (time.perf_counter(), "alert", message))
        row["wait_s"] = None
        row["try_ms"] = []
        for i in range(n_try + 1):
            active = len(clock.training)
            t0 = await now(page)
            if i == 0:
                await main.get_by_role("tab", name="Try").click()
                what = "open Try tab"
            else:
                box = main.locator("[data-testid='stTextInput'] input").first
                t0 = await now(page)          # before typing: the box may rerun as it is typed
                await box.fill(f"{PRIMES[i % len(PRIMES)]}{name}{i}")   # always a new value
                await box.press("Enter")
                what = "type a priming text"
            ms = await _settled_ms(page, t0, INTERACTION_TIMEOUT * 1000)
            clock.note(name, what, ms / 1000, active)
            row["try_ms"].append(ms)
        errors += await page_errors(page)
        row["completed"] = not errors
    except Exception as exc:  # noqa: BLE001
        errors.append(f"{type(exc).__name__}: {str(exc)[:300]}")
        try:                                       # what the page looked like, for the report
            pages_ = context.pages
            if pages_:
                await pages_[0].screenshot(path=str(OUT / f"classroom_fail_{name}.png"), full_page=True)
                log = await pages_[0].evaluate("window.__stlog2 || []")
                (OUT / f"classroom_fail_{name}.json").write_text(json.dumps(
                    {"stlog_tail": log[-40:], "now": await pages_[0].evaluate("performance.now()"),
                     "url": pages_[0].url}, indent=1))
        except Exception:  # noqa: BLE001 -- best effort
            pass
    finally:
        clock.training.discard(name)
        row["errors"] = errors
        await context.close()
    return row


async def _settled_ms(page, t0: float, timeout_ms: float) -> float:
    """Milliseconds from browser time t0 to the end of the last run of the burst it started."""
    from bench.browser import wait_ready
    handle = await page.wait_for_function(RUN_ENDED_AFTER, arg=t0, timeout=timeout_ms, polling=50)
    first = await handle.json_value()
    await wait_ready(page, timeout_ms)
    last = await page.evaluate("t0 => Math.max(0, ...(window.__stlog2 || []).filter(e => e[1] > t0 && "
                               "e[0] === 'running').map(e => e[1]))", t0)
    return max(first, last) - t0


# ---- the probe: a session that only uses Try ---------------------------------------------------
async def probe(url: str, clock: Clock, stop: asyncio.Event, idle_samples: int, every: float) -> dict:
    s = WsSession(url, "probe")
    out = {"errors": s.errors}
    try:
        out["load_s"] = await s.open(PAGE, "tab=Try")
        i = 0
        for _ in range(idle_samples):                     # nothing else running yet
            took = await s.set_value("text_input:key:tg_prime", PRIMES[i % len(PRIMES)] + str(i))
            clock.note("probe", "idle: type a priming text", took, 0)
            clock.interactions[-1]["during_training"] = False
            clock.interactions[-1]["idle"] = True
            i += 1
            await asyncio.sleep(every / 2)
        out["idle_done"] = True
        while not stop.is_set():
            active = len(clock.training)
            took = await s.set_value("text_input:key:tg_prime", PRIMES[i % len(PRIMES)] + str(i))
            clock.note("probe", "type a priming text", took, active)
            i += 1
            try:
                await asyncio.wait_for(stop.wait(), every)
            except asyncio.TimeoutError:
                pass
        out["completed"] = not s.errors
    except Exception as exc:  # noqa: BLE001
        s.errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        await s.close()
    return out


def _sum(fn, pids) -> float:
    total = 0.0
    for pid in pids:
        try:
            total += fn(pid)
        except (OSError, ValueError):
            pass
    return total


def cpu_s(pid: int) -> float:
    """CPU seconds (user + system) a process has used, from /proc/PID/stat."""
    import os
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def web_rss(h: Hosted) -> float:
    return _sum(rss_mb, h.web_pids)


def worker_rss(h: Hosted) -> float:
    return _sum(rss_mb, [p for w in h.worker_pids for p in tree(w)])


def total_pss(h: Hosted) -> float:
    pids = set(h.web_pids) | {p for w in h.worker_pids for p in tree(w)}
    pids |= {p for s in h.service_pids for p in tree(s)}
    return _sum(pss_mb, pids)


async def sample_rss(h: Hosted, clock: Clock, stop: asyncio.Event, every: float = 1.0) -> None:
    i = 0
    while not stop.is_set():
        t = time.perf_counter() - clock.t0
        clock.rss.append((t, web_rss(h)))
        clock.worker_rss.append((t, worker_rss(h)))
        if i % 3 == 0:                                   # PSS reads every mapping: less often
            clock.pss.append((t, total_pss(h)))
        i += 1
        try:
            await asyncio.wait_for(stop.wait(), every)
        except asyncio.TimeoutError:
            pass


# ---- one class --------------------------------------------------------------------------------
async def one_class(n: int, seconds: int, browsers: int, arrive_s: float, b=None,
                    idle_samples: int = 8, probe_every: float = 1.0, seed: int = 0,
                    streamlit_gc: bool = False, topology: dict | None = None) -> dict:
    clock = Clock()
    topology = dict(topology or {})
    env = {**SERVER_ENV, **({"STREAMLIT_RUNNER_POST_SCRIPT_GC": "true"} if streamlit_gc else {})}
    label = topology_label(topology)
    tag = f"classroom_{n}_" + label.replace(" ", "_").replace(",", "").replace("/", "-")
    rng = random.Random(seed)
    with Hosted(replicas=topology.get("replicas", 1), workers=topology.get("workers", 0),
                jobs=topology.get("jobs", "local"), db=topology.get("db", "sqlite"), env=env,
                app=topology.get("app"), tag=tag) as h:
        stop_probe, stop_rss = asyncio.Event(), asyncio.Event()
        rss_task = asyncio.create_task(sample_rss(h, clock, stop_rss))
        probe_task = asyncio.create_task(probe(h.url, clock, stop_probe, idle_samples, probe_every))
        while not (clock.interactions and len(clock.interactions) >= idle_samples) and not probe_task.done():
            await asyncio.sleep(0.2)                  # the probe's idle baseline first (warms caches too)
        rss_before = web_rss(h)
        workers_before = worker_rss(h)
        cpu_before = _sum(cpu_s, h.web_pids)
        # The budget a student may wait: all trainings one after the other, with a generous
        # allowance for the machine being shared, plus a floor.
        timeout = 120 + 6.0 * seconds * n
        started = time.perf_counter()

        async def student(i: int):
            await asyncio.sleep(rng.uniform(0, arrive_s) if n > 1 else 0)
            name = f"s{i:02d}"
            if i < browsers and b is not None:
                return await browser_student(name, h.url, clock, seconds, timeout, b)
            return await ws_student(name, h.url, clock, seconds, timeout)

        rows = await asyncio.gather(*(student(i) for i in range(n)))
        class_s = time.perf_counter() - started
        web_cpu = _sum(cpu_s, h.web_pids) - cpu_before
        rss_peak_class = max((r for t, r in clock.rss), default=float("nan"))
        stop_probe.set()
        probe_out = await probe_task
        await asyncio.sleep(3)
        rss_after = web_rss(h)
        stop_rss.set()
        await rss_task
        log_errors = h.errors_in_logs()
    out = summarise(n, seconds, rows, probe_out, clock, class_s, rss_before, rss_peak_class,
                    rss_after, log_errors)
    out["worker_rss_mb"] = {"before": workers_before,
                            "peak": max((r for t, r in clock.worker_rss), default=float("nan"))}
    out["total_pss_mb_peak"] = max((r for t, r in clock.pss), default=float("nan"))
    out["web_cpu_s"] = web_cpu                     # CPU seconds the web process(es) used in class
    out["topology"] = label
    return out


def topology_label(t: dict) -> str:
    base = "baseline " + Path(t["app"]).name if t.get("app") else "this checkout"
    return (f"{base}, {t.get('replicas', 1)} replica(s), jobs {t.get('jobs', 'local')}, "
            f"db {t.get('db', 'sqlite')}")


def summarise(n, seconds, rows, probe_out, clock, class_s, rss_before, rss_peak, rss_after,
              log_errors) -> dict:
    during = [i["ms"] for i in clock.interactions if i["during_training"]]
    idle = [i["ms"] for i in clock.interactions if i.get("idle")]
    rates = [r["steps_per_s"] for r in rows if "steps_per_s" in r]
    wall = [r["wall_steps_per_s"] for r in rows if "wall_steps_per_s" in r]
    waits = [r["wait_s"] for r in rows if r.get("wait_s") is not None]
    errors = [f"{r['session']}: {e}" for r in rows for e in r.get("errors", [])]
    errors += [f"probe: {e}" for e in probe_out.get("errors", [])]
    return {
        "n": n, "seconds": seconds, "class_s": class_s,
        "completed": sum(bool(r.get("completed")) for r in rows),
        "errors": errors, "server_log_errors": log_errors,
        "diverged": sum(bool(r.get("diverged")) for r in rows),
        "steps_per_s": {"median": median(rates), "min": min(rates, default=None),
                        "max": max(rates, default=None)},
        "wall_steps_per_s": {"median": median(wall), "min": min(wall, default=None)},
        "wait_s": {"median": median(waits), "max": max(waits, default=None)},
        "wall_s": {"median": median(r["wall_s"] for r in rows if "wall_s" in r),
                   "mean": _mean([r["wall_s"] for r in rows if "wall_s" in r]),
                   "max": max((r["wall_s"] for r in rows if "wall_s" in r), default=None)},
        "interaction_ms": {"during_p95": p95(during), "during_median": median(during),
                           "during_n": len(during), "during_max": max(during, default=None),
                           "idle_p95": p95(idle), "idle_median": median(idle), "idle_n": len(idle)},
        "rss_mb": {"before": rss_before, "peak": rss_peak, "after_close": rss_after},
        "total_steps": sum(r.get("steps", 0) for r in rows),
        "class_steps_per_s": sum(r.get("steps", 0) for r in rows) / max(_span(rows), 1e-9),
        "clients": sorted({r["client"] for r in rows}),
        "sessions": rows, "interactions": clock.interactions, "rss_curve": clock.rss,
        "loadavg_end": loadavg(),
    }


def _span(rows) -> float:
    """Seconds from the first Start to the last finish (wall_s is from each session's Start)."""
    ends = [r["t_click"] + r["wall_s"] for r in rows if "wall_s" in r and "t_click" in r]
    starts = [r["t_click"] for r in rows if "t_click" in r]
    return (max(ends) - min(starts)) if ends and starts else float("nan")


def _mean(values: list) -> float:
    return sum(values) / len(values) if values else float("nan")


def table(results: list[dict]) -> str:
    head = ("| N | set-up | completed | errors | steps/s per session (median) | class steps/s "
            "(all sessions) | Start->finish s (median, max) | interaction p95 ms idle | p95 ms while "
            "training (n) | web RSS MB before/peak/after | worker RSS MB peak | total PSS MB peak |")
    lines = [head, "|" + "---|" * 12]
    for r in results:
        sp, it, rs = r["steps_per_s"], r["interaction_ms"], r["rss_mb"]
        n_err = len(r["errors"]) + len(r["server_log_errors"])
        lines.append(
            f"| {r['n']} | {r.get('topology', '')} | {r['completed']}/{r['n']} | {n_err} | "
            f"{_f(sp['median'])} | {_f(r['class_steps_per_s'])} | "
            f"{_f(r['wall_s']['median'], 0)}, {_f(r['wall_s']['max'], 0)} | {_f(it['idle_p95'], 0)} | "
            f"{_f(it['during_p95'], 0)} ({it['during_n']}) | {rs['before']:.0f}/{rs['peak']:.0f}/"
            f"{rs['after_close']:.0f} | {_f(r['worker_rss_mb']['peak'], 0)} | "
            f"{_f(r['total_pss_mb_peak'], 0)} |")
    return "\n".join(lines)


def _f(x, digits: int = 1) -> str:
    return "-" if x is None or x != x else f"{x:.{digits}f}"


async def _run(ns, seconds, browsers, arrive_s, streamlit_gc=False, topologies=({},)) -> list[dict]:
    results = []
    b_ctx = None
    if browsers:
        from bench.browser import browser
        b_ctx = browser()
    b = await b_ctx.__aenter__() if b_ctx else None
    try:
        for n, topo in [(n, t) for n in ns for t in topologies]:
            print(f"  classroom N={n}: {seconds}-second trainings, {min(browsers, n)} in Chromium, "
                  f"{topology_label(topo)}; load {loadavg()} ...", flush=True)
            res = await one_class(n, seconds, min(browsers, n), arrive_s if n > 1 else 0, b,
                                  streamlit_gc=streamlit_gc, topology=topo)
            res["loadavg_end"] = loadavg()
            results.append(res)
            print(f"    {res['completed']}/{n} completed in {res['class_s']:.0f} s; errors "
                  f"{len(res['errors'])}, log {len(res['server_log_errors'])}; class steps/s "
                  f"{res['class_steps_per_s']:.1f}; Start->finish median {_f(res['wall_s']['median'], 0)} s; "
                  f"p95 {_f(res['interaction_ms']['during_p95'], 0)} ms "
                  f"while training (idle {_f(res['interaction_ms']['idle_p95'], 0)}); web RSS "
                  f"{res['rss_mb']['before']:.0f}->{res['rss_mb']['peak']:.0f}->"
                  f"{res['rss_mb']['after_close']:.0f} MB; workers {_f(res['worker_rss_mb']['peak'], 0)} MB; "
                  f"PSS {_f(res['total_pss_mb_peak'], 0)} MB; web CPU {res['web_cpu_s']:.0f} s; "
                  f"load {res['loadavg_end']}", flush=True)
            for e in (res["errors"] + res["server_log_errors"])[:8]:
                print(f"      ! {e}", flush=True)
    finally:
        if b_ctx:
            await b_ctx.__aexit__(None, None, None)
    return results


def run(quick: bool = False, ns=(1, 10, 30), seconds: int | None = None,
        browsers: int | None = None, arrive_s: float | None = None, streamlit_gc: bool = False,
        topologies=None) -> dict:
    """The classroom figures; ``quick``: 5-second trainings, websocket clients only."""
    seconds = seconds or (5 if quick else 10)
    browsers = (0 if quick else 2) if browsers is None else browsers
    arrive_s = (5.0 if quick else 15.0) if arrive_s is None else arrive_s
    topologies = list(topologies or [{}])
    load_before = loadavg()
    results = asyncio.run(_run(list(ns), seconds, browsers, arrive_s, streamlit_gc, topologies))
    OUT.mkdir(parents=True, exist_ok=True)
    out = {"mode": "quick" if quick else "full", "seconds": seconds, "browsers": browsers,
           "arrive_s": arrive_s, "streamlit_post_script_gc": streamlit_gc, "results": results,
           "loadavg_before": load_before, "loadavg_after": loadavg(), "table": table(results)}
    name = ("classroom" + ("_quick" if quick else "") + ("_streamlit_gc" if streamlit_gc else "")
            + "".join("_" + topology_label(t).replace(" ", "").replace(",", "_").replace("(s)", "")
                      for t in topologies if t))
    (OUT / f"{name[:150]}.json").write_text(json.dumps(out, indent=1, default=str))
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="5-second trainings, no browsers")
    ap.add_argument("--n", type=int, nargs="*", default=[1, 10, 30], help="class sizes")
    ap.add_argument("--seconds", type=int, default=None, help="training budget per student")
    ap.add_argument("--browsers", type=int, default=None, help="students in real Chromium")
    ap.add_argument("--arrive", type=float, default=None, help="students arrive over this many s")
    ap.add_argument("--streamlit-gc", action="store_true",
                    help="keep Streamlit's gc.collect() after every run (the state before the fix)")
    ap.add_argument("--replicas", type=int, default=1, help="app replicas (2+: behind HAProxy)")
    ap.add_argument("--jobs", choices=("local", "rq"), default="local",
                    help="where trainings run: each replica's worker processes, or RQ on Redis")
    ap.add_argument("--workers", type=int, default=None,
                    help="rq: `python -m rnn worker` processes (default 2); local: per replica "
                         "(default: one per core)")
    ap.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite",
                    help="the poll store: each replica's SQLite file, or one PostgreSQL")
    ap.add_argument("--baseline", type=Path, default=None,
                    help="also run the class on this checkout's app.py (an older version), "
                         "before this one, with its own defaults")
    ap.add_argument("--same-topology", action="store_true",
                    help="run the baseline in the same set-up (--replicas/--jobs/--db) as this "
                         "checkout, for two versions of the hosted code side by side")
    args = ap.parse_args(argv)
    topo = {"replicas": args.replicas, "jobs": args.jobs, "db": args.db,
            "workers": args.workers if args.workers is not None else (2 if args.jobs == "rq" else 0)}
    base = {**topo} if args.same_topology else {}
    topologies = ([{**base, "app": str(args.baseline.resolve())}] if args.baseline else []) + [topo]
    out = run(args.quick, args.n, args.seconds, args.browsers, args.arrive, args.streamlit_gc,
              topologies)
    print(f"load average before {out['loadavg_before']}, after {out['loadavg_after']}")
    print(out["table"])
    if args.baseline:
        for n in args.n:
            pair = [r for r in out["results"] if r["n"] == n]
            if len(pair) == 2 and pair[0]["class_steps_per_s"] > 0:
                print(f"N={n}: class throughput {pair[1]['class_steps_per_s'] / pair[0]['class_steps_per_s']:.2f}x "
                      f"the baseline's; p95 while training {_f(pair[1]['interaction_ms']['during_p95'], 0)} ms "
                      f"vs {_f(pair[0]['interaction_ms']['during_p95'], 0)} ms")


if __name__ == "__main__":
    main()
