"""The leaky unit (the course notes, chapter 10, §10.9.2 "Leaky Units"): a vanilla RNN whose state
is a running average."""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .rnn import CellBase


def leaky_step(gx: Tensor, h: Tensor, weight_hh: Tensor, bias_hh, alpha: Tensor,
               nonlinearity: str = "tanh"):
    """One leaky step from gx = W_ih x_t + b_ih (N, H), h_{t-1} (N, H) and α (H,) or scalar, the
    share of the OLD state kept (the course notes' α).

    Returns (h_t, {"v": v_t, "alpha": α}) where v_t is the new content and α is broadcast to
    (N, H), so that a trace shows α beside the states. A plain function so the recurrent layer
    can run it on its own weights.
    """
    phi = torch.tanh if nonlinearity == "tanh" else torch.relu
    v = phi(gx + F.linear(h, weight_hh, bias_hh))   # the new content, a vanilla RNN step
    h = alpha * h + (1 - alpha) * v                  # keep α of the old state, take 1 − α of the new
    return h, {"v": v, "alpha": torch.as_tensor(alpha).expand_as(v)}


def alpha_logit(alpha: float) -> float:
    """θ with σ(θ) = α: a learned α is stored as θ so that it always stays inside (0, 1)."""
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"a learned leak α must start strictly between 0 and 1, got {alpha!r}")
    return math.log(alpha / (1.0 - alpha))


class LeakyRNNCell(CellBase):
    r"""Leaky recurrent unit: a vanilla RNN step blended into a running average of the state.

    Course notation (the course notes, chapter 10, §10.9.2, which write u⟨t⟩ for the state)::

        v⟨t⟩ = tanh(W_aa a⟨t−1⟩ + W_ax x⟨t⟩ + b_a)            the new content (a vanilla RNN step)
        a⟨t⟩ = α ⊙ a⟨t−1⟩ + (1 − α) ⊙ v⟨t⟩                     leaky update

    What the code computes (torch.nn.RNNCell's names for the weights)::

        v_t = phi(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)
        h_t = alpha * h_{t-1} + (1 - alpha) * v_t

    where
        * x_t: input (N, D); h_t (the notes' a⟨t⟩ / u⟨t⟩): hidden state (N, H); * is elementwise;
        * alpha (α): the share of the OLD state each unit keeps per step, shape (H,), in [0, 1).
          α = 0 is the vanilla RNN; an α near 1 makes the unit a slow running average, so the
          state (and its gradient, through the α self-connection) survives many steps. 1 − α is
          the share of new content taken: a GRU update gate Γ_u that ignores its input;
        * ``weight_ih``, ``weight_hh``, ``bias_ih``, ``bias_hh``: as torch.nn.RNNCell (so its
          state dict loads here, with α added).

    α is fixed (``learn_alpha=False``: a buffer ``alpha``, the same value for every unit) or
    learned per unit (``learn_alpha=True``: a parameter ``alpha_logit`` θ with α = σ(θ), so α stays
    in (0, 1)).

    Shapes: x (N, D) or (D,); h (N, H) or (H,). ``forward`` returns h_t; ``forward_with_gates``
    returns (h_t, {"v", "alpha"}), each (N, H).
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, alpha: float = 0.5,
                 learn_alpha: bool = False, nonlinearity: str = "tanh"):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
        if not 0.0 <= float(alpha) < 1.0:
            raise ValueError(f"leak α (the share of the old state kept) must be in [0, 1), got {alpha!r}")
        super().__init__(input_size, hidden_size, bias, num_gates=1)
        self.nonlinearity, self.learn_alpha = nonlinearity, learn_alpha
        if learn_alpha:
            self.alpha_logit = nn.Parameter(torch.full((hidden_size,), alpha_logit(float(alpha))))
        else:
            self.register_buffer("alpha", torch.full((hidden_size,), float(alpha)))

    def get_alpha(self) -> Tensor:
        """α, (H,): σ(θ) when learned, else the fixed buffer."""
        return torch.sigmoid(self.alpha_logit) if self.learn_alpha else self.alpha

    def step(self, gx: Tensor, h: Tensor):
        return leaky_step(gx, h, self.weight_hh, self.bias_hh, self.get_alpha(), self.nonlinearity)

    def extra_repr(self) -> str:
        return super().extra_repr() + f", nonlinearity={self.nonlinearity}, learn_alpha={self.learn_alpha}"
