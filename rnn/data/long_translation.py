"""The long-range level of translation (``numbers-long``): lists of numbers, English to French.

A source is a list of whole numbers from 0 to 99 in English words, one token each; the target is
the same list in French ("twelve seven seventy-one" -> "douze sept soixante et onze"). A
translation is only right if every number is, in order, so the decoder needs, at each step, one
particular word of a long source. Without attention the encoder must squeeze the whole list into
its last state a⟨T_x⟩ before the first French word is written; with attention the decoder looks
back at the word it needs (seed 001's attention model, built for long sentences).

Lengths mix in training (1 to ``TRAIN_ITEMS[1]`` numbers) and are long in validation and test
(``EVAL_ITEMS``), so the exact match the task reports is the long-input one. No list appears in
two splits.
"""
from __future__ import annotations

import random
from functools import lru_cache

from .splits import Splits
from .translation import Pair, number_words

TRAIN_ITEMS = (1, 12)          # numbers per source in training (inclusive)
EVAL_ITEMS = (8, 12)           # numbers per source in validation and test (inclusive)
TOP = 99                       # numbers 0..TOP


@lru_cache(maxsize=1)
def _words() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(English token, French tokens) of 0..TOP, computed once (num2words is slow; it runs in a
    child interpreter, ``translation.number_words``)."""
    return tuple((english, tuple(french.split())) for english, french in number_words(TOP + 1))


def _pair(rng: random.Random, items: tuple[int, int]) -> Pair:
    numbers = [rng.randint(0, TOP) for _ in range(rng.randint(*items))]
    words = _words()
    return Pair([words[n][0] for n in numbers], [tok for n in numbers for tok in words[n][1]])


def _split(rng: random.Random, n: int, items: tuple[int, int], seen: set) -> list[Pair]:
    out = []
    while len(out) < n:
        pair = _pair(rng, items)
        if tuple(pair.src) not in seen:
            seen.add(tuple(pair.src))
            out.append(pair)
    return out


def build_long_numbers(seed: int = 0, n_train: int = 8000, n_val: int = 1000,
                       n_test: int = 1000) -> Splits:
    """The ``numbers-long`` set (see the module docstring); deterministic in ``seed``."""
    rng, seen = random.Random(f"translation-numbers-long-{seed}"), set()
    test = _split(rng, n_test, EVAL_ITEMS, seen)
    val = _split(rng, n_val, EVAL_ITEMS, seen)
    return Splits(train=_split(rng, n_train, TRAIN_ITEMS, seen), val=val, test=test)
