"""Loaders for a user's own data files. Each takes a path, bytes (with ``name=``) or a binary file
object, and raises ``DataFormatError`` naming the file and line on bad input (encoding and size
rules: ``reading.py``).

Formats
  * NER, CoNLL style (``load_conll``): one token per line, columns separated by tabs or spaces,
    token first and tag last (2 to 4 columns, e.g. CoNLL-2003's "EU NNP B-NP B-ORG"); a blank line
    ends a sentence; ``-DOCSTART-`` lines are skipped. Tags: 0/1, or O and IOB/BIO/IOBES tags
    (B-, I-, E-, S-, L-, U- prefixes) or bare types: any PER / PERS / PERSON type -> 1 (part of a
    person's name), every other type and O -> 0.
  * Sentiment, CSV or TSV with a header (``load_sentiment_table``): the delimiter (comma, tab,
    semicolon, |) is the one that splits the header into a text column (text / sentence / review
    / content / comment) and a label column (label / sentiment / polarity / class); labels 0/1,
    neg/pos, negative/positive in any case.
  * Translation pairs, TSV (``load_pairs_tsv``): "source<TAB>target" per line; extra columns are
    ignored (the ManyThings/Anki Tatoeba export has an attribution third column), and Tatoeba's
    own "id<TAB>text<TAB>id<TAB>text" export is recognised. Both sides go through
    ``tokenize_words``.
  * Text (``load_text``): any UTF-8 text.
"""
from __future__ import annotations

import csv
import io
import re

from .errors import DataFormatError
from .ner import TaggedSentence
from .reading import DEFAULT_MAX_BYTES, Source, read_text
from .sentiment import LabeledText
from .splits import Splits, split_user_data  # noqa: F401  (re-exported: part of the file API)
from .tokenize import tokenize_words
from .translation import Pair

PERSON_TYPES = {"PER", "PERS", "PERSON", "PEOPLE"}
TEXT_COLUMNS = ("text", "sentence", "review", "content", "comment")
LABEL_COLUMNS = ("label", "sentiment", "polarity", "class")
LABELS = {"0": 0, "neg": 0, "negative": 0, "1": 1, "pos": 1, "positive": 1}
PAIR_HEADERS = {("source", "target"), ("src", "tgt"), ("src", "trg"), ("input", "output")}
_PREFIXED_TAG = re.compile(r"^([BIESLU])[-_](\S+)$", re.IGNORECASE)
_BARE_TYPE = re.compile(r"^[A-Za-z][A-Za-z_]*$")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


# --------------------------------------------------------------------------- NER (CoNLL)
def conll_tag(tag: str) -> int | None:
    """1 if ``tag`` marks part of a person's name, 0 if not, None if it is not a tag we know."""
    if tag in ("0", "1"):
        return int(tag)
    if tag.upper() == "O":
        return 0
    match = _PREFIXED_TAG.match(tag)
    entity = match.group(2) if match else (tag if _BARE_TYPE.match(tag) else None)
    if entity is None:
        return None
    return int(entity.upper() in PERSON_TYPES)


def load_conll(source: Source, name: str | None = None,
               max_bytes: int = DEFAULT_MAX_BYTES) -> list[TaggedSentence]:
    """Sentences of a CoNLL-style file (format in the module docstring)."""
    text, name = read_text(source, name, max_bytes)
    sentences: list[TaggedSentence] = []
    tokens: list[str] = []
    tags: list[int] = []

    def end_sentence():
        if tokens:
            sentences.append(TaggedSentence(tokens.copy(), tags.copy(), [False] * len(tokens)))
            tokens.clear()
            tags.clear()

    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip() or line.lstrip().startswith("-DOCSTART-"):
            end_sentence()
            continue
        columns = line.split("\t") if "\t" in line else line.split()
        columns = [c.strip() for c in columns if c.strip()]
        if not 2 <= len(columns) <= 4:
            raise DataFormatError(f"expected 'TOKEN TAG' (2 to 4 columns: token first, tag "
                                  f"last), got {_plural(len(columns), 'column')}",
                                  file=name, line=number)
        tag = conll_tag(columns[-1])
        if tag is None:
            raise DataFormatError(f"unknown tag {columns[-1]!r}; expected 0/1, O, or a "
                                  "BIO/IOBES tag such as B-PER or I-LOC", file=name, line=number)
        tokens.append(columns[0])
        tags.append(tag)
    end_sentence()
    if not sentences:
        raise DataFormatError("no sentences found (only -DOCSTART- lines)", file=name)
    if not any(1 in s.tags for s in sentences):
        raise DataFormatError("no token is tagged as part of a person's name; expected tags "
                              "such as 1, B-PER / I-PER or S-PERSON in the last column", file=name)
    return sentences


# --------------------------------------------------------------------------- sentiment (CSV/TSV)
def _find_columns(header_line: str, name: str) -> tuple[str, int, int, list[str]]:
    """Delimiter, text column index, label column index and header, from the header line."""
    best: list[str] = []
    for delimiter in (",", "\t", ";", "|"):
        header = [h.strip().strip('"').lower() for h in next(csv.reader([header_line],
                                                                       delimiter=delimiter))]
        text_col = next((header.index(c) for c in TEXT_COLUMNS if c in header), None)
        label_col = next((header.index(c) for c in LABEL_COLUMNS if c in header), None)
        if text_col is not None and label_col is not None:
            return delimiter, text_col, label_col, header
        best = max(best, header, key=len)
    raise DataFormatError(
        f"the header needs a text column ({' / '.join(TEXT_COLUMNS)}) and a label column "
        f"({' / '.join(LABEL_COLUMNS)}); found {', '.join(repr(h) for h in best)}",
        file=name, line=1)


def parse_label(value: str) -> int | None:
    """0 / 1 for the label spellings we accept (see ``LABELS``), None otherwise."""
    return LABELS.get(value.strip().lower())


def load_sentiment_table(source: Source, name: str | None = None,
                         max_bytes: int = DEFAULT_MAX_BYTES) -> list[LabeledText]:
    """Labelled texts of a CSV/TSV file with a header (format in the module docstring)."""
    text, name = read_text(source, name, max_bytes)
    header_line = text.split("\n", 1)[0]
    delimiter, text_col, label_col, header = _find_columns(header_line, name)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    next(reader)
    examples: list[LabeledText] = []
    for row in reader:
        line = reader.line_num
        while len(row) > len(header) and not row[-1].strip():
            row.pop()                                    # trailing empty cells: "a,b,"
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise DataFormatError(
                f"expected {len(header)} columns like the header ({', '.join(header)}), got "
                f"{len(row)} (put text that contains {delimiter!r} in double quotes)",
                file=name, line=line)
        label = parse_label(row[label_col])
        if label is None:
            raise DataFormatError(f"unknown label {row[label_col]!r}; expected 0/1, neg/pos or "
                                  "negative/positive", file=name, line=line)
        tokens = tokenize_words(row[text_col])
        if not tokens:
            raise DataFormatError(f"the {header[text_col]!r} column is empty", file=name, line=line)
        examples.append(LabeledText(tokens, label))
    if not examples:
        raise DataFormatError("no examples after the header", file=name)
    if len({e.label for e in examples}) < 2:
        raise DataFormatError(f"all {len(examples)} examples have the same label; need both "
                              "positive and negative examples", file=name)
    return examples


# --------------------------------------------------------------------------- translation (TSV)
def load_pairs_tsv(source: Source, name: str | None = None,
                   max_bytes: int = DEFAULT_MAX_BYTES) -> list[Pair]:
    """Sentence pairs of a tab-separated file (format in the module docstring)."""
    text, name = read_text(source, name, max_bytes)
    pairs: list[Pair] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        cols = line.split("\t")
        if len(cols) >= 4 and cols[0].strip().isdigit() and cols[2].strip().isdigit():
            cols = [cols[1], cols[3]]                    # Tatoeba: id, text, id, text
        if len(cols) < 2:
            hint = " (the line has no tab; the file must be tab-separated)"
            raise DataFormatError(f"expected 'SOURCE<TAB>TARGET', got 1 column{hint}",
                                  file=name, line=number)
        src, tgt = tokenize_words(cols[0]), tokenize_words(cols[1])
        if not pairs and (cols[0].strip().lower(), cols[1].strip().lower()) in PAIR_HEADERS:
            continue                                     # a header line
        for side, tokens in (("source", src), ("target", tgt)):
            if not tokens:
                raise DataFormatError(f"the {side} is empty", file=name, line=number)
        pairs.append(Pair(src, tgt))
    if not pairs:
        raise DataFormatError("no sentence pairs found (only a header line)", file=name)
    return pairs


# --------------------------------------------------------------------------- plain text
def load_text(source: Source, name: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """A UTF-8 text file's text (newlines normalised to "\\n")."""
    return read_text(source, name, max_bytes)[0]
