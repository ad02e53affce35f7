"""Attention: how much each source position j matters for the next target word.

    score_j = s^T W_k h_j                          "dot" (Luong's general form: a dot product after
                                                    projecting h_j to the decoder's size)
    score_j = v^T tanh(W_s s + W_h h_j)            "additive" (Bahdanau et al. 2015)
    alpha   = softmax(score)  over real (unpadded) source positions
    c       = sum_j alpha_j h_j                    the context vector fed to the decoder

where s is the decoder's previous hidden state and h_j the encoder's output at source position j.
"""
from __future__ import annotations

import torch
from torch import nn


class Attention(nn.Module):
    def __init__(self, kind: str, dec_size: int, enc_size: int):
        super().__init__()
        if kind not in ("dot", "additive"):
            raise ValueError(f"attention must be 'dot' or 'additive', got {kind!r}")
        self.kind = kind
        if kind == "dot":
            self.W_k = nn.Linear(enc_size, dec_size, bias=False)
        else:
            self.W_s = nn.Linear(dec_size, dec_size, bias=False)
            self.W_h = nn.Linear(enc_size, dec_size, bias=True)
            self.v = nn.Linear(dec_size, 1, bias=False)

    def keys(self, enc: torch.Tensor) -> torch.Tensor:
        """Precompute the source side once per sentence: (N, S, enc) -> (N, S, dec)."""
        return self.W_k(enc) if self.kind == "dot" else self.W_h(enc)

    def forward(self, s: torch.Tensor, enc: torch.Tensor, keys: torch.Tensor,
                src_mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """s (N, dec), enc (N, S, enc), keys (N, S, dec), src_mask (N, S) -> context (N, enc), alpha (N, S)."""
        if self.kind == "dot":
            score = torch.bmm(keys, s.unsqueeze(-1)).squeeze(-1)              # (N, S)
        else:
            score = self.v(torch.tanh(self.W_s(s).unsqueeze(1) + keys)).squeeze(-1)  # (N, S)
        score = score.masked_fill(~src_mask, float("-inf"))
        alpha = torch.softmax(score, dim=-1)                                   # (N, S)
        context = torch.bmm(alpha.unsqueeze(1), enc).squeeze(1)               # (N, enc)
        return context, alpha
