"""The long-range level of the NER data (``names-long``): the deciding words come many words later.

Every sentence opens with an ambiguous word (Jordan, April, Hope, ...) that is a person's first
name in half of the sentences and a place, a month or a thing in the other half. A neutral
aside of ``distance`` words follows, then the verb phrase that decides:

    "Jordan , as the guide told us on the long drive back , borders Israel ."        -> not a name
    "Jordan , as the guide told us on the long drive back , laughed at the joke ."   -> a name

The aside is drawn independently of the sense, and the words before the ambiguous word are the
same for both senses (there are none), so only the verb phrase far to the right decides. A
bidirectional tagger must carry it back through the aside with its right-to-left RNN. The only
words tagged 1 are the ambiguous words in their name sense, so the F1 the task reports is the F1
on those long-distance decisions (a tagger that always says "name" gets F1 = 0.67; one that
never does, 0).

Distances follow ``long_levels``: asides of 0 to 50 words in training and 20 to 50 in
validation and test (``distance`` counts the tokens between the ambiguous word and the first
word of the verb phrase, commas included). Each split has exactly as many name senses as others.
"""
from __future__ import annotations

import random

from . import ner_words as W
from .long_levels import draw_distance, fill_to
from .ner import TaggedSentence
from .splits import Splits
from .tokenize import tokenize_words

# Verb phrases that fit a person but not a place, a month or a thing.
PERSON_SENSE = ["laughed at the joke .", "smiled and waved at us .", "apologised to the teacher .",
                "is my best friend .", "called her mother on {DAY} .", "told me a secret .",
                "fixed the fence last week .", "sings in a band .", "was born in {CITY} .",
                "has two little brothers .", "is learning to play the violin .",
                "forgot her umbrella again .", "cooked dinner for the whole family ."]
# Ambiguous word -> verb phrases of its other sense (a place, a month, a thing) that no person fits.
OTHER_SENSE = {
    "Jordan": ["borders Israel .", "has a long desert highway .", "lies east of the Dead Sea ."],
    "Georgia": ["borders Turkey .", "is known for its wine .", "lies south of the Caucasus ."],
    "Paris": ["is the capital of France .", "has many old bridges ."],
    "Victoria": ["is the capital of British Columbia .", "has a mild climate ."],
    "Austin": ["is the capital of Texas .", "lies on the Colorado River ."],
    "Sydney": ["is the largest city in Australia .", "has a famous harbour bridge ."],
    "Florence": ["lies on the river Arno .", "has a famous cathedral ."],
    "April": ["is the fourth month of the year .", "has thirty days ."],
    "May": ["has thirty-one days .", "comes after April ."],
    "June": ["has thirty days .", "is the sixth month of the year ."],
    "Hope": ["is a good thing .", "keeps people going in hard times ."],
    "Summer": ["is the warmest season .", "comes after spring ."],
    "Autumn": ["is the season of harvest .", "comes after summer ."],
    "Amber": ["is fossilised tree resin .", "is made from ancient tree sap ."],
    "Violet": ["is a shade of purple .", "is a colour between blue and red ."],
    "Dawn": ["broke over the hills .", "comes early in {MONTH} ."],
    "Ivy": ["covered the old wall .", "grows quickly in the shade ."],
}
# Asides that fit both senses, from templates whose slots are filled from large word pools, so
# that nearly every aside is a new string of words: each of them pushes a vanilla RNN's state
# around, while a gated cell can close its gates and keep what it read first. (With a few fixed
# phrases instead, a vanilla RNN learnt to carry the sense through them on some seeds.) The pools
# hold *attractors*: words that also occur in the deciding phrases of one sense or the other
# (friend, teacher / capital, river), drawn at random, so an aside never hints at the answer.
ASIDE_PIECES = ["as the {ADJ} {NOUN} {VERB} us", "on the way back from the {ADJ} {NOUN}",
                "according to {ADJ} notes about the {NOUN}", "if i remember the {NOUN} correctly",
                "at least in the {NOUN} 's opinion", "as a {ADJ} book on the {NOUN} {VERB} us",
                "to be {ADJ} and honest", "near the {NOUN} and the {NOUN}",
                "as everyone near the {ADJ} {NOUN} knows", "after the {ADJ} {NOUN}",
                "in the story about the {ADJ} {NOUN}", "from what the {NOUN} {VERB} me",
                "so the {NOUN} explained", "believe it or not", "as you may know",
                "just like the {NOUN} last {TIME}", "and this {VERB} the {ADJ} {NOUN}"]
CUES = ["friend", "teacher", "mother", "family", "band", "joke", "violin", "brothers", "umbrella",
        "dinner", "capital", "river", "harbour", "bridge", "wine", "month", "season", "colour",
        "hills", "wall", "climate", "cathedral", "desert", "harvest"]
NOUNS = CUES + """market train museum garden newspaper radio station village kitchen office
letter map guide driver doctor neighbour library school island forest lake road festival
photograph painting clock window garage bakery farmer pilot engineer student journalist
uncle cousin street ferry castle tower valley beach""".split()
ADJECTIVES = """old quiet famous small rainy busy long short new local careful strange young
early late cold warm bright dark friendly serious funny tired happy noisy empty crowded
distant ancient modern simple""".split()
VERBS = """told reminded showed taught warned surprised asked wrote helped annoyed""".split()
TIMES = ["week", "month", "year", "summer", "winter", "time"]
_ASIDE_SLOTS = {"{ADJ}": ADJECTIVES, "{NOUN}": NOUNS, "{VERB}": VERBS, "{TIME}": TIMES}
_FILLERS = {"DAY": W.DAYS, "CITY": W.CITIES, "MONTH": W.MONTHS}


def _aside_pieces(rng: random.Random) -> list[list[str]]:
    """The aside pieces, each slot filled with a word drawn at random from its pool."""
    return [[rng.choice(_ASIDE_SLOTS[w]) if w in _ASIDE_SLOTS else w for w in p.split()]
            for p in ASIDE_PIECES]


def _render(rng: random.Random, text: str) -> list[str]:
    out = []
    for piece in text.split():
        slot = piece[1:-1] if piece.startswith("{") and piece.endswith("}") else None
        out += tokenize_words(rng.choice(_FILLERS[slot]) if slot else piece)
    return out


def _sentence(rng: random.Random, word: str, as_name: bool, split: str) -> TaggedSentence:
    """``word`` in one sense; ``distance`` tokens of aside; then the verb phrase that decides."""
    target = draw_distance(rng, split)
    aside = [",", *fill_to(rng, _aside_pieces(rng), target - 2), ","] if target >= 2 else []
    rest = _render(rng, rng.choice(PERSON_SENSE if as_name else OTHER_SENSE[word]))
    tokens = [word, *aside, *rest]
    tags = [int(as_name)] + [0] * (len(tokens) - 1)
    return TaggedSentence(tokens, tags, [True] + [False] * (len(tokens) - 1))


def _build_split(seed: int, split: str, n: int) -> list[TaggedSentence]:
    rng = random.Random(f"ner-long-{seed}-{split}")
    words = sorted(OTHER_SENSE)
    out = [_sentence(rng, words[i % len(words)], i % 2 == 0, split) for i in range(n)]
    rng.shuffle(out)
    return out


def distance(sentence: TaggedSentence) -> int:
    """Tokens between the ambiguous word and the verb phrase (0 when there is no aside)."""
    if len(sentence.tokens) > 1 and sentence.tokens[1] == ",":
        return sentence.tokens.index(",", 2)
    return 0


def build_long_ner(seed: int = 0, n_train: int = 4000, n_val: int = 500,
                   n_test: int = 500) -> Splits:
    """The ``names-long`` set (see the module docstring). Deterministic given ``seed``."""
    return Splits(train=_build_split(seed, "train", n_train), val=_build_split(seed, "val", n_val),
                  test=_build_split(seed, "test", n_test))
