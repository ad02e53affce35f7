"""Data for the lessons: built-in generated data sets, user-file loaders, vocabulary.

Everything is generated at run time from code and installed packages (Faker, num2words, the
standard library); nothing is downloaded. Every generator is deterministic given its seed.
Building the built-in sets imports Faker and num2words only in a short-lived child interpreter
(``child.in_child``), so the long-lived server does not keep their modules resident.
"""
from importlib import import_module
from importlib.util import find_spec

# Where each name lives. They are imported on first use (PEP 562 module __getattr__): the home page
# needs only the tokenizer, and the generators' imports cost time on its first visit (BENCHMARKS.md,
# "Start-up"; Faker and num2words, once most of a second, now run in a child: rnn.data.child).
_HOMES = {"DataFormatError": "errors", "load_conll": "files", "load_pairs_tsv": "files",
          "load_sentiment_table": "files", "load_text": "files", "AMBIGUOUS_WORDS": "ner",
          "MINIMAL_PAIRS": "ner", "TaggedSentence": "ner", "ambiguous_indices": "ner",
          "build_ner": "ner", "DEFAULT_MAX_BYTES": "reading", "LabeledText": "sentiment",
          "build_sentiment": "sentiment", "Splits": "splits", "split_user_data": "splits",
          "CORPORA": "textgen", "load_corpus": "textgen", "detokenize": "tokenize",
          "tokenize_words": "tokenize", "TRANSLATION_SETS": "translation", "Pair": "translation",
          "build_translation": "translation", "join_tokens": "translation", "Vocab": "vocab"}
__all__ = [
    "DataFormatError", "Splits", "split_user_data", "Vocab", "tokenize_words", "detokenize",
    "TaggedSentence", "build_ner", "MINIMAL_PAIRS", "AMBIGUOUS_WORDS", "ambiguous_indices",
    "LabeledText", "build_sentiment", "CORPORA", "load_corpus",
    "Pair", "TRANSLATION_SETS", "build_translation", "join_tokens",
    "load_conll", "load_sentiment_table", "load_pairs_tsv", "load_text", "DEFAULT_MAX_BYTES",
]


def __getattr__(name: str):
    if name not in _HOMES:          # a submodule (``data.vocab.X``), imported on first use too
        if name.startswith("_") or find_spec(f"rnn.data.{name}") is None:
            raise AttributeError(f"module 'rnn.data' has no attribute {name!r}")
        return import_module(f"rnn.data.{name}")
    value = getattr(import_module(f"rnn.data.{_HOMES[name]}"), name)
    globals()[name] = value          # the next lookup is an ordinary attribute
    return value
