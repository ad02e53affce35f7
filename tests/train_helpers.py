"""Shared by the engine tests: train a run to the end of its step budget, timing-free."""
from __future__ import annotations


def to_the_end(exp, seconds: float = 30.0) -> list:
    """``train_for`` slices (the UI's ticks) until the step budget ends, however many slices a busy
    machine needs: no assertion counts on how many steps fit in a slice of wall clock. Returns
    the records the slices added (typed, rnn.train.history)."""
    records = exp.train_for(seconds)
    while exp.status == "training":
        records += exp.train_for(seconds)
    return records
