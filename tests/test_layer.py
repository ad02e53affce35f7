"""RecurrentLayer: the trace (our cells) equals the fused torch kernels, padding handled right."""

import pytest
import torch

from rnn.cells import GRUCell, LSTMCell, RNNCell
from rnn.layer import RecurrentLayer, Trace

TOL = 1e-5
ARCHS = ["rnn", "gru", "lstm"]


def _states(final):
    return final if isinstance(final, tuple) else (final,)


def _close(a, b):
    for x, y in zip(_states(a), _states(b), strict=True):
        torch.testing.assert_close(x, y, atol=TOL, rtol=0)


@pytest.mark.parametrize("arch", ARCHS)
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("num_layers", [1, 2, 3])
def test_trace_equals_fused(arch, bidirectional, num_layers):
    torch.manual_seed(num_layers)
    layer = RecurrentLayer(arch, 5, 8, num_layers, bidirectional, dropout=0.3).eval()
    x = torch.randn(4, 7, 5)
    out, final = layer(x)
    tr = layer.trace(x)
    assert isinstance(tr, Trace)
    assert out.shape == tr.output.shape == (4, 7, layer.output_size)
    _close(out, tr.output)
    _close(final, tr.final)
    assert len(tr.steps) == len(tr.hidden) == num_layers
    names = {"rnn": {"h"}, "gru": {"h", "r", "z", "n"}, "lstm": {"h", "c", "i", "f", "g", "o"}}
    for layer_steps, layer_hidden in zip(tr.steps, tr.hidden):
        assert len(layer_steps) == len(layer_hidden) == (2 if bidirectional else 1)
        for d, (st, hs) in enumerate(zip(layer_steps, layer_hidden)):
            assert set(st) == names[arch]
            assert all(v.shape == (4, 7, 8) for v in st.values())
            assert len(hs) == 7
            torch.testing.assert_close(torch.stack(hs, 1), st["h"])
    # the last layer's steps ARE the output, [forward, backward]
    _close(out, torch.cat([s["h"] for s in tr.steps[-1]], -1))


@pytest.mark.parametrize("arch", ARCHS)
@pytest.mark.parametrize("bidirectional", [False, True])
def test_padded_batch_equals_each_sequence_alone(arch, bidirectional):
    torch.manual_seed(1)
    layer = RecurrentLayer(arch, 3, 6, 2, bidirectional).eval()
    lengths = torch.tensor([5, 2, 7, 1])
    x = torch.randn(4, 7, 3)
    x[torch.arange(7)[None, :] >= lengths[:, None]] = 99.0  # loud padding: must never leak
    out, final = layer(x, lengths)
    tr = layer.trace(x, lengths)
    _close(out, tr.output)
    _close(final, tr.final)
    for i, n in enumerate(lengths.tolist()):
        alone, alone_final = layer(x[i:i + 1, :n])
        _close(out[i:i + 1, :n], alone)
        _close(tr.output[i:i + 1, :n], alone)
        _close(tuple(s[:, i:i + 1] for s in _states(final)), alone_final)
        assert torch.all(out[i, n:] == 0) and torch.all(tr.output[i, n:] == 0)
        for st in tr.steps[0]:
            assert all(torch.all(v[i, n:] == 0) for v in st.values())


@pytest.mark.parametrize("arch,nonlinearity", [("rnn", "tanh"), ("rnn", "relu"), ("gru", "tanh"),
                                               ("lstm", "tanh")])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("num_layers", [1, 2])
def test_padded_forward_equals_packed_forward(arch, nonlinearity, bidirectional, num_layers):
    """The unpacked fast path: same outputs, h_n and gradients (inputs and weights) as packing."""
    torch.manual_seed(num_layers)
    layer = RecurrentLayer(arch, 3, 6, num_layers, bidirectional, dropout=0.3,
                           nonlinearity=nonlinearity).eval()
    lengths = torch.tensor([5, 2, 7, 1])
    x = torch.randn(4, 7, 3)
    x[torch.arange(7)[None, :] >= lengths[:, None]] = 99.0  # loud padding: must never leak
    x.requires_grad_(True)
    out, final = layer(x, lengths)
    h_n = _states(final)[0]
    fast_out, fast_h_n = layer.padded_forward(x, lengths)
    _close(fast_out, out)
    _close(fast_h_n, h_n)
    g_out, g_h = torch.randn_like(out), torch.randn_like(h_n)
    wrt = [x, *layer.parameters()]
    slow = torch.autograd.grad((out * g_out).sum() + (h_n * g_h).sum(), wrt)
    fast = torch.autograd.grad((fast_out * g_out).sum() + (fast_h_n * g_h).sum(), wrt)
    for a, b in zip(fast, slow, strict=True):
        torch.testing.assert_close(a, b, atol=1e-5, rtol=0)


@pytest.mark.parametrize("arch", ARCHS)
def test_initial_state_and_gradients_reach_fused_weights(arch):
    torch.manual_seed(2)
    layer = RecurrentLayer(arch, 3, 4, 2, True).eval()
    x, lengths = torch.randn(3, 5, 3), torch.tensor([5, 3, 2])
    h0 = torch.randn(4, 3, 4)
    state = (h0, torch.randn(4, 3, 4)) if arch == "lstm" else h0
    out, final = layer(x, lengths, state)
    tr = layer.trace(x, lengths, state)
    _close(out, tr.output)
    _close(final, tr.final)
    grads = []
    for o in (out, tr.output):
        layer.zero_grad()
        (o ** 2).sum().backward()
        grads.append([p.grad.clone() for p in layer.parameters()])
    for a, b in zip(*grads):
        torch.testing.assert_close(a, b, atol=1e-4, rtol=1e-4)


def test_dropout_only_between_layers_and_off_in_eval():
    torch.manual_seed(0)
    x = torch.randn(2, 6, 4)
    one = RecurrentLayer("gru", 4, 8, 1, dropout=0.9).train()
    assert one.fused.dropout == 0.0  # one layer: nothing to drop between
    torch.testing.assert_close(one(x)[0], one(x)[0])
    two = RecurrentLayer("gru", 4, 8, 2, dropout=0.9)
    assert two.fused.dropout == 0.9
    two.train()
    assert not torch.allclose(two(x)[0], two(x)[0])  # training: random masks between layers
    t1, t2 = two.trace(x), two.trace(x)
    # the first layer's steps see no dropout; the second layer's input does
    torch.testing.assert_close(t1.steps[0][0]["h"], t2.steps[0][0]["h"])
    assert not torch.allclose(t1.output, t2.output)
    two.eval()
    _close(two(x)[0], two(x)[0])
    _close(two(x)[0], two.trace(x).output)


@pytest.mark.parametrize("arch,cls", [("rnn", RNNCell), ("gru", GRUCell), ("lstm", LSTMCell)])
def test_cell_copies_and_w_hh(arch, cls):
    layer = RecurrentLayer(arch, 3, 5, 2, True, nonlinearity="tanh")
    cell = layer.cell(1, 1)
    assert isinstance(cell, cls) and cell.weight_ih.shape[1] == 10
    assert torch.equal(cell.weight_hh, layer.fused.weight_hh_l1_reverse)
    assert cell.weight_hh.data_ptr() != layer.fused.weight_hh_l1_reverse.data_ptr()
    assert layer.w_hh(0, 0) is layer.fused.weight_hh_l0
    assert layer.w_hh().shape == (layer.num_gates * 5, 5)
    x = torch.randn(2, 4, 3)
    h = layer.cell(0, 0)(x[:, 0])
    _close(_states(h)[0], layer.trace(x).steps[0][0]["h"][:, 0])


def test_relu_and_bad_arguments():
    layer = RecurrentLayer("rnn", 3, 4, nonlinearity="relu").eval()
    x = torch.randn(2, 5, 3)
    _close(layer(x)[0], layer.trace(x).output)
    assert (layer.trace(x).output >= 0).all()
    with pytest.raises(ValueError, match="arch"):
        RecurrentLayer("transformer", 3, 4)
    with pytest.raises(ValueError, match="lengths"):
        layer.trace(x, torch.tensor([0, 5]))


def test_trace_at_the_inspect_tabs_largest_size_equals_the_fused_path():
    """A ~40-token sentence at hidden 256, two bidirectional layers (its speed: bench/trace.py)."""
    torch.manual_seed(0)
    layer = RecurrentLayer("lstm", 64, 256, 2, True).eval()
    x = torch.randn(1, 40, 64)
    with torch.no_grad():
        assert torch.allclose(layer.trace(x).output, layer(x)[0], atol=1e-5)


@pytest.mark.parametrize("arch", ["leaky", "esn", "gru"])
def test_from_config_builds_the_layer_the_config_describes(arch):
    """Every field a task model's config holds for its layer reaches it: the same weights, seeded,
    as the constructor spelled out, and the one override (a model that must not see the future)."""
    from rnn.models.config import ModelConfig

    config = ModelConfig(arch=arch, hidden=6, layers=2, bidirectional=True, dropout=0.25,
                         nonlinearity="relu", leak=0.3, learn_leak=arch == "leaky",
                         spectral_radius=1.4)
    torch.manual_seed(0)
    built = RecurrentLayer.from_config(config, 5)
    torch.manual_seed(0)
    spelled = RecurrentLayer(arch, 5, 6, num_layers=2, bidirectional=True, dropout=0.25,
                             nonlinearity="relu", leak=0.3, learn_leak=arch == "leaky",
                             spectral_radius=1.4)
    assert built.state_dict().keys() == spelled.state_dict().keys()
    assert all(torch.equal(v, spelled.state_dict()[k]) for k, v in built.state_dict().items())
    assert (built.num_layers, built.num_directions, built.dropout, built.nonlinearity) == (
        2, 2, 0.25, "relu")
    if arch == "leaky":   # α learned per unit, starting at the config's leak
        torch.testing.assert_close(built.alpha(1, 1), torch.full((6,), 0.3))
        assert "alpha_logit_l1_reverse" in dict(built.named_parameters())
    if arch == "esn":     # W_aa scaled to the config's ρ
        radius = torch.linalg.eigvals(built.w_hh(1, 1).double()).abs().max()
        assert abs(float(radius) - 1.4) < 1e-6
    one_way = RecurrentLayer.from_config(config, 5, bidirectional=False)
    assert one_way.num_directions == 1 and one_way.output_size == 6


def test_weights_are_named_as_torch_names_them():
    layer = RecurrentLayer("lstm", 3, 4, 2, True)
    w_ih, w_hh, b_ih, b_hh = layer.weights(1, 1)
    assert w_ih is layer.fused.weight_ih_l1_reverse and b_hh is layer.fused.bias_hh_l1_reverse
    assert layer.weights(0, 0)[1] is layer.fused.weight_hh_l0
