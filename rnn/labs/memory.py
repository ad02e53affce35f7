"""The gradient-flow lab: can a recurrent net carry one fact across T steps, and why not?

Task "recall": x_1 is one of K signal symbols, x_2..x_T are distractor symbols, and the net must
name x_1 at step T (classification, chance 1/K). Task "adding" (Hochreiter & Schmidhuber): each
step carries (value, marker); the target is the sum of the two marked values (regression; counted
correct within ``ADD_TOL``). Either way the loss sits at t = T and its gradient must travel back
T - 1 steps to where the information entered, through one Jacobian per step; for the vanilla RNN
||dL/dh_t|| <= (beta_W beta_h)^(T-t) ||dL/dh_T||, which is what the page draws.
"""
import math
from dataclasses import dataclass
from typing import Iterator

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn

from rnn.gradflow import hidden_grads, operator_norm, spectrum
from rnn.layer import RecurrentLayer
from rnn.models.config import ModelConfig
from rnn.train import optim

ADD_TOL = 0.1  # an adding-problem answer counts as correct within this distance


@dataclass
class MemoryTask:
    """Seeded data for a dependency of length T. kind: "recall" | "adding"."""

    kind: str = "recall"
    T: int = 20
    num_symbols: int = 4      # K, recall only: the classes
    num_distractors: int = 4  # recall only: the filler symbols, disjoint from the classes

    @property
    def input_size(self) -> int:
        return self.num_symbols + self.num_distractors if self.kind == "recall" else 2

    @property
    def output_size(self) -> int:
        return self.num_symbols if self.kind == "recall" else 1

    @property
    def chance(self) -> float:
        """Accuracy of the best constant guess (adding: always answer 1.0)."""
        if self.kind == "recall":
            return 1.0 / self.num_symbols
        return 1 - (1 - ADD_TOL) ** 2  # P(|u1 + u2 - 1| < tol), u ~ U(0, 1)

    def batch(self, n: int, generator: torch.Generator) -> tuple[Tensor, Tensor]:
        """x (n, T, input_size) float, y: (n,) class ids (recall) or (n,) sums (adding)."""
        if self.kind == "recall":
            first = torch.randint(0, self.num_symbols, (n, 1), generator=generator)
            rest = torch.randint(self.num_symbols, self.input_size, (n, self.T - 1),
                                 generator=generator)
            x = F.one_hot(torch.cat([first, rest], 1), self.input_size).float()
            return x, first[:, 0]
        if self.kind != "adding":
            raise ValueError(f"task kind must be 'recall' or 'adding', got {self.kind!r}")
        values = torch.rand(n, self.T, generator=generator)
        half = max(self.T // 2, 1)  # one marker in each half, so the gap is ~T/2 or more
        a = torch.randint(0, half, (n,), generator=generator)
        b = torch.randint(half, self.T, (n,), generator=generator) if self.T > 1 else a
        marks = torch.zeros(n, self.T)
        marks[torch.arange(n), a] = 1.0
        marks[torch.arange(n), b] = 1.0
        return torch.stack([values, marks], -1), (values * marks).sum(1)


@dataclass
class MemoryConfig:
    """The small model: one-hot (or (value, marker)) -> RecurrentLayer -> linear head at step T.

    arch: "rnn" | "leaky" | "esn" | "gru" | "lstm" (the cells of ``rnn.models.config.ARCHS``).
    leak: the course notes' α of a leaky unit (chapter 10, §10.9.2): h_t = leak h_{t-1} +
        (1 - leak) v_t with v_t = tanh(W_hh h_{t-1} + W_ih x_t + b), 0 <= leak < 1. Arch "rnn"
        with a leak, or arch "leaky" (default leak 0.5), runs ``RecurrentLayer("leaky")`` with
        the same α.
    echo_state: freeze the random recurrent weights (scaled to ``radius``, default 1.0) and
        train only the head: an echo state network. Arch "esn" is the same thing.
    radius: rescale W_hh at init to this spectral radius (None keeps torch's init).
    keep_bias: gated cells only: start the gate that keeps the state near "keep" (None keeps
        torch's init). LSTM: the forget gate, b_if + b_hf = keep_bias (at torch's init f_t starts
        near sigma(0) = 1/2 and c_t halves every step; the seeds' practical tip is b_f = 1).
        GRU: PyTorch's update gate z, b_iz + b_hz = keep_bias; torch computes
        h_t = (1 - z) n + z h_{t-1}, so z = 1 - Gamma_u in the seeds' notation and a large z
        copies the state forward.
    """

    arch: str = "rnn"
    hidden: int = 32
    nonlinearity: str = "tanh"
    leak: float | None = None
    echo_state: bool = False
    radius: float | None = None
    keep_bias: float | None = None

    @property
    def leaky(self) -> bool:
        return self.arch == "leaky" or (self.arch == "rnn" and self.leak is not None)

    @property
    def frozen(self) -> bool:
        return self.echo_state or self.arch == "esn"


class MemoryModel(nn.Module):
    """RecurrentLayer (1 layer) + linear head on the last step, for a ``MemoryTask``."""

    def __init__(self, task: MemoryTask, config: MemoryConfig | None = None, seed: int = 0):
        super().__init__()
        config = config or MemoryConfig()
        if config.leak is not None and (config.arch not in ("rnn", "leaky")
                                        or not 0 <= config.leak < 1):
            raise ValueError("a leaky unit needs arch 'rnn' or 'leaky' and 0 <= leak < 1")
        self.task, self.config = task, config
        radius = config.radius if config.radius is not None else (1.0 if config.frozen else None)
        layer = self.layer_config()
        with torch.random.fork_rng(devices=[]):  # seeded init without touching global RNG
            torch.manual_seed(seed)
            self.layer = RecurrentLayer.from_config(layer, task.input_size)
            self.head = nn.Linear(config.hidden, task.output_size)
        if radius is not None and layer.arch != "esn":   # the ESN's layer scales its own
            rescale_spectral_radius(self.layer.w_hh(), radius)
        if config.keep_bias is not None:
            _set_keep_bias(self.layer, config.keep_bias)
        if config.frozen:
            self.layer.requires_grad_(False)

    def layer_config(self) -> ModelConfig:
        """The recurrent layer as a task model's config: one layer, one direction, no dropout.

        A leak on arch "rnn" makes it the leaky unit; an ESN gets its radius (default 1.0).
        """
        config = self.config
        if config.leaky:
            return ModelConfig("leaky", config.hidden, nonlinearity=config.nonlinearity,
                               leak=0.5 if config.leak is None else config.leak)
        if config.arch == "esn":
            return ModelConfig("esn", config.hidden, nonlinearity=config.nonlinearity,
                               spectral_radius=1.0 if config.radius is None else config.radius)
        return ModelConfig(config.arch, config.hidden, nonlinearity=config.nonlinearity)

    def forward(self, x: Tensor) -> Tensor:
        """x (N, T, input_size) -> (N, output_size), read from h_T."""
        return self.head(self.layer(x)[0][:, -1])  # the fast kernels

    def hidden_states(self, x: Tensor) -> tuple[list[Tensor], Tensor]:
        """(the T in-graph h_t (N, H), output): the pass gradient flow is measured on."""
        if not any(p.requires_grad for p in self.layer.parameters()):
            x = x.detach().requires_grad_()  # a frozen ESN: the h_t must still be in a graph
        tr = self.layer.trace(x)
        return tr.hidden[0][0], self.head(tr.output[:, -1])


def rescale_spectral_radius(w_hh: Tensor, radius: float) -> float:
    """Scale W_hh in place so its recurrent block has spectral radius ``radius``; returns the factor.

    For gated cells the candidate block (see ``rnn.gradflow.recurrent_block``) gets the radius
    and the gate blocks are scaled by the same factor, keeping their proportions.
    """
    current = spectrum(w_hh)[1]
    factor = radius / current if current > 0 else 1.0
    with torch.no_grad():
        w_hh.mul_(factor)
    return factor


def _set_keep_bias(layer: RecurrentLayer, value: float) -> None:
    """Input bias of the keep gate = value, hidden bias = 0. Torch stacks the LSTM's gates as
    i, f, g, o and the GRU's as r, z, n: either way the keep gate (f, z) is the second block."""
    if layer.arch not in ("lstm", "gru"):
        raise ValueError("keep_bias applies to the gated cells (LSTM, GRU) only")
    h, (_, _, b_ih, b_hh) = layer.hidden_size, layer.weights(0, 0)
    with torch.no_grad():
        b_ih[h:2 * h] = value
        b_hh[h:2 * h] = 0.0


def loss_and_accuracy(task: MemoryTask, out: Tensor, y: Tensor) -> tuple[Tensor, float]:
    """Cross-entropy and accuracy (recall), or MSE and within-``ADD_TOL`` accuracy (adding)."""
    if task.kind == "recall":
        return F.cross_entropy(out, y), float((out.argmax(1) == y).float().mean())
    pred = out[:, 0]
    return F.mse_loss(pred, y), float(((pred - y).abs() < ADD_TOL).float().mean())


def evaluate(model: MemoryModel, n: int = 512, seed: int = 12345) -> float:
    """Accuracy on n fresh sequences from a fixed seed (not the training stream)."""
    x, y = model.task.batch(n, torch.Generator().manual_seed(seed))
    with torch.no_grad():
        return loss_and_accuracy(model.task, model(x), y)[1]


def train(model: MemoryModel, steps: int = 300, lr: float = 1e-2, clip: float | None = 1.0,
          batch_size: int = 32, seed: int = 0) -> Iterator[dict]:
    """Adam on fresh seeded batches; yields one record per step, then one "stop" record.

    Step record: {"kind": "step", "step", "loss", "accuracy", "grad_norm" (before clipping),
    "grad_norm_clipped" (after), "clipped"}. A non-finite loss or gradient does not raise: the
    weights of the last good step are restored and a "stop" record says why. ``clip=None`` turns
    clipping off (the page's exploding-gradient demonstration).
    """
    gen = torch.Generator().manual_seed(seed)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = optim.Adam(params, lr=lr)
    good = _snapshot(model)
    for step in range(1, steps + 1):
        x, y = model.task.batch(batch_size, gen)
        loss, acc = loss_and_accuracy(model.task, model(x), y)
        loss_value = loss.item()
        opt.zero_grad()
        loss.backward()
        norm = float(nn.utils.clip_grad_norm_(params, clip if clip is not None else math.inf))
        if not (math.isfinite(loss_value) and math.isfinite(norm)):
            model.load_state_dict(good)  # the update would poison every weight: undo, stop
            yield {"kind": "stop", "step": step, "reason":
                   f"non-finite loss or gradient at step {step}; kept the weights of step {step - 1}"}
            return
        opt.step()
        good = _snapshot(model)
        clipped = clip is not None and norm > clip
        yield {"kind": "step", "step": step, "loss": loss_value, "accuracy": acc,
               "grad_norm": norm, "grad_norm_clipped": min(norm, clip) if clipped else norm,
               "clipped": clipped}
    yield {"kind": "stop", "step": steps, "reason": "budget"}


def _snapshot(model: nn.Module) -> dict:
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def grad_norms_through_time(model: MemoryModel, batch: tuple[Tensor, Tensor]) -> np.ndarray:
    """||dL_T/dh_t|| for t = 1..T (array (T,)), L_T the loss at the last step, over the batch."""
    x, y = batch
    hs, out = model.hidden_states(x)
    loss = loss_and_accuracy(model.task, out, y)[0]
    return np.array([float(g.norm()) for g in hidden_grads(hs, loss)])


def beta(model: MemoryModel) -> float | None:
    """beta_W * beta_h, the per-step factor of the bound, or None where no such bound holds.

    Vanilla RNN and ESN: beta_W = ||W_hh||_2 and beta_h = 1 (|tanh'| <= 1, relu' in {0, 1}).
    Leaky unit: the Jacobian is α I + (1 - α) diag(phi') W_hh (α the share of the old state kept,
    the course notes' α), so α + (1 - α) beta_W beta_h.
    Gated cells (GRU, LSTM): None; their Jacobians pass through input-dependent gates and, for
    the LSTM, the cell state, so the vanilla bound does not apply.
    """
    if model.layer.num_gates != 1:
        return None
    b = operator_norm(model.layer.w_hh())
    if model.layer.arch != "leaky":
        return b
    alpha = model.layer.alpha().detach()     # per unit: bound each term by its worst unit
    return float(alpha.max()) + (1 - float(alpha.min())) * b


def bound_curve(b: float, T: int) -> np.ndarray:
    """(beta_W beta_h)^(T-t) for t = 1..T: the bound on ||dL/dh_t|| / ||dL/dh_T||."""
    return float(b) ** (T - np.arange(1, T + 1, dtype=np.float64))


def gradient_curves(archs=("rnn", "gru", "lstm"), T: int = 50, seed: int = 0,
                    task_kind: str = "recall", batch_size: int = 32,
                    **config) -> dict[str, np.ndarray]:
    """At initialisation: arch -> ||dL/dh_t||, t = 1..T, on one seeded batch."""
    task = MemoryTask(task_kind, T)
    batch = task.batch(batch_size, torch.Generator().manual_seed(seed))
    return {arch: grad_norms_through_time(
        MemoryModel(task, MemoryConfig(arch=arch, **config), seed), batch) for arch in archs}


def accuracy_vs_T(archs=("rnn", "lstm"), Ts=(5, 10, 20, 40), budget_steps: int = 300,
                  seed: int = 0, task_kind: str = "recall", lr: float = 1e-2,
                  clip: float | None = 1.0, **config) -> dict[str, dict[int, float]]:
    """arch -> {T: held-out accuracy after ``budget_steps`` of training} (same seed for all)."""
    results = {}
    for arch in archs:
        results[arch] = {}
        for T in Ts:
            model = MemoryModel(MemoryTask(task_kind, T), MemoryConfig(arch=arch, **config), seed)
            for _ in train(model, budget_steps, lr=lr, clip=clip, seed=seed):
                pass
            results[arch][T] = evaluate(model)
    return results
