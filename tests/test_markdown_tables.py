"""Markdown tables (rnn/markdown_tables.py): what the pages' small tables show instead of st.dataframe."""
import math

import numpy as np
import pytest

from rnn.markdown_tables import (MISSING, columns_of, escape_cell, format_number, markdown_table,
                        parse_markdown_table)


def test_rows_become_a_table_with_numbers_right_aligned():
    text = markdown_table([{"model": "GRU", "F1": 0.98765, "steps": 300},
                           {"model": "LSTM", "F1": 0.5, "steps": 12}])
    assert text.splitlines() == ["| model | F1 | steps |", "|---|---:|---:|",
                                 "| GRU | 0.9877 | 300 |", "| LSTM | 0.5000 | 12 |"]


def test_per_column_formats_and_headers():
    rows = [{"cell": "RNN", "ratio": 1.23e-7, "acc": 0.953}]
    text = markdown_table(rows, formats={"ratio": ".2e", "acc": ".1%"}, headers={"acc": "accuracy"})
    assert parse_markdown_table(text) == (["cell", "ratio", "accuracy"], [["RNN", "1.23e-07", "95.3%"]])
    assert markdown_table(rows, formats={"acc": lambda v: f"{v * 100:.0f} of 100"}).endswith(
        "| 95 of 100 |")


def test_a_column_of_floats_shares_its_decimals_unless_one_needs_e_notation():
    def column(values):
        return [r[0] for r in parse_markdown_table(markdown_table([{"x": v} for v in values]))[1]]

    assert column([0.45, 1.0, 0.5]) == ["0.45", "1.00", "0.50"]
    assert column([12.0, 5.0, None]) == ["12.0", "5.0", MISSING]
    assert column([1e-9, 0.5]) == ["1e-09", "0.5"]                # each its own
    assert column([3, 0.5]) == ["3", "0.5"]                        # ints stay ints


def test_special_characters_and_newlines_cannot_break_the_table():
    nasty = "a|b *bold* _it_ `code` [link](x) <b>html</b> $x$ ~s~ \\ &amp;\nsecond line"
    text = markdown_table([{"text | header": nasty, "n": 1}])
    assert len(text.splitlines()) == 3                       # the newline did not end the row
    headers, rows = parse_markdown_table(text)
    assert headers == ["text | header", "n"]
    assert rows == [[" ".join(nasty.split()), "1"]]
    for escaped in (r"\*bold\*", r"\_it\_", r"\`code\`", r"\[link\]", r"\<b\>", r"\$x\$",
                    r"\~s\~", r"\&amp;", r"\\"):
        assert escaped in text.splitlines()[2], escaped      # every one escaped
    assert escape_cell("  x  ") == "x"


def test_missing_values_booleans_and_numpy_scalars():
    text = markdown_table([{"a": None, "b": float("nan"), "c": True, "d": np.float32(0.25),
                            "e": np.int64(7), "f": np.bool_(False)}, {"g": "only here"}])
    headers, rows = parse_markdown_table(text)
    assert headers == list("abcdefg")
    assert rows[0] == [MISSING, MISSING, "✓", "0.25", "7", "✗", MISSING]
    assert rows[1] == [MISSING] * 6 + ["only here"]
    assert text.splitlines()[1] == "|---|---|---|---:|---:|---|---|"


@pytest.mark.parametrize("value, shown", [(0.123456, "0.1235"), (12.3456, "12.35"), (123456.7, "123457"),
                                          (1.0, "1"), (2e-6, "2e-06"), (1e20, "1e+20"), (-3, "-3"),
                                          (math.inf, "∞")])
def test_default_number_format(value, shown):
    assert format_number(value) == shown


def test_sequences_with_column_names_and_empty_input():
    assert markdown_table([("x", 1)], ["name", "n"]).splitlines()[2] == "| x | 1 |"
    with pytest.raises(ValueError):
        markdown_table([("x", 1)])
    assert markdown_table([]) == ""
    assert markdown_table([], ["a"]) == "| a |\n|---|"
    assert columns_of([{"b": 1, "a": 2}, {"c": 3, "a": 4}]) == ["b", "a", "c"]


def test_parse_rejects_text_that_is_not_a_table():
    with pytest.raises(ValueError):
        parse_markdown_table("Some **lesson** text.")
