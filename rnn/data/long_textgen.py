"""The long-range corpus for text generation (``tags-long``): a closing tag repeats a name from far back.

Each line is one tagged song: an opening tag with an animal's name, ``distance`` characters of
the scale sung from "do", then the closing tag, which must repeat the opening name:

    <fox>do re mi fa so la ti do re</fox>

The animals take turns in alphabetical order (after "yak" comes "ant" again), so a model that
has learnt the order can predict an opening name from the closing tag just before it. What is
left to predict is where each song stops (the same cost for every model) and the closing name,
which is certain for a model that kept the opening name in memory across the song and a guess
among the 20 names for one that did not. The scale itself is certain once learnt, but its
syllables change the input at every step, so a vanilla RNN's state is stirred all along the
song. Every name starts with its own letter, so the difference sits on the first letter after
"</"; it is a large share of the whole text's loss.

Distances follow ``long_levels``: 0 to 50 characters of song in the training part (the first
90 % of the text), 20 to 50 in the validation and test parts (the last 10 %), so the text
generation task's contiguous 90 / 5 / 5 split scores the long songs.
"""
from __future__ import annotations

import random

from .long_levels import draw_distance

NAMES = ["ant", "bee", "cat", "dog", "emu", "fox", "gnu", "hen", "ibis", "jay", "koi", "lark",
         "mole", "newt", "owl", "pig", "ram", "seal", "toad", "yak"]
SCALE = ["do", "re", "mi", "fa", "so", "la", "ti"]
PART_CHARS = {"train": 180_000, "val": 10_000, "test": 10_000}   # 90 / 5 / 5 % of the text


def song(rng: random.Random, split: str, name: str) -> tuple[str, int]:
    """One line (without its newline) for ``name``, and its distance: characters between the tags."""
    target = draw_distance(rng, split)
    words: list[str] = []
    while len(" ".join(words)) < target:
        words.append(SCALE[len(words) % len(SCALE)])
    inside = " ".join(words)
    return f"<{name}>{inside}</{name}>", len(inside)


def build_tags_corpus(seed: int = 0) -> str:
    """The ``tags-long`` text: training songs, then validation and test songs; ends with "\n"."""
    rng = random.Random(f"corpus-tags-long-{seed}")
    turn = rng.randrange(len(NAMES))
    lines: list[str] = []
    for split, chars in PART_CHARS.items():
        size = 0
        while size < chars:
            line, _ = song(rng, split, NAMES[turn % len(NAMES)])
            turn += 1
            lines.append(line)
            size += len(line) + 1
    return "\n".join(lines) + "\n"
