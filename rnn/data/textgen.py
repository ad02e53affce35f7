"""Corpora for the language-model lesson, generated from what every Python install ships.

Nothing is downloaded: each corpus is read from Faker's data, the running interpreter's standard
library, or num2words, so it is identical on every machine with the same Python and package
versions. ``seed`` only shuffles the order of lines (names, numbers) or documents (prose, python).
Faker and num2words are read in a child interpreter (``rnn.data.child``), never in the server.
"""
from __future__ import annotations

import contextlib
import importlib
import inspect
import io
import random
import re
from functools import lru_cache

from .child import in_child
from .long_textgen import build_tags_corpus
from .names import all_first_names

CORPORA: dict[str, str] = {
    "names": "Given names from about 30 languages (Faker's Latin-script locales), one per line.",
    "prose": "English prose: the documentation strings of Python's standard library, plus the "
             "Zen of Python.",
    "python": "Python source code: modules of the running interpreter's standard library.",
    "numbers": "English number words counting up from one: 'one hundred and twenty-three'.",
    "tags-long": "Long-range level: <fox>do re mi fa</fox>, the closing tag repeats the opening "
                 "name after 0-50 characters of song (scored on 20-50).",
}
TARGET_CHARS = 200_000   # prose / python / numbers stop growing once they pass this

# Pure-Python stdlib modules with plenty of well-written prose in their docstrings / readable code.
PROSE_MODULES = ["collections", "functools", "textwrap", "argparse", "logging", "json", "random",
                 "statistics", "fractions", "_pydecimal", "pathlib", "shutil", "subprocess",
                 "threading", "unittest.case", "difflib", "heapq", "calendar", "datetime",
                 "email.message", "http.client", "csv", "tempfile", "string", "inspect",
                 "dataclasses", "enum", "typing", "zipfile", "tarfile", "configparser", "queue"]
PYTHON_MODULES = ["textwrap", "heapq", "bisect", "colorsys", "fractions", "string", "shlex",
                  "queue", "difflib", "calendar", "functools", "statistics", "dataclasses",
                  "fnmatch", "glob", "base64", "csv", "random", "enum", "pprint"]


def load_corpus(name: str, seed: int = 0) -> str:
    """The text of corpus ``name`` (a key of ``CORPORA``), shuffled by ``seed``; ends with "\\n"."""
    builders = {"names": _names, "prose": _prose, "python": _python, "numbers": _numbers,
                "tags-long": lambda rng: build_tags_corpus(seed)}
    if name not in builders:
        raise KeyError(f"unknown corpus {name!r}; choose one of {sorted(CORPORA)}")
    return builders[name](random.Random(f"corpus-{name}-{seed}"))


def _names(rng: random.Random) -> str:
    names = all_first_names()
    rng.shuffle(names)
    return "\n".join(names) + "\n"


@lru_cache(maxsize=1)
def _number_lines() -> tuple[str, ...]:
    """English number words from one up, until they fill TARGET_CHARS (newlines counted);
    computed once, in a child interpreter (``rnn.data.child``: the server does not import
    num2words)."""
    return tuple(in_child("rnn.data.textgen:_number_lines_here", TARGET_CHARS))


def _number_lines_here(target_chars: int) -> list[str]:
    """``_number_lines()`` computed in this process (the child's side; imports num2words)."""
    from num2words import num2words
    lines, n = [], 1
    while sum(map(len, lines)) + len(lines) < target_chars:
        lines.append(num2words(n))
        n += 1
    return lines


def _numbers(rng: random.Random) -> str:
    lines = list(_number_lines())
    # Counting order is the point of this corpus, so the seed only picks where it starts.
    start = rng.randrange(len(lines))
    return "\n".join(lines[start:] + lines[:start]) + "\n"


def _module(name: str):
    try:
        return importlib.import_module(name)
    except ImportError:   # e.g. a stripped-down interpreter; skip rather than fail
        return None


def _docstrings(module) -> list[str]:
    """Module, class and function docstrings of ``module`` (only objects defined in it)."""
    docs = [inspect.getdoc(module) or ""]
    for _, obj in sorted(vars(module).items()):
        if getattr(obj, "__module__", None) != module.__name__:
            continue
        if inspect.isclass(obj) or inspect.isfunction(obj):
            docs.append(inspect.getdoc(obj) or "")
            if inspect.isclass(obj):
                docs += [inspect.getdoc(m) or "" for _, m in sorted(vars(obj).items())
                         if inspect.isfunction(m)]
    return docs


def _clean_doc(doc: str) -> str:
    """Keep the prose paragraphs of a docstring: drop doctests, code and tables; reflow lines."""
    paragraphs = []
    for para in re.split(r"\n\s*\n", doc):
        lines = [ln.strip() for ln in para.splitlines()]
        if not lines or any(ln.startswith((">>>", "...", "|", "+-", "==", "--")) for ln in lines):
            continue
        if any(para.splitlines()[i].startswith((" ", "\t")) for i in range(1, len(lines))):
            continue                                          # indented block: code or a table
        text = " ".join(" ".join(lines).split())
        letters = sum(c.isalpha() or c == " " for c in text)
        if len(text) >= 40 and letters >= 0.85 * len(text) and text[-1:] in ".!?":
            paragraphs.append(text)
    return "\n\n".join(paragraphs)


def _zen() -> str:
    """The Zen of Python, decoded from the `this` module (which stores it in ROT13)."""
    with contextlib.redirect_stdout(io.StringIO()):   # the first import prints it; keep quiet
        import this
    return "".join(this.d.get(c, c) for c in this.s).strip()


def _prose(rng: random.Random) -> str:
    documents = []
    for name in PROSE_MODULES:
        module = _module(name)
        if module is not None:
            text = "\n\n".join(filter(None, map(_clean_doc, _docstrings(module))))
            if text:
                documents.append(text)
    rng.shuffle(documents)
    return _take([_zen()] + _drop_repeats(documents), "\n\n")


def _drop_repeats(documents: list[str]) -> list[str]:
    """Keep each paragraph once: short docstrings repeat ("Return a random int ...")."""
    seen: set[str] = set()
    unique = []
    for doc in documents:
        paragraphs = []
        for para in doc.split("\n\n"):
            if para not in seen:
                seen.add(para)
                paragraphs.append(para)
        if paragraphs:
            unique.append("\n\n".join(paragraphs))
    return unique


def _python(rng: random.Random) -> str:
    documents = []
    for name in PYTHON_MODULES:
        module = _module(name)
        try:
            source = inspect.getsource(module) if module is not None else ""
        except (OSError, TypeError):   # no .py file available (frozen or C module)
            continue
        documents.append(source.expandtabs(4).strip())
    rng.shuffle(documents)
    return _take(documents, "\n\n\n")


def _take(documents: list[str], sep: str) -> str:
    """Whole documents, in order, until the text passes ``TARGET_CHARS``."""
    kept, size = [], 0
    for doc in documents:
        if size >= TARGET_CHARS:
            break
        kept.append(doc)
        size += len(doc) + len(sep)
    return sep.join(kept) + "\n"
