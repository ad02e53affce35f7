"""One-hot vectors of a sentence, and the embedding lookup that multiplying by them performs.

Notation (the lessons'): word t of the sentence is x^<t> in R^|V|, a column with a single 1 at
the word's index in the vocabulary V; the sentence is the |V| x T_x matrix [x^<1> ... x^<T_x>].
An embedding matrix E in R^(d x |V|) turns it into e^<t> = E x^<t>, which is just column
"word" of E: the multiplication is a table lookup. (torch.nn.Embedding stores E transposed,
|V| x d, and picks rows; same thing.)
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from rnn.plots.theme import (DIVERGING, PALETTE, TEMPLATE_NAME, empty_figure, new_figure,
                             short_labels, title_margin,
                             wrap_title)

UNK = "<unk>"


def sentence_vocab(tokens: Sequence[str], common: Sequence[str] = (), max_size: int = 30) -> list[str]:
    """A small vocabulary for the demo: ``<unk>``, the sentence's words (first seen first),
    then common words, at most ``max_size`` in all. Words that do not fit map to ``<unk>``."""
    vocab = [UNK]
    for word in list(tokens) + list(common):
        if len(vocab) >= max_size:
            break
        if word not in vocab:
            vocab.append(word)
    return vocab


def one_hot_matrix(tokens: Sequence[str], vocab: Sequence[str]) -> np.ndarray:
    """The |V| x T matrix whose column t is x^<t>; unknown words light up ``<unk>`` if present."""
    index = {w: i for i, w in enumerate(vocab)}
    x = np.zeros((len(vocab), len(tokens)))
    for t, word in enumerate(tokens):
        i = index.get(word, index.get(UNK))
        if i is not None:
            x[i, t] = 1.0
    return x


def one_hot_figure(tokens: Sequence[str], vocab: Sequence[str],
                   title: str = "One-hot vectors: each column x<sup>⟨t⟩</sup> has a single 1"
                   ) -> go.Figure:
    """Heatmap of the one-hot matrix: vocabulary words down y, the sentence's words along x."""
    if not tokens or not vocab:
        return empty_figure(title)
    x = one_hot_matrix(tokens, vocab)
    cols = [f"{w} (t={t + 1})" for t, w in enumerate(short_labels(tokens, 10))]
    fig = new_figure(title, "word of the sentence (time step t)", "vocabulary V",
                     height=max(380, min(1000, 200 + 28 * len(vocab))))
    fig.add_trace(go.Heatmap(z=x, x=cols, y=short_labels(vocab, 14), colorscale=[[0, "#F4F4F4"],
                             [1, PALETTE[0]]], zmin=0, zmax=1, showscale=False, xgap=2, ygap=2,
                             text=np.where(x > 0, "1", "").tolist(), texttemplate="%{text}",
                             textfont=dict(size=16, color="white"),
                             hovertemplate="%{x}<br>row %{y}: %{z:.0f}<extra></extra>"))
    # dtick=1: plotly thins crowded category ticks, which would hide every other word.
    fig.update_yaxes(autorange="reversed", type="category", dtick=1)
    fig.update_xaxes(type="category", tickangle=-35, dtick=1)
    fig.update_layout(margin_t=title_margin(fig.layout.title.text, legend=False))
    return fig


def embedding_lookup_figure(tokens: Sequence[str], vocab: Sequence[str], embedding,
                            title: str = "Embedding lookup: E x<sup>⟨t⟩</sup> is column x<sup>⟨t⟩</sup> of E"
                            ) -> go.Figure:
    """Top: E (d x |V|) with the sentence's columns outlined. Bottom: [e^<1> ... e^<T>] = E X.

    The bottom panel is computed as the matrix product, and equals the outlined columns: a
    student can check the lookup by eye.
    """
    E = np.asarray(embedding if embedding is not None else [], dtype=float)
    if not tokens or not vocab or E.ndim != 2 or E.shape[1] != len(vocab):
        return empty_figure(title)
    X = one_hot_matrix(tokens, vocab)
    looked_up = E @ X                                     # (d, T): the product IS the lookup
    bound = float(np.abs(E).max()) or 1.0
    # Stacked, not side by side: E has |V| columns and needs the full width to stay legible.
    fig = make_subplots(rows=2, cols=1, vertical_spacing=0.32,
                        subplot_titles=["E  (one column per vocabulary word)",
                                        "E X = [e⟨1⟩ … e⟨T⟩]  (one column per word of the sentence)"])
    dims = [f"dim {k + 1}" for k in range(E.shape[0])]
    common = dict(colorscale=DIVERGING, zmin=-bound, zmax=bound, y=dims, texttemplate="%{z:.1f}",
                  textfont=dict(size=14), xgap=1, ygap=1)
    fig.add_trace(go.Heatmap(z=E, x=short_labels(vocab, 10), colorbar=dict(title=dict(text="value")),
                             **common), 1, 1)
    fig.add_trace(go.Heatmap(z=looked_up, x=[f"{w} (t={t + 1})" for t, w in
                                            enumerate(short_labels(tokens, 8))],
                             showscale=False, **common), 2, 1)
    for i in sorted({int(np.argmax(X[:, t])) for t in range(X.shape[1]) if X[:, t].any()}):
        fig.add_shape(type="rect", x0=i - 0.5, x1=i + 0.5, y0=-0.5, y1=E.shape[0] - 0.5,
                      line=dict(color="black", width=3), row=1, col=1)
    fig.update_xaxes(type="category", tickangle=-35, dtick=1)
    fig.update_yaxes(autorange="reversed")
    wrapped = wrap_title(title)
    fig.update_layout(template=TEMPLATE_NAME, title_text=wrapped, height=340 + 60 * E.shape[0],
                      margin_t=title_margin(wrapped, legend=False) + 10)
    return fig

