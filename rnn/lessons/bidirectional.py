"""The bidirectional lab: what a tagger that also reads right to left knows that a left-to-right
one cannot.

A left-to-right tagger labels word t from a->_t alone, a summary of words 1..t. For "Teddy bears
..." and "Teddy Roosevelt ..." that summary is the same at "Teddy", so its answer must be the same
too: the best it can learn is how often "Teddy" is a name. A bidirectional tagger also has a<-_t,
a summary of words t..T, and the word after "Teddy" decides. This module turns two experiments
(the same cell, size, data, seed and budget, one of each direction) into what the page shows.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import replace

import numpy as np

from rnn.data.ner import ambiguous_indices

LABELS = ("unidirectional", "bidirectional")
PRETRAINED = {"unidirectional": "ner-lstm-uni", "bidirectional": "ner-lstm"}
# table column -> axis label of the accuracy-by-group chart
GROUPS = {"accuracy on ambiguous words": "ambiguous words (decided by a later word)",
          "accuracy on all other words": "all other words"}


def config_for(label: str, model_config):
    """``model_config`` with ``bidirectional`` set by ``label`` ("unidirectional" / "bidirectional")."""
    if label not in LABELS:
        raise ValueError(f"label must be one of {LABELS}, got {label!r}")
    return replace(model_config, bidirectional=label == "bidirectional")


def compare_sentence(uni, bi, text: str) -> dict:
    """Both models' P(part of a name) for every word of ``text``.

    Returns {"tokens", "uni": [p], "bi": [p], "ambiguous": [indices of known ambiguous words],
    "focus": the first ambiguous word's index (else 0)}. Raises the engine's DataFormatError on
    text with no words.
    """
    a, b = uni.predict(text), bi.predict(text)
    ambiguous = ambiguous_indices(a["tokens"])
    return {"tokens": a["tokens"], "uni": [float(p) for p in a["probs"]],
            "bi": [float(p) for p in b["probs"]], "ambiguous": ambiguous,
            "focus": ambiguous[0] if ambiguous else 0}


def focus_row(text: str, view: dict) -> dict:
    """One table row: the sentence, its focused word and both models' P(name) there."""
    i = view["focus"]
    return {"sentence": text, "word": view["tokens"][i],
            "left-to-right P(name)": round(view["uni"][i], 2),
            "bidirectional P(name)": round(view["bi"][i], 2)}


def group_accuracy_rows(results: dict[str, dict]) -> list[dict]:
    """Model label -> ``exp.evaluate("test")`` dict  ->  table rows (one per model)."""
    rows = []
    for label, r in results.items():
        rows.append({"model": label,
                     "accuracy on ambiguous words": r.get("accuracy_ambiguous", float("nan")),
                     "accuracy on all other words": r.get("accuracy_other", float("nan")),
                     "ambiguous words in the test set": int(r.get("n_ambiguous", 0) or 0)})
    return rows


def usual_sense_accuracy(train, test) -> float:
    """Accuracy on the test set's ambiguous words of always giving each word its usual sense.

    "Usual" = the more frequent tag of that word among the training set's ambiguous occurrences.
    This is about the ceiling of a tagger that cannot see the deciding words: it can only learn
    how often each word is a name. NaN if the test set has no ambiguous words.
    """
    counts: dict[str, Counter] = defaultdict(Counter)
    for s in train:
        for tok, tag, amb in zip(s.tokens, s.tags, s.ambiguous):
            if amb:
                counts[tok][int(tag)] += 1
    hits = total = 0
    for s in test:
        for tok, tag, amb in zip(s.tokens, s.tags, s.ambiguous):
            if amb:
                usual = counts[tok].most_common(1)[0][0] if counts[tok] else 0
                hits += int(usual == int(tag))
                total += 1
    return hits / total if total else float("nan")


def direction_differences(trace_a: dict, trace_b: dict) -> dict:
    """How far apart two sentences' hidden states are, per direction, at the words they share.

    The words compared are the shared start (same word at the same position from the left) and
    the shared end (same word at the same position from the right). ``trace_*`` are
    ``exp.trace(text)`` dicts of a one-layer bidirectional model.
    Returns {"labels": ["Teddy (start)", ...], "forward": [||a->_A - a->_B||], "backward": [...]}.
    """
    ta, tb = trace_a["tokens"], trace_b["tokens"]
    fa, ba = (trace_a["layers"][0][d]["h"] for d in (0, 1))
    fb, bb = (trace_b["layers"][0][d]["h"] for d in (0, 1))
    pairs = []
    for i in range(min(len(ta), len(tb))):              # shared start
        if ta[i] != tb[i]:
            break
        pairs.append((f"{ta[i]} (start)", i, i))
    start, end = len(pairs), []
    for k in range(1, min(len(ta), len(tb)) + 1):       # shared end, walked from the last word
        i, j = len(ta) - k, len(tb) - k
        if ta[i] != tb[j] or i < start or j < start:
            break
        end.append((f"{ta[i]} (end)", i, j))
    pairs += end[::-1]
    return {"labels": [p[0] for p in pairs],
            "forward": [float(np.linalg.norm(fa[i] - fb[j])) for _, i, j in pairs],
            "backward": [float(np.linalg.norm(ba[i] - bb[j])) for _, i, j in pairs]}


PRETRAINED_LABEL = ("the pretrained pair: a one-layer LSTM tagger, left-to-right and bidirectional, "
                    "same size, data, seed and 600 training steps")
INSPECT_INTRO = ("Inside the bidirectional model: where two sentences share their first words, the "
                 "**forward** states a→⟨t⟩ are identical (nothing different has been read yet) and "
                 "only the **backward** states a←⟨t⟩ can tell them apart. At a shared ending it is "
                 "the reverse.")
COMPARE_INTRO = ("Accuracy on the 500 test sentences, split by kind of word. **Ambiguous words** "
                 "(Teddy, Jordan, April…) are decided only by the words *after* them.")


def pair_names(pairs) -> list[str]:
    """A minimal pair as one choice of a select box: "Teddy bears …  /  Teddy Roosevelt …"."""
    return [f"{a}  /  {b}" for a, b in pairs]


def forward_gates(trace: dict, arch: str) -> dict:
    """The forward direction's gates (course names) and cell state of a traced sentence."""
    from rnn.lessons.common import course_gates
    arrays = trace["layers"][0][0]
    out = course_gates(arch, arrays)
    if "c" in arrays:
        out["c⟨t⟩"] = arrays["c"]
    return out
USUAL_SENSE_NOTE = ("The dotted line: always give each ambiguous word its most frequent sense in the "
                    "training data. A model that cannot see the deciding word cannot do much better.")
