"""Shared helpers for the real-browser suite: a Streamlit server on a free port and Debian's Chromium."""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("RNN_PLAYGROUND_CHROMIUM", "/usr/bin/chromium")
READY = "[data-testid='stApp'][data-test-script-state='notRunning']"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]


def require_browser() -> None:
    """Skip when there is no Chromium here, unless CI demands the browser suite run."""
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        if os.environ.get("RNN_PLAYGROUND_REQUIRE_BROWSER") == "1":
            pytest.fail(f"Chromium not found at {CHROMIUM} but RNN_PLAYGROUND_REQUIRE_BROWSER=1")
        pytest.skip(f"Chromium not found at {CHROMIUM}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


LISTENING = re.compile(r"URL: http://127\.0\.0\.1:(\d+)")   # Streamlit's line once it listens
LOG = ROOT / ".pytest-streamlit.log"


def _start_server(env: dict | None):
    """(port, process): ``streamlit run app.py`` on a port that was free a moment ago."""
    port = free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true",
           "--browser.gatherUsageStats", "false"]
    with open(LOG, "w") as log:                 # the child keeps its own handle
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                env={**os.environ, **(env or {}), "PYTHONUNBUFFERED": "1"})
    return port, proc


def _listening(port: int) -> bool:
    """Streamlit's own log says it listens on ``port``, and the port answers."""
    match = LISTENING.search(LOG.read_text(errors="replace"))
    if not match or int(match.group(1)) != port:
        return False
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


@contextmanager
def streamlit_server(env: dict | None = None, tries: int = 3):
    """The app on a free port. Another process can take that port before Streamlit binds it;
    the server then exits and is started again on another one (``tries`` in all), and a port
    counts only once Streamlit's log says it listens there, so the tests never talk to another
    program's server."""
    port, proc = _start_server(env)
    try:
        deadline = time.time() + 90
        while not _listening(port):
            if proc.poll() is not None:
                tries -= 1
                if tries <= 0:
                    raise RuntimeError("streamlit exited early; see .pytest-streamlit.log")
                port, proc = _start_server(env)
            elif time.time() > deadline:
                raise RuntimeError("streamlit did not start in 90 s; see .pytest-streamlit.log")
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def wait_ready(page, timeout: float = 90_000) -> None:
    """Wait until Streamlit has finished running the script (twice: a rerun may follow)."""
    page.wait_for_selector(READY, timeout=timeout)
    page.wait_for_timeout(300)
    page.wait_for_selector(READY, timeout=timeout)


@contextmanager
def chromium():
    """Debian's Chromium under Playwright (never `playwright install`: it cannot download here)."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@contextmanager
def new_page(browser, base: str, width: int = 1280, height: int = 900):
    """A page in its own browser context (its own cookies and session); ``page.base`` = server."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.base = base
    try:
        yield page
    finally:
        context.close()
