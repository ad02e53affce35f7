"""Built-in named-entity data: which words are part of a person's name (tag 1) and which are not.

Every sentence comes from a template (``ner_words.py``) filled by a seeded random generator:

* **Names from many languages.** First and last names come from Faker's Latin-script locales
  (``names.py``): a language is drawn uniformly, then a locale of it, then a name, so English
  names do not dominate. A name is written as "First", "First Last", "Title Last" or
  "Title First Last"; titles ("Dr.", "Senator") are tagged 0, like punctuation.
* **Capitalised words that are not names**: cities, countries, companies, brands, products,
  months and weekdays, so a capital letter alone does not make a name.
* **Unseen names at test time.** The set of all name strings is split by the seed into three
  disjoint parts (80 / 10 / 10 %); train, val and test each draw names from their own part, so a
  tagger must generalise from spelling and context, not memorise names.
* **Ambiguous words** (``AMBIGUOUS_WORDS``: Teddy, April, Jordan, Paris, Will, ...) are a first
  name in half of their sentences and an ordinary word in the other half, always placed where the
  words *before* them fit both senses (sentence start, the start of a quotation, or a neutral
  lead-in), so only the words *after* decide: "Teddy bears are on sale." / "Teddy Roosevelt was
  a great President." Such tokens have ``ambiguous=True``. A left-to-right tagger can only learn
  the 50/50 prior for them; a bidirectional one can get them right. About 35 % of sentences
  contain one.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache

from . import ner_words as W
from .names import locale_names
from .splits import Splits
from .tokenize import tokenize_words

AMBIGUOUS_WORDS: tuple[str, ...] = tuple(W.AMBIGUOUS)
MINIMAL_PAIRS: list[tuple[str, str]] = list(W.MINIMAL_PAIRS)
AMBIGUOUS_FRACTION = 0.35
NAME_SPLIT_FRACTIONS = (0.8, 0.1, 0.1)   # share of name strings reserved for train / val / test
_FILLERS = {"CITY": W.CITIES, "COUNTRY": W.COUNTRIES, "COMPANY": W.COMPANIES, "BRAND": W.BRANDS,
            "PRODUCT": W.PRODUCTS, "MONTH": W.MONTHS, "DAY": W.DAYS}


@dataclass(slots=True)         # no __dict__ per example: data sets hold 5,000-23,000
class TaggedSentence:
    """One sentence: ``tags[i]`` is 1 when ``tokens[i]`` is part of a person's name.

    ``ambiguous[i]`` is True for a word from ``AMBIGUOUS_WORDS`` whose sense is decided only by
    the words after it (always False in user files).
    """

    tokens: list[str]
    tags: list[int]
    ambiguous: list[bool]

    def __len__(self) -> int:
        return len(self.tokens)


def ambiguous_indices(tokens: list[str]) -> list[int]:
    """Positions of tokens that are in ``AMBIGUOUS_WORDS`` (exact, capitalised match).

    For sentences a user types (e.g. a minimal pair) we cannot know where the deciding words are,
    so every capitalised ambiguous word is reported.
    """
    return [i for i, tok in enumerate(tokens) if tok in W.AMBIGUOUS]


@lru_cache(maxsize=1)
def _non_name_words() -> frozenset[str]:
    """Every word the templates use outside name slots (lower-cased): never used as a name."""
    texts = [*W.TEMPLATES, *W.NAME_SENSE, *W.PLAIN_LEADS, *W.TITLES, *W.AMBIGUOUS]
    texts += [lead for pair in W.QUOTE_LEADS for lead in pair]
    texts += [c for _, conts in W.AMBIGUOUS.values() for c in conts]
    texts += [w for pool in _FILLERS.values() for w in pool]
    return frozenset(tok.lower() for text in texts for tok in tokenize_words(text))


@lru_cache(maxsize=8)
def name_pools(seed: int = 0) -> tuple[dict, dict, dict]:
    """Per split (train, val, test): ``{language: [(first_names, last_names), ...]}``.

    Name strings are partitioned, so a string (whether used as a first or a last name) belongs
    to exactly one split. Locales left with no first or no last names in a split are dropped.
    """
    banned = _non_name_words()
    locales = locale_names()
    strings = sorted({n for pair in locales.values() for pool in pair for n in pool
                      if n.lower() not in banned})
    random.Random(f"ner-names-{seed}").shuffle(strings)
    cut1 = int(NAME_SPLIT_FRACTIONS[0] * len(strings))
    cut2 = cut1 + int(NAME_SPLIT_FRACTIONS[1] * len(strings))
    parts = [set(strings[:cut1]), set(strings[cut1:cut2]), set(strings[cut2:])]
    result = []
    for part in parts:
        by_language: dict[str, list] = {}
        for locale, (first, last) in locales.items():
            f, l = [n for n in first if n in part], [n for n in last if n in part]
            if f and l:
                by_language.setdefault(locale.split("_")[0], []).append((f, l))
        result.append(by_language)
    return tuple(result)


class _Filler:
    """Fills template slots for one split, drawing names from that split's pools."""

    def __init__(self, rng: random.Random, pools: dict):
        self.rng, self.pools, self.languages = rng, pools, sorted(pools)

    def _locale(self):
        return self.rng.choice(self.pools[self.rng.choice(self.languages)])

    def last(self) -> tuple[list[str], list[int]]:
        return [self.rng.choice(self._locale()[1])], [1]

    def person(self) -> tuple[list[str], list[int]]:
        first, last = self._locale()
        form = self.rng.random()
        if form < 0.3:
            return [self.rng.choice(first)], [1]
        if form < 0.7:
            return [self.rng.choice(first), self.rng.choice(last)], [1, 1]
        title = tokenize_words(self.rng.choice(W.TITLES))
        if form < 0.9:
            return title + [self.rng.choice(last)], [0] * len(title) + [1]
        return title + [self.rng.choice(first), self.rng.choice(last)], [0] * len(title) + [1, 1]

    def render(self, text: str) -> tuple[list[str], list[int]]:
        """Tokens and tags of a template string."""
        tokens, tags = [], []
        for piece in text.split():
            if piece == "{PER}":
                toks, tg = self.person()
            elif piece == "{LAST}":
                toks, tg = self.last()
            elif piece.startswith("{") and piece.endswith("}"):
                toks = tokenize_words(self.rng.choice(_FILLERS[piece[1:-1]]))
                tg = [0] * len(toks)
            else:
                toks = tokenize_words(piece)
                tg = [0] * len(toks)
            tokens += toks
            tags += tg
        return tokens, tags


def _ambiguous_sentence(f: _Filler, word: str, as_name: bool) -> TaggedSentence:
    """``word`` as a name or not; the words before it fit both senses, the words after decide."""
    proper, other_sense = W.AMBIGUOUS[word]
    rest = f.rng.choice(W.NAME_SENSE if as_name else other_sense)
    lead, tail = "", ""
    roll = f.rng.random()
    if roll < 0.25:
        lead, tail = f.rng.choice(W.QUOTE_LEADS)
    elif roll < 0.5 and proper:
        lead = f.rng.choice(W.PLAIN_LEADS)
    before, _ = f.render(lead)
    after, after_tags = f.render(f"{rest} {tail}")
    tokens = before + [word] + after
    tags = [0] * len(before) + [int(as_name)] + after_tags
    ambiguous = [False] * len(before) + [True] + [False] * len(after)
    return TaggedSentence(tokens, tags, ambiguous)


def _template_sentence(f: _Filler) -> TaggedSentence:
    tokens, tags = f.render(f.rng.choice(W.TEMPLATES))
    return TaggedSentence(tokens, tags, [False] * len(tokens))


def _build_split(seed: int, split: str, n: int, pools: dict) -> list[TaggedSentence]:
    rng = random.Random(f"ner-{seed}-{split}")
    f = _Filler(rng, pools)
    n_amb = round(AMBIGUOUS_FRACTION * n)
    words = list(AMBIGUOUS_WORDS)
    rng.shuffle(words)
    # Cycle through the words, alternating the sense on each pass: per word the two senses
    # differ by at most one sentence.
    out = [_ambiguous_sentence(f, words[i % len(words)], (i // len(words)) % 2 == 0)
           for i in range(n_amb)]
    out += [_template_sentence(f) for _ in range(n - n_amb)]
    rng.shuffle(out)
    return out


def build_ner(seed: int = 0, n_train: int = 4000, n_val: int = 500, n_test: int = 500) -> Splits:
    """The built-in NER data set (see the module docstring). Deterministic given ``seed``."""
    train_pool, val_pool, test_pool = name_pools(seed)
    return Splits(train=_build_split(seed, "train", n_train, train_pool),
                  val=_build_split(seed, "val", n_val, val_pool),
                  test=_build_split(seed, "test", n_test, test_pool))
