"""Our cells against torch.nn's: same weights in, same outputs and gradients out."""
import pytest
import torch

from rnn.cells import GRUCell, LSTMCell, RNNCell

TOL = 1e-5
SIZES = [(1, 1, 1), (3, 5, 4), (7, 16, 32)]  # (batch, input, hidden)


def _pair(kind, d, h, bias, nonlinearity="tanh"):
    """(ours, torch's) with torch's weights copied into ours."""
    if kind == "rnn":
        ours = RNNCell(d, h, bias=bias, nonlinearity=nonlinearity)
        ref = torch.nn.RNNCell(d, h, bias=bias, nonlinearity=nonlinearity)
    elif kind == "gru":
        ours, ref = GRUCell(d, h, bias=bias), torch.nn.GRUCell(d, h, bias=bias)
    else:
        ours, ref = LSTMCell(d, h, bias=bias), torch.nn.LSTMCell(d, h, bias=bias)
    ours.load_state_dict(ref.state_dict())
    return ours, ref


def _state(kind, n, h):
    s = torch.randn(n, h)
    return (s, torch.randn(n, h)) if kind == "lstm" else s


def _flat(out):
    return out if isinstance(out, tuple) else (out,)


def _clone_req(state):
    return tuple(s.clone().requires_grad_() for s in _flat(state))


CASES = [("rnn", "tanh"), ("rnn", "relu"), ("gru", None), ("lstm", None)]


@pytest.mark.parametrize("kind,nl", CASES)
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("n,d,h", SIZES)
def test_outputs_and_gradients_match_torch(kind, nl, bias, n, d, h):
    torch.manual_seed(n * 100 + d + h)
    ours, ref = _pair(kind, d, h, bias, nl or "tanh")
    x, state = torch.randn(n, d), _state(kind, n, h)
    results = []
    for cell in (ours, ref):
        xi, si = x.clone().requires_grad_(), _clone_req(state)
        out = _flat(cell(xi, si if kind == "lstm" else si[0]))
        # a random projection of every output, so each element's gradient is exercised
        loss = sum((o * torch.randn_like(o, generator=torch.Generator().manual_seed(7))).sum()
                   for o in out)
        loss.backward()
        grads = [xi.grad, *[s.grad for s in si], *[p.grad for p in cell.parameters()]]
        results.append((out, grads))
    (o1, g1), (o2, g2) = results
    for a, b in zip(o1, o2):
        torch.testing.assert_close(a, b, atol=TOL, rtol=0)
    assert len(g1) == len(g2) == 1 + len(_flat(state)) + (4 if bias else 2)
    for a, b in zip(g1, g2):
        torch.testing.assert_close(a, b, atol=TOL, rtol=0)


@pytest.mark.parametrize("kind", ["rnn", "gru", "lstm"])
def test_default_state_is_zero_and_unbatched_input(kind):
    ours, ref = _pair(kind, 4, 6, True)
    x = torch.randn(4)
    for a, b in zip(_flat(ours(x)), _flat(ref(x))):
        assert a.shape == (6,)
        torch.testing.assert_close(a, b, atol=TOL, rtol=0)
    xb = torch.randn(3, 4)
    for a, b in zip(_flat(ours(xb)), _flat(ref(xb))):
        torch.testing.assert_close(a, b, atol=TOL, rtol=0)


@pytest.mark.parametrize("kind", ["rnn", "gru", "lstm"])
def test_state_dict_loads_both_ways_and_init_matches(kind):
    cls = {"rnn": (RNNCell, torch.nn.RNNCell), "gru": (GRUCell, torch.nn.GRUCell),
           "lstm": (LSTMCell, torch.nn.LSTMCell)}[kind]
    torch.manual_seed(3)
    ours = cls[0](5, 8)
    torch.manual_seed(3)
    ref = cls[1](5, 8)
    # same seed, same draws in the same order: identical initial weights
    for k, v in ref.state_dict().items():
        assert torch.equal(ours.state_dict()[k], v), k
    bound = 1 / 8 ** 0.5
    assert all(p.abs().max() <= bound for p in ours.parameters())
    fresh_ref = cls[1](5, 8)
    fresh_ref.load_state_dict(ours.state_dict())  # ours -> torch, strict
    fresh_ours = cls[0](5, 8, bias=False)
    assert set(fresh_ours.state_dict()) == {"weight_ih", "weight_hh"}
    assert fresh_ours.bias_ih is None


def test_gates_are_what_the_equations_say():
    torch.manual_seed(0)
    gru, lstm, rnn = GRUCell(3, 4), LSTMCell(3, 4), RNNCell(3, 4)
    x, h, c = torch.randn(2, 3), torch.randn(2, 4), torch.randn(2, 4)
    h1, g = gru.forward_with_gates(x, h)
    assert set(g) == {"r", "z", "n"}
    torch.testing.assert_close(h1, (1 - g["z"]) * g["n"] + g["z"] * h)
    assert all(((v > 0) & (v < 1)).all() for k, v in g.items() if k in "rz")
    (h2, c2), g = lstm.forward_with_gates(x, (h, c))
    assert set(g) == {"i", "f", "g", "o", "c"}
    torch.testing.assert_close(c2, g["f"] * c + g["i"] * g["g"])
    torch.testing.assert_close(h2, g["o"] * torch.tanh(c2))
    h3, g = rnn.forward_with_gates(x, h)
    assert set(g) == {"h"} and torch.equal(g["h"], h3)


def test_bad_nonlinearity_is_refused():
    with pytest.raises(ValueError, match="nonlinearity"):
        RNNCell(2, 2, nonlinearity="sigmoid")
