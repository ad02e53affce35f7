"""Built-in translation (sequence-to-sequence) data sets.

* ``numbers``: English number words -> French number words, 0..9999, word tokens
  ("three hundred and twelve" -> "trois cent douze"; hyphenated words such as "vingt-trois" are
  one token, as ``tokenize_words`` keeps them). num2words writes both sides.
* ``dates``: a date written in one of 11 human formats -> ISO 8601, character tokens
  ("Wednesday, March 3rd 2021" -> "2021-03-03"), dates from 1900-01-01 to 2099-12-31.

In both, every number / date belongs to exactly one split (a seeded permutation is cut into test,
val and train), so the test set measures generalisation to unseen inputs. Strings are rebuilt
from tokens with ``join_tokens(tokens, TRANSLATION_SETS[name]["tgt_join"])``; BLEU is computed on
those joined strings.

num2words is imported only inside ``english_number`` / ``french_number``; the data sets read their
number words from ``number_words``, computed in a child interpreter (``rnn.data.child``), so the
long-lived server never imports num2words (~60 language modules).
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from functools import lru_cache

from .child import in_child
from .splits import Splits

TRANSLATION_SETS: dict[str, dict] = {
    "numbers": {"description": "English number words to French number words (0 to 9999).",
                "src_join": " ", "tgt_join": " ", "src_level": "word", "tgt_level": "word",
                "example": ("three hundred and twelve", "trois cent douze"),
                "sizes": (8000, 1000, 1000), "max_items": 10_000},
    "dates": {"description": "Dates in 11 human formats to ISO 8601 (YYYY-MM-DD), "
                             "character by character.",
              "src_join": "", "tgt_join": "", "src_level": "char", "tgt_level": "char",
              "example": ("Wednesday, March 3rd 2021", "2021-03-03"),
              "sizes": (8000, 1000, 1000), "max_items": 73_049},
    "numbers-long": {"description": "Long-range level: lists of 1 to 12 numbers (0 to 99), English "
                                    "to French; scored on lists of 8 to 12.",
                     "src_join": " ", "tgt_join": " ", "src_level": "word", "tgt_level": "word",
                     "example": ("twelve seven seventy-one", "douze sept soixante et onze"),
                     "sizes": (8000, 1000, 1000), "max_items": 10_000_000},
}
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
DATE_FORMATS = ["{d} {Month} {Y}", "{Month} {d}, {Y}", "{Mon} {d}, {Y}", "{d} {Mon} {Y}",
                "{Weekday}, {Month} {dth} {Y}", "{Wkd}, {d} {Month} {Y}",
                "the {dth} of {Month}, {Y}", "{Month} {dth}, {Y}", "{dth} {Month} {Y}",
                "{dd}.{mm}.{Y}", "{Weekday} {d} {Mon} {Y}"]
FIRST_DATE = dt.date(1900, 1, 1)
LAST_DATE = dt.date(2099, 12, 31)


@dataclass(slots=True)         # no __dict__ per example: data sets hold 5,000-23,000
class Pair:
    """A source sentence and its translation, as token lists."""

    src: list[str]
    tgt: list[str]


def join_tokens(tokens: list[str], joiner: str) -> str:
    """The string a token list stands for (``joiner`` is a set's ``src_join`` / ``tgt_join``)."""
    return joiner.join(tokens)


def english_number(n: int) -> str:
    """``312 -> "three hundred and twelve"`` (num2words, without its thousands comma)."""
    from num2words import num2words
    return num2words(n, lang="en").replace(",", "")


def french_number(n: int) -> str:
    """``312 -> "trois cent douze"`` (num2words, 1990 spelling reform off: "vingt et un")."""
    from num2words import num2words
    return num2words(n, lang="fr")


def ordinal_suffix(day: int) -> str:
    if 11 <= day % 100 <= 13:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def format_date(date: dt.date, fmt: str) -> str:
    """``date`` written in ``fmt`` (one of ``DATE_FORMATS``), English names, any locale."""
    month, weekday = MONTHS[date.month - 1], WEEKDAYS[date.weekday()]
    return fmt.format(d=date.day, dd=f"{date.day:02d}", mm=f"{date.month:02d}", Y=date.year,
                      Month=month, Mon=month[:3], Weekday=weekday, Wkd=weekday[:3],
                      dth=f"{date.day}{ordinal_suffix(date.day)}")


def number_words(count: int) -> tuple[tuple[str, str], ...]:
    """``(english_number(n), french_number(n))`` for n in 0..count-1, computed in a child
    interpreter (``_number_words_here``), so num2words is not imported into this process."""
    return tuple((english, french)
                 for english, french in in_child("rnn.data.translation:_number_words_here", count))


def _number_words_here(count: int) -> list[tuple[str, str]]:
    """``number_words(count)`` computed in this process (the child's side; imports num2words)."""
    return [(english_number(n), french_number(n)) for n in range(count)]


@lru_cache(maxsize=1)
def _number_table() -> tuple[tuple[str, str], ...]:
    """``(english, french)`` for 0..9999, computed once per process (num2words takes ~1 s)."""
    return number_words(10_000)


def _number_pair(n: int, rng: random.Random) -> Pair:
    # Number words hold no punctuation, so str.split() gives exactly tokenize_words' tokens.
    english, french = _number_table()[n]
    return Pair(english.split(), french.split())


def _date_pair(ordinal: int, rng: random.Random) -> Pair:
    date = dt.date.fromordinal(ordinal)
    text = format_date(date, rng.choice(DATE_FORMATS))
    if rng.random() < 0.1:   # people type dates in lower case too
        text = text.lower()
    return Pair(list(text), list(date.isoformat()))


def build_translation(name: str, seed: int = 0, n_train: int | None = None,
                      n_val: int | None = None, n_test: int | None = None) -> Splits:
    """Data set ``name`` (a key of ``TRANSLATION_SETS``); sizes default to its ``"sizes"``.

    Inputs are drawn without replacement, test first, so no input appears in two splits.
    Raises ValueError when the sizes add up to more distinct inputs than the set has.
    """
    if name not in TRANSLATION_SETS:
        raise KeyError(f"unknown translation set {name!r}; choose one of {sorted(TRANSLATION_SETS)}")
    spec = TRANSLATION_SETS[name]
    defaults = spec["sizes"]
    sizes = [d if n is None else n for n, d in zip((n_train, n_val, n_test), defaults)]
    if sum(sizes) > spec["max_items"]:
        raise ValueError(f"{name!r} has {spec['max_items']} distinct inputs, asked for {sum(sizes)}")
    if name == "numbers-long":
        from .long_translation import build_long_numbers
        return build_long_numbers(seed, *sizes)
    if name == "numbers":
        inputs, make = list(range(10_000)), _number_pair
    else:
        inputs, make = list(range(FIRST_DATE.toordinal(), LAST_DATE.toordinal() + 1)), _date_pair
    rng = random.Random(f"translation-{name}-{seed}")
    rng.shuffle(inputs)
    n_train, n_val, n_test = sizes
    test, val = inputs[:n_test], inputs[n_test:n_test + n_val]
    train = inputs[n_test + n_val:n_test + n_val + n_train]
    return Splits(train=[make(x, rng) for x in train], val=[make(x, rng) for x in val],
                  test=[make(x, rng) for x in test])
