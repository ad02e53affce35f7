"""Evaluation metrics for the four tasks, as plain functions of plain Python values.

- Tagging (NER: is this word part of a person's name?): `token_prf` per token, `span_prf` per
  name (a name is a run of consecutive 1-tags; it counts only if both ends match exactly).
- Classification (sentiment): `accuracy`.
- Translation: `bleu_chrf` (sacrebleu's corpus BLEU and chrF) and `exact_match`. A source
  sentence that appears several times in the data (e.g. "I am." -> "Je suis." and "I am." ->
  "Je vais bien.") has several correct translations: every target of that source counts as a
  reference for every hypothesis of that source.
- Language modelling: `perplexity` and `bits_per_char` from a mean cross-entropy in nats.

Precision, recall and F1 are 0.0 (not an error) when their denominator is 0.

`finite` is the one NaN/inf -> None conversion (strict JSON has no NaN): checkpoints, the CLI's
JSON lines and run histories all use it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def _prf(true_positives: int, predicted: int, actual: int) -> dict[str, float]:
    """precision = TP / predicted positives, recall = TP / actual positives, F1 = their harmonic mean."""
    precision = true_positives / predicted if predicted else 0.0
    recall = true_positives / actual if actual else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def _check_aligned(gold: Sequence[Sequence[int]], pred: Sequence[Sequence[int]]) -> None:
    """Raise ValueError unless gold and pred have the same number of sequences and lengths."""
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold sequences but {len(pred)} predicted")
    for i, (g, p) in enumerate(zip(gold, pred)):
        if len(g) != len(p):
            raise ValueError(f"sequence {i}: {len(g)} gold tags but {len(p)} predicted")


def token_prf(gold: Sequence[Sequence[int]], pred: Sequence[Sequence[int]]) -> dict[str, float]:
    """Precision, recall and F1 of class 1, counting every token on its own.

    gold, pred: one list of 0/1 tags per sentence, aligned token by token.
    """
    _check_aligned(gold, pred)
    pairs = [(g, p) for gs, ps in zip(gold, pred) for g, p in zip(gs, ps)]
    tp = sum(1 for g, p in pairs if g == 1 and p == 1)
    return _prf(tp, sum(1 for _, p in pairs if p == 1), sum(1 for g, _ in pairs if g == 1))


def spans(tags: Sequence[int]) -> set[tuple[int, int]]:
    """The runs of consecutive 1s in `tags` as (start, end) with `end` exclusive.

    spans([0, 1, 1, 0, 1]) == {(1, 3), (4, 5)}
    """
    found, start = set(), None
    for i, tag in enumerate(list(tags) + [0]):  # the sentinel 0 closes a run at the end
        if tag == 1 and start is None:
            start = i
        elif tag != 1 and start is not None:
            found.add((start, i))
            start = None
    return found


def span_prf(gold: Sequence[Sequence[int]], pred: Sequence[Sequence[int]]) -> dict[str, float]:
    """Precision, recall and F1 per name span: a predicted span is correct only if a gold span
    has exactly the same start and end (partial overlaps count as wrong)."""
    _check_aligned(gold, pred)
    tp = n_pred = n_gold = 0
    for g, p in zip(gold, pred):
        gold_spans, pred_spans = spans(g), spans(p)
        tp += len(gold_spans & pred_spans)
        n_pred += len(pred_spans)
        n_gold += len(gold_spans)
    return _prf(tp, n_pred, n_gold)


def accuracy(gold: Sequence, pred: Sequence) -> float:
    """Fraction of positions where pred equals gold.

    Flat label lists (sentiment: one label per text) or nested per-token lists (tagging: every
    token counts once). 0.0 for empty input.
    """
    if gold and isinstance(gold[0], (list, tuple)):
        _check_aligned(gold, pred)
        gold = [x for seq in gold for x in seq]
        pred = [x for seq in pred for x in seq]
    elif len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold labels but {len(pred)} predicted")
    return sum(1 for g, p in zip(gold, pred) if g == p) / len(gold) if gold else 0.0


def references_by_source(sources: Sequence[str], references: Sequence[str]) -> dict[str, list[str]]:
    """All distinct targets of each source sentence, in first-seen order."""
    if len(sources) != len(references):
        raise ValueError(f"{len(sources)} sources but {len(references)} references")
    grouped: dict[str, list[str]] = {}
    for src, ref in zip(sources, references):
        refs = grouped.setdefault(src, [])
        if ref not in refs:
            refs.append(ref)
    return grouped


def _reference_streams(hypotheses: Sequence[str], sources: Sequence[str],
                       references: Sequence[str]) -> list[list[str | None]]:
    """sacrebleu's layout: stream k holds the k-th reference of every hypothesis; sentences with
    fewer references are padded with None, which sacrebleu skips."""
    if len(hypotheses) != len(sources):
        raise ValueError(f"{len(hypotheses)} hypotheses but {len(sources)} sources")
    grouped = references_by_source(sources, references)
    per_hyp = [grouped[src] for src in sources]
    width = max(len(refs) for refs in per_hyp)
    return [[refs[k] if k < len(refs) else None for refs in per_hyp] for k in range(width)]


def bleu_chrf(hypotheses: Sequence[str], sources: Sequence[str],
              references: Sequence[str]) -> dict[str, float]:
    """Corpus BLEU and chrF (0..100, sacrebleu's defaults) of detokenized strings.

    hypotheses[i] is the model's translation of sources[i]; references[i] is the target that
    the data pairs with sources[i]. Every hypothesis is scored against ALL targets of its
    source. Returns {"bleu": ..., "chrf": ...}; both 0.0 for empty input.
    """
    if not hypotheses:
        return {"bleu": 0.0, "chrf": 0.0}
    import sacrebleu        # here, not at the top: only translation needs it, and it is slow to import
    streams = _reference_streams(hypotheses, sources, references)
    hyps = list(hypotheses)
    return {"bleu": float(sacrebleu.corpus_bleu(hyps, streams).score),
            "chrf": float(sacrebleu.corpus_chrf(hyps, streams).score)}


def _normalize(text: str) -> str:
    """Compare sentences up to runs of whitespace (a decoder's join may add spaces)."""
    return " ".join(text.split())


def exact_match(hypotheses: Sequence[str], sources: Sequence[str],
                references: Sequence[str]) -> float:
    """Fraction of hypotheses equal (up to whitespace) to ANY target of their source."""
    if len(hypotheses) != len(sources):
        raise ValueError(f"{len(hypotheses)} hypotheses but {len(sources)} sources")
    if not hypotheses:
        return 0.0
    grouped = {src: {_normalize(r) for r in refs}
               for src, refs in references_by_source(sources, references).items()}
    hits = sum(1 for hyp, src in zip(hypotheses, sources) if _normalize(hyp) in grouped[src])
    return hits / len(hypotheses)


def perplexity(loss: float) -> float:
    """exp(loss) for a mean cross-entropy `loss` in nats; inf instead of an overflow error."""
    try:
        return math.exp(loss)
    except OverflowError:
        return math.inf


def bits_per_char(loss: float) -> float:
    """A per-character cross-entropy in nats converted to bits: loss / ln 2."""
    return loss / math.log(2)


def finite(value):
    """``value`` with every NaN/inf float replaced by None, through dicts, lists and tuples (e.g.
    the loss of a diverged run): strict JSON has no NaN."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(v) for v in value]
    return value
