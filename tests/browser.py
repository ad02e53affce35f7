"""Shared helpers for the real-browser suite: a Streamlit server on a free port and Debian's Chromium."""
from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

from bench.browser import Server

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


@contextmanager
def streamlit_server(env: dict | None = None):
    """The app on a free port, as the benchmarks start it (``bench.browser.Server``: the port
    counts once Streamlit's own log says it listens there, and a server that lost its port to
    another process starts again on another). Its log: bench/out/pytest-streamlit.log."""
    server = Server(env=env, log_name="pytest-streamlit.log")
    try:
        server.wait_port(timeout=90)
        yield server.url
    finally:
        server.stop()


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
