"""Small tables as GitHub Markdown text (no pandas, no Streamlit).

The pages' tables are a few rows of numbers and words. Drawing them with ``st.dataframe`` made
every server import pandas and pyarrow (about 150 MB resident, BENCHMARKS.md "Start-up, memory
and classroom scheduling"); a Markdown table shows the same rows for the price of a string.

    markdown_table(rows, columns=None, formats=None)  -> "| a | b |\\n|---|---:|\\n| x | 1.5 |"
    parse_markdown_table(text)                          -> (headers, rows of cell strings)
"""
from __future__ import annotations

import math
import numbers
import re
from typing import Any, Callable, Iterable, Mapping, Sequence

MISSING = "—"                    # None and NaN
TRUE, FALSE = "✓", "✗"

# Characters that start inline Markdown (emphasis, code, links, HTML, strike-through, Streamlit's
# $math$, entities) or end a cell (|). Each is backslash-escaped; CommonMark shows "\*" as "*".
_SPECIAL = re.compile(r"([\\`*_\[\]<>~$&|])")

Format = str | Callable[[Any], str]


def escape_cell(text: Any) -> str:
    """``text`` as one table cell: no line breaks (a newline would end the row), Markdown's
    special characters and ``|`` escaped, outer whitespace trimmed."""
    one_line = " ".join(str(text).split())
    return _SPECIAL.sub(r"\\\1", one_line)


def _is_number(value: Any) -> bool:
    return (isinstance(value, numbers.Real) and not isinstance(value, bool)
            and getattr(value, "dtype", None) != bool)


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_number(value: float) -> str:
    """A float with four significant digits, never cut short in its whole part: 0.1235, 12.35,
    123457 (not 1.235e+05); very small or very large ones in e-notation; integers as integers."""
    if isinstance(value, numbers.Integral):
        return str(int(value))
    x = float(value)
    if math.isnan(x):
        return MISSING
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    whole = len(str(int(abs(x)))) if abs(x) >= 1 else 0
    return f"{x:.{min(max(4, whole), 15)}g}"


def format_cell(value: Any, fmt: Format | None = None) -> str:
    """One value as cell text (not yet escaped). ``fmt`` is a format spec (".3f", ".1%",
    ".2e") or a function; it applies to numbers only, so a column may mix numbers and words."""
    if _is_missing(value):
        return MISSING
    if isinstance(value, bool) or getattr(value, "dtype", None) == bool:    # numpy's bool too
        return TRUE if value else FALSE
    if callable(fmt):
        return str(fmt(value))
    if _is_number(value):
        return format(value, fmt) if fmt else format_number(value)
    return str(value)


def _column_format(values: list) -> str | None:
    """One number of decimals for a column of floats, so 0.5 and 0.45 read "0.50" and "0.45":
    as many as ``format_number`` gives the most precise of them (at least one), unless one of
    them needs e-notation (then each keeps its own). None when the column is not all floats."""
    shown = [v for v in values if not _is_missing(v)]
    if not shown or not all(_is_number(v) and not isinstance(v, numbers.Integral) for v in shown):
        return None
    texts = [format_number(v) for v in shown]
    if any("e" in t or not t.lstrip("-").replace(".", "").isdigit() for t in texts):
        return None
    return f".{max(1, max(len(t.partition('.')[2]) for t in texts))}f"


def columns_of(rows: Iterable[Mapping]) -> list:
    """Every key of ``rows``, in the order each first appears."""
    seen: dict = {}
    for row in rows:
        for key in row:
            seen.setdefault(key, None)
    return list(seen)


def markdown_table(rows: Sequence[Mapping] | Sequence[Sequence], columns: Sequence | None = None,
                   *, formats: Mapping[Any, Format] | None = None,
                   headers: Mapping[Any, str] | None = None) -> str:
    """``rows`` as a GitHub Markdown table.

    ``rows`` are dicts (``columns`` picks and orders their keys; by default every key, in order
    of first appearance; a key a row lacks is shown as "—") or sequences (then ``columns`` names
    them, in order). ``formats`` maps a column to a format spec or function for its numbers,
    ``headers`` a column to the header shown (default: the column itself). Columns whose values
    are all numbers are right-aligned; a column of floats shows them all with the same number
    of decimals (the most any needs at four significant digits). Returns "" when there is
    nothing to show.
    """
    formats, headers = formats or {}, headers or {}
    rows = list(rows)
    if rows and not isinstance(rows[0], Mapping):
        if columns is None:
            raise ValueError("rows given as sequences need their column names")
        rows = [dict(zip(columns, row)) for row in rows]
    columns = list(columns) if columns is not None else columns_of(rows)
    if not columns:
        return ""
    formats = {c: formats.get(c) or _column_format([row.get(c) for row in rows]) for c in columns}
    cells = [[format_cell(row.get(c), formats[c]) for c in columns] for row in rows]
    numeric = [bool(rows) and all(_is_number(row.get(c)) or _is_missing(row.get(c)) for row in rows)
               and any(_is_number(row.get(c)) and not _is_missing(row.get(c)) for row in rows)
               for c in columns]
    lines = ["| " + " | ".join(escape_cell(headers.get(c, c)) for c in columns) + " |",
             "|" + "|".join("---:" if right else "---" for right in numeric) + "|"]
    lines += ["| " + " | ".join(escape_cell(text) for text in row) + " |" for row in cells]
    return "\n".join(lines)


_UNESCAPE = re.compile(r"\\([\\`*_\[\]<>~$&|])")


def parse_markdown_table(text: str) -> tuple[list[str], list[list[str]]]:
    """The inverse, for tests and tools: (headers, rows) of cell texts with escapes undone."""
    lines = [line.strip() for line in text.strip().splitlines()]
    if len(lines) < 2 or not lines[0].startswith("|") or not set(lines[1]) <= set("|-: "):
        raise ValueError("not a Markdown table")

    def cells(line: str) -> list[str]:
        parts = re.split(r"(?<!\\)\|", line.strip()[1:-1])
        return [_UNESCAPE.sub(r"\1", p.strip()) for p in parts]

    return cells(lines[0]), [cells(line) for line in lines[2:]]
