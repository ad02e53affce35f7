"""Many-to-many tagger: one probability per word of "this word is part of a person's name".

    e_t   = word features of x_t                      (rnn.models.features)
    a_t   = RNN(a_{t-1}, e_t)                         (forward; a bidirectional tagger also runs
                                                       right-to-left and concatenates both states)
    y^_t  = sigma(W_y a_t + b_y)                      (seed 000: y^_t = [sigma(W_y a_t + b_y) >= 0.5])

Dropout (``config.dropout``) acts on e_t, between stacked layers and on a_t before W_y, in training only.
"""
from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from rnn.layer import RecurrentLayer
from rnn.models.config import ModelConfig
from rnn.models.features import Batch, WordEncoder, dropout_layer


class Tagger(nn.Module):
    def __init__(self, config: ModelConfig, vocab_size: int):
        super().__init__()
        self.config = config
        self.encoder = WordEncoder(vocab_size, config.embed, config.char_features)
        self.rnn = RecurrentLayer.from_config(config, self.encoder.output_size)
        self.head = nn.Linear(self.rnn.output_size, 1)
        self.drop = dropout_layer(config.dropout)       # on e_t and before the output layer

    def forward(self, batch: Batch) -> torch.Tensor:
        """Logits (N, L); apply sigmoid for probabilities."""
        a, _ = self.rnn.padded_forward(self.drop(self.encoder(batch)), batch.lengths)   # (N, L, D*H)
        return self.head(self.drop(a)).squeeze(-1)           # (N, L)

    def loss(self, batch: Batch) -> torch.Tensor:
        """Binary cross-entropy averaged over real (unpadded) tokens."""
        logits = self(batch)
        mask = _mask(batch.lengths, logits.shape[1])
        return F.binary_cross_entropy_with_logits(logits[mask], batch.targets[mask].float())

    def trace(self, batch: Batch):
        return self.rnn.trace(self.encoder(batch), batch.lengths)


def _mask(lengths: torch.Tensor, max_len: int) -> torch.Tensor:
    """(N, L) boolean mask of real tokens."""
    return torch.arange(max_len).unsqueeze(0) < lengths.unsqueeze(1)
