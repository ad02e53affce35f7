"""Data for the lessons: built-in generated data sets, user-file loaders, vocabulary.

Everything is generated at run time from code and installed packages (Faker, num2words, the
standard library); nothing is downloaded. Every generator is deterministic given its seed.
"""
from .errors import DataFormatError
from .files import load_conll, load_pairs_tsv, load_sentiment_table, load_text
from .ner import (AMBIGUOUS_WORDS, MINIMAL_PAIRS, TaggedSentence, ambiguous_indices, build_ner)
from .reading import DEFAULT_MAX_BYTES
from .sentiment import LabeledText, build_sentiment
from .splits import Splits, split_user_data
from .textgen import CORPORA, load_corpus
from .tokenize import detokenize, tokenize_words
from .translation import TRANSLATION_SETS, Pair, build_translation, join_tokens
from .vocab import Vocab

__all__ = [
    "DataFormatError", "Splits", "split_user_data", "Vocab", "tokenize_words", "detokenize",
    "TaggedSentence", "build_ner", "MINIMAL_PAIRS", "AMBIGUOUS_WORDS", "ambiguous_indices",
    "LabeledText", "build_sentiment", "CORPORA", "load_corpus",
    "Pair", "TRANSLATION_SETS", "build_translation", "join_tokens",
    "load_conll", "load_sentiment_table", "load_pairs_tsv", "load_text", "DEFAULT_MAX_BYTES",
]
