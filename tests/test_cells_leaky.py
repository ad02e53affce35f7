"""The leaky unit and the echo state network: equations, trace vs fast path, frozen weights, configs."""
import pytest
import torch

from rnn.cells import LeakyRNNCell, RNNCell
from rnn.experiment import Experiment
from rnn.layer import _CELLS, SHORT, RecurrentLayer
from rnn.models.config import ARCHS, ModelConfig
from rnn.train.trainer import TrainConfig

TOL = 1e-5


def _close(a, b):
    a, b = (a if isinstance(a, tuple) else (a,)), (b if isinstance(b, tuple) else (b,))
    for x, y in zip(a, b, strict=True):
        torch.testing.assert_close(x, y, atol=TOL, rtol=0)


# ---- the cell -----------------------------------------------------------------------------
@pytest.mark.parametrize("learn", [False, True])
def test_leaky_cell_computes_its_equation(learn):
    torch.manual_seed(0)
    cell = LeakyRNNCell(3, 5, alpha=0.3, learn_alpha=learn)
    vanilla = RNNCell(3, 5)
    vanilla.load_state_dict({k: v for k, v in cell.state_dict().items() if "alpha" not in k})
    x, h = torch.randn(4, 3), torch.randn(4, 5)
    new, gates = cell.forward_with_gates(x, h)
    v = vanilla(x, h)                                       # tanh(W_aa a + W_ax x + b)
    torch.testing.assert_close(new, 0.3 * h + 0.7 * v)          # α = 0.3 of the OLD state kept
    torch.testing.assert_close(gates["v"], v)
    torch.testing.assert_close(gates["alpha"], torch.full((4, 5), 0.3))
    assert cell(x[0], h[0]).shape == (5,)                   # unbatched, like torch's cells


def test_leaky_cell_with_alpha_zero_is_the_vanilla_rnn_outputs_and_gradients():
    torch.manual_seed(1)
    leaky, vanilla = LeakyRNNCell(4, 6, alpha=0.0), RNNCell(4, 6)
    vanilla.load_state_dict({k: v for k, v in leaky.state_dict().items() if k != "alpha"})
    x, h = torch.randn(3, 4), torch.randn(3, 6)
    outs, grads = [], []
    for cell in (leaky, vanilla):
        xi, hi = x.clone().requires_grad_(), h.clone().requires_grad_()
        out = cell(xi, hi)
        out.pow(3).sum().backward()
        outs.append(out)
        grads.append([xi.grad, hi.grad, *[p.grad for p in cell.parameters()]])
    _close(outs[0], outs[1])
    for a, b in zip(*grads, strict=True):
        _close(a, b)


def test_learned_alpha_stays_in_unit_interval_and_gets_a_gradient():
    cell = LeakyRNNCell(2, 3, alpha=0.9, learn_alpha=True)
    assert "alpha_logit" in dict(cell.named_parameters())
    torch.testing.assert_close(cell.get_alpha(), torch.full((3,), 0.9))
    cell(torch.randn(5, 2), torch.randn(5, 3)).sum().backward()
    assert cell.alpha_logit.grad is not None and cell.alpha_logit.grad.abs().sum() > 0
    with torch.no_grad():
        cell.alpha_logit.fill_(50.0)
    assert float(cell.get_alpha().detach().max()) <= 1.0


@pytest.mark.parametrize("bad", [1.0, -0.5, 1.5, float("nan")])
def test_bad_alpha_is_refused_with_a_message(bad):
    with pytest.raises(ValueError, match="α"):
        LeakyRNNCell(2, 3, alpha=bad)
    with pytest.raises(ValueError, match="leak"):
        ModelConfig(arch="leaky", leak=bad)


# ---- the layer: trace (explainable cells) vs forward (fast path) ---------------------------
@pytest.mark.parametrize("learn", [False, True])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("num_layers", [1, 2])
@pytest.mark.parametrize("padded", [False, True])
def test_leaky_trace_equals_fast_path_outputs_and_gradients(learn, bidirectional, num_layers, padded):
    torch.manual_seed(num_layers)
    layer = RecurrentLayer("leaky", 5, 8, num_layers, bidirectional, leak=0.4,
                           learn_leak=learn).eval()
    with torch.no_grad():   # different α per layer, direction and unit
        for name, buf in [*layer.named_buffers(), *layer.named_parameters()]:
            if "alpha" in name:
                buf.copy_(torch.rand_like(buf) * (4 if learn else 0.9) + (-2 if learn else 0.05))
    lengths = torch.tensor([5, 2, 7, 1]) if padded else None
    x = torch.randn(4, 7, 5, requires_grad=True)
    results = []
    for run in (lambda: layer(x, lengths), lambda: (tr := layer.trace(x, lengths)) and
                (tr.output, tr.final)):
        out, final = run()
        loss = (out * torch.randn(out.shape, generator=torch.Generator().manual_seed(2))).sum()
        grads = torch.autograd.grad(loss + final.sum(), [x, *layer.parameters()])
        results.append((out, final, grads))
    (o1, f1, g1), (o2, f2, g2) = results
    _close(o1, o2)
    _close(f1, f2)
    assert len(g1) == 1 + 4 * num_layers * (2 if bidirectional else 1) * (1 + learn / 4)
    for a, b in zip(g1, g2, strict=True):
        _close(a, b)


def test_leaky_trace_shows_alpha_and_new_content():
    layer = RecurrentLayer("leaky", 3, 4, leak=0.25).eval()
    tr = layer.trace(torch.randn(2, 6, 3))
    steps = tr.steps[0][0]
    assert set(steps) == {"h", "v", "alpha"}
    torch.testing.assert_close(steps["alpha"], torch.full((2, 6, 4), 0.25))
    h_prev = torch.cat([torch.zeros(2, 1, 4), steps["h"][:, :-1]], 1)
    torch.testing.assert_close(steps["h"], 0.25 * h_prev + 0.75 * steps["v"])   # α = 0.25 of the old state
    cell = layer.cell(0)
    assert isinstance(cell, LeakyRNNCell)
    torch.testing.assert_close(cell.get_alpha(), layer.alpha(0, 0))


def test_leak_zero_layer_is_the_vanilla_layer():
    torch.manual_seed(3)
    leaky = RecurrentLayer("leaky", 3, 5, 2, True, leak=0.0)
    torch.manual_seed(3)
    vanilla = RecurrentLayer("rnn", 3, 5, 2, True)
    x = torch.randn(2, 4, 3)
    _close(leaky(x), vanilla(x))


# ---- the echo state network ------------------------------------------------------------
def test_esn_weights_are_random_scaled_and_frozen():
    layer = RecurrentLayer("esn", 3, 16, num_layers=2, bidirectional=True, spectral_radius=1.7)
    assert all(not p.requires_grad for p in layer.fused.parameters())
    assert list(layer.parameters()) and not any(p.requires_grad for p in layer.parameters())
    for i in range(2):
        for d in range(2):
            rho = torch.linalg.eigvals(layer.w_hh(i, d).double()).abs().max()
            assert float(rho) == pytest.approx(1.7, rel=1e-5)
    x = torch.randn(2, SHORT + 1, 3)       # long enough for the fast path
    _close(layer(x), layer.fused(x))       # a plain tanh RNN: our fast path equals torch.nn.RNN
    _close(layer(x)[0], layer.trace(x).output)


def test_training_an_esn_leaves_its_frozen_weights_bit_identical(tmp_path):
    exp = Experiment.create("sentiment", ModelConfig(arch="esn", hidden=16, embed=8,
                                                     spectral_radius=1.2),
                            TrainConfig(steps=3, seconds=None, seed=0))
    frozen = {k: v.clone() for k, v in exp.model.rnn.fused.state_dict().items()}
    learned = {k: v.clone() for k, v in exp.model.named_parameters() if v.requires_grad}
    assert learned and not any(k.startswith("rnn.") for k in learned)   # only the read-outs
    exp.train()
    assert exp.trainer.step_count == 3
    for k, v in exp.model.rnn.fused.state_dict().items():
        assert torch.equal(v, frozen[k]), k                                # bit-identical
    changed = [k for k, v in exp.model.named_parameters() if k in learned
               and not torch.equal(v, learned[k])]
    assert changed                                                          # the rest did learn
    trained = {id(p) for group in exp.trainer.optimizer.param_groups for p in group["params"]}
    assert not trained & {id(p) for p in exp.model.rnn.fused.parameters()}
    # the checkpoint keeps the frozen weights, so a loaded ESN is the same network
    exp.save(tmp_path / "esn")
    back = Experiment.load(tmp_path / "esn")
    for k, v in exp.model.state_dict().items():
        assert torch.equal(back.model.state_dict()[k], v), k
    assert not any(p.requires_grad for p in back.model.rnn.fused.parameters())


def test_leaky_checkpoint_round_trips_a_learned_alpha(tmp_path):
    exp = Experiment.create("sentiment", ModelConfig(arch="leaky", hidden=8, embed=8, leak=0.3,
                                                     learn_leak=True),
                            TrainConfig(steps=2, seconds=None, seed=0))
    exp.train()
    alpha = exp.model.rnn.alpha(0, 0).detach().clone()
    assert not torch.allclose(alpha, torch.full_like(alpha, 0.3))   # α learned something
    exp.save(tmp_path / "leaky")
    back = Experiment.load(tmp_path / "leaky")
    assert back.model_config.learn_leak and back.model_config.leak == 0.3
    torch.testing.assert_close(back.model.rnn.alpha(0, 0), alpha, rtol=0, atol=0)


def test_config_knows_the_new_cells_and_old_configs_still_load():
    assert {"leaky", "esn"} <= set(ARCHS)
    assert list(_CELLS) == list(ARCHS)                   # the layer builds exactly the named cells
    old = {"arch": "gru", "hidden": 8, "embed": 4, "layers": 1}      # written before these fields
    cfg = ModelConfig.from_dict(old)
    assert (cfg.leak, cfg.learn_leak, cfg.spectral_radius) == (0.5, False, 0.9)
    with pytest.raises(ValueError, match="spectral_radius"):
        ModelConfig(arch="esn", spectral_radius=0)
    with pytest.raises(ValueError, match="above 0 when learned"):
        ModelConfig(arch="leaky", leak=0.0, learn_leak=True)
