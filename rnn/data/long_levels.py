"""What every long-range level of the built-in data shares: how far the evidence sits.

Each built-in family (sentiment, NER, text generation, translation) has an *easy* level (today's
sets) and a *long-range* level named ``<easy name>-long``. On the long level the evidence that
decides an answer sits ``distance`` tokens away from where the answer is given.

Why mix distances in training and score only the long ones: a model trained only on long gaps
gets no gradient signal it can follow (every cell stays at chance), while one trained on gaps of
0 to 50 first learns the rule on short gaps and can then stretch it, *if* its cell can carry the
information that far. So training draws the distance uniformly from ``TRAIN_DISTANCES`` and the
validation and test splits from ``EVAL_DISTANCES``: the metric the page shows for val/test is the
long-distance one.
"""
from __future__ import annotations

import random

TRAIN_DISTANCES = (0, 50)       # inclusive range of the training split
EVAL_DISTANCES = (20, 50)       # inclusive range of the validation and test splits
LONG_SUFFIX = "-long"
LEVELS = ("easy", "long")       # the level choice a page offers ("long" adds LONG_SUFFIX)
# Each task's long-range set, and the easy set a page opens with (text generation's long corpus is
# a corpus of its own, not a longer "names").
LONG_DATASETS = {"sentiment": "reviews-long", "ner": "names-long", "textgen": "tags-long",
                 "translation": "numbers-long"}
EASY_DATASETS = {"sentiment": "reviews", "ner": "names", "textgen": "names", "translation": "numbers"}


def distance_range(split: str) -> tuple[int, int]:
    """The (low, high) distance of a split: mixed in "train", long in "val" and "test"."""
    return TRAIN_DISTANCES if split == "train" else EVAL_DISTANCES


def draw_distance(rng: random.Random, split: str) -> int:
    low, high = distance_range(split)
    return rng.randint(low, high)


def is_long(dataset: str) -> bool:
    return dataset.endswith(LONG_SUFFIX)


def level_of(dataset: str) -> str:
    """ "long" for a long-range set's name, "easy" otherwise."""
    return "long" if is_long(dataset) else "easy"


def dataset_for_level(task: str, level: str, current: str | None = None) -> str:
    """The built-in set a page should load for ``level``: the task's long-range set, or for
    "easy" the ``current`` set when it is an easy one (else the task's first easy set)."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, got {level!r}")
    if task not in LONG_DATASETS:
        raise ValueError(f"no long-range level for task {task!r}")
    if level == "long":
        return LONG_DATASETS[task]
    return current if current and not is_long(current) else EASY_DATASETS[task]


def fill_to(rng: random.Random, pieces: list[list[str]], n: int) -> list[str]:
    """About ``n`` tokens made of whole ``pieces`` (each a token list), drawn at random.

    Pieces that still fit are preferred, unused ones first (so a run repeats itself little);
    when none fits, the shortest one ends the run, so the result is at least ``n`` long and
    overshoots by less than the shortest piece.
    """
    out: list[str] = []
    every = list(range(len(pieces)))
    unused = list(every)
    while len(out) < n:
        room = n - len(out)
        fitting = ([i for i in unused if len(pieces[i]) <= room]
                   or [i for i in every if len(pieces[i]) <= room])
        pick = rng.choice(fitting) if fitting else min(every, key=lambda i: len(pieces[i]))
        if pick in unused:
            unused.remove(pick)
        out += pieces[pick]
    return out
