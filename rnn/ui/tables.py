"""Draw a small table as Markdown (see rnn/markdown_tables.py: the pages' tables no longer need pandas)."""
from __future__ import annotations

from typing import Any, Mapping, Sequence

import streamlit as st

from rnn.markdown_tables import Format, markdown_table


def show_table(rows: Sequence[Mapping] | Sequence[Sequence], columns: Sequence | None = None, *,
               formats: Mapping[Any, Format] | None = None,
               headers: Mapping[Any, str] | None = None) -> None:
    """``markdown_table(rows, columns, formats=, headers=)`` on the page; nothing when empty."""
    text = markdown_table(rows, columns, formats=formats, headers=headers)
    if text:
        st.markdown(text)
