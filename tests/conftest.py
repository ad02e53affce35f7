"""Fixtures several test modules share. (Page and browser helpers: tests/pagetest.py and
tests/browser.py; PostgreSQL and Redis: tests/services.py.)"""
from __future__ import annotations

import os
import sys
from types import SimpleNamespace

import pytest

# torch on one thread here and in every process the tests start (CLI runs, exported scripts,
# notebook kernels, app servers: they inherit the environment), as the app trains (rnn/jobs,
# rnn/ui/setup.py). The tests share two cores with training workers, a browser and a server:
# torch's second thread only spins against them (a test's torch work took 3-4x as long with two).
# Set before torch is imported (it reads these once); a value already set is kept.
for _name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")
if "torch" in sys.modules:
    sys.modules["torch"].set_num_threads(int(os.environ["OMP_NUM_THREADS"]))

MORE_SECONDS = 1.0


@pytest.fixture
def short_more(monkeypatch):
    """The panel's "Train 30 s more" gives a finished run 30 s more of training, 30 s of wall clock
    a test would wait for before the run is done again. What the tests of that button check (the
    run goes on from the step it ended at, in the same experiment, and finishes again) holds for
    any amount: here the button's extension trains ``MORE_SECONDS`` (patched where the web process
    calls it, ``Experiment.extend_budget``; the label on the button still says 30 s)."""
    from rnn.experiment import Experiment

    extend = Experiment.extend_budget

    def extend_budget(self, seconds=None, steps=None):
        return extend(self, seconds=min(seconds, MORE_SECONDS) if seconds else seconds, steps=steps)

    monkeypatch.setattr(Experiment, "extend_budget", extend_budget)


@pytest.fixture(scope="session")
def app_server(tmp_path_factory):
    """One app server for every real-browser test module (tests/test_browser_*.py,
    tests/test_e2e_browser.py), started when the first of them needs it: ``.url``, and
    ``.classroom_db``, the classroom polls' database it uses (RNN_PLAYGROUND_CLASSROOM_DB).
    A server start and its first page (torch, the pretrained models) cost seconds of a busy
    machine each; each module still has its own Chromium and each test its own browser context,
    so its own session, as a student has."""
    from browser import require_browser, streamlit_server

    require_browser()
    db = tmp_path_factory.mktemp("classroom") / "polls.sqlite3"
    with streamlit_server({"RNN_PLAYGROUND_CLASSROOM_DB": str(db)}) as url:
        yield SimpleNamespace(url=url, classroom_db=db)
