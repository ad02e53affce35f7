"""Training: a model-agnostic `Trainer` that yields plain records, typed run histories, and
evaluation metrics."""

from rnn.train.history import (BestRecord, EvalRecord, History, StepRecord, StopRecord,
                               record_from_dict)
from rnn.train.trainer import TrainConfig, Trainer, batch_size_of

__all__ = ["TrainConfig", "Trainer", "batch_size_of", "History", "StepRecord", "EvalRecord",
           "BestRecord", "StopRecord", "record_from_dict"]
