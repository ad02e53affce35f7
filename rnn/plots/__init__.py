"""Plotly figures for the app: pure functions from plain data (lists, arrays, record dicts) to
``plotly.graph_objects.Figure``. No streamlit here, so tests call them directly. (Static
diagrams that need no chart, the RNN shapes and one-hot vectors, are SVG: ``rnn.diagrams``.)

Every function returns an empty figure with a "no data yet" note instead of raising on empty
input, so a page can draw its charts before the first training step.
"""
from rnn.plots.gradflow import accuracy_vs_length_figure, eigenvalue_figure, grad_flow_figure
from rnn.plots.heatmaps import attention_heatmap, gates_heatmap, state_heatmap
from rnn.plots.theme import PALETTE, TEMPLATE_NAME, downsample, empty_figure, new_figure
from rnn.plots.tokens import prob_after_each_word, token_prob_bars, topk_bars, uni_vs_bi_figure
from rnn.plots.training import compare_figure, grad_norm_figure, grad_norm_histogram, \
    loss_figure, metric_figure, metric_label, split_records

__all__ = [
    "accuracy_vs_length_figure", "eigenvalue_figure", "grad_flow_figure",
    "attention_heatmap", "gates_heatmap", "state_heatmap",
    "PALETTE", "TEMPLATE_NAME", "downsample", "empty_figure", "new_figure",
    "prob_after_each_word", "token_prob_bars", "topk_bars", "uni_vs_bi_figure",
    "compare_figure", "grad_norm_figure", "grad_norm_histogram", "loss_figure", "metric_figure",
    "metric_label", "split_records",
]
