"""Gradient flow through time: how much of the loss's gradient reaches each step's hidden state.

Backpropagation through time multiplies one Jacobian per step, dh_t/dh_{t-1}. For the vanilla
RNN that Jacobian is diag(phi'(.)) W_hh, so ||dL/dh_t|| <= (beta_W beta_h)^(T-t) ||dL/dh_T||
with beta_W = ||W_hh||_2 and beta_h a bound on |phi'| (1 for tanh and relu): the gradient of a
distant step vanishes when beta_W beta_h < 1 and may explode when the spectral radius of W_hh
exceeds 1. This module measures those quantities; it never changes a model.
"""
import numpy as np
import torch
from torch import Tensor, nn

from rnn.layer import Trace


def hidden_grads(hidden: list[Tensor], loss: Tensor) -> list[Tensor]:
    """dL/dh_t for each in-graph tensor h_t of ``hidden`` (zeros where L does not depend on it).

    Uses torch.autograd.grad with retain_graph=True, so the caller can still call
    ``loss.backward()`` afterwards (e.g. to train on the same pass).
    """
    grads = torch.autograd.grad(loss, hidden, retain_graph=True, allow_unused=True)
    return [torch.zeros_like(h) if g is None else g for h, g in zip(hidden, grads)]


def hidden_grad_norms(trace: Trace, loss: Tensor) -> list[list[np.ndarray]]:
    """||dL/dh_t|| for every step t, per layer and direction, from a traced forward pass.

    Args:
        trace: ``RecurrentLayer.trace(x)`` run with grad enabled; ``loss`` computed from it.
        loss: a scalar tensor.
    Returns:
        norms[layer][direction]: float64 array (L,), in time order; entry t is the Frobenius
        norm of dL/dh_t over the whole batch, i.e. of an (N, H) matrix.
    """
    flat = [h for layer in trace.hidden for direction in layer for h in direction]
    norms = [float(g.norm()) for g in hidden_grads(flat, loss)]
    out, k = [], 0
    for layer in trace.hidden:
        out.append([])
        for direction in layer:
            out[-1].append(np.asarray(norms[k:k + len(direction)], dtype=np.float64))
            k += len(direction)
    return out


def param_grad_norms(model: nn.Module) -> dict[str, float]:
    """name -> ||grad|| for every parameter that has a gradient (call after ``backward``)."""
    return {name: float(p.grad.norm()) for name, p in model.named_parameters()
            if p.grad is not None}


def total_grad_norm(model: nn.Module) -> float:
    """The global 2-norm of all gradients, the quantity clip_grad_norm_ clips."""
    norms = list(param_grad_norms(model).values())
    return float(np.sqrt(np.sum(np.square(norms)))) if norms else 0.0


def recurrent_block(w_hh: Tensor) -> Tensor:
    """The block of W_hh that plays the vanilla RNN's W_hh role, (H, H).

    W_hh stacks G gate blocks as torch does: 1 (vanilla, the block is W_hh itself), 3 (GRU r, z,
    n) or 4 (LSTM i, f, g, o). For gated cells we take the *candidate* block, GRU's W_hn and
    LSTM's W_hg (index 2 in both), the one that maps h_{t-1} to the proposed new content. It is
    only part of the story: a gated cell's Jacobian also passes through its gates, and the LSTM's
    main memory path is c_t = f_t * c_{t-1} + ..., which W_hh does not touch.
    """
    rows, cols = w_hh.shape
    gates = rows // cols
    if gates * cols != rows or gates not in (1, 3, 4):
        raise ValueError(f"W_hh of shape {tuple(w_hh.shape)} is not G*H x H with G in 1, 3, 4")
    return w_hh if gates == 1 else w_hh[2 * cols:3 * cols]


def spectrum(w_hh: Tensor) -> tuple[np.ndarray, float]:
    """Eigenvalues (complex ndarray, (H,)) and spectral radius max|lambda| of the recurrent block.

    See ``recurrent_block`` for which block a gated cell's W_hh contributes.
    """
    block = recurrent_block(w_hh.detach()).double().cpu().numpy()
    eig = np.linalg.eigvals(block).astype(np.complex128)
    return eig, float(np.abs(eig).max()) if eig.size else 0.0


def operator_norm(w_hh: Tensor) -> float:
    """beta_W = ||W||_2, the largest singular value of the recurrent block (>= spectral radius)."""
    block = recurrent_block(w_hh.detach()).double()
    return float(torch.linalg.matrix_norm(block, ord=2))
