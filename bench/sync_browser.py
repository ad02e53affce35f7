"""Synchronous Playwright helpers on top of ``bench.browser``: the app on a free port, Debian's
Chromium and a page per context. The real-browser tests (tests/browser.py re-exports these) and
bench/screenshots.py use them; the asynchronous benchmarks use bench/browser.py directly.

Imports run one way only: tests import bench, bench never imports tests.
"""
from __future__ import annotations

from contextlib import contextmanager

from bench.browser import CHROMIUM, READY, Server
from bench.browser import CHROMIUM_ARGS as _BENCH_ARGS

CHROMIUM_ARGS = [*_BENCH_ARGS, "--disable-sync", "--disable-quic"]

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "READY", "chromium", "new_page", "streamlit_server",
           "wait_ready"]


@contextmanager
def streamlit_server(env: dict | None = None, log_name: str = "pytest-streamlit.log"):
    """The app on a free port, as the benchmarks start it (``bench.browser.Server``: the port
    counts once Streamlit's own log says it listens there, and a server that lost its port to
    another process starts again on another). Yields its URL; its log: bench/out/``log_name``."""
    server = Server(env=env, log_name=log_name)
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
