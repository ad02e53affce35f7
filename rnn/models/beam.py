"""Beam search for the encoder-decoder: keep the ``width`` best partial translations at each step.

A hypothesis' score is its total log-probability divided by its length ** alpha (length
normalisation; without it the search prefers short outputs because every extra word costs
probability).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import torch
from torch.nn import functional as F


@dataclass
class Hypothesis:
    ids: list[int]
    logp: float
    state: object
    alphas: list = field(default_factory=list)

    def score(self, alpha: float) -> float:
        return self.logp / max(1, len(self.ids)) ** alpha


@torch.no_grad()
def beam_search(model, src: torch.Tensor, src_lengths: torch.Tensor, bos: int, eos: int,
                width: int = 4, max_len: int = 40, length_alpha: float = 0.7,
                kept: list | None = None):
    """Decode ONE source sentence (src: (1, S)). Returns (ids without <eos>, attention (T, S) or None).

    ``kept``: a list that receives the ``width`` best hypotheses at the end, best first, as
    {"ids" (without <eos>), "logp", "length", "score", "finished"}, so a page can show them."""
    model.eval()
    memory = model.encode(src, src_lengths)
    beams = [Hypothesis([], 0.0, memory["state"])]
    finished: list[Hypothesis] = []
    for _ in range(max_len):
        candidates = []
        for hyp in beams:
            y_prev = torch.tensor([hyp.ids[-1] if hyp.ids else bos])
            logits, state, alpha = model.step(y_prev, memory, hyp.state)
            logp = F.log_softmax(logits[0], dim=-1)
            top = torch.topk(logp, width)
            for value, index in zip(top.values.tolist(), top.indices.tolist()):
                extra = [] if alpha is None else [alpha[0].numpy()]
                candidates.append(Hypothesis(hyp.ids + [index], hyp.logp + value, state, hyp.alphas + extra))
        candidates.sort(key=lambda h: h.score(length_alpha), reverse=True)
        beams = []
        for hyp in candidates[: 2 * width]:
            (finished if hyp.ids[-1] == eos else beams).append(hyp)
            if len(beams) == width:
                break
        if not beams or (len(finished) >= width and
                         max(f.score(length_alpha) for f in finished) >= beams[0].score(length_alpha)):
            break
    best = max(finished or beams, key=lambda h: h.score(length_alpha))
    if kept is not None:
        ranked = sorted(finished + beams, key=lambda h: h.score(length_alpha), reverse=True)[:width]
        kept.extend({"ids": h.ids[:-1] if h.ids and h.ids[-1] == eos else list(h.ids),
                     "logp": h.logp, "length": len(h.ids), "score": h.score(length_alpha),
                     "finished": bool(h.ids) and h.ids[-1] == eos} for h in ranked)
    ids = best.ids[:-1] if best.ids and best.ids[-1] == eos else best.ids
    attention = None if not best.alphas else torch.tensor(
        [list(a) for a in best.alphas]).numpy()
    return ids, attention
