"""The "take it home" buttons in a real browser (issue 23): the pretrained model's export above the
tabs, and the Train tab's export of a run just trained. Each download is a zip whose folder holds
train.py (plain torch, no rnn import), the notebook, data/ and a README."""
from __future__ import annotations

import io
import json
import re
import zipfile

import pytest

from browser import app_browser, new_page, wait_ready

pytestmark = pytest.mark.timeout(600)


browser = app_browser                # the module's server and Chromium (tests/browser.py)


def check_zip(data: bytes, task: str) -> dict[str, bytes]:
    zf = zipfile.ZipFile(io.BytesIO(data))
    files = {name.split("/", 1)[1]: zf.read(name) for name in zf.namelist()}
    assert {"train.py", "README.md", "data/train.jsonl", "data/val.jsonl"} <= set(files), sorted(files)
    code = files["train.py"].decode()
    compile(code, "train.py", "exec")
    assert "import rnn" not in code and "from rnn" not in code
    notebook = json.loads(next(v for k, v in files.items() if k.endswith(".ipynb")))
    assert notebook["cells"] and notebook["nbformat"] == 4
    assert code.startswith(f'"""{task}')
    return files


def download(page, button) -> bytes:
    with page.expect_download(timeout=120_000) as info:
        button.click()
    path = info.value.path()
    with open(path, "rb") as f:
        return f.read()


def test_the_pretrained_model_goes_home_as_a_script_and_notebook(browser, tmp_path):
    with new_page(browser, browser.base) as page:
        page.goto(f"{browser.base}/Sentiment")
        wait_ready(page)
        button = page.get_by_role("button", name=re.compile(r"^Download the pretrained.*PyTorch script"))
        button.first.wait_for(timeout=60_000)
        page.screenshot(path=str(tmp_path / "desktop.png"))
        files = check_zip(download(page, button.first), "Sentiment")
        assert "Γ_u" in files["train.py"].decode() or "a⟨t⟩" in files["train.py"].decode()
        settings = files["train.py"].decode()
        assert re.search(r"^steps = \d+", settings, re.M)


def test_the_train_tabs_run_goes_home(browser, tmp_path):
    with new_page(browser, browser.base, width=1280, height=720) as page:
        page.goto(f"{browser.base}/Sentiment?tab=Train&sentiment_seconds=5&sentiment_hidden=16")
        wait_ready(page)
        page.get_by_role("button", name=re.compile("^Start$")).first.click()
        button = page.get_by_role("button", name="Download as a PyTorch script / notebook")
        button.wait_for(timeout=120_000)
        button.scroll_into_view_if_needed()
        page.screenshot(path=str(tmp_path / "phone.png"), full_page=False)
        check_zip(download(page, button), "Sentiment")
