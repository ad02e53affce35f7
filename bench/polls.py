"""Class polls under load: 30 students vote on one question while two trainings run.

One fresh ``streamlit run app.py`` (hosted mode, its own poll database), all clients are
``bench.clients.WsSession`` (Streamlit's websocket protocol; their fragment timers tick like a
browser's):

1. a **teacher** opens Classroom and presses "Start a live class"; the teacher's live chart is a
   fragment that re-reads the votes every ``classroom_poll_seconds`` (1 s);
2. 30 **students** open ``Classroom?room=CODE`` (their own fragments poll every 2 s);
3. *idle*: for ``--idle`` seconds nobody does anything: the server's CPU share is the cost of
   31 open poll views;
4. two **trainings** start (Text generation, Train tab, Start), and while they run every student
   presses one answer at a random moment within ``--spread`` seconds.

Figures: every vote counted (the database, each student's "Answer sent", and the teacher's last
chart all say 30); per vote, the time from the student's click to the first chart the teacher's
session *received* that counts it. Which chart counts a vote: SQLite serialises the writes, so the
votes' commit order is their ``at`` order in the database, and the r-th vote committed is in every
chart whose total is at least r. Server CPU is read from /proc for the idle and the voting phase.

    python bench/polls.py                 # 30 students, 2 trainings
    python bench/polls.py --students 10 --trainings 0
"""
from __future__ import annotations

import argparse
import asyncio
import html
import json
import os
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.browser import Server
from bench.clients import WsSession
from bench.common import OUT, loadavg, median, p95
from rnn.classroom import new_student_id
from rnn.ui.classroom_student import COOKIE
from streamlit.proto.WidgetStates_pb2 import WidgetState

PAGE = "Classroom"
TRAIN_PAGE = "Text_generation"
TICKS = os.sysconf("SC_CLK_TCK")


class Teacher(WsSession):
    """A WsSession that also keeps every vote chart it receives: (wall time, total votes)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.charts: list[tuple[float, int]] = []

    def _delta(self, delta) -> None:
        super()._delta(delta)
        if delta.WhichOneof("type") == "new_element" and \
                delta.new_element.WhichOneof("type") == "plotly_chart":
            spec = json.loads(delta.new_element.plotly_chart.spec or "{}")
            xs = (spec.get("data") or [{}])[0].get("x") or []
            self.charts.append((time.time(), int(sum(xs))))


class Student(WsSession):
    """A phone whose browser already keeps its student id as the classroom's cookie (a real
    browser gets it on its first visit: the page sets it and reloads; see rnn/ui/classroom_student.py)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.me = new_student_id()

    async def connect(self) -> None:
        from websockets.asyncio.client import connect
        self.ws = await connect(self.ws_url, subprotocols=["streamlit"], max_size=2**27,
                                open_timeout=60, ping_interval=20, ping_timeout=60,
                                additional_headers={"Cookie": f"{COOKIE}={self.me}"})
        self._reader = asyncio.create_task(self._read())

    def _delta(self, delta) -> None:
        super()._delta(delta)
        if delta.WhichOneof("type") == "new_element" and \
                delta.new_element.WhichOneof("type") == "html":
            self.texts.add("html", delta.new_element.html.body)      # the question on the phone


async def reach(kids, teacher: WsSession, button: str, seen, timeout: float = 30) -> list:
    """The teacher presses ``button``; seconds until each phone has received a text for which
    ``seen(text)`` is true (None: not within ``timeout``). The phones only poll: nothing is
    pushed to them, so this is the delay a class sees after the teacher's click."""
    t0 = time.perf_counter()
    await teacher.click(button)
    got = await asyncio.gather(*(k.wait_text(seen, t0, timeout, kinds=("alert", "html"))
                                 for k in kids))
    return [None if g is None else g[0] - t0 for g in got]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS          # utime + stime


def first_chart_with(charts, total: int, after: float) -> float | None:
    for t, n in charts:
        if t >= after and n >= total:
            return t
    return None


async def run(students: int = 30, trainings: int = 2, idle: float = 10.0, spread: float = 5.0,
              train_seconds: int = 40, seed: int = 0) -> dict:
    rng = random.Random(seed)
    db = Path(tempfile.mkdtemp(prefix="polls-bench-")) / "polls.sqlite3"
    env = {"RNN_PLAYGROUND_HOSTED": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
           "RNN_PLAYGROUND_CLASSROOM_DB": str(db)}
    server = Server(env, log_name="polls-streamlit.log")
    from rnn.ui.classroom_student import STUDENT_POLL_FACTOR
    from rnn.settings import Settings
    out: dict = {"students": students, "trainings": trainings, "loadavg_before": loadavg(),
                 "student_poll_s": STUDENT_POLL_FACTOR * Settings().classroom_poll_seconds}
    sessions: list[WsSession] = []
    try:
        server.wait_port()
        teacher = Teacher(server.url, "teacher")
        sessions.append(teacher)
        await teacher.open(PAGE)
        await teacher.click("button:key:cls_start")
        code = sqlite3.connect(db).execute("SELECT code FROM rooms").fetchone()[0]
        # students arrive
        kids = [Student(server.url, f"s{i}") for i in range(students)]
        sessions += kids
        loads = await asyncio.gather(*(k.open(PAGE, f"room={code}") for k in kids))
        out["student_load_s"] = {"median": median(loads), "max": max(loads)}
        # idle: open poll views only
        c0, t0 = cpu_seconds(server.pid), time.time()
        await asyncio.sleep(idle)
        out["idle_cpu_share"] = (cpu_seconds(server.pid) - c0) / (time.time() - t0)
        # two trainings
        trainers = [WsSession(server.url, f"train{i}") for i in range(trainings)]
        sessions += trainers
        for tr in trainers:
            await tr.open(TRAIN_PAGE, f"tab=Train&textgen_seconds={train_seconds}")
            await tr.click("button:Start")
        await asyncio.sleep(2.0)                     # the trainings are under way
        c1, t1, perf1 = cpu_seconds(server.pid), time.time(), time.perf_counter()
        clicks: dict[str, tuple[float, float, bool]] = {}

        async def vote(kid: WsSession, choice: int) -> None:
            """Press an answer as a browser does: the button is inside the student's fragment,
            so the click reruns that fragment only; done when "Answer sent" arrives."""
            await asyncio.sleep(rng.uniform(0, spread))
            fragment = next(iter(kid._timers), "")       # the student view's fragment id
            button = WidgetState(id=kid.widget_id(f"button:key:cls_vote_0_{choice}"),
                                 trigger_value=True)
            start, perf = time.time(), time.perf_counter()
            await kid._send_rerun([button], fragment_id=fragment)
            sent = await kid.wait_text(lambda t: t.startswith("Answer sent"), perf, 60,
                                       kinds=("alert",))
            clicks[kid.name] = (start, time.time(), sent is not None)

        await asyncio.gather(*(vote(k, rng.randrange(4)) for k in kids))
        deadline = time.time() + 30
        while time.time() < deadline and (not teacher.charts or teacher.charts[-1][1] < students):
            await asyncio.sleep(0.2)
        out["vote_cpu_share"] = (cpu_seconds(server.pid) - c1) / (time.time() - t1)
        out["training_progress_msgs_during_votes"] = sum(
            1 for tr in trainers for t, kind, _ in tr.texts.items if kind == "progress" and t >= perf1)
        # every vote counted?
        rows = sqlite3.connect(db).execute("SELECT student, at FROM votes ORDER BY at").fetchall()
        me = {k.name: k.me for k in kids}
        by_student = {v: k for k, v in me.items()}
        latencies, to_commit, commit_to_chart = [], [], []
        for rank, (student, at) in enumerate(rows, start=1):
            name = by_student.get(student)
            if name is None or name not in clicks:
                continue
            seen = first_chart_with(teacher.charts, rank, clicks[name][0])
            latencies.append(None if seen is None else seen - clicks[name][0])
            to_commit.append(at - clicks[name][0])          # the server's clock = this one's
            if seen is not None:
                commit_to_chart.append(seen - at)
        counted = [x for x in latencies if x is not None]
        out["click_to_commit_s"] = {"median": median(to_commit), "p95": p95(to_commit)}
        out["commit_to_teacher_chart_s"] = {"median": median(commit_to_chart),
                                            "p95": p95(commit_to_chart)}
        out.update({
            "votes_in_db": len(rows), "students_told_sent": sum(c[2] for c in clicks.values()),
            "teacher_last_total": teacher.charts[-1][1] if teacher.charts else 0,
            "votes_seen_by_teacher": len(counted),
            "vote_to_chart_s": {"median": median(counted) if counted else None,
                                "p95": p95(counted) if counted else None,
                                "max": max(counted) if counted else None},
            "vote_click_to_ack_s": {"median": median([b - a for a, b, _ in clicks.values()]),
                                    "p95": p95([b - a for a, b, _ in clicks.values()])},
            "errors": [f"{s.name}: {e}" for s in sessions for e in s.errors][:5],
            "loadavg_after": loadavg(),
        })
        out["every_vote_counted"] = (len(rows) == students == out["students_told_sent"]
                                     == out["teacher_last_total"] == len(counted))
        out["p95_under_2s"] = bool(counted) and p95(counted) < 2.0
        # the teacher reveals, then moves on: how long until every phone shows it
        from rnn.lessons import course
        first, second = course.steps()[0], course.steps()[1]
        reveal = await reach(kids, teacher, "button:key:cls_reveal",
                             lambda t: t.startswith(f"**Answer: ({chr(97 + first.challenge.answer)})"))
        question = html.escape(second.challenge.question)[:40]
        nxt = await reach(kids, teacher, "button:key:cls_next", lambda t: question in t)
        for name, got in (("reveal", reveal), ("next", nxt)):
            ok = [x for x in got if x is not None]
            out[f"{name}_to_phones_s"] = {"phones_reached": len(ok),
                                          "median": median(ok) if ok else None,
                                          "p95": p95(ok) if ok else None,
                                          "max": max(ok) if ok else None}
        out["reveal_and_next_p95_within_2s"] = all(
            out[f"{n}_to_phones_s"]["phones_reached"] == students
            and out[f"{n}_to_phones_s"]["p95"] <= 2.0 for n in ("reveal", "next"))
        out["loadavg_after"] = loadavg()
    finally:
        for s in sessions:
            await s.close()
        server.proc.terminate()
        try:
            server.proc.wait(15)
        except Exception:  # noqa: BLE001
            server.proc.kill()
    return out


def table(r: dict) -> str:
    def f(x):
        return "–" if x is None else f"{x:.2f}"
    lat, ack = r["vote_to_chart_s"], r["vote_click_to_ack_s"]
    return "\n".join([
        "| students | trainings | votes in DB / told sent / teacher's chart | every vote counted | "
        "vote → teacher chart median / p95 / max (s) | of which click → stored, stored → chart: "
        "median / p95 (s) | click → 'Answer sent' median / p95 (s) | "
        "server CPU idle poll views / while voting |",
        "|---|---|---|---|---|---|---|---|",
        f"| {r['students']} | {r['trainings']} | {r['votes_in_db']} / {r['students_told_sent']} / "
        f"{r['teacher_last_total']} | {'yes' if r['every_vote_counted'] else 'NO'} | "
        f"{f(lat['median'])} / {f(lat['p95'])} / {f(lat['max'])} | "
        f"{f(r['click_to_commit_s']['median'])} / {f(r['click_to_commit_s']['p95'])}, "
        f"{f(r['commit_to_teacher_chart_s']['median'])} / {f(r['commit_to_teacher_chart_s']['p95'])} | "
        f"{f(ack['median'])} / "
        f"{f(ack['p95'])} | {r['idle_cpu_share']:.0%} / {r['vote_cpu_share']:.0%} |",
        "",
        "| students | phones polling every (s) | Reveal → phones median / p95 / max (s) | "
        "Next → phones median / p95 / max (s) | every phone within 2 s at p95 |",
        "|---|---|---|---|---|",
        f"| {r['students']} | {r['student_poll_s']:g} | "
        + " | ".join(f"{f(r[k]['median'])} / {f(r[k]['p95'])} / {f(r[k]['max'])}"
                     for k in ("reveal_to_phones_s", "next_to_phones_s"))
        + f" | {'yes' if r['reveal_and_next_p95_within_2s'] else 'NO'} |"])


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--students", type=int, default=30)
    ap.add_argument("--trainings", type=int, default=2)
    ap.add_argument("--idle", type=float, default=10.0)
    ap.add_argument("--spread", type=float, default=5.0)
    ap.add_argument("--train-seconds", type=int, default=40)
    args = ap.parse_args(argv)
    result = asyncio.run(run(args.students, args.trainings, args.idle, args.spread,
                             args.train_seconds))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "polls.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    print(table(result))


if __name__ == "__main__":
    main()
