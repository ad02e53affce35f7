"""The gradient-flow lab: what the page measures, on the memory task of ``rnn.labs.memory``.

Every number here comes from autograd on a real ``MemoryModel``: ``||dL_T/dh_t||`` for t = 1..T
(the loss sits at the last step, so its gradient must travel back T - t Jacobians to reach h_t),
the eigenvalues of the vanilla RNN's W_hh, and short training runs with clipping on or off.

Which settings go to which cell (``LabSettings.config``):
    RNN   spectral radius of W_hh (None = torch's init) and the activation (tanh / relu);
    LSTM  forget-gate bias b_f, GRU  update-gate bias b_z (PyTorch's z = 1 - Gamma_u): the
          "keep" bias (None = torch's init, where the LSTM's f_t starts near sigma(0) = 1/2 and
          the cell state halves every step; 3 starts both gates near sigma(3) = 0.95, keeping
          the state, so it can carry a fact across many steps).
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace
from typing import Callable, Iterable

import numpy as np
import torch
from torch import nn

from rnn.gradflow import operator_norm, spectrum
from rnn.labs.memory import (MemoryConfig, MemoryModel, MemoryTask, beta, evaluate,
                             grad_norms_through_time, loss_and_accuracy)
from rnn.models.config import ARCHS as ALL_CELLS, CELL_SHORT
from rnn.train import optim

ARCHS = ("rnn", "gru", "lstm")             # the cells the sweep races (its own models, rnn.labs.memory)
CELLS = ALL_CELLS                          # every cell: gradient curves and the Train tab
LABELS = CELL_SHORT
RADII = ("init", "0.5", "0.75", "0.9", "1.0", "1.1", "1.25", "1.5", "2.0", "3.0")   # the sidebar's
SWEEP_RADII = (0.5, 0.75, 0.9, 1.0, 1.1, 1.25, 1.5, 2.0, 3.0)
KINDS = {"recall": "recall the first symbol", "adding": "add the two marked numbers"}
RATIO = "‖∂L/∂a⟨1⟩‖ / ‖∂L/∂a⟨T⟩‖"           # the decay table's column
LEARN_CAPTION = ("Measured now by autograd on freshly initialised models (hidden size 32), on one "
                 "batch of 32 sequences. The dashed line is the RNN's bound (β_W β_h)^(T−t).")
TRY_INTRO = ("The RNN's W_aa decides what BPTT does: each step back multiplies the gradient by it "
             "(and by g'). Eigenvalues **inside** the unit circle shrink it, **outside** grow it. "
             "Move *Spectral radius* and *activation* in the sidebar.")
INSPECT_INTRO = ("Gradients change as the weights learn. Train each cell briefly (Adam, learning "
                 "rate 0.01, clipping at 1) and measure ‖∂L/∂a⟨t⟩‖ again on the same batch.")
DIVERGED = ("Without clipping, an exploding gradient makes one update so large that the weights "
            "overflow. Turn on clipping (or lower the spectral radius or the learning rate) and "
            "train again.")
SWEEP_NOTE = ("Press the button: 21 short trainings, one after the other, with a progress bar. "
              "Results are kept for everyone on this server, so the second time is instant.")


def spectrum_caption(spec: dict) -> str:
    return (f"Spectral radius {spec['radius']:.2f}, ‖W_aa‖₂ = β_W = {spec['beta_W']:.2f}. The norm "
            "is at least the radius, so the bound can allow growth even when the eigenvalues are "
            "inside the circle: it is an upper bound, not a forecast.")


def train_sentence(arch: str, kind: str, T: int, budget: dict) -> str:
    clip = budget.get("clip")
    return (f"Train the **{LABELS[arch]}** on “{KINDS[kind]}” with T = {T} for {budget['steps']} "
            f"steps, {budget['optimizer'].upper()} at learning rate {budget['lr']:g}, clipping "
            + (f"at {clip:g}." if clip else "**off**."))
TS = (5, 10, 20, 30, 50, 75, 100)          # the accuracy-vs-T sweep
SOLVED = 0.9                               # accuracy that counts as "solved"
BUDGET = dict(steps=300, lr=3e-3, clip=1.0, optimizer="adam", batch_size=32)  # the sweep's budget


@dataclass(frozen=True)
class LabSettings:
    """What the sidebar chooses. ``radius`` None keeps torch's init for the RNN's W_hh."""

    kind: str = "recall"
    T: int = 50
    radius: float | None = None
    nonlinearity: str = "tanh"
    keep_bias: float | None = 3.0
    hidden: int = 32
    seed: int = 0

    def task(self, T: int | None = None) -> MemoryTask:
        return MemoryTask(self.kind, int(T or self.T))

    def config(self, arch: str) -> MemoryConfig:
        if arch == "rnn":
            return MemoryConfig("rnn", self.hidden, self.nonlinearity, radius=self.radius)
        if arch == "leaky":                  # α = 0.5: half of the old state kept each step
            return MemoryConfig("leaky", self.hidden)
        if arch == "esn":                    # frozen random W_aa at the sidebar's radius (else 0.9)
            return MemoryConfig("esn", self.hidden, radius=self.radius or 0.9)
        return MemoryConfig(arch, self.hidden, keep_bias=self.keep_bias)

    def model(self, arch: str, T: int | None = None) -> MemoryModel:
        return MemoryModel(self.task(T), self.config(arch), self.seed)


def probe_batch(s: LabSettings, n: int = 32):
    """The one seeded batch every gradient curve is measured on (same data for every cell)."""
    return s.task().batch(n, torch.Generator().manual_seed(s.seed + 1))


def gradient_curves(s: LabSettings, trained_steps: int = 0) -> dict[str, np.ndarray]:
    """Label -> ||dL_T/dh_t||, t = 1..T, for every cell, at init or after training.

    ``trained_steps`` > 0 first trains each model for that many steps on the sweep's budget.
    """
    batch, curves = probe_batch(s), {}
    for arch in CELLS:
        model = s.model(arch)
        if trained_steps:
            run_training(model, {**BUDGET, "steps": trained_steps}, seed=s.seed)
        curves[LABELS[arch]] = grad_norms_through_time(model, batch)
    return curves


def rnn_beta(s: LabSettings) -> float:
    """beta_W beta_h for the RNN: ||W_hh||_2 times max|g'| (1 for tanh and relu)."""
    return float(beta(s.model("rnn")))


def decay_table(curves: dict[str, np.ndarray]) -> list[dict]:
    """One row per curve: ||dL/dh_1|| / ||dL/dh_T||, and what that means."""
    rows = []
    for label, y in curves.items():
        ratio = float(y[0] / y[-1]) if y.size and y[-1] > 0 else float("nan")
        verdict = ("explodes" if ratio > 10 else "vanishes" if ratio < 1e-3 else "survives")
        rows.append({"cell": label, RATIO: ratio, "the gradient": verdict})
    return rows


def rnn_spectrum(s: LabSettings) -> dict:
    """The RNN's W_hh: eigenvalues, spectral radius and operator norm beta_W."""
    w = s.model("rnn").layer.w_hh()
    eig, radius = spectrum(w)
    return {"eigenvalues": eig, "radius": radius, "beta_W": operator_norm(w)}


def radius_sweep(s: LabSettings, radii: Iterable[float],
                 activations: Iterable[str] = ("tanh", "relu")) -> dict[str, list[float]]:
    """Activation -> ||dL/dh_1|| / ||dL/dh_T|| of the RNN at init, one value per radius."""
    batch, out = probe_batch(s), {}
    for act in activations:
        ratios = []
        for r in radii:
            y = grad_norms_through_time(replace(s, radius=float(r), nonlinearity=act).model("rnn"),
                                        batch)
            ratios.append(float(y[0] / y[-1]) if y[-1] > 0 and np.isfinite(y).all() else float("nan"))
        out[act] = ratios
    return out


def run_training(model: MemoryModel, budget: dict, seed: int = 0, max_seconds: float = 30.0,
                 progress: Callable[[float], None] | None = None) -> dict:
    """Train ``model`` for ``budget["steps"]`` steps (or ``max_seconds``); never raises on NaN.

    ``budget``: steps, lr, clip (None = off), optimizer ("adam" | "sgd", momentum 0.9),
    batch_size. Returns {"records": step records as ``rnn.labs.memory.train`` yields them,
    "diverged": bool, "reason": str, "accuracy": held-out accuracy}. On a non-finite loss or
    gradient the step is not applied, the weights of the last good step stay, and it stops.
    """
    gen = torch.Generator().manual_seed(seed)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = (optim.SGD(params, lr=budget["lr"], momentum=0.9) if budget["optimizer"] == "sgd"
           else optim.Adam(params, lr=budget["lr"]))
    clip, steps = budget.get("clip"), int(budget["steps"])
    records, reason, start = [], "", time.monotonic()
    for step in range(1, steps + 1):
        x, y = model.task.batch(int(budget.get("batch_size", 32)), gen)
        loss, acc = loss_and_accuracy(model.task, model(x), y)
        opt.zero_grad()
        loss.backward()
        norm = float(nn.utils.clip_grad_norm_(params, clip if clip else math.inf))
        if not (math.isfinite(loss.item()) and math.isfinite(norm)):
            reason = (f"the loss or the gradient became infinite or NaN at step {step}; the "
                      f"weights of step {step - 1} were kept")
            break
        opt.step()
        clipped = bool(clip) and norm > clip
        records.append({"kind": "step", "step": step, "loss": loss.item(), "accuracy": acc,
                        "grad_norm": norm, "grad_norm_clipped": min(norm, clip) if clipped else norm,
                        "clipped": clipped, "elapsed": time.monotonic() - start})
        if progress is not None and step % 10 == 0:
            progress(step / steps)
        if time.monotonic() - start > max_seconds:
            reason = f"stopped at the {max_seconds:g} s limit"
            break
    return {"records": records, "diverged": reason.startswith("the loss"), "reason": reason,
            "accuracy": evaluate(model)}


def run_summary(run: dict, clip: float | None) -> dict:
    """The numbers shown above the clipping charts."""
    norms = [r["grad_norm"] for r in run["records"]]
    return {"steps": len(norms), "clipped": sum(r["clipped"] for r in run["records"]),
            "largest norm": max(norms) if norms else float("nan"),
            "final loss": run["records"][-1]["loss"] if norms else float("nan"),
            "accuracy": run["accuracy"], "clip": clip}


def accuracy_at(s: LabSettings, arch: str, T: int) -> float:
    """Held-out accuracy of ``arch`` at dependency length T after the sweep's fixed budget."""
    model = s.model(arch, T)
    return run_training(model, BUDGET, seed=s.seed)["accuracy"]


def accuracy_sweep(s: LabSettings, cell=accuracy_at, on_cell=None) -> dict[str, dict[int, float]]:
    """The accuracy-vs-T sweep: label -> {T: ``cell(s, arch, T)``} for every cell of ``ARCHS`` and
    T of ``TS``. ``cell`` may be a cached ``accuracy_at``; ``on_cell(i, n, arch, T)`` is called
    before each of the n trainings (a progress bar)."""
    cells = [(a, t) for a in ARCHS for t in TS]
    out: dict[str, dict[int, float]] = {LABELS[a]: {} for a in ARCHS}
    for i, (a, t) in enumerate(cells):
        if on_cell is not None:
            on_cell(i, len(cells), a, t)
        out[LABELS[a]][t] = cell(s, a, t)
    return out


def largest_solved(results: dict[str, dict[int, float]], threshold: float = SOLVED) -> dict:
    """Label -> the largest T up to which every T reached ``threshold`` (None if the first did not).

    Contiguous on purpose: one lucky run at a long T after failures at shorter ones is noise.
    """
    out = {}
    for label, res in results.items():
        out[label] = None
        for T in sorted(res):
            if res[T] < threshold:
                break
            out[label] = T
    return out
