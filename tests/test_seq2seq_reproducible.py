"""Teacher forcing between 0 and 1 draws from torch's RNG (which the trainer keeps per run), not
Python's: the same torch seed gives the same loss whatever else drew from Python's RNG."""
import random

import torch

from rnn.experiment import Experiment
from rnn.models.config import ModelConfig
from rnn.train.trainer import TrainConfig


def _model_and_batch():
    exp = Experiment.create("translation", ModelConfig(arch="gru", hidden=8, embed=8),
                            TrainConfig(steps=1, seconds=None, seed=0))
    trainer = exp._make_trainer()
    return exp.model, next(trainer.batches)


def test_teacher_forcing_draws_from_torch_not_python():
    model, batch = _model_and_batch()
    model.eval()                                       # no dropout: only teacher forcing draws

    def loss(torch_seed: int, python_seed: int) -> float:
        torch.manual_seed(torch_seed)
        random.seed(python_seed)
        with torch.no_grad():
            return float(model.loss(batch, teacher_forcing=0.5))

    assert loss(1, 0) == loss(1, 99)                   # Python's RNG plays no part
    assert len({loss(s, 0) for s in range(6)}) > 1     # torch's does: gold and guesses mix
    with torch.no_grad():
        assert float(model.loss(batch, teacher_forcing=1.0)) != float(model.loss(batch, 0.0))
