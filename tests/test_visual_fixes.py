"""Issue 22's visual defects, held by the pure functions that draw them."""
from __future__ import annotations

from rnn.lessons.common import a_cell
from rnn.lessons.levels import vanilla_falls_behind
from rnn.lessons.textgen import possible_next
from rnn.plots.heatmaps import gates_heatmap, state_heatmap
from rnn.plots.theme import arch_colour
from rnn.plots.training import compare_figure, legend_rows, line_style


def test_every_cell_has_its_own_colour_and_line():
    names = {"rnn": ["RNN", "Vanilla RNN"], "leaky": ["Leaky", "Leaky RNN"],
             "esn": ["ESN", "Echo state network"], "gru": ["GRU"], "lstm": ["LSTM"]}
    colours = {cell: {arch_colour(n, i) for i, n in enumerate(labels)}
               for cell, labels in names.items()}
    assert all(len(c) == 1 for c in colours.values()), colours      # one colour per cell
    assert len({c.pop() for c in colours.values()}) == 5             # and five different ones
    styles = {line_style(labels[-1]) for labels in names.values()}
    assert len(styles) == 5


def test_the_cell_names_take_the_right_article():
    assert [a_cell(a) for a in ("rnn", "leaky", "esn", "gru", "lstm")] == \
        ["an RNN", "a leaky RNN", "an echo state network", "a GRU", "an LSTM"]


def test_why_the_vanilla_rnn_falls_behind_only_when_it_does():
    assert vanilla_falls_behind({"Vanilla RNN": 0.16, "GRU": 1.0, "LSTM": 1.0}, "f1")
    assert not vanilla_falls_behind({"Vanilla RNN": 0.830, "GRU": 0.843, "LSTM": 0.833,
                                     "LSTM, no attention": 0.0}, "exact_match")
    assert vanilla_falls_behind({"Vanilla RNN": 2.0, "GRU": 1.2}, "val_loss")
    assert not vanilla_falls_behind({"Vanilla RNN": 1.21, "GRU": 1.2}, "val_loss")
    assert vanilla_falls_behind({"GRU": 1.0}, "f1")                  # unknown: keep the text


def test_only_tokens_that_could_be_drawn_are_listed():
    top = [("a", 0.7), ("b", 0.3), ("c", 0.0), ("d", 0.0), ("e", 0.0)]
    assert possible_next(top) == [("a", 0.7), ("b", 0.3)]


def test_a_legend_that_wraps_gets_its_rows_and_the_plot_keeps_its_height():
    assert legend_rows(["Vanilla RNN", "GRU", "LSTM"]) == 1
    assert legend_rows(["Vanilla RNN", "GRU", "LSTM", "LSTM, no attention"]) > 1
    run = [{"kind": "eval", "step": s, "exact_match": 0.5} for s in (1, 2)]
    three = compare_figure({k: run for k in ("Vanilla RNN", "GRU", "LSTM")}, "exact_match")
    four = compare_figure({k: run for k in ("Vanilla RNN", "GRU", "LSTM", "LSTM, no attention")},
                          "exact_match")
    plot = lambda f: f.layout.height - f.layout.margin.t           # noqa: E731
    assert four.layout.margin.t > three.layout.margin.t and plot(four) == plot(three)


def test_sixty_characters_stay_legible_and_each_gate_row_has_its_own_scale():
    import numpy as np

    tokens = list("Anna\nMarguerite\nJon\nEvangelina\nLi\nMaximilian\n")[:60]
    fig = state_heatmap(np.zeros((len(tokens), 4)), tokens)
    assert fig.layout.xaxis.tickangle == 0 and 9 <= fig.layout.xaxis.tickfont.size <= 12
    words = ["Teddy", "Roosevelt", "was", "a", "great", "President", "."]
    gates = {"Γ_u": np.full((7, 3), 0.5), "c̃": np.linspace(-1, 1, 7)[:, None] * np.ones((7, 3))}
    fig = gates_heatmap(gates, words)
    bars = [(t.showscale, t.zmin, t.zmax, t.colorbar.y) for t in fig.data]
    assert all(b[0] for b in bars)                                    # one bar per row
    assert bars[0][1:3] == (0.0, 1.0) and bars[1][1] < 0 < bars[1][2]  # 0..1 vs symmetric
    assert bars[0][3] != bars[1][3]                                   # beside its own row
