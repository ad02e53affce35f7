"""The long short-term memory (LSTM) cell, written from its equations, laid out like torch's."""
import torch
import torch.nn.functional as F
from torch import Tensor

from .rnn import CellBase


def lstm_step(gx: Tensor, state, weight_hh: Tensor, bias_hh):
    """One LSTM step from gx = W_ih x_t + b_ih, shape (N, 4H), and (h_{t-1}, c_{t-1}), (N, H) each.

    Returns ((h_t, c_t), {"i", "f", "g", "o", "c"}). A plain function so the recurrent layer can
    run it on the fused module's own weights.
    """
    h, c = state
    gates = gx + F.linear(h, weight_hh, bias_hh)  # (N, 4H), stacked i, f, g, o as in torch
    gi, gf, gg, go = gates.chunk(4, dim=-1)
    i = torch.sigmoid(gi)
    f = torch.sigmoid(gf)
    g = torch.tanh(gg)
    o = torch.sigmoid(go)
    c = f * c + i * g
    h = o * torch.tanh(c)
    return (h, c), {"i": i, "f": f, "g": g, "o": o, "c": c}


class LSTMCell(CellBase):
    r"""Long short-term memory cell.

    Seed notation (000)::

        c̃_t = tanh(W_ca a_{t-1} + W_cx x_t + b_c)          candidate cell state
        f_t = sigma(W_fa a_{t-1} + W_fx x_t + b_f)          forget gate
        u_t = sigma(W_ua a_{t-1} + W_ux x_t + b_u)          update gate
        c_t = u_t * c̃_t + f_t * c_{t-1}
        o_t = sigma(W_oa a_{t-1} + W_ox x_t + b_o)          output gate
        a_t = o_t * tanh(c_t)

    What the code computes (torch.nn.LSTMCell's notation)::

        i_t = sigma(W_ii x_t + b_ii + W_hi h_{t-1} + b_hi)
        f_t = sigma(W_if x_t + b_if + W_hf h_{t-1} + b_hf)
        g_t = tanh(W_ig x_t + b_ig + W_hg h_{t-1} + b_hg)
        o_t = sigma(W_io x_t + b_io + W_ho h_{t-1} + b_ho)
        c_t = f_t * c_{t-1} + i_t * g_t
        h_t = o_t * tanh(c_t)

    where
        * x_t: input (N, D); h_t (the seeds' a_t): hidden state (N, H); c_t: cell state (N, H);
        * i_t: input gate = the seed's update gate u_t (same role, same sign);
          f_t: forget gate; o_t: output gate; g_t: the candidate cell state, the seed's c̃_t;
        * ``weight_ih`` = [W_ii; W_if; W_ig; W_io] (4H, D), ``weight_hh`` = [W_hi; W_hf; W_hg; W_ho]
          (4H, H), ``bias_ih``/``bias_hh`` (4H,): torch's order i, f, g, o. Torch has two biases
          per gate where the seed has one; their sum plays its role.

    The equations are the seed's exactly (only the names differ), so nothing departs from it.

    Shapes: x (N, D) or (D,); state (h, c), each (N, H) or (H,). ``forward`` returns (h_t, c_t)
    like torch; ``forward_with_gates`` returns ((h_t, c_t), {"i", "f", "g", "o", "c"}).
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True):
        super().__init__(input_size, hidden_size, bias, num_gates=4)

    def zero_state(self, batch: int, like: Tensor):
        h = like.new_zeros(batch, self.hidden_size)
        return h, torch.zeros_like(h)

    def step(self, gx: Tensor, state):
        return lstm_step(gx, state, self.weight_hh, self.bias_hh)
