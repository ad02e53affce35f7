"""The long-range corpus for text generation (``tags-long``): a closing tag repeats a name from far back.

Each line is one tagged "song": an opening tag with an animal's name, ``distance`` characters of
"la la la" in which other animals' names sometimes appear, then the closing tag, which must
repeat the opening name:

    <fox>la la owl la la la cat la la</fox>

Everything inside a line is cheap to predict except three things: which name opens it (a free
choice, the same cost for every model), where the song stops, and the closing name. The closing
name is certain for a model that remembered the opening one across the song, and a guess among
the 20 names for one that did not; the names inside the song (drawn at random, never the opening
one) are there so that "repeat the last name you saw" is no short cut. Every name starts with its
own letter, so the whole difference sits on the first letter after "</".

Distances follow ``long_levels``: 0 to 50 characters of song in the training part (the first
90 % of the text), 20 to 50 in the validation and test parts (the last 10 %), so the text
generation task's contiguous 90 / 5 / 5 split scores the long songs.
"""
from __future__ import annotations

import random

from .long_levels import draw_distance

NAMES = ["ant", "bee", "cat", "dog", "emu", "fox", "gnu", "hen", "ibis", "jay", "koi", "lark",
         "mole", "newt", "owl", "pig", "ram", "seal", "toad", "yak"]
ATTRACTOR_RATE = 0.2            # share of words inside a song that are another animal's name
PART_CHARS = {"train": 180_000, "val": 10_000, "test": 10_000}   # 90 / 5 / 5 % of the text


def song(rng: random.Random, split: str) -> tuple[str, int]:
    """One line (without its newline) and its distance: characters between the two tags."""
    name = rng.choice(NAMES)
    target = draw_distance(rng, split)
    words: list[str] = []
    while len(" ".join(words)) < target:
        others = [n for n in NAMES if n != name]
        words.append(rng.choice(others) if rng.random() < ATTRACTOR_RATE else "la")
    inside = " ".join(words)
    return f"<{name}>{inside}</{name}>", len(inside)


def build_tags_corpus(seed: int = 0) -> str:
    """The ``tags-long`` text: training songs, then validation and test songs; ends with "\\n"."""
    rng = random.Random(f"corpus-tags-long-{seed}")
    lines: list[str] = []
    for split, chars in PART_CHARS.items():
        size = 0
        while size < chars:
            line, _ = song(rng, split)
            lines.append(line)
            size += len(line) + 1
    return "\n".join(lines) + "\n"
