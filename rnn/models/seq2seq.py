"""Encoder-decoder (sequence to sequence) with optional attention.

    h_j = Encoder(x_1..x_S)_j                        (optionally bidirectional)
    s_0 = tanh(W_b [final encoder states])           the "bridge": all the decoder gets without attention
    c_t = Attention(s_{t-1}, h_1..h_S)               (none: no c_t at all, the encoder bottleneck)
    s_t = RNN(s_{t-1}, [E y_{t-1} ; c_t])
    p(y_t | y_<t, x) = softmax(W_o [s_t ; c_t])

Training feeds the true previous word y_{t-1} with probability ``teacher_forcing`` and the model's
own previous guess otherwise (scheduled sampling). Decoding is greedy or beam search. Dropout
(``config.dropout``) acts on both embeddings, between stacked layers and on [s_t ; c_t] before W_o,
in training only.
"""
from __future__ import annotations


import torch
from torch import nn
from torch.nn import functional as F

from rnn.layer import RecurrentLayer
from rnn.models.attention import Attention
from rnn.models.config import ModelConfig
from rnn.models.features import dropout_layer


class Seq2Seq(nn.Module):
    def __init__(self, config: ModelConfig, src_vocab_size: int, tgt_vocab_size: int):
        super().__init__()
        self.config = config
        H, E, D = config.hidden, config.embed, 2 if config.bidirectional else 1
        self.src_embedding = nn.Embedding(src_vocab_size, E, padding_idx=0)
        self.tgt_embedding = nn.Embedding(tgt_vocab_size, E, padding_idx=0)
        self.encoder = RecurrentLayer.from_config(config, E)
        self.bridge = nn.Linear(D * H, H)
        self.attention = None if config.attention == "none" else Attention(config.attention, H, D * H)
        ctx = 0 if self.attention is None else D * H
        self.decoder = RecurrentLayer.from_config(config, E + ctx, bidirectional=False)
        self.out = nn.Linear(H + ctx, tgt_vocab_size)
        self.drop = dropout_layer(config.dropout)

    def encode(self, src: torch.Tensor, src_lengths: torch.Tensor) -> dict:
        """Run the encoder once; returns what every decoder step needs."""
        # enc (N, S, D*H), h_n (layers*D, N, H)
        enc, h_n = self.encoder.padded_forward(self.drop(self.src_embedding(src)), src_lengths)
        D = 2 if self.config.bidirectional else 1
        layers = h_n.view(self.config.layers, D, h_n.shape[1], h_n.shape[2])
        s0 = torch.tanh(self.bridge(torch.cat(list(layers.transpose(0, 1)), dim=-1)))  # (layers, N, H)
        state = (s0, torch.zeros_like(s0)) if self.config.arch == "lstm" else s0
        mask = torch.arange(src.shape[1]).unsqueeze(0) < src_lengths.unsqueeze(1)
        keys = self.attention.keys(enc) if self.attention is not None else None
        return {"enc": enc, "keys": keys, "mask": mask, "state": state}

    def step(self, y_prev: torch.Tensor, memory: dict, state):
        """One decoder step. y_prev (N,) -> logits (N, V), new state, attention weights (N, S) or None."""
        e = self.drop(self.tgt_embedding(y_prev))                              # (N, E)
        top = (state[0] if isinstance(state, tuple) else state)[-1]            # s_{t-1}: (N, H)
        alpha = None
        if self.attention is not None:
            c, alpha = self.attention(top, memory["enc"], memory["keys"], memory["mask"])
            e = torch.cat([e, c], dim=-1)
        s, state = self.decoder(e.unsqueeze(1), state=state)                   # (N, 1, H)
        features = s[:, 0] if alpha is None else torch.cat([s[:, 0], c], dim=-1)
        return self.out(self.drop(features)), state, alpha

    def loss(self, batch, teacher_forcing: float = 1.0) -> torch.Tensor:
        """batch.words/lengths: source; batch.targets: (N, T) = <bos> y_1 .. y_n <eos> <pad>..."""
        memory = self.encode(batch.words, batch.lengths)
        state, y_prev = memory["state"], batch.targets[:, 0]
        losses = []
        for t in range(1, batch.targets.shape[1]):
            logits, state, _ = self.step(y_prev, memory, state)
            gold = batch.targets[:, t]
            losses.append(F.cross_entropy(logits, gold, ignore_index=0, reduction="sum"))
            # torch's RNG, not Python's: the trainer keeps its own torch RNG state per run, so a
            # ratio between 0 and 1 gives the same losses again for the same seed.
            use_gold = teacher_forcing >= 1.0 or (
                teacher_forcing > 0.0 and float(torch.rand(())) < teacher_forcing)
            y_prev = gold if use_gold else logits.argmax(-1)
        return torch.stack(losses).sum() / (batch.targets[:, 1:] != 0).sum().clamp(min=1)

    @torch.no_grad()
    def greedy(self, src, src_lengths, bos: int, eos: int, max_len: int = 40):
        """Batched greedy decoding -> (list of id lists, list of (T_out, S) attention arrays)."""
        self.eval()
        memory = self.encode(src, src_lengths)
        state = memory["state"]
        y = torch.full((src.shape[0],), bos, dtype=torch.long)
        outputs, alphas, done = [], [], torch.zeros(src.shape[0], dtype=torch.bool)
        for _ in range(max_len):
            logits, state, alpha = self.step(y, memory, state)
            y = logits.argmax(-1)
            outputs.append(y)
            alphas.append(alpha)
            done |= y == eos
            if bool(done.all()):
                break
        ids = torch.stack(outputs, 1).tolist()
        result, attn = [], []
        for row, seq in enumerate(ids):
            n = seq.index(eos) if eos in seq else len(seq)
            result.append(seq[:n])
            if alphas[0] is None:
                attn.append(None)
            else:   # (T_out, S) cropped to this sentence's real source length
                attn.append(torch.stack([a[row] for a in alphas[:n + 1]])[:, : int(src_lengths[row])].numpy())
        return result, attn
