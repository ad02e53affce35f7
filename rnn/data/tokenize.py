"""Word tokenizer shared by every word-level task (NER, sentiment, translation, user files).

Rules, in order:
  * a *word* is a run of letters, combining marks, digits and underscores in any script
    (so "naïve", "Łukasz", "नमस्ते" and "東京" stay whole);
  * a hyphen or apostrophe (' or ’) *between* two word characters joins them:
    "well-known", "quatre-vingt-dix", "don't", "O'Neill", "Anna's" are one token each;
  * a "." or "," between two digits joins them: "3.14", "1,000";
  * a few title abbreviations keep their full stop: "Mr.", "Mrs.", "Ms.", "Dr.", "Prof.", "St.";
  * every other non-space character (punctuation, symbols, emoji) is a token by itself.
Whitespace only separates. ``detokenize`` is the rough inverse used for display.

``tokens_for(text, joiner)`` is the one rule for data whose tokens are joined by a known string
(translation sets, user TSV pairs): characters when the joiner is "" (a character-level set),
words otherwise.
"""
from __future__ import annotations

import sys
import unicodedata

ABBREVIATIONS = frozenset({"Mr", "Mrs", "Ms", "Dr", "Prof", "St", "Jr", "Sr", "Mt"})
_JOINERS = "-'’"
_NO_SPACE_BEFORE = set(".,!?;:%)]}»”")
_NO_SPACE_AFTER = set("([{«“¿¡")


def _is_word_char(c: str) -> bool:
    return c == "_" or unicodedata.category(c)[0] in "LMN"


def tokenize_words(text: str) -> list[str]:
    """Split ``text`` into words and punctuation (see the module docstring for the rules)."""
    tokens: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
            continue
        if not _is_word_char(c):
            tokens.append(c)
            i += 1
            continue
        j = i + 1
        while j < n:
            if _is_word_char(text[j]):
                j += 1
            elif j + 1 < n and _is_word_char(text[j + 1]) and _joins(text, j):
                j += 2
            else:
                break
        word = text[i:j]
        if word in ABBREVIATIONS and j < n and text[j] == ".":
            word, j = word + ".", j + 1
        tokens.append(sys.intern(word))    # one string per distinct word, not one per use
        i = j
    return tokens


def tokens_for(text: str, joiner: str) -> list[str]:
    """The tokens of ``text`` for data whose tokens are joined by ``joiner``: its characters
    (outer whitespace dropped) when ``joiner`` is "" (a character-level set), else its words."""
    return list(text.strip()) if joiner == "" else tokenize_words(text)


def _joins(text: str, j: int) -> bool:
    """Does the non-word character at ``j`` glue the word characters on both sides together?"""
    c = text[j]
    if c in _JOINERS:
        return True
    return c in ".," and text[j - 1].isdigit() and text[j + 1].isdigit()


def detokenize(tokens: list[str]) -> str:
    """Join tokens with spaces, except before closing and after opening punctuation.

    Straight double quotes alternate between opening and closing.
    """
    out: list[str] = []
    no_space_next, quote_open = True, False
    for tok in tokens:
        is_quote = tok == '"'
        closing = tok in _NO_SPACE_BEFORE or (is_quote and quote_open)
        if out and not no_space_next and not closing:
            out.append(" ")
        out.append(tok)
        no_space_next = tok in _NO_SPACE_AFTER or (is_quote and not quote_open)
        if is_quote:
            quote_open = not quote_open
    return "".join(out)
