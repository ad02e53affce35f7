"""Built-in sentiment data: short reviews whose label depends on word order.

Labelling rule (every generated review follows it exactly; 1 = positive, 0 = negative):

1. A *clause* has the polarity of its opinion word (an adjective such as "superb" / "dull", or a
   verb such as "loved" / "hated"), **flipped once by a negation** ("not", "never", "wasn't",
   "didn't", ...). Intensifiers ("very", "extremely") and "at all" never change the sign:
   "not bad at all" is positive, "never boring" is positive, "not very good" is negative.
2. A review's label is the polarity of its **main clause**:
   * "A but B", "A; however, B", "A, yet B": the clause after the connective wins (B);
   * "Although A, B" and "B, although A" / "B, even though A": the clause that is *not*
     introduced by "although" / "even though" wins (B), wherever it stands;
   * "A and B": both clauses have the same polarity;
   * a single clause: its own polarity.
   So "Good acting but a dull plot." is negative and "Although the plot was dull, the acting
   was superb." is positive.
3. The clause that loses tells nothing about the label (issue 25): its polarity is the opposite
   of the winner's in half the contrasts, the same in a third ("the acting was good , but the plot
   was great", "the food was bad , but the dessert was even worse": a contrast of degree), and
   neutral in the rest ("the plot was long , but ..."). If it were always the opposite, "not the
   first clause" would be a perfect shortcut and a model could ignore the clause after "but".

Labels are balanced (each review's label is drawn 50/50 first, then a review is built to match)
and the three splits contain no review twice. A quarter of the reviews end without a full stop.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

from .splits import Splits
from .tokenize import tokenize_words

DOMAINS = {  # subject -> is it plural?
    "movie": {"acting": 0, "plot": 0, "music": 0, "dialogue": 0, "ending": 0, "cast": 0,
              "soundtrack": 0, "script": 0, "special effects": 1, "characters": 1, "jokes": 1},
    "restaurant": {"food": 0, "service": 0, "staff": 1, "dessert": 0, "wine": 0,
                   "atmosphere": 0, "prices": 1, "portions": 1, "soup": 0},
    "product": {"battery": 0, "screen": 0, "design": 0, "price": 0, "delivery": 0,
                "instructions": 1, "speakers": 1, "camera": 0},
    "hotel": {"room": 0, "bed": 0, "breakfast": 0, "view": 0, "location": 0, "pool": 0,
              "staff": 1, "towels": 1},
    "book": {"writing": 0, "story": 0, "characters": 1, "ending": 0, "translation": 0,
             "illustrations": 1},
}
POSITIVE = """good great excellent superb wonderful brilliant fantastic enjoyable lovely impressive
amazing solid pleasant outstanding delightful""".split()
NEGATIVE = """bad terrible awful dull boring poor weak disappointing mediocre horrible tedious
bland awkward dreadful forgettable""".split()
# uncountable subjects take no article in a noun phrase ("good acting", but "a dull plot")
MASS_NOUNS = {"acting", "music", "dialogue", "food", "service", "atmosphere", "writing",
              "delivery", "translation", "breakfast", "wine", "soup"}
INTENSIFIERS = ["very", "really", "extremely", "incredibly", "truly", "quite", "so"]
VERBS = {1: [("loved", "love"), ("liked", "like"), ("enjoyed", "enjoy"), ("adored", "adore")],
         0: [("hated", "hate"), ("disliked", "dislike")]}
LEADS = ["", "", "", "Honestly ,", "Overall ,", "To be fair ,", "In short ,"]
# words that describe without judging: a clause built on one of them has no polarity
NEUTRAL_WORDS = """long short simple quiet new different unusual familiar modern small large
busy late early""".split()
NO_STOP = 0.25                   # share of reviews typed without the final "."
OTHER_POLARITY = (("opposite", 0.5), ("same", 0.35), ("neutral", 0.15))   # the losing clause


@dataclass(slots=True)         # no __dict__ per example: data sets hold 5,000-23,000
class LabeledText:
    """A review as tokens, with ``label`` 1 = positive, 0 = negative."""

    tokens: list[str]
    label: int


class _Writer:
    """Writes clauses and reviews of a required polarity, with a seeded generator."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def adjective(self, pol: int) -> str:
        return self.rng.choice(POSITIVE if pol else NEGATIVE)

    def clause(self, subject: str, plural: int, pol: int) -> str:
        """A full clause ("the plot was not bad at all") with polarity ``pol``."""
        r = self.rng
        if r.random() < 0.2:
            return self._verb_clause(subject, pol)
        negate = r.random() < 0.4
        word_pol = 1 - pol if negate else pol
        verb = r.choice(["were", "are"] if plural else ["was", "is"])
        adj = self.adjective(word_pol)
        if not negate:
            intens = r.choice(INTENSIFIERS) + " " if r.random() < 0.4 else ""
            return f"the {subject} {verb} {intens}{adj}"
        # "not very good" reads as negative, but "not very bad" is only mildly good, so an
        # intensifier follows a negation only before a positive word.
        intens = "very " if word_pol == 1 and r.random() < 0.3 else ""
        neg = r.choice(["not", "never", "contracted"])
        at_all = " at all" if neg != "never" and not intens and r.random() < 0.3 else ""
        if neg == "contracted":
            return f"the {subject} {verb}n't {intens}{adj}{at_all}"
        return f"the {subject} {verb} {neg} {intens}{adj}{at_all}"

    def _verb_clause(self, subject: str, pol: int) -> str:
        r = self.rng
        if r.random() < 0.5:
            return f"I {r.choice(VERBS[pol])[0]} the {subject}"
        past, base = r.choice(VERBS[1 - pol])
        neg = r.choice([f"did not {base}", f"didn't {base}", f"never {past}"])
        return f"I {neg} the {subject}"

    def noun_phrase(self, subject: str, plural: int, pol: int) -> str:
        intens = self.rng.choice(INTENSIFIERS[:4]) + " " if self.rng.random() < 0.3 else ""
        if intens and not plural and subject not in MASS_NOUNS:
            intens = "really "   # "a really dull plot", never "a extremely ..."
        article = "" if plural or subject in MASS_NOUNS else "a "
        return f"{article}{intens}{self.adjective(pol)} {subject}"

    def neutral_clause(self, subject: str, plural: int) -> str:
        """A clause without polarity ("the plot was long")."""
        verb = self.rng.choice(["were", "are"] if plural else ["was", "is"])
        return f"the {subject} {verb} {self.rng.choice(NEUTRAL_WORDS)}"

    def degree_clause(self, subject: str, plural: int, pol: int) -> str:
        """A winning clause that outdoes a losing one of the same polarity ("even better")."""
        verb = self.rng.choice(["were", "are"] if plural else ["was", "is"])
        return f"the {subject} {verb} even {'better' if pol else 'worse'}"

    def review(self, label: int) -> str:
        r = self.rng
        subjects = list(DOMAINS[r.choice(sorted(DOMAINS))].items())
        (s1, p1), (s2, p2) = r.sample(subjects, 2)
        kind = r.choices([k for k, _ in OTHER_POLARITY], [w for _, w in OTHER_POLARITY])[0]
        main = self.clause(s1, p1, label)
        if kind == "neutral":
            other = self.neutral_clause(s2, p2)
        else:
            other = self.clause(s2, p2, 1 - label if kind == "opposite" else label)
            if kind == "same" and r.random() < 0.3:
                main = self.degree_clause(s1, p1, label)
        other_pol = {"opposite": 1 - label, "same": label}.get(kind)
        form = r.randrange(8)
        if form == 0:
            text = main
        elif form == 1:
            text = f"{other} , but {main}"
        elif form == 2:
            text = f"{self.clause(s2, p2, label)} and {main}"
        elif form == 3:
            text = f"although {other} , {main}"
        elif form == 4:
            text = f"{main} , {r.choice(['although', 'even though'])} {other}"
        elif form == 5:
            text = f"{other} ; however , {main}"
        elif form == 6:
            text = f"{other} , yet {main}"
        else:
            first = (f"{'' if p2 or s2 in MASS_NOUNS else 'a '}{r.choice(NEUTRAL_WORDS)} {s2}"
                     if other_pol is None else self.noun_phrase(s2, p2, other_pol))
            text = f"{first} but {self.noun_phrase(s1, p1, label)}"
        lead = r.choice(LEADS)
        text = f"{lead} {text}" if lead else text[0].upper() + text[1:]
        # a quarter end without the full stop, so the answer is there at the last word, not only
        # at a "." (without this a model learns to wait for the "." before it decides)
        return text if r.random() < NO_STOP else f"{text} ."


def _build_split(writer: _Writer, n: int, seen: set[str]) -> list[LabeledText]:
    out: list[LabeledText] = []
    labels = [i % 2 for i in range(n)]          # exactly balanced (within one)
    writer.rng.shuffle(labels)
    for label in labels:
        text = writer.review(label)
        while text in seen:                      # no review twice, across all splits
            text = writer.review(label)
        seen.add(text)
        out.append(LabeledText(tokenize_words(text), label))
    return out


def build_sentiment(seed: int = 0, n_train: int = 4000, n_val: int = 500,
                    n_test: int = 500) -> Splits:
    """The built-in sentiment data set (rule in the module docstring); deterministic in ``seed``."""
    writer, seen = _Writer(random.Random(f"sentiment-{seed}")), set()
    return Splits(train=_build_split(writer, n_train, seen), val=_build_split(writer, n_val, seen),
                  test=_build_split(writer, n_test, seen))
