"""Defaults that fit the data: model size, dropout, learning rate and batch from a look at the data.

A user who brings a file and a budget should not have to know that 7,000 short reviews overfit a
big model within a minute, or that a megabyte of text wants a wider network and longer windows
than a page's toy corpus. ``fit_to_data`` looks at the training split (how many examples or
tokens, how many distinct tokens, how long a sentence is) and returns the settings it picks with
one reason each. It is pure (no torch, no I/O): the CLI's ``train --data`` calls it, and the
app's Train tab can offer the same "fit to my data" choice. Settings the user gave win.

The rules, in words:

- Sequence tasks (tagging, classification, translation): the embedding grows with the vocabulary
  (32 / 64 / 100 for under 1,000 / under 10,000 / more distinct words) and the hidden size with
  the number of examples (64 / 128 / 256 from 2,000 and 50,000 examples). Dropout is 0.5 below
  10,000 examples, 0.3 below 100,000, else 0.1 (translation: 0.2 / 0.1 / 0.1, a decoder that
  forgets its input every other word cannot copy). Adam at 2e-3, batch 32 (64 from 20,000
  examples). Evaluation about twice an epoch (20 to 200 steps): the best validation score's
  weights are the ones kept, so an overfitting run is cut at its best.
- Language models: the window (truncated BPTT) is 64 characters or 35 words, drawn at random.
  Both choices are measured on tinyshakespeare (BENCHMARKS.md, "Real data"): for the same
  characters read and the same CPU time, 1,200 steps of 64-character windows reached a validation
  loss 0.046 nats lower than 600 steps of 128-character ones (a budget of minutes gains more from
  more updates than from longer context); and the ``carry`` option (consecutive windows, the
  state carried) scored 0.017 nats worse after 1,500 steps than random windows, 0.003-0.008
  worse after 300, so it stays off unless asked for. Hidden 256 from 100,000 tokens (128 below);
  dropout 0.2 below 100,000 tokens, 0.1 below 1,000,000, else 0 (a budget of minutes does not see
  a megabyte often enough to overfit it).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from rnn.data.tokenize import tokenize_words


@dataclass
class Fit:
    """What ``fit_to_data`` chose: ModelConfig fields, TrainConfig fields, task options, and one
    line per choice saying why (``describe()`` joins them for printing)."""

    model: dict = field(default_factory=dict)
    train: dict = field(default_factory=dict)
    options: dict = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)
    summary: str = ""

    def describe(self) -> str:
        return "\n".join([self.summary, *(f"  {line}" for line in self.reasons)])


def fit_to_data(task: str, splits, level: str = "char", max_hidden: int = 256,
                max_embed: int = 256) -> Fit:
    """Settings fitted to ``splits`` (a Splits whose ``train`` is a text for ``textgen``, else a
    list of examples with ``tokens``, or ``src``/``tgt`` for translation pairs). ``task`` is the
    task's name; ``level`` the language model's tokens; sizes stay within the server's limits."""
    if isinstance(splits.train, str):
        fit = _fit_text(splits.train, level)
    else:
        fit = _fit_sequences(task, list(splits.train))
    fit.model["hidden"] = min(fit.model["hidden"], max_hidden)
    fit.model["embed"] = min(fit.model["embed"], max_embed)
    return fit


def _fit_sequences(task: str, items: list) -> Fit:
    sentences = [_tokens(item) for item in items]
    n = len(sentences)
    vocab = len({t.lower() for s in sentences for t in s})
    mean_len = sum(len(s) for s in sentences) / max(1, n)
    embed = 32 if vocab < 1000 else 64 if vocab < 10000 else 100
    hidden = 64 if n < 2000 else 128 if n < 50000 else 256
    if task == "translation":       # a rule of the data, not of the code path: see the docstring
        dropout = 0.2 if n < 10000 else 0.1
    else:
        dropout = 0.5 if n < 10000 else 0.3 if n < 100000 else 0.1
    batch = 32 if n < 20000 else 64
    epoch = max(1, n // batch)
    eval_every = max(20, min(200, epoch // 2))
    fit = Fit(model={"embed": embed, "hidden": hidden, "layers": 1, "dropout": dropout},
              train={"lr": 2e-3, "batch_size": batch, "eval_every": eval_every})
    fit.summary = (f"fitted to the data: {n:,} training examples, {vocab:,} distinct words, "
                   f"{mean_len:.1f} words each on average")
    fit.reasons = [
        f"embed {embed}: {vocab:,} distinct words",
        f"hidden {hidden}: {n:,} examples",
        f"dropout {dropout}: on embeddings, between layers and before the output "
        f"({'few' if n < 10000 else 'many'} examples overfit {'fast' if n < 10000 else 'slowly'})",
        f"lr 0.002, batch {batch}",
        f"evaluate every {eval_every} steps (an epoch is {epoch} steps); the best "
        "validation score's weights are kept",
    ]
    return fit


def _fit_text(text: str, level: str) -> Fit:
    tokens = list(text) if level == "char" else tokenize_words(text)
    n, vocab = len(tokens), len(set(tokens))
    bptt = 64 if level == "char" else 35
    batch = 32
    hidden = 128 if n < 100_000 else 256
    embed = 32 if level == "char" else 64 if vocab < 10000 else 128
    dropout = 0.2 if n < 100_000 else 0.1 if n < 1_000_000 else 0.0
    unit = "characters" if level == "char" else "words"
    fit = Fit(model={"embed": embed, "hidden": hidden, "layers": 1, "dropout": dropout},
              train={"lr": 3e-3, "batch_size": batch, "eval_every": 100},
              options={"bptt": bptt})
    fit.summary = f"fitted to the data: {n:,} training {unit}, {vocab:,} distinct"
    fit.reasons = [
        f"window (bptt) {bptt} {unit}, drawn at random (--carry reads consecutive windows "
        "with the state carried; it measured no better)",
        f"hidden {hidden}, embed {embed}: {n:,} {unit}",
        f"dropout {dropout}" + (": a short budget will not overfit this much text" if dropout == 0 else ""),
        f"lr 0.003, batch {batch}; the best validation loss's weights are kept",
    ]
    return fit


def _tokens(item) -> list[str]:
    """The input tokens of one example (a translation pair: its source)."""
    tokens = getattr(item, "tokens", None)
    return list(tokens if tokens is not None else getattr(item, "src", []))
