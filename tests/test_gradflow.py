"""Gradient-flow numbers against a hand-built unrolled RNN and a hand-written chain rule."""
import numpy as np
import pytest
import torch

from rnn.gradflow import (hidden_grad_norms, operator_norm, param_grad_norms, recurrent_block,
                          spectrum, total_grad_norm)
from rnn.layer import RecurrentLayer


def _tiny_rnn(seed=0, d=2, h=3):
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(h, h, generator=g), torch.randn(h, d, generator=g),
            torch.randn(h, generator=g))


def test_hidden_grad_norms_equal_hand_unrolled_autograd():
    W, U, b = _tiny_rnn()
    x = torch.randn(2, 6, 2, generator=torch.Generator().manual_seed(1))
    # reference: the recurrence unrolled by hand, differentiated by autograd directly
    h, hs = torch.zeros(2, 3, requires_grad=True), []
    for t in range(6):
        h = torch.tanh(h @ W.T + x[:, t] @ U.T + b)
        hs.append(h)
    ref_loss = (hs[-1] ** 2).sum() + hs[2].sum()
    ref = [float(g.norm()) for g in torch.autograd.grad(ref_loss, hs)]
    # the same network in RecurrentLayer, traced
    layer = RecurrentLayer("rnn", 2, 3)
    with torch.no_grad():
        layer.fused.weight_hh_l0.copy_(W), layer.fused.weight_ih_l0.copy_(U)
        layer.fused.bias_ih_l0.copy_(b), layer.fused.bias_hh_l0.zero_()
    tr = layer.trace(x)
    loss = (tr.output[:, -1] ** 2).sum() + tr.output[:, 2].sum()
    norms = hidden_grad_norms(tr, loss)
    assert len(norms) == 1 and len(norms[0]) == 1 and norms[0][0].shape == (6,)
    np.testing.assert_allclose(norms[0][0], ref, rtol=1e-5, atol=1e-6)
    # and against the chain rule written out: dL/dh_{t-1} = W^T (phi'(.) * dL/dh_t) + direct
    hs = [h.detach() for h in hs]
    grad = 2 * hs[-1]
    manual = [float(grad.norm())]
    for t in range(5, 0, -1):
        grad = (grad * (1 - hs[t] ** 2)) @ W
        if t - 1 == 2:
            grad = grad + 1
        manual.append(float(grad.norm()))
    np.testing.assert_allclose(norms[0][0], manual[::-1], rtol=1e-5)
    loss.backward()  # retain_graph: the pass can still train
    assert layer.fused.weight_hh_l0.grad is not None


def test_bidirectional_stack_norms_per_layer_and_direction():
    torch.manual_seed(0)
    layer = RecurrentLayer("lstm", 3, 4, num_layers=2, bidirectional=True)
    x = torch.randn(2, 5, 3)
    tr = layer.trace(x)
    loss = tr.output[:, 0].sum()  # only step 0 of the output is used
    norms = hidden_grad_norms(tr, loss)
    assert [len(n) for n in norms] == [2, 2]
    top_fwd, top_bwd = norms[1]
    # top layer, forward direction: only h_0 feeds the loss; backward: every step feeds h_0
    assert top_fwd[0] > 0 and np.all(top_fwd[1:] == 0)
    assert np.all(top_bwd > 0)
    # compare one entry with a direct autograd call
    direct = torch.autograd.grad(loss, tr.hidden[0][1][3], retain_graph=True)[0]
    assert norms[0][1][3] == pytest.approx(float(direct.norm()), rel=1e-6)


def test_param_grad_norms_and_total():
    torch.manual_seed(0)
    layer = RecurrentLayer("gru", 3, 4)
    assert param_grad_norms(layer) == {} and total_grad_norm(layer) == 0.0
    layer(torch.randn(2, 5, 3))[0].sum().backward()
    norms = param_grad_norms(layer)
    assert set(norms) == {n for n, _ in layer.named_parameters()}
    assert norms["fused.weight_hh_l0"] == pytest.approx(float(layer.fused.weight_hh_l0.grad.norm()))
    expected = torch.nn.utils.clip_grad_norm_(layer.parameters(), float("inf"))
    assert total_grad_norm(layer) == pytest.approx(float(expected), rel=1e-5)


def test_spectrum_of_known_matrices():
    rot = torch.tensor([[0.0, -2.0], [2.0, 0.0]])  # eigenvalues +-2i
    eig, radius = spectrum(rot)
    assert eig.dtype == np.complex128
    np.testing.assert_allclose(sorted(eig.imag), [-2, 2], atol=1e-12)
    assert radius == pytest.approx(2.0)
    assert operator_norm(torch.diag(torch.tensor([0.5, -3.0]))) == pytest.approx(3.0)
    # gated: the candidate block (index 2) is the one taken
    h = 3
    gru_w = torch.zeros(3 * h, h)
    gru_w[2 * h:] = torch.eye(h) * 0.7
    assert spectrum(gru_w)[1] == pytest.approx(0.7)
    lstm_w = torch.randn(4 * h, h)
    assert torch.equal(recurrent_block(lstm_w), lstm_w[2 * h:3 * h])
    with pytest.raises(ValueError):
        spectrum(torch.zeros(2 * h, h))


def test_leaky_unit_norms_follow_its_chain_rule():
    """dL/da⟨t−1⟩ = α dL/da⟨t⟩ + W_aaᵀ ((1 − α) ⊙ tanh' ⊙ dL/da⟨t⟩) for the leaky unit (α the share
    of the old state kept, as in the course notes)."""
    torch.manual_seed(2)
    layer = RecurrentLayer("leaky", 3, 4, leak=0.3)
    tr = layer.trace(torch.randn(2, 6, 3))
    loss = tr.output[:, -1].square().sum()
    norms = hidden_grad_norms(tr, loss)[0][0]
    hs, v = [h.detach() for h in tr.hidden[0][0]], tr.steps[0][0]["v"].detach()
    W = layer.w_hh().detach()
    grad, manual = 2 * hs[-1], []
    for t in range(5, -1, -1):
        manual.append(float(grad.norm()))
        grad = 0.3 * grad + (0.7 * (1 - v[:, t] ** 2) * grad) @ W
    np.testing.assert_allclose(norms, manual[::-1], rtol=1e-5)
    assert norms[0] > 0


def test_accuracy_sweep_runs_every_cell_and_length_once():
    """The sweep both lab pages show (Gradient flow, Memory and gates): every cell at every T,
    through the given (cached) cell function, with a progress call before each training."""
    from rnn.lessons import gradflow_lab as lab
    calls, progress = [], []
    out = lab.accuracy_sweep(lab.LabSettings(), cell=lambda s, a, t: calls.append((a, t)) or t / 100,
                             on_cell=lambda i, n, a, t: progress.append((i, n)))
    assert calls == [(a, t) for a in lab.ARCHS for t in lab.TS]
    assert progress[0] == (0, len(calls)) and len(progress) == len(calls)
    assert out[lab.LABELS["gru"]][50] == 0.5
