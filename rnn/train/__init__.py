"""Training: a model-agnostic `Trainer` that yields plain records, and evaluation metrics."""

from rnn.train.trainer import TrainConfig, Trainer, batch_size_of

__all__ = ["TrainConfig", "Trainer", "batch_size_of"]
