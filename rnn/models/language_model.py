"""A recurrent language model over characters or words, and sampling from it.

Seed 001's notation:

    e^(t) = E x^(t)                                   word/character embedding
    h^(t) = RNN(h^(t-1), e^(t))                       hidden state (tanh RNN, GRU or LSTM)
    y^(t) = softmax(U h^(t) + b_2)                    distribution of the NEXT token x^(t+1)

Training minimises the cross-entropy of every next token (teacher forcing: the true previous
token is fed in, never the model's own guess). Dropout (``config.dropout``) acts on e^(t), between
stacked layers and on h^(t) before the output layer, in training only. Always left-to-right: a language model that could
see the future would have nothing to predict.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import torch
from torch import nn
from torch.nn import functional as F

from rnn.layer import RecurrentLayer
from rnn.models.config import ModelConfig
from rnn.models.features import dropout_layer


@dataclass
class SampleStep:
    token: str
    prob: float                       # the model's probability of the chosen token (temperature 1)
    top: list[tuple[str, float]] = field(default_factory=list)   # what sampling drew from


class LanguageModel(nn.Module):
    def __init__(self, config: ModelConfig, vocab_size: int):
        super().__init__()
        self.config = config
        self.embedding = nn.Embedding(vocab_size, config.embed)
        self.rnn = RecurrentLayer.from_config(config, config.embed, bidirectional=False)
        self.head = nn.Linear(config.hidden, vocab_size)
        self.drop = dropout_layer(config.dropout)

    def forward(self, ids: torch.Tensor, state=None):
        """ids (N, L) -> logits (N, L, V) and the final recurrent state."""
        h, final = self.rnn(self.drop(self.embedding(ids)), state=state)   # (N, L, H)
        return self.head(self.drop(h)), final

    def loss(self, batch) -> torch.Tensor:
        """batch.words: inputs (N, L); batch.targets: the next tokens (N, L). A batch with a
        ``carry`` starts from the state the previous window ended in and leaves its own final
        state there, detached: gradients stop at the window's start (truncated BPTT)."""
        carry = getattr(batch, "carry", None)
        logits, final = self(batch.words, state=carry.state if carry is not None else None)
        if carry is not None:
            carry.state = tuple(s.detach() for s in final) if isinstance(final, tuple) else final.detach()
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), batch.targets.reshape(-1))

    def trace(self, ids: torch.Tensor):
        return self.rnn.trace(self.embedding(ids))

    @torch.no_grad()
    def sample(self, prime_ids: list[int], decode, length: int = 200, temperature: float = 1.0,
               top_k: int = 0, top_p: float = 1.0, greedy: bool = False, stop_id: int | None = None,
               seed: int = 0, report_top: int = 5) -> list[SampleStep]:
        """Generate up to ``length`` tokens after the priming ids.

        Each step: p = softmax(logits / temperature), keep the ``top_k`` most likely tokens (0 = all)
        and the smallest set whose probability reaches ``top_p`` (nucleus sampling), renormalise,
        draw (or take the argmax when ``greedy``). ``decode(id) -> str``.
        """
        self.eval()
        generator = torch.Generator().manual_seed(seed)
        logits, state = self(torch.tensor([prime_ids], dtype=torch.long))
        last = logits[0, -1]
        steps: list[SampleStep] = []
        for _ in range(length):
            model_p = F.softmax(last, dim=-1)
            p = filtered_distribution(last, temperature, top_k, top_p)
            token = int(p.argmax()) if greedy else int(torch.multinomial(p, 1, generator=generator))
            top = torch.topk(p, min(report_top, p.numel()))
            steps.append(SampleStep(decode(token), float(model_p[token]),
                                    [(decode(int(i)), float(v)) for v, i in zip(top.values, top.indices)]))
            if stop_id is not None and token == stop_id:
                break
            logits, state = self(torch.tensor([[token]]), state)
            last = logits[0, -1]
        return steps


def filtered_distribution(logits: torch.Tensor, temperature: float = 1.0, top_k: int = 0,
                          top_p: float = 1.0) -> torch.Tensor:
    """The sampling distribution after temperature, top-k and top-p (nucleus) filtering."""
    temperature = max(float(temperature), 1e-4)
    p = F.softmax(logits / temperature, dim=-1)
    if top_k and 0 < top_k < p.numel():
        kth = torch.topk(p, top_k).values[-1]
        p = torch.where(p >= kth, p, torch.zeros_like(p))
    if top_p < 1.0:
        sorted_p, order = torch.sort(p, descending=True)
        cumulative = torch.cumsum(sorted_p, 0) / sorted_p.sum()
        keep_sorted = cumulative - sorted_p / sorted_p.sum() < max(float(top_p), 1e-6)
        keep = torch.zeros_like(p, dtype=torch.bool)
        keep[order[keep_sorted]] = True
        p = torch.where(keep, p, torch.zeros_like(p))
    return p / p.sum()
