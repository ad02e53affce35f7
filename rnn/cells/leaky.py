"""The leaky unit (seed 002, section 10.9.2): a vanilla RNN whose state is a running average."""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .rnn import CellBase


def leaky_step(gx: Tensor, h: Tensor, weight_hh: Tensor, bias_hh, alpha: Tensor,
               nonlinearity: str = "tanh"):
    """One leaky step from gx = W_ih x_t + b_ih (N, H), h_{t-1} (N, H) and α (H,) or scalar.

    Returns (h_t, {"v": v_t, "alpha": α}) where v_t is the new content and α is broadcast to
    (N, H), so that a trace shows α beside the states. A plain function so the recurrent layer
    can run it on its own weights.
    """
    phi = torch.tanh if nonlinearity == "tanh" else torch.relu
    v = phi(gx + F.linear(h, weight_hh, bias_hh))   # the new content, a vanilla RNN step
    h = (1 - alpha) * h + alpha * v                  # keep 1 − α of the old state, take α of the new
    return h, {"v": v, "alpha": torch.as_tensor(alpha).expand_as(v)}


def alpha_logit(alpha: float) -> float:
    """θ with σ(θ) = α: a learned α is stored as θ so that it always stays inside (0, 1)."""
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"a learned leak α must start strictly between 0 and 1, got {alpha!r}")
    return math.log(alpha / (1.0 - alpha))


class LeakyRNNCell(CellBase):
    r"""Leaky recurrent unit: a vanilla RNN step blended into a running average of the state.

    Course notation::

        v⟨t⟩ = tanh(W_aa a⟨t−1⟩ + W_ax x⟨t⟩ + b_a)            the new content (a vanilla RNN step)
        a⟨t⟩ = (1 − α) ⊙ a⟨t−1⟩ + α ⊙ v⟨t⟩                     leaky update

    What the code computes (torch.nn.RNNCell's names for the weights)::

        v_t = phi(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)
        h_t = (1 - alpha) * h_{t-1} + alpha * v_t

    where
        * x_t: input (N, D); h_t (the seeds' a⟨t⟩ / u⟨t⟩): hidden state (N, H); * is elementwise;
        * alpha (α): how much of the new content each unit takes per step, shape (H,). α = 1 is
          the vanilla RNN; a small α makes the unit a slow running average, so the state (and
          its gradient, through the 1 − α self-connection) survives many steps;
        * ``weight_ih``, ``weight_hh``, ``bias_ih``, ``bias_hh``: as torch.nn.RNNCell (so its
          state dict loads here, with α added).

    α is fixed (``learn_alpha=False``: a buffer ``alpha``, the same value for every unit) or
    learned per unit (``learn_alpha=True``: a parameter ``alpha_logit`` θ with α = σ(θ), so α stays
    in (0, 1); a learned α is a GRU update gate Γ_u that ignores its input).

    Notation, on purpose: the seeds (002 §10.9.2, 004) write u⟨t⟩ = α u⟨t−1⟩ + (1 − α) v⟨t⟩, so
    their α is the weight of the OLD state, our 1 − α. Ours follows issue 13 and the GRU's Γ_u
    (a⟨t⟩ = Γ_u ⊙ c̃⟨t⟩ + (1 − Γ_u) ⊙ a⟨t−1⟩): α is the fraction of the NEW content taken.

    Shapes: x (N, D) or (D,); h (N, H) or (H,). ``forward`` returns h_t; ``forward_with_gates``
    returns (h_t, {"v", "alpha"}), each (N, H).
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, alpha: float = 0.5,
                 learn_alpha: bool = False, nonlinearity: str = "tanh"):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
        if not 0.0 < float(alpha) <= 1.0:
            raise ValueError(f"leak α must be in (0, 1], got {alpha!r}")
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
