"""Train / validation / test splits, and splitting a user's own examples."""
from __future__ import annotations

import dataclasses
import random
import sys
from dataclasses import dataclass, field
from typing import Any, Sequence

from .errors import DataFormatError


@dataclass
class Splits:
    """Three lists of examples. Iterating yields ``train, val, test`` (so it unpacks)."""

    train: list = field(default_factory=list)
    val: list = field(default_factory=list)
    test: list = field(default_factory=list)

    def __iter__(self):
        return iter((self.train, self.val, self.test))

    def sizes(self) -> dict[str, int]:
        return {"train": len(self.train), "val": len(self.val), "test": len(self.test)}


def share_strings(splits: Splits) -> Splits:
    """Make every example's token lists hold one string object per distinct token (interned), in
    place, and return ``splits``. A generated data set repeats a few hundred words 100,000 times
    and its generators build a new string for each use (5-6 MB for the translation set alone);
    the server keeps one copy of each built-in set (rnn/ui/task_page.py)."""
    for part in splits:
        if not isinstance(part, list):
            continue                           # text generation's splits are plain strings
        for example in part:
            if not dataclasses.is_dataclass(example):
                continue
            for f in dataclasses.fields(example):
                value = getattr(example, f.name)
                if isinstance(value, list) and value and isinstance(value[0], str):
                    setattr(example, f.name, [sys.intern(t) for t in value])
    return splits


def split_user_data(items: Sequence[Any], seed: int = 0, val_fraction: float = 0.1,
                    test_fraction: float = 0.1, min_items: int = 10,
                    name: str | None = None) -> Splits:
    """Shuffle ``items`` with ``seed`` and cut them into train / val / test.

    Validation and test each get ``round(fraction * n)`` items but at least one (a fraction of 0
    gives an empty split); train keeps the rest. Raises DataFormatError ("need at least N
    examples, got M") when there are fewer than ``min_items`` items, so the three parts are never
    degenerate. ``name`` (the file's name) goes into the message when given.
    """
    items = list(items)
    if not 0 <= val_fraction < 1 or not 0 <= test_fraction < 1 or val_fraction + test_fraction >= 1:
        raise ValueError("val_fraction and test_fraction must be in [0, 1) and sum below 1")
    min_items = max(min_items, 3)
    if len(items) < min_items:
        raise DataFormatError(
            f"need at least {min_items} examples to split into train, validation and test, "
            f"got {len(items)}", file=name)
    order = list(range(len(items)))
    random.Random(seed).shuffle(order)
    n_val = max(1, round(val_fraction * len(items))) if val_fraction > 0 else 0
    n_test = max(1, round(test_fraction * len(items))) if test_fraction > 0 else 0
    shuffled = [items[i] for i in order]
    return Splits(train=shuffled[n_val + n_test:], val=shuffled[:n_val],
                  test=shuffled[n_val:n_val + n_test])
