"""Faults in the hosted set-up (bench/hosted.py: HAProxy, 2 replicas, RQ workers, PostgreSQL).

1. **A replica killed**: ``--sessions`` students open a page through the proxy (spread over both
   replicas), the class votes (PostgreSQL), then one replica is killed (SIGKILL). Every student
   reconnects through the proxy, as the browser does when its websocket drops: each must be
   served (by the other replica) and the votes must all still be there.
2. **PostgreSQL restarted** and **Redis restarted**: the votes are still there afterwards, and a
   training submitted after the Redis restart runs to the end.

    python bench/failover.py --sessions 6
"""
from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.clients import WsSession
from bench.common import OUT, loadavg
from bench.hosted import Hosted

PAGE = "Text_generation"


async def open_all(url: str, n: int, tag: str, tries: int = 1) -> list[dict]:
    """Open the page in ``n`` sessions; a session that fails tries again a second later, up to
    ``tries`` times (Streamlit's page reconnects the same way when its websocket drops)."""
    async def one(i):
        row = {"session": i, "attempts": 0}
        t0 = time.perf_counter()
        for attempt in range(tries):
            row["attempts"] = attempt + 1
            s = WsSession(url, f"{tag}{i}")
            try:
                await s.open(PAGE, "tab=Try", timeout=120)
                row["ok"] = not s.errors
            except Exception as exc:  # noqa: BLE001
                row["ok"], row["error"] = False, f"{type(exc).__name__}: {exc}"
            finally:
                await s.close()
            if row["ok"]:
                break
            await asyncio.sleep(1.0)
        row["load_s"] = time.perf_counter() - t0
        return row
    return list(await asyncio.gather(*(one(i) for i in range(n))))


def votes(store, n: int):
    from rnn.classroom import new_student_id
    new = store.create_room("course.onehot")
    code = new.room.code
    for i in range(n):
        s = new_student_id()
        store.join(code, s)
        store.vote(code, s, "course.onehot", i % 2)
    return code


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=6)
    args = ap.parse_args(argv)
    from rnn.classroom import SQLStore
    out = {"loadavg_before": loadavg()}
    with Hosted(replicas=2, workers=1, jobs="rq", db="postgresql", tag="failover",
                env={"RNN_PLAYGROUND_HOSTED": "1"}) as h:
        store = SQLStore(h.pg.url)
        code = votes(store, 30)
        before = asyncio.run(open_all(h.url, args.sessions, "before"))
        t0 = time.perf_counter()
        h.kill_replica(0)
        after = asyncio.run(open_all(h.url, args.sessions, "after", tries=30))
        out["replica_killed"] = {
            "served_before": sum(r["ok"] for r in before), "served_after": sum(r["ok"] for r in after),
            "sessions": args.sessions, "reconnect_s_max": max((r.get("load_s", 0) for r in after), default=None),
            "attempts": [r["attempts"] for r in after],
            "seconds_to_all_served": time.perf_counter() - t0,
            "errors": [r.get("error") for r in after if not r["ok"]],
            "votes_after": store.tally(code, "course.onehot", 2)}
        h.pg.restart()
        out["postgres_restarted"] = {"votes_after": store.tally(code, "course.onehot", 2)}
        h.redis.restart()
        from rnn.experiment import Experiment
        from rnn.jobs.rq_backend import RQBackend
        from rnn.jobs.runner import spec_for
        from rnn.models.config import ModelConfig
        from rnn.train.trainer import TrainConfig
        backend = RQBackend(h.redis.url)
        job = backend.submit(spec_for(Experiment.create("sentiment", ModelConfig(hidden=8, embed=8),
                                                        TrainConfig(steps=50, seconds=None))))
        cursor, state, deadline = 0, "", time.monotonic() + 120
        while state not in ("finished", "failed") and time.monotonic() < deadline:
            u = backend.read(job, cursor, wait=0.5)
            cursor, state = u.cursor, u.state
        out["redis_restarted"] = {"job_after_restart": state,
                                  "votes_after": store.tally(code, "course.onehot", 2)}
        store.dispose()
    out["loadavg_after"] = loadavg()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "failover.json").write_text(json.dumps(out, indent=1, default=str))
    print(json.dumps(out, indent=1, default=str))


if __name__ == "__main__":
    main()
