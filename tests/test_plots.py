"""Every figure function: the right traces for small inputs, and an empty "no data yet" figure
(never an exception) for empty input."""
import math

import numpy as np
import plotly.graph_objects as go
import pytest

from rnn import plots
from rnn.plots.theme import MAX_POINTS


def _steps(n, clip_every=0):
    return [{"kind": "step", "step": i, "loss": 3.0 / (i + 1), "grad_norm": 0.5 + i % 7,
             "grad_norm_clipped": 1.0, "clipped": bool(clip_every and i % clip_every == 0),
             "lr": 1e-3, "examples_per_s": 100.0, "elapsed": i * 0.01} for i in range(1, n + 1)]


def _evals(n):
    return [{"kind": "eval", "step": 10 * i, "elapsed": i * 0.1, "val_loss": 2.0 / i,
             "f1": i / (n + 1)} for i in range(1, n + 1)]


def _is_empty(fig):
    texts = [a.text for a in fig.layout.annotations]
    return isinstance(fig, go.Figure) and not fig.data and any("no data" in t for t in texts)


EMPTY_CALLS = [
    lambda: plots.loss_figure([]),
    lambda: plots.metric_figure([], "f1"),
    lambda: plots.grad_norm_figure([], clip=1.0),
    lambda: plots.grad_norm_histogram(None),
    lambda: plots.compare_figure({}),
    lambda: plots.compare_figure({"gru": []}),
    lambda: plots.state_heatmap([], []),
    lambda: plots.gates_heatmap({}, []),
    lambda: plots.attention_heatmap([], [], []),
    lambda: plots.token_prob_bars([], []),
    lambda: plots.prob_after_each_word([], None),
    lambda: plots.topk_bars({}),
    lambda: plots.uni_vs_bi_figure([], [], []),
    lambda: plots.grad_flow_figure({}),
    lambda: plots.eigenvalue_figure([]),
    lambda: plots.accuracy_vs_length_figure({}),
]


@pytest.mark.parametrize("call", EMPTY_CALLS)
def test_empty_input_gives_annotated_empty_figure(call):
    assert _is_empty(call())


def test_loss_figure_train_val_and_uniform_reference():
    records = _steps(20) + _evals(2) + [{"kind": "stop", "reason": "budget"}]
    fig = plots.loss_figure(records, vocab_size=50)
    names = [t.name for t in fig.data]
    assert names == ["train loss", "validation loss"]
    assert len(fig.data[0].x) == 20 and list(fig.data[1].y) == [2.0, 1.0]
    assert any(math.isclose(s.y0, math.log(50)) for s in fig.layout.shapes)
    assert fig.layout.template.layout.font.size >= 16   # projector-readable


def test_long_history_is_downsampled_to_max_points():
    fig = plots.loss_figure(_steps(5000))
    assert len(fig.data[0].x) <= MAX_POINTS
    assert fig.data[0].x[-1] == 5000                  # the latest step is always shown


def test_downsample_max_keeps_spikes():
    ys = [1.0] * 1000
    ys[517] = 1e6
    _, dy = plots.downsample(list(range(1000)), ys, max_points=50, how="max")
    assert len(dy) == 50 and max(dy) == 1e6


def test_metric_figure():
    fig = plots.metric_figure(_evals(3), "f1")
    assert list(fig.data[0].x) == [10, 20, 30]


def test_grad_norm_figure_marks_clipped_steps_and_threshold():
    fig = plots.grad_norm_figure(_steps(30, clip_every=5), clip=1.0)
    assert len(fig.data) == 2 and "clipped (6 steps)" == fig.data[1].name
    assert fig.layout.yaxis.type == "log"
    assert any(s.y0 == 1.0 for s in fig.layout.shapes)


def test_grad_norm_histogram():
    fig = plots.grad_norm_histogram(_steps(30), clip=2.0)
    assert len(fig.data[0].x) == 30 and len(fig.layout.shapes) == 1


def test_compare_figure_one_line_per_run():
    runs = {"RNN": _evals(3), "GRU": _evals(4), "LSTM": _steps(5)}
    fig = plots.compare_figure(runs, key="val_loss")
    assert [t.name for t in fig.data] == ["RNN", "GRU"]     # LSTM has no evals yet
    fig = plots.compare_figure(runs, key="loss", x="elapsed")
    assert [t.name for t in fig.data] == ["LSTM"]


def test_compare_figure_x_axis_is_steps_by_default_or_seconds():
    runs = {"GRU": _evals(3)}
    fig = plots.compare_figure(runs)
    assert list(fig.data[0].x) == [10, 20, 30] and fig.layout.xaxis.title.text == "training step"
    fig = plots.compare_figure(runs, x="seconds")
    assert list(fig.data[0].x) == pytest.approx([0.1, 0.2, 0.3])
    assert fig.layout.xaxis.title.text == "seconds of training"
    assert list(plots.compare_figure(runs, x="elapsed").data[0].x) == list(fig.data[0].x)
    with pytest.raises(ValueError):
        plots.compare_figure(runs, x="minutes")


@pytest.mark.parametrize("labels", [("Vanilla RNN", "GRU", "LSTM"),
                                    ("attention: none", "attention: dot", "attention: additive")])
def test_compare_figure_identical_curves_stay_distinguishable(labels):
    """Two runs on the same values (GRU under LSTM, dot under additive) must not hide each other:
    each has its own dash pattern and marker, and the legend names all of them."""
    fig = plots.compare_figure({label: _evals(20) for label in labels}, key="f1")
    styles = [(t.line.dash, t.marker.symbol) for t in fig.data]
    assert len(set(styles)) == len(labels) == len({t.line.color for t in fig.data})
    assert [t.name for t in fig.data] == list(labels) and fig.layout.showlegend
    assert all(0 < t.marker.maxdisplayed <= 20 for t in fig.data)


def test_state_and_gate_heatmaps_put_tokens_on_x():
    tokens = ["the", "cat", "the"]
    h = np.random.default_rng(0).normal(size=(3, 5))
    fig = plots.state_heatmap(h, tokens)
    assert np.asarray(fig.data[0].z).shape == (5, 3)        # units x tokens
    assert len(set(fig.data[0].x)) == 3                      # repeated "the" kept apart
    gates = {"i": np.full((3, 5), 0.5), "f": np.ones((3, 5)), "bad": np.ones((2, 5))}
    fig = plots.gates_heatmap(gates, tokens)
    assert [t.name for t in fig.data] == ["i", "f"]
    assert fig.data[0].zmin == 0.0 and fig.data[0].zmax == 1.0


def test_attention_heatmap_source_by_target():
    w = np.full((2, 3), 1 / 3)
    fig = plots.attention_heatmap(w, ["a", "b", "c"], ["x", "y"])
    assert list(fig.data[0].x) == ["a", "b", "c"] and list(fig.data[0].y) == ["x", "y"]
    assert _is_empty(plots.attention_heatmap(w, ["a"], ["x", "y"]))   # shape mismatch


def test_token_figures():
    fig = plots.token_prob_bars(["Teddy", "bears"], [0.9, 0.1])
    assert list(fig.data[0].y) == [0.9, 0.1]
    fig = plots.prob_after_each_word(["not", "good"], [0.4, 0.2])
    assert list(fig.data[0].y) == [0.4, 0.2]
    fig = plots.topk_bars([("a", 0.1), (" ", 0.6), ("b", 0.3)], chosen=" ", k=2)
    assert list(fig.data[0].y) == ["␣", "b"]
    fig = plots.uni_vs_bi_figure(["Teddy", "bears", "."], [0.5, 0.1, 0.0], [0.1, 0.1, 0.0])
    assert len(fig.data) == 2
    assert [s.x1 for s in fig.layout.shapes] == [0.5, 2.5]   # uni saw 1 word, bi all 3


def test_gradflow_figures():
    norms = {"rnn": 0.5 ** np.arange(10)[::-1], "lstm": np.ones(10)}
    fig = plots.grad_flow_figure(norms, beta={"rnn": 0.5})
    assert [t.name for t in fig.data][:2] == ["rnn", "rnn bound"]
    assert "β<sub>W</sub>β<sub>h</sub> = 0.5" in fig.data[1].hovertemplate
    np.testing.assert_allclose(fig.data[1].y, fig.data[0].y)    # this run sits on its bound
    fig = plots.eigenvalue_figure(np.array([0.5 + 0.5j, 1.5]))
    assert "1.50" in fig.layout.title.text and len(fig.data) == 2
    fig = plots.accuracy_vs_length_figure({"gru": {10: 1.0, 50: 0.8}, "rnn": ([10, 50], [0.9, 0.5])},
                                          chance=0.1)
    assert [list(t.x) for t in fig.data] == [[10.0, 50.0], [10.0, 50.0]]


def test_figures_serialise_with_nan_values():
    recs = _steps(3)
    recs[1]["loss"] = float("nan")
    plots.loss_figure(recs).to_json()


def test_lines_that_coincide_stay_distinguishable_in_the_lab_and_length_charts():
    from rnn.plots.gradflow import accuracy_vs_length_figure
    from rnn.plots.translation_page import exact_match_by_length_figure
    same = {5: 1.0, 10: 1.0}
    lab = accuracy_vs_length_figure({"RNN": same, "GRU": same, "LSTM": same}, chance=0.1)
    by_len = exact_match_by_length_figure({"no attention": same, "dot attention": same,
                                           "additive attention": same})
    for fig in (lab, by_len):
        lines = [t for t in fig.data if t.mode == "lines+markers"]
        styles = {(t.line.dash, t.marker.symbol) for t in lines}
        assert len(lines) == 3 and len(styles) == 3, styles


def test_figures_carry_the_app_template_even_after_streamlit_resets_plotlys_default():
    """new_figure/empty_figure/subplots take the template as plotly's default (no deep copy per figure);
    ``import streamlit`` sets that default to Streamlit's own template, so they set it back."""
    import plotly.io as pio
    import streamlit  # noqa: F401

    from rnn.plots.theme import TEMPLATE_NAME, empty_figure, new_figure

    for make in (lambda: new_figure("Loss", "step", "loss"), lambda: empty_figure("Loss"),
                 lambda: plots.gates_heatmap({"f": np.full((2, 3), 0.5)}, ["a", "b"], title="Loss")):
        pio.templates.default = "streamlit"
        fig = make()
        assert fig.layout.template == pio.templates[TEMPLATE_NAME]
        assert fig.layout.template.layout.font.size == 18
        assert fig.layout.title.text == "Loss"


@pytest.mark.parametrize("position", ["top right", "top left", "bottom right", "bottom left"])
@pytest.mark.parametrize("text", [None, "chance 0.50"])
def test_reference_lines_are_plotlys_own_shapes_and_labels(position, text):
    """theme.hline / vline (fast) write the same layout as plotly's add_hline / add_vline."""
    from rnn.plots.theme import hline, new_figure, vline
    line = dict(dash="dot", color="#555555", width=2)
    for ours, theirs, at in ((hline, "add_hline", "y"), (vline, "add_vline", "x")):
        expected, got = new_figure("t", "x", "y"), new_figure("t", "x", "y")
        kwargs = {"annotation_text": text, "annotation_position": position,
                  "annotation_font_size": 15} if text else {}
        getattr(expected, theirs)(**{at: 0.7}, line=line, **kwargs)
        ours(got, 0.7, line, text, position, 15)
        ours(got, 0.9, line)                        # a second line is added, not swapped in
        getattr(expected, theirs)(**{at: 0.9}, line=line)
        assert got.to_dict() == expected.to_dict()


def test_a_top_legend_is_pinned_under_the_title_and_a_placed_one_is_left_alone():
    from rnn.plots.theme import place_legend, title_margin

    norms = {"rnn": 0.5 ** np.arange(10)[::-1], "lstm": np.ones(10)}
    fig = place_legend(plots.grad_flow_figure(norms, beta={"rnn": 0.5}))
    legend, title = fig.layout.legend, fig.layout.title.text
    assert (legend.yref, legend.yanchor) == ("container", "top")
    # its top edge, in pixels from the top, is where the title's lines end: on a screen its one
    # row sits where the template put it, just above the plot (margin.t keeps 30 px for it)
    top_px = (1 - legend.y) * fig.layout.height
    assert top_px == pytest.approx(title_margin(title, legend=False))
    assert fig.layout.margin.t - top_px == pytest.approx(30)
    placed = go.Figure(layout=dict(legend=dict(y=-0.3, yanchor="top", orientation="h")))
    assert place_legend(placed).layout.legend.yref is None
