"""How long the grey chart placeholders last on phones that open a lesson page at once.

Streamlit loads its chart library (Plotly, a 4.7 MB script) only when a page first shows a
chart; until it has arrived and run, each chart is a grey skeleton. K phones (390x844 Chromium
contexts, each on an emulated network link: ``--mbit`` down, ``--rtt`` ms) open a page with
charts at the same moment. For each phone, on the browser's own clock from the navigation:

- *ready*: Streamlit's script run has finished (the text is there);
- *charts*: no skeleton is left and every chart is drawn (what the student waits to see).

Two paths: *the lesson first* (the phone opens the lesson page's address) and *home, then the
lesson* (the home page, 3 s of reading, then the lesson from the menu: the usual path, and the
class's, whose join page has no chart either). The same phones run against each set-up, one
after the other, in one run:

- ``direct, no preload``: one ``streamlit run app.py``, ``RNN_PLAYGROUND_PRELOAD_CHARTS=0``;
- ``direct``: the same as committed (every page starts loading the chart script as it opens,
  rnn/ui/setup.py; Streamlit serves its scripts uncompressed and leaves that to a proxy);
- ``proxy, no gzip``: HAProxy in front of 2 replicas as compose.yaml has it, without compression;
- ``proxy+gzip``: the same with HAProxy's ``compression algo gzip``;
- ``proxy+gzip+link``: and HAProxy's ``Link: <chart script>; rel=modulepreload`` header on every
  page, so the browser fetches the chart script with the page's own scripts (as committed).

    python bench/charts.py --phones 10 --mbit 20
    python bench/charts.py --phones 30 --mbit 0       # no network emulation (loopback)
    python bench/charts.py --phones 1 --setups direct "direct, no preload"

Each phone is a fresh context (an empty cache: a student's first page of the lesson; later
pages of the same visit reuse the cached script). Writes bench/out/charts.json.
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

from bench.browser import READY, browser, new_page
from bench.common import OUT, loadavg, median, p95
from bench.hosted import Hosted

DRAWN = """() => {
  const sk = document.querySelectorAll("[data-testid='stSkeleton']").length;
  const charts = document.querySelectorAll("[data-testid='stPlotlyChart']").length;
  const drawn = document.querySelectorAll("[data-testid='stPlotlyChart'] .js-plotly-plot").length;
  return (sk === 0 && charts > 0 && drawn >= charts) ? performance.now() : null; }"""


async def phone(b, url: str, mbit: float, rtt: float, via_home: bool = False,
                think_ms: float = 3000) -> dict:
    ctx = await b.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                              has_touch=True)
    page = await new_page(ctx, 180_000)
    row: dict = {}
    # what happened to this phone, in seconds from its start: websockets opened and closed, failed
    # requests, console errors (kept in charts.json; printed for a phone that took over 30 s)
    start, trace = time.monotonic(), []
    note = lambda *e: trace.append((round(time.monotonic() - start, 2),) + e)  # noqa: E731
    page.on("websocket", lambda ws: (note("ws open", ws.url[-40:]),
                                     ws.on("close", lambda _ws: note("ws close"))))
    page.on("requestfailed", lambda r: note("failed", r.url[-60:], r.failure))
    page.on("console", lambda m: m.type == "error" and note("console", m.text[:160]))
    page.on("crash", lambda _p: note("crash"))
    row["trace"] = trace
    try:
        if mbit > 0:
            cdp = await ctx.new_cdp_session(page)
            await cdp.send("Network.enable")
            await cdp.send("Network.emulateNetworkConditions", {
                "offline": False, "latency": rtt, "downloadThroughput": mbit * 125_000,
                "uploadThroughput": mbit * 125_000 / 2})
        if via_home:
            # the usual path: the home page (or the class's join page), then a lesson from the menu
            await page.goto(url.rsplit("/", 1)[0] + "/", wait_until="commit", timeout=180_000)
            await page.wait_for_selector(READY, timeout=180_000)
            await page.wait_for_timeout(think_ms)            # the student reads the home page
            t0 = await page.evaluate("performance.now()")
            # the menu's link (in the phone's folded sidebar: clicked as the tap on it would)
            await page.evaluate("p => document.querySelector(`a[href='${p}'], a[href$='/${p}']`).click()",
                                url.rsplit("/", 1)[1])
            await page.wait_for_function(
                "t0 => (window.__stlog || []).some(e => e[1] > t0 && e[0] === 'running')", arg=t0,
                timeout=180_000, polling=50)
        else:
            t0 = 0.0
            await page.goto(url, wait_until="commit", timeout=180_000)
        await page.wait_for_selector(READY, timeout=180_000)
        row["ready_ms"] = await page.evaluate("performance.now()") - t0
        handle = await page.wait_for_function(DRAWN, timeout=180_000, polling=50)
        row["charts_ms"] = await handle.json_value() - t0
        row["grey_ms"] = max(0.0, row["charts_ms"] - row["ready_ms"])
        entry = await page.evaluate(
            """() => { const e = performance.getEntriesByType('resource')
                 .find(r => r.name.includes('PlotlyChart'));
               return e ? [e.transferSize, e.decodedBodySize, e.startTime, e.responseEnd] : null; }""")
        if entry:
            row["encoding"] = entry[:2]
            # when the chart script was asked for and had arrived, on the same clock (a script
            # cached by an earlier page of the visit shows its first fetch, before t0)
            row["script_start_ms"], row["script_end_ms"] = entry[2] - t0, entry[3] - t0
    except Exception as exc:  # noqa: BLE001 -- a phone that never drew its charts is reported
        row["error"] = f"{type(exc).__name__}: {exc}"[:200]
    finally:
        await ctx.close()
    return row


SETUPS = {   # name: (replicas behind HAProxy or 0 for none, HAProxy gzip, preload the charts,
             #        HAProxy's Link header)
    "direct, no preload": (0, False, False, False),
    "direct": (0, False, True, False),
    "proxy, no gzip": (2, False, True, False),
    "proxy+gzip": (2, True, True, False),
    "proxy+gzip+link": (2, True, True, True),
}


async def one(url: str, page: str, phones: int, mbit: float, rtt: float, via_home: bool) -> dict:
    async with browser() as b:
        await phone(b, f"{url}/{page}", 0, 0)          # the server's first run of the page
        rows = await asyncio.gather(*(phone(b, f"{url}/{page}", mbit, rtt, via_home)
                                      for _ in range(phones)))
    for r in rows:
        if "error" in r or r.get("ready_ms", 0) > 30_000:
            print("slow or failed phone:", json.dumps(r, default=str)[:2000], flush=True)
    ok = [r for r in rows if "error" not in r]
    out = {"path": "home, then the lesson" if via_home else "the lesson first", "phones": phones,
           "ok": len(ok), "errors": [r["error"] for r in rows if "error" in r]}
    for k in ("ready_ms", "charts_ms", "grey_ms", "script_start_ms", "script_end_ms"):
        vals = [r[k] for r in ok if k in r]
        out[k] = {"median": median(vals), "p95": p95(vals), "max": max(vals)} if vals else None
    enc = [r["encoding"] for r in ok if r.get("encoding")]
    out["plotly_bytes_transferred"] = enc[0][0] if enc else None
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--phones", type=int, default=10)
    ap.add_argument("--mbit", type=float, default=20.0, help="each phone's link, Mbit/s (0: none)")
    ap.add_argument("--rtt", type=float, default=40.0, help="each phone's round trip, ms")
    ap.add_argument("--page", default="Gradient_flow", help="a page whose first tab has charts")
    ap.add_argument("--setups", nargs="*", default=list(SETUPS), choices=list(SETUPS))
    ap.add_argument("--paths", nargs="*", default=["first", "home"], choices=["first", "home"])
    args = ap.parse_args(argv)
    results = {"args": vars(args), "loadavg_before": loadavg(), "rows": []}
    for name in args.setups:
        replicas, gzip, preload, link = SETUPS[name]
        env = {"RNN_PLAYGROUND_PRELOAD_CHARTS": "1" if preload else "0"}
        with Hosted(replicas=max(1, replicas), workers=1, jobs="local", db="sqlite", env=env,
                    tag="charts", proxy=replicas > 0, compress=gzip, link=link) as h:
            for path in args.paths:
                row = asyncio.run(one(h.url, args.page, args.phones, args.mbit, args.rtt,
                                      via_home=path == "home"))
                row["setup"], row["loadavg"] = name, loadavg()
                results["rows"].append(row)
                print(json.dumps(row, default=str), flush=True)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "charts.json").write_text(json.dumps(results, indent=1, default=str))
    print(f"\n{args.phones} phones at {args.mbit:g} Mbit/s, {args.rtt:g} ms; load {loadavg()}")
    print("| set-up | path | phones | page ready ms median / p95 | charts drawn ms median / p95 | "
          "grey ms median / p95 / max | chart script bytes on the wire |")
    print("|---|---|---|---|---|---|---|")
    f = lambda d: f"{d['median']:.0f} / {d['p95']:.0f}"  # noqa: E731
    for r in results["rows"]:
        if r["ready_ms"] is None:
            print(f"| {r['setup']} | {r['path']} | {r['ok']}/{r['phones']} | - | - | - | - |")
            continue
        g = r["grey_ms"]
        print(f"| {r['setup']} | {r['path']} | {r['ok']}/{r['phones']} | {f(r['ready_ms'])} | "
              f"{f(r['charts_ms'])} | {g['median']:.0f} / {g['p95']:.0f} / {g['max']:.0f} | "
              f"{r['plotly_bytes_transferred']} |")


if __name__ == "__main__":
    main()
