"""Download a trained model (zip of model.safetensors + meta.json) and its metrics (CSV).

The bytes are built only when a button is clicked (Streamlit calls the ``data`` callable
then), so an idle page does not serialise a model on every rerun.
"""
from __future__ import annotations

import csv
import io
import zipfile
from typing import Iterable

import streamlit as st


def model_zip(files: dict[str, bytes]) -> bytes:
    """A zip holding every file of ``exp.to_files()`` (model.safetensors, meta.json, ...)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()


def metrics_csv(history: Iterable[dict]) -> bytes:
    """One row per step/eval record; columns are the union of the records' fields, in the order
    each first appears; a field a record lacks (or None) is an empty cell. Empty history: b"\n"
    (as pandas wrote it)."""
    from rnn.tables import columns_of

    records = [r for r in history if r.get("kind") in ("step", "eval")]
    columns = columns_of(records)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, restval="", extrasaction="ignore",
                            lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: "" if v is None else v for k, v in r.items()} for r in records)
    return buf.getvalue().encode("utf-8")


def download_buttons(exp, name: str = "model", key: str = "dl") -> None:
    """Two buttons side by side: the model as a zip, the training history as CSV.

    ``exp`` needs ``to_files() -> dict[str, bytes]`` and ``history`` (list of records).
    ``name`` is the file stem; ``key`` keeps the buttons apart when a page has several.
    """
    if exp is None or not getattr(exp, "history", None):
        return
    left, right = st.columns(2)
    with left:
        st.download_button("Download model (.zip)", data=lambda: model_zip(exp.to_files()),
                           file_name=f"{name}.zip", mime="application/zip", key=f"{key}_zip",
                           on_click="ignore", icon=":material/download:",
                           help="model.safetensors (weights) + meta.json (config, vocabulary, "
                                "metrics). Load it on the CLI or a page's upload box.")
    with right:
        st.download_button("Download metrics (.csv)", data=lambda: metrics_csv(exp.history),
                           file_name=f"{name}_metrics.csv", mime="text/csv", key=f"{key}_csv",
                           on_click="ignore", icon=":material/table:")
