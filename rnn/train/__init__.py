"""Training: a model-agnostic `Trainer` that yields plain records, typed run histories, and
evaluation metrics.

The names below are imported on first use (PEP 562 module ``__getattr__``): the typed history
(rnn.train.history, which the plots read) does not need torch, and importing it must not load
the trainer (and torch) for a page that only draws."""
from importlib import import_module

_HOMES = {"TrainConfig": "config", "Trainer": "trainer", "batch_size_of": "trainer",
          "extend_budget": "config", "History": "history", "StepRecord": "history",
          "EvalRecord": "history", "BestRecord": "history", "StopRecord": "history",
          "record_from_dict": "history", "select": "history", "split_records": "history"}
__all__ = list(_HOMES)


def __getattr__(name: str):
    if name not in _HOMES:
        raise AttributeError(f"module 'rnn.train' has no attribute {name!r}")
    value = getattr(import_module(f"rnn.train.{_HOMES[name]}"), name)
    globals()[name] = value
    return value
