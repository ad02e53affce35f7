"""What every task provides, so that the experiment, the CLI and the pages treat them alike.

A task knows its data (built-in sets and user files), how to build vocabularies and a model from a
ModelConfig, how to batch, its loss, its metrics, and how to turn the model's output on one input
into plain values for the page (probabilities, samples, attention, traces). It knows nothing of
Streamlit or of the trainer.
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

    # ---- data ---------------------------------------------------------------------------
    def datasets(self) -> dict[str, str]:
        raise NotImplementedError

    def load_builtin(self, name: str, seed: int = 0):
        raise NotImplementedError

    def load_file(self, source, name: str | None = None, seed: int = 0, max_bytes: int | None = None):
        raise NotImplementedError

    def check_dataset(self, name: str) -> None:
        if name not in self.datasets():
            options = ", ".join(self.datasets())
            raise DataFormatError(f"unknown {self.name} dataset {name!r}; built-in sets are: {options}")

    # ---- model --------------------------------------------------------------------------
    def build_vocabs(self, splits, config) -> dict:
        raise NotImplementedError

    def build_model(self, config, vocabs):
        raise NotImplementedError

    def batches(self, items: Sequence, vocabs, config, batch_size: int, seed: int) -> Iterator:
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

    def loss(self, model, batch, train_config=None) -> torch.Tensor:
        return model.loss(batch)

    def evaluate(self, model, items: Sequence, vocabs, config) -> dict:
        raise NotImplementedError

    def predict(self, model, vocabs, config, text: str, **options) -> dict:
        raise NotImplementedError

    def trace(self, model, vocabs, config, text: str) -> dict:
        raise NotImplementedError


def trace_to_numpy(trace, tokens: list[str]) -> dict:
    """A layer Trace of one sentence -> {"tokens", "layers": [[{name: (L, H) array}, ...per direction]]}."""
    layers = []
    for per_layer in trace.steps:
        layers.append([{name: value[0].detach().numpy().astype(np.float32)
                        for name, value in direction.items()} for direction in per_layer])
    return {"tokens": tokens, "layers": layers}


def chunks(items: Sequence, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]
