"""The recurrent layer: fast kernels for training, our explainable cells for tracing.

One ``RecurrentLayer`` owns one ``torch.nn.RNN/GRU/LSTM`` (``layer.fused``, batch_first=True)
whose parameters are the layer's recurrent weights (the leaky unit adds its α per layer and
direction). ``forward`` and ``padded_forward`` train fast on ``rnn.cells.sequence.run``: the
LSTM on torch's fused oneDNN kernel, the vanilla RNN, the GRU and the leaky unit on one autograd
function per sequence, with a hand-written backward through time (torch has no fused CPU kernel
for them). ``trace`` runs the equations of ``rnn.cells`` on those same parameters, step by step,
and keeps every hidden state, cell state and gate, per layer and direction. Its outputs equal
``forward``'s within float error, and gradients flow from a traced loss into the parameters.
A model builds its layer from its config: ``RecurrentLayer.from_config(config, input_size)``.

The echo state network (arch "esn") is a vanilla tanh RNN whose W_ax, W_aa and biases are random,
W_aa scaled to a chosen spectral radius ρ, and frozen (requires_grad False): only what reads
its states learns.

``padded_forward`` is ``forward`` on a padded batch without packing, for the task models. On CPU
torch runs an unpacked LSTM with oneDNN's fused kernel but a packed one step by step, so packing
made a sentiment training step about 2x slower (bench/overhead.py, BENCHMARKS.md).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from rnn.cells import (GRUCell, LeakyRNNCell, LSTMCell, RNNCell, gru_step, leaky_step, lstm_step,
                       rnn_step, sequence)
from rnn.cells.leaky import alpha_logit

if TYPE_CHECKING:  # rnn.models imports this module
    from rnn.models.config import ModelConfig

# arch -> (torch module holding the weights, explainable cell class, step function, gates in W_hh);
# the names themselves live in rnn.models.config.ARCHS (tests/test_cells_leaky.py checks both agree)
_CELLS = {
    "rnn": (nn.RNN, RNNCell, rnn_step, 1),
    "leaky": (nn.RNN, LeakyRNNCell, leaky_step, 1),
    "esn": (nn.RNN, RNNCell, rnn_step, 1),
    "gru": (nn.GRU, GRUCell, gru_step, 3),
    "lstm": (nn.LSTM, LSTMCell, lstm_step, 4),
}


# Below this many steps (a decoder or a sampler feeding one token at a time) torch.nn's own RNN
# and GRU are faster than rnn.cells.sequence, whose fixed cost per call is larger (about 0.2 ms
# against 0.1 ms for one step of H = 64; the two meet near 8-16 steps).
SHORT = 16
WEIGHT_NAMES = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")  # torch's, without the suffix


def weight_suffix(layer: int, direction: int) -> str:
    """torch's name suffix of one layer's and direction's weights: "_l0", "_l1_reverse", ..."""
    return f"_l{layer}" + ("_reverse" if direction == 1 else "")


@dataclass
class Trace:
    """Everything one traced pass computed.

    output: (N, L, D*H), equal to ``RecurrentLayer.forward``'s ``out``; 0 at padding.
    steps[layer][direction]: name -> (N, L, H); names "h", plus "c", "i", "f", "g", "o" (LSTM),
        "r", "z", "n" (GRU) or "v", "alpha" (leaky unit: new content and α); 0 at padded
        positions. direction 0 = forward, 1 = backward.
    hidden[layer][direction]: the L per-step states h_t, (N, H) each, in time order, exactly the
        tensors the recurrence used (so ``retain_grad`` on them measures dL/dh_t). At padded
        positions they hold the carried state (see ``RecurrentLayer.trace``).
    final: h_n, or (h_n, c_n) for the LSTM, (num_layers*D, N, H), as torch.nn returns it.
    """

    output: Tensor
    steps: list
    hidden: list
    final: object


class RecurrentLayer(nn.Module):
    """A stack of (bi)directional recurrent layers: vanilla RNN, leaky unit, ESN, GRU or LSTM.

    Args:
        arch: "rnn" | "leaky" | "esn" | "gru" | "lstm".
        input_size: D_in, the size of each input vector.
        hidden_size: H.
        num_layers: how many layers are stacked (layer k reads layer k-1's output).
        bidirectional: if True each layer has a forward and a backward direction (D = 2) and its
            output is [h_forward, h_backward], size 2H.
        dropout: dropout on the output of every layer except the last (as torch.nn.RNN does).
        nonlinearity: "tanh" | "relu", vanilla RNN, leaky unit and ESN.
        leak: the leaky unit's α in [0, 1), the share of the old state kept each step (the course
            notes' α; α = 0 is the vanilla RNN), same for every unit.
        learn_leak: leaky unit only: learn α per unit (stored as θ, α = σ(θ)), starting at ``leak``.
        spectral_radius: ESN only: ρ, the largest |eigenvalue| W_aa is scaled to at init.
    """

    def __init__(self, arch: str, input_size: int, hidden_size: int, num_layers: int = 1,
                 bidirectional: bool = False, dropout: float = 0.0, nonlinearity: str = "tanh",
                 leak: float = 0.5, learn_leak: bool = False, spectral_radius: float = 0.9):
        super().__init__()
        if arch not in _CELLS:
            raise ValueError(f"arch must be one of {', '.join(_CELLS)}, got {arch!r}")
        fused_cls, _, step, num_gates = _CELLS[arch]
        vanilla = num_gates == 1
        kwargs = {"nonlinearity": nonlinearity} if vanilla else {}
        # torch warns about dropout with one layer: it would never be applied anyway
        self.fused = fused_cls(input_size, hidden_size, num_layers, batch_first=True,
                               bidirectional=bidirectional,
                               dropout=dropout if num_layers > 1 else 0.0, **kwargs)
        self.arch, self.nonlinearity, self.dropout = arch, nonlinearity, dropout
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.num_directions = 2 if bidirectional else 1
        self.output_size = hidden_size * self.num_directions
        self.num_gates = num_gates
        self.learn_leak = learn_leak and arch == "leaky"
        self._step = partial(step, nonlinearity=nonlinearity) if vanilla else step
        if arch == "leaky":
            self._init_leak(float(leak))
        if arch == "esn":
            self._init_echo_state(float(spectral_radius))

    @classmethod
    def from_config(cls, config: ModelConfig, input_size: int, *,
                    bidirectional: bool | None = None) -> RecurrentLayer:
        """The layer a model's config describes: its cell, H, layers, directions, dropout and the
        cell's options (nonlinearity, leak α, learned α, spectral radius ρ).

        input_size: D_in, what the model feeds in (an embedding, or an embedding and a context).
        bidirectional: overrides the config's (False for a model that must not see the future).
        """
        return cls(config.arch, input_size, config.hidden, num_layers=config.layers,
                   bidirectional=config.bidirectional if bidirectional is None else bidirectional,
                   dropout=config.dropout, nonlinearity=config.nonlinearity,
                   leak=float(config.leak), learn_leak=bool(config.learn_leak),
                   spectral_radius=float(config.spectral_radius))

    def _suffixes(self):
        """torch's weight-name suffixes in its order: (layer, direction, "_l0" / "_l0_reverse")."""
        for layer in range(self.num_layers):
            for d in range(self.num_directions):
                yield layer, d, weight_suffix(layer, d)

    def _init_leak(self, leak: float) -> None:
        """α per layer and direction, (H,): buffer ``alpha_l0`` or parameter ``alpha_logit_l0``."""
        if not 0.0 <= leak < 1.0:
            raise ValueError(f"leak α (the share of the old state kept) must be in [0, 1), got {leak!r}")
        for _, _, sfx in self._suffixes():
            if self.learn_leak:
                theta = torch.full((self.hidden_size,), alpha_logit(leak))
                self.register_parameter(f"alpha_logit{sfx}", nn.Parameter(theta))
            else:
                self.register_buffer(f"alpha{sfx}", torch.full((self.hidden_size,), leak))

    def _init_echo_state(self, radius: float) -> None:
        """Scale every W_aa to spectral radius ρ, then freeze all recurrent weights."""
        if not 0.0 < radius < float("inf"):
            raise ValueError(f"spectral radius must be a positive number, got {radius!r}")
        with torch.no_grad():
            for layer, d, _ in self._suffixes():
                w_hh = self.w_hh(layer, d)
                current = float(torch.linalg.eigvals(w_hh.double()).abs().max())
                w_hh.mul_(radius / current if current > 0 else 1.0)
        self.fused.requires_grad_(False)  # the optimiser never sees them: only readouts learn

    def alpha(self, layer: int = 0, direction: int = 0) -> Tensor:
        """The leaky unit's α of one layer and direction, (H,)."""
        sfx = weight_suffix(layer, direction)
        if self.learn_leak:
            return torch.sigmoid(getattr(self, f"alpha_logit{sfx}"))
        return getattr(self, f"alpha{sfx}")

    def forward(self, x: Tensor, lengths: Tensor | None = None, state=None):
        """Run the fast kernels: oneDNN for the LSTM, ``rnn.cells.sequence`` for the others,
        except that a full-length batch of fewer than ``SHORT`` steps runs on torch.nn's module.

        Args:
            x: (N, L, D_in). lengths: (N,) true lengths, each in 1..L, or None (all L).
            state: initial h_0 (or (h_0, c_0)), (num_layers*D, N, H); None means zeros.
        Returns:
            out (N, L, D*H), exactly 0 at padded positions; final: h_n (or (h_n, c_n)),
            (num_layers*D, N, H), taken at each sequence's true last step.
        """
        short = lengths is None and x.shape[1] < SHORT and self.arch != "leaky"
        if self.arch != "lstm" and not short:
            return self._unpacked(x, lengths, state)
        if lengths is None:
            return self.fused(x, state)
        # packing (not masking) is what keeps padding out of the backward direction; the LSTM
        # needs it here for c_n at the true last step
        packed = pack_padded_sequence(x, torch.as_tensor(lengths).cpu(), batch_first=True,
                                      enforce_sorted=False)
        out, final = self.fused(packed, state)
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=x.shape[1])
        return out, final

    def padded_forward(self, x: Tensor, lengths: Tensor) -> tuple[Tensor, Tensor]:
        """``forward(x, lengths)`` without packing; returns out and h_n (not the LSTM's c_n).

        Each direction of each layer is one unpacked kernel call on the padded (N, L, .) tensor.
        The forward direction reads the padding only after a sequence's true end, so its outputs
        there are dropped and h_n is taken at the true last step. The backward direction reads
        every sequence reversed within its own length (x_{n-1}, ..., x_0, then the padding) and
        its outputs are put back in time order. Same values as ``forward`` within float error;
        dropout between layers as nn.LSTM does it, but with its own random draws.

        Args: x (N, L, D_in); lengths (N,), each in 1..L. Initial states are zeros.
        Returns: out (N, L, D*H), exactly 0 at padded positions; h_n (num_layers*D, N, H).
        """
        return self._unpacked(x, lengths, None)

    def _unpacked(self, x: Tensor, lengths, state) -> tuple[Tensor, Tensor]:
        """``padded_forward`` with an optional initial state (not for the LSTM's (h, c))."""
        n, length, _ = x.shape
        mask = _length_mask(lengths, n, length, x.device)
        full = lengths is None
        lengths = torch.as_tensor(length if full else lengths, device=x.device).expand(n)
        steps = torch.arange(length, device=x.device)
        # position of step t when each sequence is read backwards (padding stays where it is)
        backwards = torch.where(steps < lengths[:, None], lengths[:, None] - 1 - steps, steps)  # (N, L)
        last, rows = lengths - 1, torch.arange(n, device=x.device)
        h0 = _split_state(state, self.num_layers, self.num_directions)
        inp, finals = x, []
        for layer in range(self.num_layers):
            if layer > 0:
                inp = F.dropout(inp, self.dropout, self.training)
            outs = []
            for d in range(self.num_directions):
                seq = inp if d == 0 else _gather_steps(inp, backwards)
                alpha = self.alpha(layer, d) if self.arch == "leaky" else None
                out = sequence.run(self.arch, seq, self.weights(layer, d), h0[layer][d] if h0 else None,
                                   alpha=alpha, nonlinearity=self.nonlinearity, train=self.training)
                finals.append(out[:, -1] if full else out[rows, last])    # h at the true last step
                outs.append(out if d == 0 else _gather_steps(out, backwards))
            inp = torch.cat(outs, dim=-1) if len(outs) > 1 else outs[0]   # (N, L, D*H)
            if mask is not None:
                inp = torch.where(mask[..., None], inp, 0.0)
        return inp, torch.stack(finals)

    def trace(self, x: Tensor, lengths: Tensor | None = None, state=None) -> Trace:
        """Run the explainable cells on the fused weights; same arguments as ``forward``.

        The input projections W_ih x_t + b_ih of all steps are one matmul per layer and
        direction; only the recurrence loops over t. With ``lengths``, a sequence's state is
        carried unchanged through its padding: the forward direction's state after the padding is
        its state at the true last token, and the backward direction starts from h_0 at each
        sequence's true last token, so padding never reaches it. Dropout between layers is
        applied as in training mode; call ``eval()`` to compare with ``forward``.
        """
        n, length, _ = x.shape
        mask = _length_mask(lengths, n, length, x.device)
        h0 = _split_state(state, self.num_layers, self.num_directions)
        steps, hidden, finals, inp = [], [], [], x
        for layer in range(self.num_layers):
            if layer > 0:
                inp = F.dropout(inp, self.dropout, self.training)
            runs = [self._run_direction(inp, layer, d, mask, h0[layer][d] if h0 else None)
                    for d in range(self.num_directions)]
            steps.append([r[0] for r in runs])
            hidden.append([r[1] for r in runs])
            finals.extend(r[2] for r in runs)
            inp = torch.cat([r[0]["h"] for r in runs], dim=-1)  # (N, L, D*H)
        return Trace(output=inp, steps=steps, hidden=hidden, final=_stack_final(finals))

    def _run_direction(self, inp: Tensor, layer: int, direction: int, mask, state):
        """One direction of one layer: (steps dict of (N, L, H), list of h_t, final state)."""
        w_ih, w_hh, b_ih, b_hh = self.weights(layer, direction)
        gx = F.linear(inp, w_ih, b_ih)  # (N, L, G*H): W_ih x_t + b_ih for every t at once
        n, length = inp.shape[:2]
        if state is None:
            zero = inp.new_zeros(n, self.hidden_size)
            state = (zero, zero) if self.arch == "lstm" else zero
        per_step = [None] * length
        order = range(length) if direction == 0 else range(length - 1, -1, -1)
        step = self._step
        if self.arch == "leaky":
            step = partial(step, alpha=self.alpha(layer, direction))
        for t in order:
            new_state, gates = step(gx[:, t], state, w_hh, b_hh)
            if mask is not None:  # past a sequence's end, keep (carry) its state unchanged
                keep = mask[:, t, None]
                new_state = _map(new_state, state, lambda a, b: torch.where(keep, a, b))
            state = new_state
            per_step[t] = (state, gates)
        return self._collect(per_step, mask) + (state,)

    def _collect(self, per_step, mask):
        """Stack per-step states and gates into (N, L, H) tensors, zeroed at padding."""
        lstm = self.arch == "lstm"
        hidden = [s[0] if lstm else s for s, _ in per_step]
        names = [k for k in per_step[0][1] if k not in ("h", "c")]
        steps = {"h": torch.stack(hidden, dim=1)}
        if lstm:
            steps["c"] = torch.stack([s[1] for s, _ in per_step], dim=1)
        for k in names:
            steps[k] = torch.stack([g[k] for _, g in per_step], dim=1)
        if mask is not None:
            steps = {k: v * mask[..., None] for k, v in steps.items()}
        return steps, hidden

    def weights(self, layer: int = 0, direction: int = 0) -> tuple:
        """(W_ih, W_hh, b_ih, b_hh) of one layer and direction: the fused module's parameters."""
        sfx = weight_suffix(layer, direction)
        return tuple(getattr(self.fused, name + sfx) for name in WEIGHT_NAMES)

    def w_hh(self, layer_index: int = 0, direction: int = 0) -> Tensor:
        """The recurrent weight W_hh of one layer and direction, (G*H, H), gates stacked as torch."""
        return self.weights(layer_index, direction)[1]

    def cell(self, layer_index: int, direction: int = 0):
        """An RNNCell/LeakyRNNCell/GRUCell/LSTMCell holding copies of one layer's and direction's
        weights (an ESN's cell is an RNNCell)."""
        cell_cls = _CELLS[self.arch][1]
        in_size = self.input_size if layer_index == 0 else self.output_size
        kwargs = {"nonlinearity": self.nonlinearity} if self.num_gates == 1 else {}
        if self.arch == "leaky":
            kwargs["learn_alpha"] = self.learn_leak
        cell = cell_cls(in_size, self.hidden_size, **kwargs)
        weights = dict(zip(WEIGHT_NAMES, self.weights(layer_index, direction)))
        if self.arch == "leaky":
            name = "alpha_logit" if self.learn_leak else "alpha"
            weights[name] = getattr(self, name + weight_suffix(layer_index, direction))
        cell.load_state_dict({k: v.detach().clone() for k, v in weights.items()})
        return cell


def _length_mask(lengths, n: int, length: int, device):
    """(N, L) bool mask of real tokens, or None when every sequence is full length."""
    if lengths is None:
        return None
    lengths = torch.as_tensor(lengths, device=device)
    if lengths.shape != (n,) or lengths.min() < 1 or lengths.max() > length:
        raise ValueError(f"lengths must be shape ({n},) with values in 1..{length}")
    if bool((lengths == length).all()):
        return None
    return torch.arange(length, device=device)[None, :] < lengths[:, None]


def _gather_steps(x: Tensor, index: Tensor) -> Tensor:
    """x (N, L, F) with its steps reordered per sequence: out[i, t] = x[i, index[i, t]]."""
    return x.gather(1, index[..., None].expand(-1, -1, x.shape[-1]))


def _map(a, b, fn):
    """fn over h (or over both of (h, c)) of two states."""
    if isinstance(a, tuple):
        return tuple(fn(x, y) for x, y in zip(a, b))
    return fn(a, b)


def _split_state(state, num_layers: int, num_dirs: int):
    """torch's (num_layers*D, N, H) initial state -> state[layer][direction] (N, H), or None."""
    if state is None:
        return None
    def at(i):
        return tuple(s[i] for s in state) if isinstance(state, tuple) else state[i]
    return [[at(layer * num_dirs + d) for d in range(num_dirs)] for layer in range(num_layers)]


def _stack_final(finals):
    """Final (N, H) states in torch's order (layer-major, then direction) -> (layers*D, N, H)."""
    if isinstance(finals[0], tuple):
        return tuple(torch.stack([f[k] for f in finals]) for k in range(2))
    return torch.stack(finals)
