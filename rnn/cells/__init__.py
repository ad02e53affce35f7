"""Recurrent cells written from their equations, interchangeable with torch.nn's cells.

Each cell has torch.nn's parameter names, shapes, gate order and initialisation, so
``ours.load_state_dict(theirs.state_dict())`` works both ways, and returns what torch.nn returns.
``cell.forward_with_gates(x, state)`` also returns the gate activations for inspection.
The ``*_step`` functions are the same equations as plain functions of precomputed input
projections and the recurrent weights; the recurrent layer's trace mode uses them.
``LeakyRNNCell`` (the leaky unit) has no torch.nn twin: it equals ``RNNCell`` at α = 1.
``rnn.cells.sequence`` runs whole sequences with a hand-written backward (the training fast path).
"""
from .gru import GRUCell, gru_step
from .leaky import LeakyRNNCell, leaky_step
from .lstm import LSTMCell, lstm_step
from .rnn import CellBase, RNNCell, rnn_step

__all__ = ["CellBase", "RNNCell", "LeakyRNNCell", "GRUCell", "LSTMCell", "rnn_step", "leaky_step",
           "gru_step", "lstm_step"]
