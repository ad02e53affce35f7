"""Download a trained model (zip of model.safetensors + meta.json), its metrics (CSV), and the
run as a plain PyTorch script and notebook to take home (rnn/export).

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


def metrics_csv(history: Iterable) -> bytes:
    """One row per step/eval record; columns are the union of the records' fields, in the order
    each first appears; a field a record lacks (or None) is an empty cell. Empty history: b"\n"
    (as pandas wrote it)."""
    from rnn.markdown_tables import columns_of
    from rnn.train.history import select

    records = [r if isinstance(r, dict) else r.to_dict() for r in select(history, "step", "eval")]
    columns = columns_of(records)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, restval="", extrasaction="ignore",
                            lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: "" if v is None else v for k, v in r.items()} for r in records)
    return buf.getvalue().encode("utf-8")


def download_buttons(exp, name: str = "model", key: str = "dl") -> None:
    """Two buttons side by side: the model as a zip, the training history as CSV; below them the
    run as a PyTorch script and notebook (``export_button``).

    ``exp`` needs ``to_files() -> dict[str, bytes]`` and ``history`` (its records).
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
    export_button(exp, key=f"{key}_export")


def export_zip_or_note(exp) -> bytes:
    """The run as train.py + notebook + data/ + README in a zip (rnn.export.export_zip); a run
    that cannot be exported gets a zip holding a README that says why."""
    from rnn.export import ExportError, export_zip
    try:
        return export_zip(exp)
    except ExportError as err:
        return model_zip({"README.md": f"This run could not be exported: {err}\n".encode("utf-8")})


def export_button(exp, key: str = "export", label: str = "Download as a PyTorch script / notebook") -> None:
    """One button: the model's run as a folder (zip) with a plain PyTorch train.py, a notebook,
    the data and a README; the script retrains it from scratch to the same validation score."""
    if not all(hasattr(exp, name) for name in ("task", "dataset", "model_config", "train_config")):
        return                          # nothing to export (no model, or a stand-in of one)
    from rnn.export import folder_name
    st.download_button(label, data=lambda: export_zip_or_note(exp),
                       file_name=f"{folder_name(exp)}.zip", mime="application/zip", key=key,
                       on_click="ignore", icon=":material/code:",
                       help="train.py (plain PyTorch: the cell written from the course's equations), "
                            "the same code as a notebook, the data splits and a README. It trains "
                            "this model from scratch with the same settings and seed and reaches "
                            "the same validation loss.")
