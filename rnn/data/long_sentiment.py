"""The long-range level of the sentiment data (``reviews-long``): the verdict first, then a story.

Labelling rule (1 = positive, 0 = negative): a review opens with one **verdict** sentence about
what is reviewed, written by the easy set's clause writer (``sentiment.py``: an opinion word,
sometimes negated, "the plot was not dull at all"); its polarity is the label. Then come
``distance`` words of **filler**: neutral sentences about the visit ("we went there on a tuesday
.") and side remarks about things that are not reviewed ("the parking was awful ."), whose
polarity is drawn at random, independently of the label. So the only evidence is at the start,
and nothing near the end correlates with the label: a model must carry the verdict through the
whole story to the prediction after the last word.

Distances follow ``long_levels``: 0 to 50 filler words in training, 20 to 50 in validation and
test, so the accuracy reported on val/test is the long-distance one. Labels are balanced and no
review appears twice across the splits. ``LongReview.distance`` is the number of filler tokens.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache

from .long_levels import draw_distance, fill_to
from .sentiment import DOMAINS, NEGATIVE, POSITIVE, LabeledText, _Writer
from .splits import Splits
from .tokenize import tokenize_words

NEUTRAL = """we went there on a tuesday .
my sister came along with me .
it took about two hours in total .
we sat near the window .
the place was close to the station .
i had read about it in a magazine .
we arrived a little after six .
my friend paid for both of us .
it was my second visit this year .
we took the bus into town .
there were about twenty other people there .
i wrote these notes on the way home .
the booking was made a week before .
afterwards we walked back to the hotel .
it rained for most of the evening .
my phone battery died halfway through .
we met a colleague of mine there .
the whole trip was planned by my brother .
we left just before ten .
i had a cup of tea first .""".splitlines()
SIDE_TOPICS = ["parking", "weather", "bus ride", "traffic", "queue outside", "coffee nearby",
               "taxi driver", "street noise"]


@dataclass(slots=True)         # no __dict__ per example: data sets hold 5,000-23,000
class LongReview(LabeledText):
    """A ``reviews-long`` example: tokens and label, plus how many filler tokens follow the verdict."""

    distance: int = 0


@lru_cache(maxsize=1)
def _neutral_pieces() -> tuple[list[str], ...]:
    return tuple(tokenize_words(s) for s in NEUTRAL)


def _filler_pieces(rng: random.Random) -> list[list[str]]:
    """Neutral sentences and one side remark of random polarity per topic, as token lists."""
    remarks = [f"the {topic} was {rng.choice(POSITIVE if rng.random() < 0.5 else NEGATIVE)} ."
               for topic in SIDE_TOPICS]
    return [*_neutral_pieces(), *(r.split() for r in remarks)]


def _review(writer: _Writer, label: int, split: str) -> LongReview:
    rng = writer.rng
    subject, plural = rng.choice(sorted(DOMAINS[rng.choice(sorted(DOMAINS))].items()))
    clause = writer.clause(subject, plural, label)
    verdict = tokenize_words(clause[0].upper() + clause[1:] + " .")
    filler = fill_to(rng, _filler_pieces(rng), draw_distance(rng, split))
    return LongReview(verdict + filler, label, len(filler))


def _build_split(writer: _Writer, split: str, n: int, seen: set[tuple]) -> list[LongReview]:
    labels = [i % 2 for i in range(n)]
    writer.rng.shuffle(labels)
    out = []
    for label in labels:
        review = _review(writer, label, split)
        while tuple(review.tokens) in seen:
            review = _review(writer, label, split)
        seen.add(tuple(review.tokens))
        out.append(review)
    return out


def build_long_sentiment(seed: int = 0, n_train: int = 4000, n_val: int = 500,
                         n_test: int = 500) -> Splits:
    """The ``reviews-long`` set (rule in the module docstring); deterministic in ``seed``."""
    writer, seen = _Writer(random.Random(f"sentiment-long-{seed}")), set()
    return Splits(train=_build_split(writer, "train", n_train, seen),
                  val=_build_split(writer, "val", n_val, seen),
                  test=_build_split(writer, "test", n_test, seen))
