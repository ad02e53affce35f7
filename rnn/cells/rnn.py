"""The vanilla (Elman) recurrent cell, and the base class every cell in this package extends.

The base class owns what all three cells share with ``torch.nn``'s cells: the parameter names
and shapes (``weight_ih``, ``weight_hh``, ``bias_ih``, ``bias_hh``, gates stacked in torch's
order), the initialisation U(-1/sqrt(H), 1/sqrt(H)) drawn in torch's order (so the same seed gives
the same weights), and unbatched (1-D) input. A subclass only writes its equations.
"""
import math

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class CellBase(nn.Module):
    """Parameters, initialisation and batching shared by RNNCell, GRUCell and LSTMCell.

    Args:
        input_size: D, the size of x_t.
        hidden_size: H, the size of h_t.
        bias: if False, ``bias_ih`` and ``bias_hh`` are None (as in torch).
        num_gates: G, how many H-sized blocks are stacked in the weights (1, 3 or 4).
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool, num_gates: int):
        super().__init__()
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        self.weight_ih = nn.Parameter(torch.empty(num_gates * hidden_size, input_size))
        self.weight_hh = nn.Parameter(torch.empty(num_gates * hidden_size, hidden_size))
        if bias:
            self.bias_ih = nn.Parameter(torch.empty(num_gates * hidden_size))
            self.bias_hh = nn.Parameter(torch.empty(num_gates * hidden_size))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """torch's init, in torch's parameter order, so one seed gives identical weights."""
        std = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0.0
        for weight in (self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh):
            if weight is not None:  # only the four torch.nn weights (a leaky cell's α is not one)
                nn.init.uniform_(weight, -std, std)

    def zero_state(self, batch: int, like: Tensor):
        """h_0 = 0 (and c_0 = 0 for the LSTM), shape (N, H)."""
        return like.new_zeros(batch, self.hidden_size)

    def step(self, gx: Tensor, state):
        """One step from the precomputed input projection gx = W_ih x_t + b_ih, shape (N, G*H)."""
        raise NotImplementedError

    def forward_with_gates(self, x: Tensor, state=None):
        """Run one step and also return the gate activations.

        Args:
            x: (N, D) or unbatched (D,).
            state: h (N, H), or (h, c) for the LSTM; None means zeros.
        Returns:
            (new_state, gates): new_state as ``forward`` returns it; gates a dict name -> (N, H).
        """
        batched = x.dim() == 2
        if not batched:  # torch's cells accept a single unbatched step; so do we
            x = x.unsqueeze(0)
            state = _map_state(state, lambda t: t.unsqueeze(0))
        if state is None:
            state = self.zero_state(x.shape[0], x)
        gx = F.linear(x, self.weight_ih, self.bias_ih)  # (N, G*H), W_ih x_t + b_ih
        new_state, gates = self.step(gx, state)
        if not batched:
            new_state = _map_state(new_state, lambda t: t.squeeze(0))
            gates = {k: v.squeeze(0) for k, v in gates.items()}
        return new_state, gates

    def forward(self, x: Tensor, state=None):
        """Same call and return as torch.nn's cell: h_t (or (h_t, c_t) for the LSTM)."""
        return self.forward_with_gates(x, state)[0]

    def extra_repr(self) -> str:
        return f"{self.input_size}, {self.hidden_size}, bias={self.bias}"


def _map_state(state, fn):
    """Apply fn to h, or to both of (h, c); None stays None."""
    if state is None:
        return None
    if isinstance(state, tuple):
        return tuple(fn(s) for s in state)
    return fn(state)


def rnn_step(gx: Tensor, h: Tensor, weight_hh: Tensor, bias_hh, nonlinearity: str = "tanh"):
    """h_t = phi(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh), from gx = W_ih x_t + b_ih (N, H).

    Returns (h_t, {"h": h_t}). A plain function so the recurrent layer can run it on the fused
    module's own weights (gradients then reach those weights).
    """
    phi = torch.tanh if nonlinearity == "tanh" else torch.relu
    h = phi(gx + F.linear(h, weight_hh, bias_hh))
    return h, {"h": h}


class RNNCell(CellBase):
    r"""Elman RNN cell with a tanh or ReLU non-linearity (seed 000, "the simple RNN").

    Seed notation (000)::

        a_t = tanh(W_a a_{t-1} + W_x x_t + b_a)

    What the code computes (torch.nn.RNNCell's notation)::

        h_t = phi(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)

    where
        * x_t: the input at step t, (N, D); h_t (the seeds' a_t): the hidden state, (N, H);
        * W_ih (the seeds' W_x): ``weight_ih``, (H, D); W_hh (W_a): ``weight_hh``, (H, H);
        * b_ih + b_hh: ``bias_ih`` + ``bias_hh``, (H,) each; torch keeps two biases where the seed
          has one b_a, their sum plays its role;
        * phi: tanh (default) or relu (``nonlinearity="relu"``).

    Shapes: x (N, D) or (D,); h (N, H) or (H,); returns h_t of the same batching.
    ``forward_with_gates`` returns (h_t, {"h": h_t}): a vanilla cell has no gates.
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 nonlinearity: str = "tanh"):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
        super().__init__(input_size, hidden_size, bias, num_gates=1)
        self.nonlinearity = nonlinearity

    def step(self, gx: Tensor, h: Tensor):
        return rnn_step(gx, h, self.weight_hh, self.bias_hh, self.nonlinearity)

    def extra_repr(self) -> str:
        return super().extra_repr() + f", nonlinearity={self.nonlinearity}"
