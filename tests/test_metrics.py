"""Metrics against hand-computed values, including translation with several references."""

import math

import pytest

from rnn.train.metrics import (accuracy, bits_per_char, bleu_chrf, exact_match, perplexity,
                               references_by_source, span_prf, spans, token_prf)

GOLD = [[0, 1, 1, 0, 1], [1, 0, 0]]
PRED = [[0, 1, 0, 0, 1], [1, 1, 0]]


def test_token_prf_by_hand():
    # gold 1s: 4; predicted 1s: 4; both 1: positions (0,1), (0,4), (1,0) -> TP = 3
    m = token_prf(GOLD, PRED)
    assert m["precision"] == pytest.approx(3 / 4)
    assert m["recall"] == pytest.approx(3 / 4)
    assert m["f1"] == pytest.approx(3 / 4)


def test_token_prf_zero_denominators_and_mismatch():
    assert token_prf([[0, 0]], [[0, 0]]) == {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    m = token_prf([[1, 1]], [[1, 0]])
    assert m == pytest.approx({"precision": 1.0, "recall": 0.5, "f1": 2 / 3})
    with pytest.raises(ValueError, match="sequence 0"):
        token_prf([[1, 1]], [[1]])
    with pytest.raises(ValueError):
        token_prf([[1]], [])


def test_spans():
    assert spans([0, 1, 1, 0, 1]) == {(1, 3), (4, 5)}
    assert spans([1, 1, 1]) == {(0, 3)}
    assert spans([]) == set() and spans([0, 0]) == set()


def test_span_prf_requires_exact_boundaries():
    # gold spans: (1,3), (4,5) | (0,1); predicted: (1,2), (4,5) | (0,2)
    # only (4,5) matches exactly: P = 1/3, R = 1/3
    m = span_prf(GOLD, PRED)
    assert m["precision"] == pytest.approx(1 / 3)
    assert m["recall"] == pytest.approx(1 / 3)
    assert m["f1"] == pytest.approx(1 / 3)
    m = span_prf([[1, 1, 0, 1]], [[1, 1, 0, 0]])
    assert m == pytest.approx({"precision": 1.0, "recall": 0.5, "f1": 2 / 3})


def test_accuracy_flat_and_nested():
    assert accuracy([1, 0, 1, 1], [1, 1, 1, 0]) == 0.5
    assert accuracy(GOLD, PRED) == pytest.approx(6 / 8)
    assert accuracy([], []) == 0.0
    with pytest.raises(ValueError):
        accuracy([1, 0], [1])


def test_bleu_by_hand():
    # hyp "the cat sat on the mat" vs ref "the cat sat on a mat" (same length: BP = 1)
    # n-gram precisions 5/6, 3/5, 2/4, 1/3 -> BLEU = 100 * geometric mean
    scores = bleu_chrf(["the cat sat on the mat"], ["src"], ["the cat sat on a mat"])
    expected = 100 * (5 / 6 * 3 / 5 * 2 / 4 * 1 / 3) ** 0.25
    assert scores["bleu"] == pytest.approx(expected, abs=1e-6)
    assert 0 < scores["chrf"] < 100
    perfect = bleu_chrf(["the cat sat on the mat"], ["src"], ["the cat sat on the mat"])
    assert perfect == pytest.approx({"bleu": 100.0, "chrf": 100.0})


def test_repeated_source_counts_all_targets_as_references():
    sources = ["i am very happy today", "i am very happy today", "where is the old station"]
    refs = ["je suis très heureux aujourd'hui", "je suis très content aujourd'hui",
            "où est la vieille gare"]
    hyps = ["je suis très content aujourd'hui", "je suis très content aujourd'hui",
            "où est la vieille gare"]
    assert references_by_source(sources, refs)["i am very happy today"] == refs[:2]
    # Each hypothesis equals one of its source's references: a perfect score, although row 0
    # differs from the target it is paired with.
    assert bleu_chrf(hyps, sources, refs) == pytest.approx({"bleu": 100.0, "chrf": 100.0})
    assert exact_match(hyps, sources, refs) == 1.0
    # Without grouping (one reference per row) the same output would score lower.
    single = bleu_chrf(hyps, ["a", "b", "c"], refs)
    assert single["bleu"] < 100.0 and exact_match(hyps, ["a", "b", "c"], refs) == pytest.approx(2 / 3)


def test_exact_match_normalizes_whitespace_only():
    assert exact_match(["je  suis ", "Je suis"], ["x", "x"], ["je suis", "je suis"]) == 0.5
    assert exact_match([], [], []) == 0.0
    assert bleu_chrf([], [], []) == {"bleu": 0.0, "chrf": 0.0}
    with pytest.raises(ValueError):
        exact_match(["a"], ["x", "y"], ["a", "b"])


def test_perplexity_and_bits_per_char():
    assert perplexity(0.0) == 1.0
    assert perplexity(math.log(27)) == pytest.approx(27.0)  # uniform over 27 characters
    assert perplexity(1e4) == math.inf
    assert bits_per_char(math.log(2)) == pytest.approx(1.0)
    assert bits_per_char(math.log(256)) == pytest.approx(8.0)
