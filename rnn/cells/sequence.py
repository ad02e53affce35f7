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
autograd), so these functions take ``gx`` (L, N, G*H), time-major. Outputs and gradients equal the
explainable cells' (rnn/cells/*.py) within float error; tests/test_cells_sequence.py checks
them with torch.autograd.gradcheck and against torch.nn. Not twice differentiable (no
double backward); the trace mode (``RecurrentLayer.trace``) is, and gradient-flow measurements use it.
"""
from __future__ import annotations

import torch
from torch import Tensor
from torch.autograd.function import once_differentiable


class _Recurrence(torch.autograd.Function):
    """a⟨t⟩ = (1 − α) ⊙ a⟨t−1⟩ + α ⊙ φ(gx⟨t⟩ + W_aa a⟨t−1⟩): the vanilla RNN (α None) or leaky unit.

    gx (L, N, H) already holds W_ax x⟨t⟩ + b_ax + b_aa; h0 (N, H); w_hh (H, H); alpha (H,) or None.
    Returns a⟨1..L⟩ as (L, N, H).
    """

    @staticmethod
    def forward(ctx, gx: Tensor, h0: Tensor, w_hh: Tensor, alpha, relu: bool):
        out = torch.empty_like(gx)                          # a⟨t⟩, (L, N, H)
        v = out if alpha is None else torch.empty_like(gx)  # φ(pre⟨t⟩), the new content
        w_t, h = w_hh.t(), h0
        # unbind once: indexing a tensor inside the loop costs a torch call per step
        for gx_t, v_t, out_t in zip(gx.unbind(0), v.unbind(0), out.unbind(0)):
            torch.addmm(gx_t, h, w_t, out=v_t)              # pre⟨t⟩ = gx⟨t⟩ + a⟨t−1⟩ W_aaᵀ
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
        dh_all = torch.empty_like(out)                        # dL/da⟨t⟩, total
        dpre = torch.empty_like(out)                          # dL/dpre⟨t⟩
        dh_all[-1] = grad_out[-1]
        grads, dhs, dpres, ks = (t.unbind(0) for t in (grad_out, dh_all, dpre, k))
        for t in range(length - 1, 0, -1):
            torch.mul(dhs[t], ks[t], out=dpres[t])
            carry = grads[t - 1] if keep is None else torch.addcmul(grads[t - 1], dhs[t], keep)
            torch.addmm(carry, dpres[t], w_hh, out=dhs[t - 1])  # dL/da⟨t−1⟩
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
        steps = zip(gates.unbind(0), gx[..., 2 * hidden:].unbind(0), cand.unbind(0), out.unbind(0))
        for g_t, gx_n, n_t, out_t in steps:
            torch.addmm(g_t, h, w_t, out=g_t)
            rz = g_t[:, :2 * hidden].sigmoid_()
            torch.addcmul(gx_n, rz[:, :hidden], g_t[:, 2 * hidden:], out=n_t).tanh_()
            torch.lerp(n_t, h, rz[:, hidden:], out=out_t)  # n + z (h⟨t−1⟩ − n) = (1 − z) n + z h⟨t−1⟩
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
        # dL/d(pre-activation) per unit of dL/dh⟨t⟩, for every step at once
        d_n = (1 - z) * (1 - cand * cand)             # n's pre-activation
        k = torch.stack([d_n * gh_n * r * (1 - r),    # r's pre-activation
                         (h_prev - cand) * z * (1 - z),  # z's pre-activation
                         d_n * r], dim=2)             # W_hn h + b_hn: (L, N, 3, H)
        dgh = torch.empty_like(k)                     # dL/d(W_hh h⟨t−1⟩ + b_hh), (L, N, 3, H)
        dh_all = torch.empty_like(out)                # dL/dh⟨t⟩, total
        dh_all[-1] = grad_out[-1]
        grads, dhs, dghs, ks, zs = (t.unbind(0) for t in (grad_out, dh_all, dgh, k, z))
        for t in range(length - 1, 0, -1):
            torch.mul(ks[t], dhs[t][:, None], out=dghs[t])
            torch.addmm(torch.addcmul(grads[t - 1], dhs[t], zs[t]), dghs[t].view(n, 3 * hidden),
                        w_hh, out=dhs[t - 1])         # dL/dh⟨t−1⟩
        torch.mul(ks[0], dhs[0][:, None], out=dghs[0])
        dh0 = torch.addmm(dhs[0] * zs[0], dghs[0].view(n, 3 * hidden), w_hh)
        dgh = dgh.view(length, n, 3 * hidden)
        dgx = dgh.clone()
        torch.mul(dh_all, d_n, out=dgx[..., 2 * hidden:])  # the input side of n skips r's product
        dw = db = None
        if ctx.needs_input_grad[2]:
            dw = dgh.reshape(-1, 3 * hidden).t() @ h_prev.reshape(-1, hidden)
        if ctx.needs_input_grad[3]:
            db = dgh.sum((0, 1))
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
