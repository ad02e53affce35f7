"""Many-to-one classifier: read the whole sentence, then give one probability (positive sentiment).

    e_t = E x_t,   a_t = RNN(a_{t-1}, e_t),   y^ = sigma(W_y a_T + b_y)

Only the last state a_T (for a bidirectional model: the forward state after the last word and the
backward state after the first word) feeds the output, so everything the model needs must be
carried through the recurrence. Dropout (``config.dropout``) acts on e_t, between stacked layers
and on a_T before W_y, in training only.
"""
from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from rnn.layer import RecurrentLayer
from rnn.models.config import ModelConfig
from rnn.models.features import Batch, WordEncoder, dropout_layer


class Classifier(nn.Module):
    def __init__(self, config: ModelConfig, vocab_size: int):
        super().__init__()
        self.config = config
        self.encoder = WordEncoder(vocab_size, config.embed, char_features=False)
        self.rnn = RecurrentLayer.from_config(config, self.encoder.output_size)
        self.head = nn.Linear(self.rnn.output_size, 1)
        self.drop = dropout_layer(config.dropout)       # on e_t and before the output layer

    def summary(self, batch: Batch) -> torch.Tensor:
        """The sentence vector (N, D*H): top layer's final state of each direction."""
        _, h_n = self.rnn.padded_forward(self.drop(self.encoder(batch)), batch.lengths)   # (layers*D, N, H)
        directions = 2 if self.config.bidirectional else 1
        return torch.cat(list(h_n[-directions:]), dim=-1)             # (N, D*H)

    def forward(self, batch: Batch) -> torch.Tensor:
        """Logits (N,)."""
        return self.head(self.drop(self.summary(batch))).squeeze(-1)

    def loss(self, batch: Batch) -> torch.Tensor:
        return F.binary_cross_entropy_with_logits(self(batch), batch.targets.float())

    def trace(self, batch: Batch):
        return self.rnn.trace(self.encoder(batch), batch.lengths)
