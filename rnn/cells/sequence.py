"""Whole-sequence recurrences with backpropagation through time written by hand (the fast path).

Torch has a fused CPU kernel (oneDNN) for the LSTM only. Its GRU and vanilla RNN run step by
step and record five to ten autograd nodes per step, so a GRU training step used to cost 2.4x an
LSTM step at H = 64 (BENCHMARKS.md). Here one ``torch.autograd.Function`` covers the whole
sequence of one layer and direction:

* forward: the loop over t runs without autograd, a handful of in-place torch calls per step,
  writing every state into one preallocated (L, N, H) tensor;
* backward: the only sequential part of backpropagation through time is dL/da⟨t-1⟩ from
  dL/da⟨t⟩ (two or three torch calls per step); everything elementwise is computed for all steps
  at once, and the recurrent weight's gradient is ONE matmul after the loop,
  dW_aa = sum_t dpre⟨t⟩ᵀ a⟨t-1⟩.

The input projections W_ax x⟨t⟩ + b of all steps are one matmul done by the caller (ordinary
autograd), so ``recurrence`` and ``gru`` take ``gx`` (L, N, G*H), time-major. ``run`` is what
``RecurrentLayer`` calls: one layer and direction of any cell on a batch-first sequence, the
LSTM on torch's fused oneDNN kernel (``rnn.private_apis.fused_lstm``), the others here. Outputs and gradients equal the
explainable cells' (rnn/cells/*.py) within float error; tests/test_cells_sequence.py checks
them with torch.autograd.gradcheck and against torch.nn. Not twice differentiable (no
double backward); the trace mode (``RecurrentLayer.trace``) is, and gradient-flow measurements use it.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor
from torch.autograd.function import once_differentiable

from rnn.private_apis import fused_lstm


class _Recurrence(torch.autograd.Function):
    """a⟨t⟩ = (1 − α) ⊙ a⟨t−1⟩ + α ⊙ φ(gx⟨t⟩ + W_aa a⟨t−1⟩): the vanilla RNN (α None) or leaky unit.

    gx (L, N, H) already holds W_ax x⟨t⟩ + b_ax + b_aa; h0 (N, H); w_hh (H, H); alpha (H,) or None.
    Returns a⟨1..L⟩ as (L, N, H).
    """

    @staticmethod
    def forward(ctx, gx: Tensor, h0: Tensor, w_hh: Tensor, alpha, relu: bool):
        v = gx.clone()                                      # becomes φ(pre⟨t⟩), the new content
        out = v if alpha is None else torch.empty_like(gx)  # a⟨t⟩, (L, N, H)
        w_t, h = w_hh.t(), h0
        # unbind once: indexing a tensor inside the loop costs a torch call per step
        for v_t, out_t in zip(v.unbind(0), out.unbind(0)):
            v_t.addmm_(h, w_t)                              # pre⟨t⟩ = gx⟨t⟩ + a⟨t−1⟩ W_aaᵀ
            if relu:
                v_t.relu_()
            else:
                v_t.tanh_()
            if alpha is not None:
                torch.lerp(h, v_t, alpha, out=out_t)        # a⟨t−1⟩ + α (v⟨t⟩ − a⟨t−1⟩)
            h = out_t
        ctx.relu = relu
        ctx.save_for_backward(h0, w_hh, alpha, out, v if alpha is not None else None)
        return out

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_out: Tensor):
        h0, w_hh, alpha, out, v = ctx.saved_tensors
        if v is None:
            v = out
        deriv = (v > 0).to(v.dtype) if ctx.relu else 1 - v * v   # φ'(pre⟨t⟩), from φ's output
        k = deriv if alpha is None else deriv * alpha         # dpre⟨t⟩ per unit of dL/da⟨t⟩
        keep = None if alpha is None else 1 - alpha           # d a⟨t⟩ / d a⟨t−1⟩ (leak part)
        length = grad_out.shape[0]
        # dL/da⟨t⟩: the direct part, then what the loop carries back
        dh_all = grad_out.clone(memory_format=torch.contiguous_format)
        dpre = torch.empty_like(out)                          # dL/dpre⟨t⟩
        dhs, dpres, ks = (t.unbind(0) for t in (dh_all, dpre, k))
        for t in range(length - 1, 0, -1):
            torch.mul(dhs[t], ks[t], out=dpres[t])
            if keep is not None:
                dhs[t - 1].addcmul_(dhs[t], keep)
            dhs[t - 1].addmm_(dpres[t], w_hh)                 # dL/da⟨t−1⟩
        torch.mul(dhs[0], ks[0], out=dpres[0])
        dh0 = dpres[0] @ w_hh if keep is None else torch.addcmul(dpres[0] @ w_hh, dhs[0], keep)
        h_prev = torch.cat([h0[None], out[:-1]])              # a⟨t−1⟩ for every t, (L, N, H)
        hidden = out.shape[-1]
        dw = dalpha = None
        if ctx.needs_input_grad[2]:
            dw = dpre.reshape(-1, hidden).t() @ h_prev.reshape(-1, hidden)
        if alpha is not None and ctx.needs_input_grad[3]:
            dalpha = (dh_all * (v - h_prev)).sum((0, 1))
        return dpre, dh0, dw, dalpha, None


class _GRU(torch.autograd.Function):
    """torch's GRU over a whole sequence (equations in rnn/cells/gru.py, gate order r, z, n).

    gx (L, N, 3H) = W_ih x⟨t⟩ + b_ih; h0 (N, H); w_hh (3H, H); b_hh (3H,). Returns h⟨1..L⟩ (L, N, H).
    """

    @staticmethod
    def forward(ctx, gx: Tensor, h0: Tensor, w_hh: Tensor, b_hh: Tensor):
        hidden = gx.shape[-1] // 3
        # what the matmul adds to, for all steps: [gx_r + b_hr, gx_z + b_hz, b_hn]; after the
        # step it holds [r⟨t⟩, z⟨t⟩, W_hn h⟨t−1⟩ + b_hn] (r and z are squashed in place)
        gates = torch.cat([gx[..., :2 * hidden] + b_hh[:2 * hidden],
                           b_hh[2 * hidden:].expand_as(gx[..., 2 * hidden:])], dim=-1)
        cand = torch.empty_like(gx[..., 2 * hidden:])   # n⟨t⟩ (the seeds' c̃⟨t⟩), (L, N, H)
        out = torch.empty_like(cand)                    # h⟨t⟩
        w_t, h = w_hh.t(), h0
        # every per-step view made once, outside the loop: each view is a torch call
        steps = zip(*(t.unbind(0) for t in (gates, gates[..., :2 * hidden], gates[..., :hidden],
                                            gates[..., hidden:2 * hidden], gates[..., 2 * hidden:],
                                            gx[..., 2 * hidden:], cand, out)))
        for g_t, rz, r, z, gh_n, gx_n, n_t, out_t in steps:
            g_t.addmm_(h, w_t)                   # in place: addmm with out= would copy first
            rz.sigmoid_()
            torch.addcmul(gx_n, r, gh_n, out=n_t).tanh_()
            torch.lerp(n_t, h, z, out=out_t)     # n + z (h⟨t−1⟩ − n) = (1 − z) n + z h⟨t−1⟩
            h = out_t
        ctx.save_for_backward(h0, w_hh, gates, cand, out)
        return out

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_out: Tensor):
        h0, w_hh, gates, cand, out = ctx.saved_tensors
        length, n, hidden = out.shape
        r, z, gh_n = gates[..., :hidden], gates[..., hidden:2 * hidden], gates[..., 2 * hidden:]
        h_prev = torch.cat([h0[None], out[:-1]])      # h⟨t−1⟩ for every t, (L, N, H)
        # dL/d(pre-activation) per unit of dL/dh⟨t⟩, for every step at once: (L, N, 3, H)
        k = out.new_empty(length, n, 3, hidden)
        d_n = (1 - z) * (1 - cand * cand)             # n's pre-activation
        torch.mul(d_n, r, out=k[:, :, 2])             # W_hn h + b_hn (n reads it through r)
        torch.mul(k[:, :, 2], gh_n * (1 - r), out=k[:, :, 0])   # r's pre-activation
        torch.mul(h_prev - cand, z * (1 - z), out=k[:, :, 1])   # z's pre-activation
        dgh = torch.empty_like(k)                     # dL/d(W_hh h⟨t−1⟩ + b_hh), (L, N, 3, H)
        # dL/dh⟨t⟩: the direct part, then what the loop carries back
        dh_all = grad_out.clone(memory_format=torch.contiguous_format)
        dgh_flat = dgh.view(length, n, 3 * hidden)
        dhs, dhs_1, dghs, dgh_rows, ks, zs = (t.unbind(0) for t in (
            dh_all, dh_all[:, :, None], dgh, dgh_flat, k, z))
        for t in range(length - 1, 0, -1):
            torch.mul(ks[t], dhs_1[t], out=dghs[t])
            dhs[t - 1].addcmul_(dhs[t], zs[t]).addmm_(dgh_rows[t], w_hh)  # dL/dh⟨t−1⟩
        torch.mul(ks[0], dhs_1[0], out=dghs[0])
        dh0 = torch.addmm(dhs[0] * zs[0], dgh_rows[0], w_hh)
        dgh = dgh_flat
        dw = db = None
        if ctx.needs_input_grad[2]:
            dw = dgh.reshape(-1, 3 * hidden).t() @ h_prev.reshape(-1, hidden)
        if ctx.needs_input_grad[3]:
            db = dgh.sum((0, 1))
        # dL/dgx equals dL/dgh in r and z; n's input side skips r's product: reuse the buffer
        dgx = dgh
        torch.mul(dh_all, d_n, out=dgx[..., 2 * hidden:])
        return dgx, dh0, dw, db


def recurrence(gx: Tensor, h0: Tensor, w_hh: Tensor, alpha: Tensor | None = None,
               nonlinearity: str = "tanh") -> Tensor:
    """Vanilla RNN (alpha None) or leaky unit over a sequence; gx (L, N, H) includes both biases.

    Returns a⟨1..L⟩, (L, N, H). alpha: (H,) (or broadcastable), each in [0, 1].
    """
    return _Recurrence.apply(gx, h0, w_hh, alpha, nonlinearity == "relu")


def gru(gx: Tensor, h0: Tensor, w_hh: Tensor, b_hh: Tensor) -> Tensor:
    """torch.nn.GRU's recurrence over a sequence; gx (L, N, 3H) = W_ih x⟨t⟩ + b_ih. -> (L, N, H)."""
    return _GRU.apply(gx, h0, w_hh, b_hh)


def run(arch: str, seq: Tensor, weights: tuple, h0=None, *, alpha: Tensor | None = None,
        nonlinearity: str = "tanh", train: bool = False) -> Tensor:
    """One layer and direction of a recurrent layer over a whole sequence, fast: out (N, L, H).

    arch: "rnn" | "leaky" | "esn" | "gru" | "lstm"; seq (N, L, D), batch first;
    weights: (W_ih, W_hh, b_ih, b_hh) in torch.nn's layout; h0: (N, H), or (h0, c0) for the LSTM,
    None for zeros; alpha: the leaky unit's α (the share of the old state kept), (H,), else None;
    train: the LSTM kernel's training flag.
    """
    w_ih, w_hh, b_ih, b_hh = weights
    if h0 is None:
        h0 = seq.new_zeros(seq.shape[0], w_hh.shape[1])
    if arch == "lstm":
        h0, c0 = h0 if isinstance(h0, tuple) else (h0, torch.zeros_like(h0))
        return fused_lstm(seq, h0[None], c0[None], [w_ih, w_hh, b_ih, b_hh], train=train)
    if arch == "gru":
        gx = F.linear(seq, w_ih, b_ih).transpose(0, 1).contiguous()   # (L, N, 3H), all t at once
        return gru(gx, h0, w_hh, b_hh).transpose(0, 1)
    gx = F.linear(seq, w_ih, b_ih + b_hh).transpose(0, 1).contiguous()  # (L, N, H)
    # the kernel takes the share of NEW content, 1 − α
    return recurrence(gx, h0, w_hh, None if alpha is None else 1 - alpha,
                      nonlinearity).transpose(0, 1)
