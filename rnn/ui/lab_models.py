"""The lab pages' models and their scores, cached per server: the Bidirectional lab's pair of
taggers and its test-set scores (pages/5_Bidirectional.py), the Memory-and-gates lesson's shipped
models scored at every gap, on several subjects, by depth, and their memory unit and gates
(pages/7_Memory_and_gates.py). The computations: rnn/lessons/bidirectional.py and gates.py.
"""
from __future__ import annotations

import streamlit as st

from rnn.lessons import bidirectional as bidir
from rnn.lessons import gates
from rnn.ui.errors import engine_errors
from rnn.ui.task_page import builtin_data, pretrained_experiment


# ---- Bidirectional --------------------------------------------------------------------------
def active_pair(key: str):
    """The session's two models (kept by compare_panel under ``key``) once both have trained, else
    the shipped pair; (dict, text)."""
    own = {label: st.session_state.get(f"{key}:{label}") for label in bidir.LABELS}
    if all(e is not None and e.history.trained for e in own.values()):
        return own, "your two models (trained in the Train tab)"
    with engine_errors():
        return ({label: pretrained_experiment(name) for label, name in bidir.PRETRAINED.items()},
                bidir.PRETRAINED_LABEL)
    return None, "no pretrained pair here: train one in the Train tab"


@st.cache_data(show_spinner="Scoring the model on the test set…")
def test_metrics(name: str) -> dict:
    return pretrained_experiment(name).evaluate("test")


@st.cache_data
def usual_sense(dataset: str) -> float:
    splits = builtin_data("ner", dataset)
    return bidir.usual_sense_accuracy(splits.train, splits.test)


# ---- Memory and gates -----------------------------------------------------------------------
@st.cache_data(show_spinner="Scoring the shipped models at every gap…")
def shipped_curves():
    shipped = {label: pretrained_experiment(name) for label, name in gates.SHIPPED.items()}
    return gates.gap_curves(shipped)


@st.cache_data(show_spinner="Scoring the shipped models on several subjects…")
def overwrite_results():
    shipped = {label: pretrained_experiment(name) for label, name in gates.OVERWRITE.items()}
    return gates.gap_curves(shipped, dataset="overwrite"), gates.by_subjects(shipped)


@st.cache_data(show_spinner="Reading the gates…", max_entries=16)
def shipped_gate_roles(name: str, data_name: str):
    return gates.gates_by_role(pretrained_experiment(name), builtin_data(gates.TASK, data_name).test[:300])


@st.cache_data(show_spinner="Scoring the stacked RNNs…")
def depth_table():
    return gates.depth_rows({n: pretrained_experiment(gates.depth_checkpoint(n)) for n in gates.DEPTHS})


@st.cache_data(show_spinner="Finding the memory unit…", max_entries=16)
def shipped_memory_unit(name: str, data_name: str = "long"):
    return gates.find_memory_unit(pretrained_experiment(name), builtin_data(gates.TASK, data_name).val[:400])
