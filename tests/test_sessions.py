"""Many sessions (issue 6): a pretrained experiment shared by every session is never changed by
one of them; two sessions' models, histories, settings and data stay apart; experiments that are
trained and dropped are released (no unbounded memory growth); two AppTest sessions of a page do
not see each other's trained model."""
import copy
import gc
import os
import pathlib
import weakref

import pytest
import torch

from rnn.experiment import Experiment, ModelConfig, TrainConfig
from rnn.pretrained import load_pretrained
from rnn.train.history import StepRecord
from train_helpers import to_the_end

ROOT = pathlib.Path(__file__).resolve().parents[1]


def snapshot(exp):
    return {k: v.clone() for k, v in exp.model.state_dict().items()}


def same(a, b):
    return all(torch.equal(a[k], b[k]) for k in a)


@pytest.fixture(scope="module")
def shared():
    """The pretrained experiment as the page cache holds it: one object for every session."""
    return load_pretrained("sentiment-gru")


def test_two_clones_of_one_pretrained_experiment_train_independently(shared):
    base_weights, base_history = snapshot(shared), copy.deepcopy(shared.history)
    base_config, base_options = copy.deepcopy(shared.train_config), dict(shared.options)
    a, b = shared.clone(), shared.clone()
    a.train_config.steps, a.train_config.seconds, a.train_config.lr = 3, None, 0.05   # one session's settings
    b.train_config = TrainConfig(steps=5, seconds=None, lr=0.01, batch_size=8, eval_every=100, seed=1)
    a.options["teacher_forcing"] = 0.5
    to_the_end(a)
    to_the_end(b)

    steps = lambda e: [r.step for r in e.history[len(base_history):] if isinstance(r, StepRecord)]
    assert steps(a) == [1, 2, 3] and steps(b) == [1, 2, 3, 4, 5]
    assert not same(snapshot(a), snapshot(b))
    assert not same(snapshot(a), base_weights) and not same(snapshot(b), base_weights)
    # the shared experiment is untouched: weights, history, settings, options, status
    assert same(snapshot(shared), base_weights) and shared.history == base_history
    assert shared.train_config == base_config and shared.options == base_options
    assert shared.status == "ready" and shared.trainer is None
    assert all(pa.data_ptr() != pb.data_ptr() for pa, pb in zip(a.model.parameters(), b.model.parameters()))


def test_clones_read_but_never_change_the_shared_data(shared):
    shared.ensure_data()
    before = (len(shared.splits.train), shared.splits.train[0].tokens[:], len(shared.vocabs["words"]))
    a = shared.clone()
    a.train_config = TrainConfig(steps=2, seconds=None, batch_size=8, eval_every=100)
    a.train_for(10)
    a.predict("a never before seen zorblatt review")
    assert (len(shared.splits.train), shared.splits.train[0].tokens, len(shared.vocabs["words"])) == before


def test_a_session_with_its_own_file_does_not_leak_into_another():
    from rnn.tasks import get_task
    rows = "text,label\n" + "".join(f"secret{i} movie,{i % 2}\n" for i in range(40))
    mine = Experiment.create("sentiment", ModelConfig(hidden=8, embed=8),
                             TrainConfig(steps=2, seconds=None, batch_size=8),
                             data=get_task("sentiment").load_file(rows.encode(), name="mine.csv"),
                             data_name="mine.csv")
    other = Experiment.create("sentiment", ModelConfig(hidden=8, embed=8), TrainConfig(steps=2, seconds=None))
    assert mine.dataset == "file:mine.csv" and other.dataset == "reviews"
    assert "secret3" in mine.vocabs["words"] and "secret3" not in other.vocabs["words"]
    assert not any("secret" in t for x in other.splits.train for t in x.tokens)


def rss_mb():
    """Resident set size from /proc/self/statm (second field, in pages)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def test_trained_and_dropped_experiments_are_released():
    """Train and drop experiments in a loop: each one is garbage once dropped, and the resident
    set stops growing (a loose bound; the figures are printed for the record)."""
    def one_round(seed):
        exp = Experiment.create("sentiment", ModelConfig(hidden=64, embed=32),
                                TrainConfig(steps=3, seconds=None, batch_size=16, eval_every=100, seed=seed))
        exp.train_for(10)
        exp.clone().predict("a good film")
        return weakref.ref(exp), weakref.ref(exp.model), weakref.ref(exp.trainer)

    for seed in range(2):                       # warm up allocator and caches
        one_round(seed)
    gc.collect()
    start = rss_mb()
    refs, curve = [], []
    for seed in range(8):
        refs.extend(one_round(seed))
        gc.collect()
        curve.append(round(rss_mb(), 1))
    print(f"\nRSS MB: start {start:.1f}, after each of 8 train-and-drop rounds: {curve}")
    assert all(ref() is None for ref in refs), "a dropped experiment, model or trainer is still referenced"
    assert curve[-1] - start < 60, curve
    assert curve[-1] - curve[2] < 30, curve      # flat after the first rounds, not growing per round


# ------------------------------------------------------------------ two AppTest sessions of a page
PAGE = ROOT / "pages" / "2_Text_generation.py"


def test_two_app_sessions_do_not_see_each_others_model(monkeypatch):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    monkeypatch.setattr("rnn.ui.setup._lesson_links", lambda: None, raising=False)
    st.cache_resource.clear()
    fresh = snapshot(load_pretrained("textgen-lstm"))
    try:
        a = AppTest.from_file(str(PAGE), default_timeout=60)
        b = AppTest.from_file(str(PAGE), default_timeout=60)
        for at in (a, b):
            at.session_state["tab"] = "Train"
            at.session_state["textgen_hidden"], at.session_state["textgen_embed"] = 8, 8
            at.session_state["textgen_seconds"] = 5
            at.run()
            assert not at.exception, at.exception
        a.button(key="textgen_exp_start").click().run()
        from pagetest import wait_for_steps           # trainings run in a worker (rnn.jobs)
        mine = wait_for_steps(a, "textgen_exp")
        assert not a.exception, a.exception
        assert mine.history.trained
        b.run()
        assert "textgen_exp" not in b.session_state or not any(
            True for r in b.session_state["textgen_exp"].history.steps)
        b.query_params["tab"] = "Try"
        b.run()
        assert any("pretrained model `textgen-lstm`" in c.value for c in b.caption)
        assert not any("your model" in c.value for c in b.caption)
        from rnn.ui.task_page import pretrained_experiment
        assert same(snapshot(pretrained_experiment("textgen-lstm")), fresh)   # the shared copy is untouched
    finally:
        st.cache_resource.clear()


def test_shipped_models_of_a_task_share_one_copy_of_its_data():
    """Memory (issue 16): each shipped model scored or cloned on a page used to build its own
    copy of the built-in data set (ensure_data); the server now keeps one per data set, and builds
    it only when a model is scored or trained (a Compare tab reads only the shipped histories)."""
    import streamlit as st

    from rnn.ui.task_page import builtin_data, pretrained_experiment

    st.cache_resource.clear()
    try:
        gru, lstm = pretrained_experiment("ner-gru"), pretrained_experiment("ner-lstm")
        assert gru.dataset == lstm.dataset
        assert gru.splits is None and lstm.splits is None and gru.history   # no data built yet
        early = lstm.clone()                                # a copy made before the data exists
        assert gru.ensure_data() is lstm.ensure_data() is builtin_data("ner", gru.dataset)
        assert early.ensure_data() is gru.splits
        assert gru.clone().splits is gru.splits            # a session's copy shares it too
    finally:
        st.cache_resource.clear()
