"""What every task provides, so that the experiment, the CLI and the pages treat them alike.

A task knows its data (built-in sets and user files), how to build vocabularies and a model from a
ModelConfig, how to batch, its loss, its metrics, and how to turn the model's output on one input
into plain values for the page (probabilities, samples, attention, traces). It knows nothing of
Streamlit or of the trainer.

What differs between tasks lives here, never in a branch on a task's name elsewhere. Options are
one plain dict per experiment (stored in its checkpoint): ``default_options`` fills it from the data
set and model (translation's token joiners, text generation's stop character and window), the user
may add to it (teacher forcing), and ``loss``, ``evaluate``, ``predict`` and ``trace`` receive it
as keyword arguments, each taking the ones it knows.
"""
from __future__ import annotations

import random
from typing import Iterator, Sequence

import numpy as np
import torch

from rnn.data import DataFormatError


class Task:
    name = ""
    title = ""
    metric = ""                    # the headline metric key in evaluate()'s result
    higher_is_better = True
    allows_bidirectional = True
    file_help = ""                 # the user-file format, one sentence
    min_items = 20                 # a user file needs at least this many examples
    eval_cap: int | None = None    # the live app scores at most this many validation items

    # ---- data ---------------------------------------------------------------------------
    def datasets(self) -> dict[str, str]:
        raise NotImplementedError

    def load_builtin(self, name: str, seed: int = 0):
        raise NotImplementedError

    def load_file(self, source, name: str | None = None, seed: int = 0, max_bytes: int | None = None):
        """A user's file split into train/val/test."""
        raise NotImplementedError

    def read_file(self, source, name: str | None = None, max_bytes: int | None = None):
        """A user's file as a whole (to score every item of it): a list of examples or a text."""
        raise DataFormatError(f"scoring a file is not available for the {self.name} task")

    def check_dataset(self, name: str) -> None:
        if name not in self.datasets():
            options = ", ".join(self.datasets())
            raise DataFormatError(f"unknown {self.name} dataset {name!r}; built-in sets are: {options}")

    def default_options(self, dataset: str, config) -> dict:
        """Options that follow from the data set and the model (an experiment's options start here)."""
        return {}

    def cap(self, items, config):
        """``items`` cut to what the live app scores during training (a page must stay fast). The
        CLI's ``evaluate`` and final scores never cut."""
        return items[: self.eval_cap] if self.eval_cap else items

    # ---- model --------------------------------------------------------------------------
    def build_vocabs(self, splits, config) -> dict:
        raise NotImplementedError

    def build_model(self, config, vocabs):
        raise NotImplementedError

    def batches(self, items: Sequence, vocabs, config, batch_size: int, seed: int,
                options: dict | None = None) -> Iterator:
        """An endless stream of shuffled batches (a new order every epoch, seeded)."""
        rng = random.Random(seed)
        order = list(range(len(items)))
        if not order:
            raise DataFormatError(f"the {self.name} training set is empty")
        while True:
            rng.shuffle(order)
            for start in range(0, len(order), batch_size):
                chunk = [items[i] for i in order[start : start + batch_size]]
                yield self.make_batch(chunk, vocabs, config)

    def make_batch(self, items: Sequence, vocabs, config):
        raise NotImplementedError

    def loss(self, model, batch, options: dict | None = None) -> torch.Tensor:
        """The training loss of one batch; ``options`` are the experiment's options."""
        return model.loss(batch)

    def evaluate(self, model, items: Sequence, vocabs, config, **options) -> dict:
        raise NotImplementedError

    def predict(self, model, vocabs, config, text: str, **options) -> dict:
        raise NotImplementedError

    def trace(self, model, vocabs, config, text: str, **options) -> dict:
        raise NotImplementedError


def trace_to_numpy(trace, tokens: list[str]) -> dict:
    """A layer Trace of one sentence -> {"tokens", "layers": [[{name: (L, H) array}, ...per direction]]}."""
    layers = []
    for per_layer in trace.steps:
        layers.append([{name: value[0].detach().numpy().astype(np.float32)
                        for name, value in direction.items()} for direction in per_layer])
    return {"tokens": tokens, "layers": layers}


@torch.no_grad()
def sigmoid_scores(model, vocab, sentences: list[list[str]], chunk: int = 512) -> list[float]:
    """sigmoid(model(batch)) for each sentence (words lower-cased, batches of ``chunk``): the
    one-probability tasks' (sentiment, agreement) scoring of whole sentences or prefixes."""
    from rnn.models.features import make_word_batch
    model.eval()
    out: list[float] = []
    for part in chunks(sentences, chunk):
        batch = make_word_batch([[t.lower() for t in s] for s in part], vocab, False)
        out.extend(torch.sigmoid(model(batch)).tolist())
    return out


def chunks(items: Sequence, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]
