"""Shared helpers for the real-browser suite. The server and browser helpers live in
bench/sync_browser.py (the screenshots use them too; tests import bench, never the other way);
what is only for tests is here: skipping when there is no Chromium."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from bench.sync_browser import (CHROMIUM, CHROMIUM_ARGS, READY, chromium, new_page,  # noqa: F401
                                streamlit_server, wait_ready)


def require_browser() -> None:
    """Skip when there is no Chromium here, unless CI demands the browser suite run."""
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        if os.environ.get("RNN_PLAYGROUND_REQUIRE_BROWSER") == "1":
            pytest.fail(f"Chromium not found at {CHROMIUM} but RNN_PLAYGROUND_REQUIRE_BROWSER=1")
        pytest.skip(f"Chromium not found at {CHROMIUM}")


@pytest.fixture(scope="module")
def app_browser(app_server):
    """One Chromium for a test module; its pages open at ``app_browser.base``, the suite's app
    server (tests/conftest.py app_server). A module uses it as ``browser = app_browser`` beside
    its imports."""
    with chromium() as b:
        b.base = app_server.url
        yield b
