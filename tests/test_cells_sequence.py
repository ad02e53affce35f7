"""The training fast path (rnn/cells/sequence.py) against autograd and torch.nn.

The hand-written backward through time is checked three ways: numerically (gradcheck, in float64),
against torch.nn.RNN/GRU run on the same weights (outputs and every gradient within 1e-5), and
against the explainable cells' trace (tests/test_layer.py and tests/test_cells_leaky.py).
"""
import pytest
import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from rnn.cells.sequence import gru, recurrence
from rnn.layer import SHORT, RecurrentLayer

TOL = 1e-5


def _double(*shape, scale=1.0):
    return (torch.randn(*shape, dtype=torch.float64) * scale).requires_grad_()


@pytest.mark.parametrize("length", [1, 2, 6])
@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_vanilla_recurrence_gradcheck(length, nonlinearity):
    torch.manual_seed(length)
    gx, h0, w = _double(length, 3, 4), _double(3, 4), _double(4, 4, scale=0.5)
    assert torch.autograd.gradcheck(lambda a, b, c: recurrence(a, b, c, None, nonlinearity),
                                    (gx, h0, w))


@pytest.mark.parametrize("length", [1, 2, 6])
def test_leaky_recurrence_gradcheck(length):
    torch.manual_seed(length)
    gx, h0, w = _double(length, 3, 4), _double(3, 4), _double(4, 4, scale=0.5)
    alpha = torch.rand(4, dtype=torch.float64).requires_grad_()
    assert torch.autograd.gradcheck(recurrence, (gx, h0, w, alpha))


@pytest.mark.parametrize("length", [1, 2, 6])
def test_gru_gradcheck(length):
    torch.manual_seed(length)
    gx, h0 = _double(length, 3, 12), _double(3, 4)
    w, b = _double(12, 4, scale=0.5), _double(12)
    assert torch.autograd.gradcheck(gru, (gx, h0, w, b))


def test_frozen_weights_get_no_gradient_work():
    """With W_aa frozen (an echo state network) the function still returns input gradients."""
    gx, h0 = _double(5, 2, 3), torch.zeros(2, 3, dtype=torch.float64)
    w = torch.randn(3, 3, dtype=torch.float64)            # requires_grad False
    recurrence(gx, h0, w).sum().backward()
    assert gx.grad is not None and w.grad is None


def _torch_reference(layer: RecurrentLayer, x, lengths, state):
    """torch.nn's module holding the layer's weights, run the standard way (packed if lengths)."""
    if lengths is None:
        return layer.fused(x, state)
    packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
    out, final = layer.fused(packed, state)
    return pad_packed_sequence(out, batch_first=True, total_length=x.shape[1])[0], final


def _grads(layer, x, state, out, final):
    weights = torch.randn(out.shape, generator=torch.Generator().manual_seed(3))
    loss = (out * weights).sum() + final.square().sum()
    inputs = [x, *([state] if state is not None else []), *layer.fused.parameters()]
    return torch.autograd.grad(loss, inputs)


@pytest.mark.parametrize("arch,nonlinearity", [("rnn", "tanh"), ("rnn", "relu"), ("gru", "tanh")])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("num_layers", [1, 2])
@pytest.mark.parametrize("padded", [False, True])
def test_fast_path_equals_torch_nn(arch, nonlinearity, bidirectional, num_layers, padded):
    """Our forward (the fast path) vs torch.nn.RNN/GRU on the same weights: outputs, final
    states and the gradients of x, h_0 and every weight."""
    torch.manual_seed(num_layers + 10 * bidirectional)
    layer = RecurrentLayer(arch, 5, 8, num_layers, bidirectional, nonlinearity=nonlinearity).eval()
    x = torch.randn(4, SHORT + 2, 5, requires_grad=True)    # long enough for the fast path
    lengths = torch.tensor([SHORT - 1, 2, SHORT + 2, 1]) if padded else None
    state = torch.randn(num_layers * (2 if bidirectional else 1), 4, 8, requires_grad=True)
    ours = layer(x, lengths, state)
    ref = _torch_reference(layer, x, lengths, state)
    for a, b in zip(ours, ref, strict=True):
        torch.testing.assert_close(a, b, atol=TOL, rtol=0)
    for a, b in zip(_grads(layer, x, state, *ours), _grads(layer, x, state, *ref), strict=True):
        torch.testing.assert_close(a, b, atol=TOL, rtol=0)


@pytest.mark.parametrize("arch", ["rnn", "gru"])
def test_padded_forward_equals_torch_nn_and_ignores_padding(arch):
    torch.manual_seed(4)
    layer = RecurrentLayer(arch, 3, 6, 2, bidirectional=True).eval()
    lengths = torch.tensor([6, 3, 1])
    x = torch.randn(3, 6, 3)
    x[torch.arange(6)[None, :] >= lengths[:, None]] = 99.0   # loud padding: must never leak
    x.requires_grad_()
    out, h_n = layer.padded_forward(x, lengths)
    ref_out, ref_h = _torch_reference(layer, x, lengths, None)
    torch.testing.assert_close(out, ref_out, atol=TOL, rtol=0)
    torch.testing.assert_close(h_n, ref_h, atol=TOL, rtol=0)
    out.sum().backward()
    assert float(x.grad[torch.arange(6)[None, :] >= lengths[:, None]].abs().max()) == 0.0


@pytest.mark.parametrize("arch", ["rnn", "gru", "esn"])
def test_short_batches_run_on_torch_nn_with_the_same_result(arch):
    """A decoder feeding one step at a time runs on torch.nn's module (cheaper per call); the
    fast path gives the same outputs there."""
    torch.manual_seed(5)
    layer = RecurrentLayer(arch, 3, 6, 2).eval()
    x, state = torch.randn(2, 1, 3), torch.randn(2, 2, 6)
    short = layer(x, state=state)
    _close_pair(short, layer.fused(x, state))
    _close_pair(short, layer._unpacked(x, None, state))


def _close_pair(a, b):
    for x, y in zip(a, b, strict=True):
        torch.testing.assert_close(x, y, atol=TOL, rtol=0)
