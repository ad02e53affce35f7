"""Built-in agreement data: does the verb take the singular or the plural? (the course notes' example, sequence models, GRU)

    "The cat , which ... the dogs ... , was full ."     "The cats , which ... the dog ... , were full ."

Each example is the sentence **up to the verb**; the label is the subject's number (0 = singular:
was / is / has, 1 = plural: were / are / have). Rules every generated example follows:

1. The subject is the first noun ("the cat" / "the cats"). Between it and the verb stands a
   clause of exactly ``gap`` tokens (commas count), so the gap is the distance the number must be
   carried. Gap 0 is "the cat [was]".
2. The clause holds *attractor* nouns ("the dog", "the boys") whose number is drawn at random,
   independently of the subject and of each other, and its own verbs are past tense ("chased",
   "saw"), which show no number. So no word near the verb tells the answer: the model must carry
   it from the subject. (Attractors always of the opposite number would let the last one give the
   answer away: a vanilla RNN then scores 0.99 without remembering anything.)
3. Subject and attractors come from the same nouns, so "the first noun" is a position, not a word.
4. Labels are balanced (drawn 50/50 first) and the three splits share no sentence.

Data sets: ``short`` has gaps 0-5 everywhere. ``long`` is scored (validation and test) on gaps
20-50, but its training split mixes every gap from 0 to 50: trained only on long gaps, no cell
finds the subject at all (all stay at chance; issue 13's probe).

``overwrite`` (issue 25) puts one to three main-clause subjects in a row, each with its clause and
its verb, joined by ", and":

    "the cat , which saw the dogs , was full , and the boys , near the girl ... , [were]"

The label is the number of the LAST subject, whose verb is cut off; ``gap`` is the clause after
that subject (train 0-50, validation and test 20-50); the earlier clauses have 2-30 tokens and
the earlier subjects' numbers are drawn independently of the last one. A memory that only adds up
what it reads (a fixed leak) holds the earlier subjects too; the cell must *overwrite* its memory
at each new subject and then hold it through the clause: what the course notes (chapter 10,
section 10.10) give as the reason for gates, "to forget the old state".
"""
from __future__ import annotations

import random
from dataclasses import dataclass

from .splits import Splits

# singular -> plural; the same list gives subjects and attractors
NOUNS = {
    "cat": "cats", "dog": "dogs", "boy": "boys", "girl": "girls", "child": "children",
    "man": "men", "woman": "women", "teacher": "teachers", "student": "students",
    "doctor": "doctors", "farmer": "farmers", "bird": "birds", "horse": "horses",
    "neighbour": "neighbours", "friend": "friends", "king": "kings", "queen": "queens",
    "baker": "bakers", "pilot": "pilots", "mouse": "mice", "fox": "foxes",
    "author": "authors", "player": "players", "singer": "singers", "nurse": "nurses",
}
SINGULARS = tuple(NOUNS)
PLURALS = set(NOUNS.values())
VERB_PAIRS = (("was", "were"), ("is", "are"), ("has", "have"))
VERB_NUMBER = {v: n for pair in VERB_PAIRS for n, v in enumerate(pair)}    # word -> 0/1
ENDINGS = {"was": "full", "is": "happy", "has": "a plan"}                   # only for display
PAST_VERBS = ["chased", "saw", "met", "liked", "helped", "followed", "fed", "called", "visited",
              "watched", "found", "thanked"]
PREPOSITIONS = ["near", "behind", "with", "beside", "like", "for"]
FILLERS = ["already", "often", "yesterday", "quietly", "still", "again", "really", "today",
           "later", "once", "there", "here"]
SPLIT_SIZES = {"train": 20000, "val": 1000, "test": 2000}
GAPS = {"short": {"train": (0, 5), "val": (0, 5), "test": (0, 5)},
        "long": {"train": (0, 50), "val": (20, 50), "test": (20, 50)},
        "overwrite": {"train": (0, 50), "val": (20, 50), "test": (20, 50)}}
SUBJECTS = {"short": (1, 1), "long": (1, 1), "overwrite": (1, 3)}   # main-clause subjects per sentence
EARLIER_GAPS = (2, 30)           # the clause after each subject but the last (``overwrite``)
BUCKETS = ((0, 5), (6, 10), (11, 19), (20, 29), (30, 39), (40, 50))


@dataclass(slots=True)         # no __dict__ per example: data sets hold 5,000-23,000
class AgreementExample:
    """The sentence up to the verb as tokens; ``label`` 1 = plural subject; ``gap`` tokens between
    the subject and the verb; ``verb`` the verb pair's singular form (was / is / has)."""

    tokens: list[str]
    label: int
    gap: int
    verb: str = "was"
    subjects: int = 1

    @property
    def text(self) -> str:
        """The whole sentence with its correct verb (for display)."""
        verb = dict(VERB_PAIRS)[self.verb] if self.label else self.verb
        return " ".join(self.tokens + [verb, ENDINGS[self.verb], "."])


def noun(rng: random.Random, plural: int) -> str:
    singular = rng.choice(SINGULARS)
    return NOUNS[singular] if plural else singular


def _attractor(rng: random.Random) -> list[str]:
    return ["the", noun(rng, rng.random() < 0.5)]


def _chunk(rng: random.Random, room: int) -> list[str]:
    """One piece of the clause, at most ``room`` tokens: a relative clause with an attractor
    ("which chased the dogs", 4), a prepositional phrase ("near the boys", 3), a verb with an
    attractor ("saw the girl", 3) or one filler word ("yesterday", 1)."""
    kinds = [k for k, size in (("which", 4), ("that", 4), ("prep", 3), ("verb", 3)) if size <= room]
    kind = rng.choice(kinds) if kinds and rng.random() < 0.93 else "filler"
    if kind == "filler":
        return [rng.choice(FILLERS)]
    if kind == "prep":
        return [rng.choice(PREPOSITIONS), *_attractor(rng)]
    head = [] if kind == "verb" else [kind]
    return head + [rng.choice(PAST_VERBS), *_attractor(rng)]


def clause(rng: random.Random, gap: int) -> list[str]:
    """Exactly ``gap`` tokens. From 3 tokens on it is set off by commas (", which ... ,")."""
    if gap <= 0:
        return []
    if gap < 3:
        return [rng.choice(FILLERS) for _ in range(gap)]
    body: list[str] = []
    while len(body) < gap - 2:
        body += _chunk(rng, gap - 2 - len(body))
    return [","] + body + [","]


def _earlier_subject(rng: random.Random) -> list[str]:
    """A whole main clause before the last subject: subject, clause (2-30 tokens), its own agreeing
    verb and ending, then ", and": "the dogs , which saw the cat , were happy , and"."""
    plural = rng.random() < 0.5
    singular = rng.choice(VERB_PAIRS)[0]
    verb = dict(VERB_PAIRS)[singular] if plural else singular
    return (["the", noun(rng, plural)] + clause(rng, rng.randint(*EARLIER_GAPS))
            + [verb, *ENDINGS[singular].split(), ",", "and"])


def sentence(rng: random.Random, plural: int, gap: int, subjects: int = 1) -> AgreementExample:
    """``subjects`` main clauses; the label is the last subject's number, ``gap`` its clause."""
    tokens = [t for _ in range(subjects - 1) for t in _earlier_subject(rng)]
    tokens += ["the", noun(rng, plural)] + clause(rng, gap)
    return AgreementExample(tokens, int(plural), gap, rng.choice(VERB_PAIRS)[0], subjects)


def subject_positions(tokens: list[str]) -> list[int]:
    """Where the main-clause subject nouns stand: the second token and every noun after ", and the"."""
    out = [1] if len(tokens) > 1 else []
    out += [i for i in range(3, len(tokens)) if tokens[i - 1] == "the" and tokens[i - 2] == "and"
            and tokens[i - 3] == ","]
    return out


def make_examples(n: int, gaps: tuple[int, int], seed: int, exclude: set | None = None,
                  subjects: tuple[int, int] = (1, 1)) -> list:
    """``n`` distinct examples, labels 50/50, gaps uniform in ``gaps`` (inclusive), and a number
    of main-clause subjects uniform in ``subjects`` (inclusive)."""
    rng = random.Random(seed)
    seen = set(exclude or ())
    out: list[AgreementExample] = []
    tries = 0
    while len(out) < n:
        tries += 1
        if tries > 50 * n + 1000:
            break             # short gaps have few distinct sentences; keep what there is
        plural, gap = rng.random() < 0.5, rng.randint(*gaps)
        ex = sentence(rng, plural, gap, rng.randint(*subjects) if subjects != (1, 1) else 1)
        key = " ".join(ex.tokens)
        if key not in seen:
            seen.add(key)
            out.append(ex)
    return out


def build_agreement(name: str = "long", seed: int = 0, sizes: dict | None = None) -> Splits:
    """The ``short``, ``long`` or ``overwrite`` data set (see the module note), deterministic given
    ``seed``."""
    if name not in GAPS:
        raise ValueError(f"agreement data sets are {', '.join(GAPS)}, got {name!r}")
    sizes = {**SPLIT_SIZES, **(sizes or {})}
    seen: set = set()
    parts = {}
    for offset, split in enumerate(("test", "val", "train")):     # held-out sets first
        parts[split] = make_examples(sizes[split], GAPS[name][split], seed * 1000 + offset, seen,
                                     SUBJECTS[name])
        seen.update(" ".join(x.tokens) for x in parts[split])
    return Splits(train=parts["train"], val=parts["val"], test=parts["test"])


def gap_sweep(gaps, per_gap: int = 40, seed: int = 12345, dataset: str = "long") -> list[AgreementExample]:
    """``per_gap`` examples at each gap in ``gaps`` (for accuracy against gap length), with the
    number of subjects of ``dataset`` (one, or 1-3 for ``overwrite``)."""
    out = []
    for g in gaps:
        out += make_examples(per_gap, (g, g), seed + g, subjects=SUBJECTS.get(dataset, (1, 1)))
    return out


def bucket_of(gap: int) -> str:
    for lo, hi in BUCKETS:
        if lo <= gap <= hi:
            return f"{lo}-{hi}"
    return f"{BUCKETS[-1][1] + 1}+"


def split_verb(tokens: list[str]) -> tuple[list[str], str | None]:
    """A typed sentence may go on past the verb: keep the words before the LAST agreeing verb
    (the verb of the last subject: earlier main clauses keep theirs), and return that verb. None
    if there is none, or if an "and" follows it (a new subject whose verb is still to come)."""
    verbs = [i for i, tok in enumerate(tokens) if i >= 2 and tok.lower() in VERB_NUMBER]
    if not verbs or "and" in (t.lower() for t in tokens[verbs[-1]:]):
        return tokens, None
    return tokens[:verbs[-1]], tokens[verbs[-1]].lower()
