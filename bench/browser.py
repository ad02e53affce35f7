"""A Streamlit server on 127.0.0.1 and headless Chromium, for the app and classroom benchmarks.

Timing in the browser: an init script records every change of the app's
``data-test-script-state`` attribute with ``performance.now()``, so an interaction's time is
measured on the browser's own clock, from just before the key press or click to the end of the
script run it caused (not to whenever Python next polled).
"""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from contextlib import asynccontextmanager
from pathlib import Path

from bench.common import OUT, ROOT

CHROMIUM = os.environ.get("RNN_PLAYGROUND_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
READY = "[data-testid='stApp'][data-test-script-state='notRunning']"
OBSERVER = """
window.__stlog = [];
new MutationObserver(ms => { for (const m of ms) {
    window.__stlog.push([m.target.getAttribute('data-test-script-state'), performance.now()]);
}}).observe(document, {attributes: true, subtree: true, attributeFilter: ['data-test-script-state']});
"""
RUN_FINISHED = """t0 => { const l = window.__stlog || [];
    const i = l.findIndex(e => e[1] > t0 && e[0] === 'running');
    if (i < 0) return null;
    const j = l.findIndex((e, k) => k > i && e[0] === 'notRunning');
    return j < 0 ? null : l[j][1]; }"""


def pages() -> list[dict]:
    """Every lesson page: file, URL path and title (read from its setup_page call)."""
    out = []
    for path in sorted((ROOT / "pages").glob("*.py")):
        match = re.search(r'setup_page\(\s*"([^"]+)"', path.read_text(encoding="utf-8"))
        url = re.sub(r"^\d+_", "", path.stem)
        out.append({"file": path.name, "url": url, "title": match.group(1) if match else url})
    return out


PORTS = range(8560, 8580)     # this benchmark's own ports (other engineers' servers use others)


def free_port() -> int:
    """The first port of PORTS nobody listens on (any free port if all are taken)."""
    for port in PORTS:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


LISTENING = re.compile(r"URL: http://127\.0\.0\.1:(\d+)")   # Streamlit's line once it listens
START_TRIES = 3


class Server:
    """``streamlit run app.py`` (or ``script``) on a free local port; ``started`` is when Popen
    was called. It runs in the repository root, so it reads the app's .streamlit/config.toml."""

    def __init__(self, env: dict | None = None, log_name: str = "streamlit.log",
                 script: Path | None = None):
        OUT.mkdir(parents=True, exist_ok=True)
        self._env = {**os.environ, **(env or {}), "PYTHONUNBUFFERED": "1"}  # its URL line at once
        self._script = script or ROOT / "app.py"
        self._log_path = OUT / log_name
        self._start()

    def _start(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(self._log_path, "w")  # noqa: SIM115 -- lives as long as the server
        cmd = [sys.executable, "-m", "streamlit", "run", str(self._script),
               "--server.port", str(self.port), "--server.address", "127.0.0.1",
               "--server.headless", "true", "--browser.gatherUsageStats", "false",
               "--server.fileWatcherType", "none"]
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT,
                                     env=self._env)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def listening(self) -> bool:
        """Streamlit said it listens on this server's port (not merely: something answers there)."""
        match = LISTENING.search(self._log_path.read_text(errors="replace"))
        return bool(match) and int(match.group(1)) == self.port

    def wait_port(self, timeout: float = 120) -> float:
        """Seconds from Popen until this server's own port accepts connections.

        A port chosen free can be taken by another process before Streamlit binds it: the server
        then exits, and it is started again on another port (``START_TRIES`` in all). A port
        only counts once Streamlit's own log says it listens there, so a connection never
        reaches another program's server."""
        deadline = time.time() + timeout
        tries = 1
        while time.time() < deadline:
            if self.proc.poll() is not None:
                if tries >= START_TRIES:
                    raise RuntimeError(f"streamlit exited early; see {self.log.name}")
                tries += 1
                self.log.close()
                self._start()
                continue
            if self.listening():
                try:
                    with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                        return time.perf_counter() - self.started
                except OSError:
                    pass
            time.sleep(0.05)
        raise TimeoutError("streamlit did not open its port")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()

    def errors_in_log(self) -> list[str]:
        text = Path(self.log.name).read_text(errors="replace")
        return [ln for ln in text.splitlines() if "Traceback" in ln or "Error" in ln][:20]


@asynccontextmanager
async def browser():
    from playwright.async_api import async_playwright
    async with async_playwright() as pw:
        b = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            await b.close()


async def new_page(context, timeout_ms: float = 120_000):
    page = await context.new_page()
    await page.add_init_script(OBSERVER)
    page.set_default_timeout(timeout_ms)
    return page


async def wait_ready(page, timeout_ms: float = 120_000) -> None:
    """Script finished, and still finished a moment later (a rerun may follow the first run)."""
    await page.wait_for_selector(READY, timeout=timeout_ms)
    await page.wait_for_timeout(250)
    await page.wait_for_selector(READY, timeout=timeout_ms)


async def now(page) -> float:
    return await page.evaluate("performance.now()")


async def run_time_ms(page, t0: float, timeout_ms: float = 120_000) -> float:
    """Milliseconds from browser time t0 to the end of the first script run that began after it."""
    handle = await page.wait_for_function(RUN_FINISHED, arg=t0, timeout=timeout_ms, polling=50)
    return await handle.json_value() - t0


async def settled_ms(page, t0: float, timeout_ms: float = 120_000) -> float:
    """Like run_time_ms, but to the end of the *last* run of a burst (a page may st.rerun)."""
    await run_time_ms(page, t0, timeout_ms)
    await wait_ready(page, timeout_ms)
    last = await page.evaluate("t0 => Math.max(...(window.__stlog || []).filter(e => e[1] > t0 && "
                               "e[0] === 'notRunning').map(e => e[1]))", t0)
    return last - t0


async def goto_rendered(page, url: str, text: str | None = None, timeout_ms: float = 120_000) -> float:
    """Open url; seconds until the script has run and (optionally) `text` is on the page."""
    start = time.perf_counter()
    await page.goto(url, wait_until="domcontentloaded", timeout=timeout_ms)
    await page.wait_for_selector(READY, timeout=timeout_ms)
    if text:
        await page.get_by_text(text, exact=False).first.wait_for(timeout=timeout_ms)
    return time.perf_counter() - start


async def page_errors(page) -> list[str]:
    """Exceptions and error boxes Streamlit shows on the page."""
    found = []
    for sel in ("[data-testid='stException']", "[data-testid='stAlertContentError']"):
        for el in await page.query_selector_all(sel):
            found.append((await el.inner_text())[:200])
    return found
