"""5. The app in a real browser: start-up, page switches, a prediction on Try, server memory.

    start_cold:   ``streamlit run app.py`` launched -> home page rendered in headless Chromium
                  (the first server start of this run; the OS file cache is whatever it is)
    start_warm:   the same with a second server, started right after (files cached)
    new_session:  another visitor opening the home page on the running server
    page switch:  click a lesson in the sidebar -> its script run finished (first visit on the
                  server, which loads cached models and data, then a second visit)
    try:          type into the Try tab's first text box and commit -> the rerun finished
    RSS:          VmRSS of the server process (/proc/<pid>/status) idle, after the home page,
                  after every page and tab, and after each extra session that trained once
"""
from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):   # `python bench/appspeed.py`: put the repo, not bench/, on the path
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse
import asyncio
import json
import re
import time

from playwright.async_api import TimeoutError as PlaywrightTimeout

from bench.browser import (
    READY,
    Server,
    browser,
    goto_rendered,
    new_page,
    now,
    page_errors,
    pages,
    settled_ms,
    wait_ready,
)
from bench.common import OUT, loadavg, median, rss_breakdown, rss_mb

HOME_TEXT = "RNN Playground"
TABS = ("Learn", "Train", "Try", "Inspect", "Compare")
TRY_TEXT = {"Named_entities": "Yesterday Teddy Roosevelt met April Jordan in Paris .",
            "Text_generation": "Ma",
            "Sentiment": "not good at all , but the acting was great",
            "Translation": "three hundred and forty-two",
            "Bidirectional": "Teddy Roosevelt was a great President ."}
TRAIN_PAGE, TRAIN_QUERY = "Text_generation", "tab=Train&textgen_seconds=5"


async def start_to_home(b) -> dict:
    """One server start: seconds to open the port and to render the home page."""
    server = Server(log_name="app_start.log")
    try:
        port_s = server.wait_port()
        context = await b.new_context()
        page = await new_page(context)
        await page.goto(server.url, wait_until="domcontentloaded")
        await page.wait_for_selector("[data-testid='stApp']")
        await wait_ready(page)
        await page.get_by_text(HOME_TEXT).first.wait_for()
        total = time.perf_counter() - server.started
        await context.close()
        return {"port_open_s": port_s, "home_rendered_s": total}
    finally:
        server.stop()


BARE_PAGES = {
    # the reference for start-up: a one-line Streamlit page, same server flags and config
    "bare": 'import streamlit as st\nst.title("RNN Playground")\n',
    # the reference for memory: Streamlit with torch and Plotly loaded, one small chart drawn
    "bare_torch_plotly": ("import plotly.graph_objects as go\nimport streamlit as st\nimport torch\n"
                          "st.title(\"RNN Playground\")\n"
                          "st.plotly_chart(go.Figure(go.Scatter(y=torch.arange(5.0).tolist())))\n"),
    # a second memory reference (--ran-reference): the same, after it ran one training step of a
    # small RNN, GRU and LSTM (torch's kernel code paged in, as any page that runs a model does);
    # the update is written out: a torch.optim optimizer would import torch._dynamo (+67 MB)
    "bare_torch_plotly_ran": (
        "import plotly.graph_objects as go\nimport streamlit as st\nimport torch\n"
        "st.title(\"RNN Playground\")\n"
        "for cell in (torch.nn.RNN, torch.nn.GRU, torch.nn.LSTM):\n"
        "    emb, rnn, head = torch.nn.Embedding(50, 16), cell(16, 64, batch_first=True), torch.nn.Linear(64, 50)\n"
        "    params = [*emb.parameters(), *rnn.parameters(), *head.parameters()]\n"
        "    x = torch.randint(0, 50, (8, 20))\n"
        "    loss = torch.nn.functional.cross_entropy(head(rnn(emb(x))[0]).reshape(-1, 50), x.reshape(-1))\n"
        "    loss.backward()\n"
        "    _ = torch.nn.utils.clip_grad_norm_(params, 1.0)\n"
        "    with torch.no_grad():\n"
        "        for p in params:\n"
        "            p.sub_(0.01 * p.grad)\n"
        "    with torch.no_grad():\n"
        "        _ = rnn(emb(x))\n"
        "st.plotly_chart(go.Figure(go.Scatter(y=torch.arange(5.0).tolist())))\n"),
}
# Browser clock: when the main area's title first shows the text (the first screen painted).
TITLE_PAINTED = """
window.__titlePainted = null;
new MutationObserver((ms, obs) => {
    const h = document.querySelector("[data-testid='stMain'] h1");
    if (h && h.textContent.includes('RNN Playground')) {
        requestAnimationFrame(() => { window.__titlePainted = performance.now(); });
        obs.disconnect();
    }
}).observe(document, {childList: true, subtree: true, characterData: true});
"""
CHARTS_DRAWN = """() => { const c = document.querySelectorAll("[data-testid='stPlotlyChart']");
    return [...c].every(e => e.querySelector('.main-svg')) ? {n: c.length} : null; }"""


def bare_page(name: str) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.py"
    path.write_text(BARE_PAGES[name])
    return path


async def painted(b, script: Path | None, log_name: str) -> dict:
    """A fresh server (the Dockerfile's environment) and a fresh browser context (empty cache):
    seconds from Popen to the title on screen (browser clock: the first screen painted), to the
    page painted (its script run finished and the title on screen, seen by Playwright, so the
    browser's main thread must be free to report it) and to every Plotly chart drawn."""
    server = Server(env=DEPLOY_ENV, log_name=log_name, script=script)
    try:
        port_s = server.wait_port()
        context = await b.new_context(viewport={"width": 1400, "height": 900})
        page = await new_page(context)
        await page.add_init_script(TITLE_PAINTED)
        nav_s = time.perf_counter() - server.started      # the browser's clock starts about here
        await page.goto(server.url, wait_until="domcontentloaded")
        await page.wait_for_selector(READY)
        await page.get_by_text(HOME_TEXT).first.wait_for()
        painted_s = time.perf_counter() - server.started
        handle = await page.wait_for_function(CHARTS_DRAWN, polling=50)
        charts = (await handle.json_value())["n"]
        charts_s = time.perf_counter() - server.started
        title_ms = await page.evaluate("window.__titlePainted")
        await context.close()
        return {"port_open_s": port_s, "title_s": nav_s + title_ms / 1000 if title_ms else None,
                "painted_s": painted_s, "charts_s": charts_s, "charts": charts,
                "errors": server.errors_in_log()}
    finally:
        server.stop()


async def _startup(rounds: int) -> dict:
    """Home page against the one-line page, alternated (bare, home, bare, home, ...)."""
    bare = bare_page("bare")
    rows = {"bare": [], "home": []}
    async with browser() as b:
        for r in range(rounds):
            for name, script in (("bare", bare), ("home", None)):
                rows[name].append(await painted(b, script, f"startup_{name}.log"))
                row = rows[name][-1]
                print(f"  round {r + 1} {name}: title {row['title_s'] or float('nan'):.2f} s, "
                      f"painted (script done) {row['painted_s']:.2f} s, charts "
                      f"{row['charts_s']:.2f} s", flush=True)
    out = {"rounds": rounds, **rows}
    for key in ("title_s", "painted_s", "charts_s"):
        home, ref = median(x[key] for x in rows["home"]), median(x[key] for x in rows["bare"])
        out[f"home_{key}"], out[f"bare_{key}"], out[f"ratio_{key}"] = home, ref, home / ref
    out["ratio_first_round"] = rows["home"][0]["painted_s"] / rows["bare"][0]["painted_s"]
    return out


async def visit_all(b, server: Server) -> list[str]:
    """One visitor opens the home page, then every page and tab once, each fully run."""
    context = await b.new_context(viewport={"width": 1400, "height": 900})
    page = await new_page(context)
    await goto_rendered(page, server.url, HOME_TEXT)
    await wait_ready(page)
    errors = await visit_everything(page, server.url)
    await context.close()
    return errors


DEPLOY_ENV = {"RNN_PLAYGROUND_HOSTED": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
              "MALLOC_ARENA_MAX": "2"}          # the Dockerfile's environment
RAN_REFERENCE = ("bare_torch_plotly_ran", "bare_torch_plotly_ran", DEPLOY_ENV)
MEMORY_SERVERS = (("bare_torch_plotly", "bare_torch_plotly", DEPLOY_ENV),
                  ("app", None, DEPLOY_ENV),
                  ("app_default_malloc", None, {k: v for k, v in DEPLOY_ENV.items()
                                                if k != "MALLOC_ARENA_MAX"}))


async def _memory(settle_s: float, servers=MEMORY_SERVERS) -> dict:
    """Server RSS after every page and tab was visited once, against a bare Streamlit server
    with torch and Plotly loaded that drew its one page, both in the Dockerfile's environment;
    then the app again without MALLOC_ARENA_MAX. Each again after ``settle_s`` seconds idle
    (the app's periodic collection and heap trim run every 30 s)."""
    out = {}
    async with browser() as b:
        for name, bare, env in servers:
            script = bare_page(bare) if bare else None
            server = Server(env=env, log_name=f"memory_{name}.log", script=script)
            try:
                server.wait_port()
                out[f"{name}_idle_mb"] = rss_mb(server.pid)
                if script is None:
                    out[f"{name}_visit_errors"] = await visit_all(b, server)
                else:
                    context = await b.new_context()
                    page = await new_page(context)
                    await goto_rendered(page, server.url, HOME_TEXT)
                    await wait_ready(page)
                    await context.close()
                out[f"{name}_visited_mb"] = rss_mb(server.pid)
                await asyncio.sleep(settle_s)
                out[f"{name}_settled_mb"] = rss_mb(server.pid)
                out[f"{name}_settled_breakdown"] = rss_breakdown(server.pid)
                out[f"{name}_log_errors"] = server.errors_in_log()
            finally:
                server.stop()
            print(f"  {name}: idle {out[f'{name}_idle_mb']:.0f} MB, after the visit "
                  f"{out[f'{name}_visited_mb']:.0f}, {settle_s:.0f} s later "
                  f"{out[f'{name}_settled_mb']:.0f}", flush=True)
        print(f"    resident: {out[f'{name}_settled_breakdown']}", flush=True)
    for app in [name for name, bare, _ in servers if not bare]:
        for key in ("visited_mb", "settled_mb"):
            out[f"ratio_{app}_{key}"] = out[f"{app}_{key}"] / out[f"bare_torch_plotly_{key}"]
            if f"bare_torch_plotly_ran_{key}" in out:
                out[f"ratio_{app}_to_ran_{key}"] = (out[f"{app}_{key}"]
                                                    / out[f"bare_torch_plotly_ran_{key}"])
    return out


async def switch_pages(page, base: str, visits: int = 2) -> list[dict]:
    """Click every lesson in the sidebar, `visits` passes; ms per switch."""
    rows = []
    for visit in range(visits):
        for info in pages() + [{"url": "", "title": "Home"}]:
            # our own sidebar menu (st.page_link, relative hrefs: "Sentiment"; Home is "")
            url = info["url"]
            link = page.locator(f"[data-testid='stSidebar'] a[href='{url}'], "
                                f"[data-testid='stSidebar'] a[href$='/{url}']").first
            if await link.count() == 0:
                rows.append({"page": info["title"], "visit": visit + 1, "error": "no sidebar link"})
                continue
            t0 = await now(page)
            await link.click()
            ms = await settled_ms(page, t0)
            rows.append({"page": info["title"], "visit": visit + 1, "ms": ms,
                         "errors": await page_errors(page)})
    return rows


def _visible_boxes(page):
    """The open tab's text boxes (the other tabs' widgets are in the page too, hidden)."""
    return page.locator("[data-testid='stMain']").locator(
        "[data-testid='stTextInput'] input:visible, [data-testid='stTextArea'] textarea:visible")


async def commit_text(page, text: str) -> float | None:
    """Type into the first text box of the main area and commit; ms to the rerun's end."""
    boxes = _visible_boxes(page)
    if await boxes.count() == 0:
        return None
    box = boxes.first
    tag = await box.evaluate("e => e.tagName")
    await box.fill(text)
    await wait_ready(page)                  # t0 must fall between runs, not inside one
    t0 = await now(page)
    await box.press("Control+Enter" if tag == "TEXTAREA" else "Enter")
    return await settled_ms(page, t0, timeout_ms=30_000)


async def try_predictions(page, base: str) -> list[dict]:
    rows = []
    for info in pages():
        text = TRY_TEXT.get(info["url"])
        if text is None:
            continue
        await goto_rendered(page, f"{base}/{info['url']}?tab=Try")
        await wait_ready(page)
        times = []
        expander = page.locator("[data-testid='stMain'] [data-testid='stExpander'] summary:visible")
        if await _visible_boxes(page).count() == 0 and await expander.count():
            await expander.first.click()             # Bidirectional: "type your own" is folded
            await wait_ready(page)
        problems = []
        for variant in (text, text + " ", text):     # a changed value each time forces a rerun
            try:
                ms = await commit_text(page, variant)
            except PlaywrightTimeout:
                problems.append("no rerun finished within 30 s of pressing Enter")
                continue
            if ms is None:
                break
            times.append(ms)
        rows.append({"page": info["title"], "ms": median(times) if times else None,
                     "all_ms": times, "errors": problems + await page_errors(page)})
    return rows


async def visit_everything(page, base: str) -> list[str]:
    errors = []
    for info in pages():
        for tab in TABS:
            await goto_rendered(page, f"{base}/{info['url']}?tab={tab}")
            await wait_ready(page)
            errors += [f"{info['title']}/{tab}: {e}" for e in await page_errors(page)]
    return errors


async def train_once(context, base: str, timeout_ms: float = 120_000) -> dict:
    """A new session presses Start on a 5-second training and waits for the end message."""
    page = await new_page(context)
    await goto_rendered(page, f"{base}/{TRAIN_PAGE}?{TRAIN_QUERY}")
    await wait_ready(page)
    await page.locator("[data-testid='stMain'] button:has-text('Start')").first.click()
    done = page.get_by_text(re.compile(r"Finished after|Training diverged"))
    await done.first.wait_for(timeout=timeout_ms)
    return {"message": (await done.first.inner_text())[:120], "errors": await page_errors(page), "page": page}


async def _run(quick: bool) -> dict:
    out = {}
    async with browser() as b:
        out["start_cold"] = await start_to_home(b)
        out["start_warm"] = await start_to_home(b)
        print(f"  app start: cold {out['start_cold']['home_rendered_s']:.1f} s, "
              f"warm {out['start_warm']['home_rendered_s']:.1f} s", flush=True)
        server = Server(log_name="app_main.log")
        try:
            server.wait_port()
            out["rss_idle_mb"] = rss_mb(server.pid)
            context = await b.new_context(viewport={"width": 1400, "height": 900})
            first = await new_page(context)
            out["first_session_home_s"] = await goto_rendered(first, server.url, HOME_TEXT)
            out["rss_after_home_mb"] = rss_mb(server.pid)
            second = await new_page(context)
            out["new_session_home_s"] = await goto_rendered(second, server.url, HOME_TEXT)
            await wait_ready(second)
            out["switch"] = await switch_pages(second, server.url, visits=1 if quick else 2)
            print(f"  page switch: median {median(r['ms'] for r in out['switch'] if 'ms' in r):.0f} ms", flush=True)
            out["try"] = await try_predictions(second, server.url)
            print("  try: " + ", ".join(f"{r['page']} {r['ms']:.0f} ms" for r in out["try"] if r["ms"]), flush=True)
            if not quick:
                out["visit_errors"] = await visit_everything(second, server.url)
            out["rss_after_all_pages_mb"] = rss_mb(server.pid)
            trained = [out["rss_after_all_pages_mb"]]
            out["train_sessions"] = []
            for _ in range(2 if quick else 4):
                result = await train_once(context, server.url)
                await result.pop("page").wait_for_timeout(500)
                trained.append(rss_mb(server.pid))
                out["train_sessions"].append({**result, "rss_mb": trained[-1]})
            n = len(trained) - 1
            out["rss_per_training_session_mb"] = (trained[-1] - trained[0]) / n
            out["rss_first_training_mb"] = trained[1] - trained[0]
            out["rss_per_extra_training_session_mb"] = (trained[-1] - trained[1]) / max(1, n - 1)
            out["rss_final_mb"] = trained[-1]
            print(f"  rss: idle {out['rss_idle_mb']:.0f}, home {out['rss_after_home_mb']:.0f}, all pages "
                  f"{out['rss_after_all_pages_mb']:.0f}, +{out['rss_first_training_mb']:.0f} first training, "
                  f"+{out['rss_per_extra_training_session_mb']:.0f} MB per extra training session", flush=True)
            await context.close()
            out["server_log_errors"] = server.errors_in_log()
        finally:
            server.stop()
    return out


def run(quick: bool = False) -> dict:
    return asyncio.run(_run(quick))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--startup", action="store_true", help="home page vs a one-line page, cold")
    ap.add_argument("--memory", action="store_true", help="RSS after every page vs bare server")
    ap.add_argument("--rounds", type=int, default=3, help="server starts per page (--startup)")
    ap.add_argument("--settle", type=float, default=35.0, help="seconds idle before RSS (--memory)")
    ap.add_argument("--ran-reference", action="store_true",
                    help="--memory with a second reference: the bare server after one training "
                         "step of a small RNN, GRU and LSTM (torch's kernels paged in)")
    ap.add_argument("--no-arena-compare", action="store_true",
                    help="--memory without the third server (the app without MALLOC_ARENA_MAX)")
    args = ap.parse_args()
    out = {"loadavg_before": loadavg()}
    if args.startup:
        out["startup"] = asyncio.run(_startup(args.rounds))
    if args.memory:
        servers = MEMORY_SERVERS[:2] if args.no_arena_compare else MEMORY_SERVERS
        if args.ran_reference:
            servers = (servers[0], RAN_REFERENCE, *servers[1:])
        out["memory"] = asyncio.run(_memory(args.settle, servers))
    if not (args.startup or args.memory):
        out.update(run(quick=True))
    out["loadavg_after"] = loadavg()
    OUT.mkdir(parents=True, exist_ok=True)
    name = "_".join(k for k in ("startup", "memory") if k in out) or "appspeed"
    (OUT / f"{name}.json").write_text(json.dumps(out, indent=1, default=str))
    summary = {k: v for k, v in out.items() if k not in ("startup", "memory")}
    for k in ("startup", "memory"):
        if k in out:
            summary[k] = {kk: vv for kk, vv in out[k].items() if not isinstance(vv, list)}
    print(json.dumps(summary, indent=1, default=str))


if __name__ == "__main__":
    main()
