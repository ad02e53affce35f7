"""The two labs' logic (rnn/lessons/bidirectional.py, rnn/lessons/gradflow_lab.py) and figures
(rnn/plots/labs.py). Gradient-flow numbers are checked against a direct torch.autograd computation
on a hand-unrolled RNN with the same weights."""
import math

import numpy as np
import pytest
import torch

from rnn.data.ner import TaggedSentence
from rnn.lessons import bidirectional as bl
from rnn.lessons import gradflow_lab as gl
from rnn.models.config import ModelConfig
from rnn.plots.labs import direction_difference_figure, group_accuracy_figure, radius_sweep_figure


@pytest.fixture(autouse=True)
def one_thread():
    torch.set_num_threads(1)


# ---- bidirectional lab -----------------------------------------------------------------------
class FakeTagger:
    def __init__(self, p):
        self.p = p

    def predict(self, text):
        tokens = text.split()
        return {"tokens": tokens, "probs": [self.p] * len(tokens)}


def test_config_for_sets_only_the_direction():
    cfg = ModelConfig(arch="gru", hidden=16)
    assert bl.config_for("bidirectional", cfg) == ModelConfig(arch="gru", hidden=16, bidirectional=True)
    assert bl.config_for("unidirectional", cfg).bidirectional is False
    with pytest.raises(ValueError):
        bl.config_for("sideways", cfg)


def test_compare_sentence_focuses_on_the_ambiguous_word():
    view = bl.compare_sentence(FakeTagger(0.3), FakeTagger(0.9), "He met Teddy today")
    assert view["tokens"][view["focus"]] == "Teddy" and view["ambiguous"] == [2]
    assert view["uni"] == [0.3] * 4 and view["bi"] == [0.9] * 4
    row = bl.focus_row("He met Teddy today", view)
    assert row["word"] == "Teddy" and row["bidirectional P(name)"] == 0.9


def test_usual_sense_accuracy():
    s = lambda toks, tags, amb: TaggedSentence(toks.split(), tags, amb)
    train = [s("Teddy bears", [0, 0], [True, False]), s("Teddy bears", [0, 0], [True, False]),
             s("Teddy Roosevelt", [1, 1], [True, False])]
    test = [s("Teddy bears", [0, 0], [True, False]), s("Teddy Smith", [1, 1], [True, False])]
    assert bl.usual_sense_accuracy(train, test) == 0.5          # usual sense of Teddy: not a name
    assert math.isnan(bl.usual_sense_accuracy(train, []))


def _trace(tokens, forward, backward):
    return {"tokens": tokens, "layers": [[{"h": np.asarray(forward, float)},
                                          {"h": np.asarray(backward, float)}]]}


def test_direction_differences_at_shared_start_and_end():
    a = _trace(["Teddy", "bears", "."], [[0, 0], [1, 0], [2, 0]], [[5, 0], [1, 1], [0, 0]])
    b = _trace(["Teddy", "Roosevelt", "was", "."], [[0, 0], [0, 3], [0, 4], [0, 2]],
               [[1, 0], [2, 2], [3, 3], [0, 0]])
    d = bl.direction_differences(a, b)
    assert d["labels"] == ["Teddy (start)", ". (end)"]
    assert d["forward"] == [0.0, pytest.approx(math.hypot(2, 2))]
    assert d["backward"] == [4.0, 0.0]


def test_group_accuracy_rows_and_figure():
    rows = bl.group_accuracy_rows({"uni": {"accuracy_ambiguous": 0.45, "accuracy_other": 1.0,
                                           "n_ambiguous": 175},
                                   "bi": {"accuracy_ambiguous": 1.0, "accuracy_other": 1.0}})
    assert rows[0]["accuracy on ambiguous words"] == 0.45 and rows[1]["ambiguous words in the test set"] == 0
    fig = group_accuracy_figure(rows, bl.GROUPS, usual_sense=0.49)
    assert len(fig.data) == 3 and "49%" in fig.data[2].name and list(fig.data[0].y) == [0.45, 1.0]
    assert "no data" in group_accuracy_figure([], bl.GROUPS).layout.annotations[0].text
    # each group's name on lines of about 14 characters (upright on a phone), nothing lost
    names = list(fig.data[0].x)
    assert [n.replace("<br>", " ") for n in names] == list(bl.GROUPS.values())
    assert all(len(line) <= 16 for n in names for line in n.split("<br>"))


def test_direction_difference_figure():
    fig = direction_difference_figure({"labels": ["Teddy (start)"], "forward": [0.0], "backward": [3.0]})
    assert [t.name.split()[0] for t in fig.data] == ["forward", "backward"]
    assert direction_difference_figure({"labels": [], "forward": [], "backward": []}).layout.annotations


# ---- gradient-flow lab -----------------------------------------------------------------------
def _direct_rnn_grad_norms(model, x, y):
    """||dL/dh_t|| by unrolling h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh) by hand."""
    f = model.layer.fused
    h = torch.zeros(x.shape[0], f.hidden_size)
    hs = []
    for t in range(x.shape[1]):
        h = torch.tanh(x[:, t] @ f.weight_ih_l0.T + f.bias_ih_l0 + h @ f.weight_hh_l0.T + f.bias_hh_l0)
        hs.append(h)
    loss = torch.nn.functional.cross_entropy(model.head(h), y)
    return np.array([float(g.norm()) for g in torch.autograd.grad(loss, hs)])


@pytest.mark.parametrize("radius", [None, 0.9, 1.5])
def test_gradient_curves_match_direct_autograd(radius):
    s = gl.LabSettings(T=15, radius=radius)
    curves = gl.gradient_curves(s)
    assert set(curves) == {"RNN", "Leaky", "ESN", "GRU", "LSTM"}
    assert all(len(c) == 15 for c in curves.values())
    x, y = gl.probe_batch(s)
    direct = _direct_rnn_grad_norms(s.model("rnn"), x, y)
    np.testing.assert_allclose(curves["RNN"], direct, rtol=1e-4, atol=1e-12)


def test_bound_holds_for_the_rnn():
    s = gl.LabSettings(T=30, radius=1.25)
    y = gl.gradient_curves(s)["RNN"]
    b = gl.rnn_beta(s)
    bound = y[-1] * b ** (30 - np.arange(1, 31))
    assert (y <= bound * (1 + 1e-4)).all()


def test_keep_bias_keeps_the_gated_gradients_alive():
    init = gl.gradient_curves(gl.LabSettings(T=50, keep_bias=None))["LSTM"]
    opened = gl.gradient_curves(gl.LabSettings(T=50, keep_bias=3.0))["LSTM"]
    assert opened[0] / opened[-1] > 1e3 * init[0] / init[-1]


def test_radius_below_one_vanishes_above_one_explodes():
    sweep = gl.radius_sweep(gl.LabSettings(T=40), [0.5, 1.0, 2.0])
    for ratios in sweep.values():
        assert ratios[0] < 1e-6 and ratios[0] < ratios[1] < ratios[2] and ratios[2] > 10
    spec = gl.rnn_spectrum(gl.LabSettings(radius=1.5))
    assert spec["radius"] == pytest.approx(1.5, rel=1e-4) and spec["beta_W"] >= spec["radius"]
    fig = radius_sweep_figure([0.5, 1.0, 2.0], sweep, 40, current=1.5)
    assert len(fig.data) == 2 and fig.layout.yaxis.type == "log"


def test_decay_table_verdicts():
    rows = gl.decay_table({"A": np.array([1e-8, 1.0]), "B": np.array([100.0, 1.0]),
                           "C": np.array([0.5, 1.0])})
    assert [r["the gradient"] for r in rows] == ["vanishes", "explodes", "survives"]


EXPLODING = gl.LabSettings(T=20, radius=2.0, nonlinearity="relu")
SGD = {"steps": 300, "lr": 0.05, "optimizer": "sgd", "batch_size": 32}


def test_training_without_clipping_diverges_without_raising():
    run = gl.run_training(EXPLODING.model("rnn"), {**SGD, "clip": None})
    assert run["diverged"] and "NaN" in run["reason"] and len(run["records"]) < 300
    assert math.isfinite(run["accuracy"])                     # the last good weights were kept


def test_training_with_clipping_trains_and_counts_clipped_steps():
    progress = []
    run = gl.run_training(EXPLODING.model("rnn"), {**SGD, "clip": 1.0}, progress=progress.append)
    summary = gl.run_summary(run, 1.0)
    assert not run["diverged"] and summary["steps"] == 300 and summary["clipped"] > 0
    assert all(r["grad_norm_clipped"] <= 1.0 + 1e-6 for r in run["records"])
    assert progress[-1] == 1.0


def test_accuracy_at_short_T_and_largest_solved():
    assert gl.accuracy_at(gl.LabSettings(), "lstm", 5) >= gl.SOLVED
    assert gl.largest_solved({"A": {5: 1.0, 10: 0.95, 20: 0.3, 50: 0.99}, "B": {5: 0.2}}) == \
        {"A": 10, "B": None}


def test_settings_route_to_the_right_cell():
    s = gl.LabSettings(radius=1.2, nonlinearity="relu", keep_bias=1.0)
    assert s.config("rnn").radius == 1.2 and s.config("rnn").nonlinearity == "relu"
    assert s.config("lstm").keep_bias == 1.0 and s.config("lstm").radius is None
    assert s.config("gru").radius is None and s.config("gru").keep_bias == 1.0
    assert s.config("rnn").keep_bias is None


def test_textgen_vocab_size_remembers_a_digest_not_the_text():
    from rnn.lessons import textgen

    text = "".join(["the cat sat\n"] * 50)
    n = textgen.vocab_size(text, "char")
    assert n == textgen.vocab_size(text, "char") and n >= len(set(text))
    assert not any(text in key for key in textgen._VOCAB_SIZES)          # no training text kept
    for i in range(textgen._VOCAB_SIZES_KEPT + 5):                        # and a bounded number
        textgen.vocab_size(f"text {i}\n", "char")
    assert len(textgen._VOCAB_SIZES) <= textgen._VOCAB_SIZES_KEPT
