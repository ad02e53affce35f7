"""The gradient-flow lab through AppTest: every tab renders, a setting changes the charts, clipping
off on an exploding setting shows the diverged message (no exception) and clipping on trains, the
accuracy-vs-T sweep and the after-training curves run (on a reduced sweep to stay fast)."""
import base64
import json

import numpy as np

import pytest

from pagetest import fresh_cache, figures, open_tab, page_path, table_with  # noqa: F401 (fixture)
from rnn.lessons import gradflow_lab

PAGE = page_path("6_Gradient_flow.py")


def _open(tab, **state):
    return open_tab(PAGE, tab, **state)


def _figure(at, title_part):
    figs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    return [f for f in figs if title_part in f["layout"]["title"]["text"]]


def _arr(v):
    """A plotly array from the JSON spec (plain list, or base64 "bdata" with a dtype)."""
    if isinstance(v, dict):
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=v["dtype"])
    return np.asarray(v, dtype=float)


@pytest.mark.parametrize("tab", ["Learn", "Train", "Try", "Inspect", "Compare"])
def test_every_tab_renders(tab):
    at = _open(tab)
    assert not at.error
    assert _figure(at, "‖∂L/∂a⟨t⟩‖")                  # the gradient-flow chart is on the first screen


def test_learn_chart_has_every_cell_and_the_rnn_bound():
    at = _open("Learn")
    names = [t["name"] for t in _figure(at, "‖∂L/∂a⟨t⟩‖")[0]["data"]]
    assert {"RNN", "Leaky", "ESN", "GRU", "LSTM"} <= set(names)
    assert "RNN bound" in names                       # dashed, in the RNN's colour
    table = table_with(at, gradflow_lab.RATIO)
    assert table["cell"] == ["RNN", "Leaky", "ESN", "GRU", "LSTM"]
    assert table["the gradient"][0] in ("explodes", "vanishes", "survives")


def test_setting_changes_the_charts():
    at = _open("Try")
    before = _arr(_figure(at, "‖∂L/∂a⟨t⟩‖")[0]["data"][0]["x"])
    eig_before = _figure(at, "Eigenvalues")[0]["layout"]["title"]["text"]
    at.slider(key="grad_T").set_value(20).run()
    at.select_slider(key="grad_radius").set_value("1.5").run()
    assert not at.exception
    assert len(before) == 50 and len(_arr(_figure(at, "‖∂L/∂a⟨t⟩‖")[0]["data"][0]["x"])) == 20
    eig_after = _figure(at, "Eigenvalues")[0]["layout"]["title"]["text"]
    assert eig_before != eig_after and "1.50" in eig_after
    y = _arr(_figure(at, "‖∂L/∂a⟨t⟩‖")[0]["data"][0]["y"])
    assert y[0] > y[-1]                               # radius 1.5: grows towards t = 1 (explodes)


def test_exploding_without_clipping_says_diverged_then_clipping_trains():
    at = _open("Learn")
    at.button(key="grad_challenge_1").click().run()            # relu, radius 2, T = 20, SGD, clipping off
    assert at.session_state["tab"] == "Train"
    at.button(key="grad_train").click().run()
    assert not at.exception
    assert any("diverged" in e.value for e in at.error)
    at.toggle(key="grad_clip_on").set_value(True).run()
    at.button(key="grad_train").click().run()
    assert not at.exception and not at.error
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["steps trained"] == "300" and int(metrics["steps clipped"]) > 0
    assert _figure(at, "Gradient norm") and _figure(at, "How large")


def test_accuracy_sweep_and_after_training_curves(monkeypatch):
    monkeypatch.setattr(gradflow_lab, "TS", (5, 10))
    monkeypatch.setattr(gradflow_lab, "BUDGET", {**gradflow_lab.BUDGET, "steps": 30})
    at = _open("Compare", grad_T=10)
    at.button(key="grad_sweep_btn").click().run()
    assert not at.exception
    lines = _figure(at, "Accuracy as the gap T grows")[0]["data"]
    assert {t["name"] for t in lines if t.get("mode") == "lines+markers"} == {"RNN", "GRU", "LSTM"}
    at.segmented_control(key="grad_after").set_value(100).run()
    at.button(key="grad_measure").click().run()
    assert not at.exception and _figure(at, "after 100 steps")
