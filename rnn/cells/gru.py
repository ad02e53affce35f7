"""The gated recurrent unit (GRU), written from its equations, laid out like torch.nn.GRUCell."""
import torch
import torch.nn.functional as F
from torch import Tensor

from .rnn import CellBase


def gru_step(gx: Tensor, h: Tensor, weight_hh: Tensor, bias_hh):
    """One GRU step from gx = W_ih x_t + b_ih, shape (N, 3H), and h_{t-1} (N, H).

    Returns (h_t, {"r": r, "z": z, "n": n}). A plain function so the recurrent layer can run it
    on the fused module's own weights.
    """
    gx_r, gx_z, gx_n = gx.chunk(3, dim=-1)                          # W_i* x_t + b_i*, (N, H) each
    gh_r, gh_z, gh_n = F.linear(h, weight_hh, bias_hh).chunk(3, dim=-1)  # W_h* h_{t-1} + b_h*
    r = torch.sigmoid(gx_r + gh_r)
    z = torch.sigmoid(gx_z + gh_z)
    n = torch.tanh(gx_n + r * gh_n)
    h = (1 - z) * n + z * h
    return h, {"r": r, "z": z, "n": n}


class GRUCell(CellBase):
    r"""Gated recurrent unit cell.

    Seed notation (000)::

        r_t = sigma(W_ra a_{t-1} + W_rx x_t + b_r)                  reset gate
        ã_t = tanh(W_aa (r_t * a_{t-1}) + W_ax x_t + b_a)           candidate
        u_t = sigma(W_ua a_{t-1} + W_ux x_t + b_u)                  update gate
        a_t = u_t * ã_t + (1 - u_t) * a_{t-1}

    What the code computes (torch.nn.GRUCell's notation)::

        r_t = sigma(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)
        z_t = sigma(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)
        n_t = tanh(W_in x_t + b_in + r_t * (W_hn h_{t-1} + b_hn))
        h_t = (1 - z_t) * n_t + z_t * h_{t-1}

    where
        * x_t: input (N, D); h_t (the seeds' a_t): hidden state (N, H); * is elementwise;
        * r_t: reset gate; z_t: torch's "update" gate, which is the seed's u_t *flipped*:
          z_t = 1 - u_t. In torch z_t is the fraction of the OLD state kept; in the seed u_t is the
          fraction of the NEW candidate taken. n_t (the seeds' ã_t): the candidate state;
        * ``weight_ih`` = [W_ir; W_iz; W_in] (3H, D), ``weight_hh`` = [W_hr; W_hz; W_hn] (3H, H),
          ``bias_ih`` = [b_ir; b_iz; b_in], ``bias_hh`` = [b_hr; b_hz; b_hn] (3H,): torch's order
          r, z, n. Torch has two biases per gate where the seed has one; their sum plays its role.

    Departure from the seed, on purpose: the seed resets the state *before* the hidden matmul,
    W_aa (r_t * a_{t-1}); PyTorch (and cuDNN) resets *after* it, r_t * (W_hn h_{t-1} + b_hn), which
    lets the three hidden matmuls run as one. The two are different functions (not only a
    reparametrisation); this code follows PyTorch so that state dicts load both ways and outputs
    and gradients equal torch.nn.GRUCell's.

    Shapes: x (N, D) or (D,); h (N, H) or (H,). ``forward`` returns h_t; ``forward_with_gates``
    returns (h_t, {"r", "z", "n"}), each (N, H).
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True):
        super().__init__(input_size, hidden_size, bias, num_gates=3)

    def step(self, gx: Tensor, h: Tensor):
        return gru_step(gx, h, self.weight_hh, self.bias_hh)
