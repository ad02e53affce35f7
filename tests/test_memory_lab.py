"""The gradient-flow lab: data, model options, the bound, training records, divergence."""

import numpy as np
import pytest
import torch

from rnn.gradflow import spectrum
from rnn.labs.memory import (MemoryConfig, MemoryModel, MemoryTask, accuracy_vs_T, beta,
                             bound_curve, evaluate, grad_norms_through_time, gradient_curves,
                             rescale_spectral_radius, train)


def _gen(seed=0):
    return torch.Generator().manual_seed(seed)


def test_recall_data_is_seeded_and_correct():
    task = MemoryTask("recall", T=9, num_symbols=3, num_distractors=5)
    x, y = task.batch(64, _gen())
    x2, y2 = task.batch(64, _gen())
    assert torch.equal(x, x2) and torch.equal(y, y2)
    assert x.shape == (64, 9, 8) and torch.all(x.sum(-1) == 1)
    assert torch.equal(x[:, 0].argmax(-1), y) and y.max() < 3
    assert torch.all(x[:, 1:].argmax(-1) >= 3)  # distractors never look like an answer
    assert task.output_size == 3 and task.chance == pytest.approx(1 / 3)


def test_adding_data_targets_are_the_marked_sum():
    task = MemoryTask("adding", T=12)
    x, y = task.batch(32, _gen(1))
    assert x.shape == (32, 12, 2) and task.output_size == 1
    marks = x[..., 1]
    assert torch.all(marks.sum(1) == 2)
    assert torch.all(marks[:, :6].sum(1) == 1)  # one in each half
    torch.testing.assert_close(y, (x[..., 0] * marks).sum(1))
    with pytest.raises(ValueError):
        MemoryTask("copy").batch(2, _gen())


@pytest.mark.parametrize("arch", ["rnn", "gru", "lstm"])
def test_rescale_spectral_radius(arch):
    model = MemoryModel(MemoryTask(T=5), MemoryConfig(arch=arch, radius=1.7))
    assert spectrum(model.layer.w_hh())[1] == pytest.approx(1.7, rel=1e-5)
    factor = rescale_spectral_radius(model.layer.w_hh(), 0.5)
    assert factor == pytest.approx(0.5 / 1.7, rel=1e-5)
    assert spectrum(model.layer.w_hh())[1] == pytest.approx(0.5, rel=1e-5)


@pytest.mark.parametrize("config", [MemoryConfig(radius=0.9), MemoryConfig(radius=2.0),
                                    MemoryConfig(leak=0.7, radius=1.5),
                                    MemoryConfig(nonlinearity="relu", radius=0.8)])
def test_measured_gradients_respect_the_bound(config):
    task = MemoryTask(T=30)
    model = MemoryModel(task, config, seed=3)
    norms = grad_norms_through_time(model, task.batch(16, _gen()))
    assert norms.shape == (30,) and np.all(norms > 0)
    ratio = norms / norms[-1]
    assert np.all(ratio <= bound_curve(beta(model), 30) * (1 + 1e-4))


def test_grad_norms_match_direct_autograd_and_vanish_at_init():
    task = MemoryTask(T=20)
    model = MemoryModel(task, MemoryConfig(arch="rnn", hidden=8), seed=1)
    x, y = task.batch(4, _gen())
    norms = grad_norms_through_time(model, (x, y))
    hs, out = model.hidden_states(x)
    loss = torch.nn.functional.cross_entropy(out, y)
    direct = torch.autograd.grad(loss, hs[4])[0]
    assert norms[4] == pytest.approx(float(direct.norm()), rel=1e-6)
    assert norms[0] < 1e-3 * norms[-1]  # torch's init: radius ~0.6, gradients vanish


def test_bound_curve_and_beta():
    np.testing.assert_allclose(bound_curve(0.5, 4), [0.125, 0.25, 0.5, 1.0])
    model = MemoryModel(MemoryTask(T=5), MemoryConfig(arch="rnn"))
    assert beta(model) >= spectrum(model.layer.w_hh())[1]  # ||W||_2 >= spectral radius
    assert beta(MemoryModel(MemoryTask(T=5), MemoryConfig(arch="lstm"))) is None


def test_gradient_curves_one_value_per_step():
    curves = gradient_curves(("rnn", "gru", "lstm"), T=50)
    assert set(curves) == {"rnn", "gru", "lstm"} and all(c.shape == (50,) for c in curves.values())


def test_training_learns_a_short_dependency_and_records_steps():
    model = MemoryModel(MemoryTask(T=5), MemoryConfig(arch="rnn", hidden=16))
    records = list(train(model, steps=150, clip=1.0))
    steps, stop = records[:-1], records[-1]
    assert len(steps) == 150 and stop == {"kind": "stop", "step": 150, "reason": "budget"}
    assert set(steps[0]) == {"kind", "step", "loss", "accuracy", "grad_norm",
                             "grad_norm_clipped", "clipped"}
    for r in steps:
        assert r["grad_norm_clipped"] <= 1.0 + 1e-6
        assert r["clipped"] == (r["grad_norm"] > 1.0)
    assert steps[-1]["loss"] < steps[0]["loss"] / 5
    assert evaluate(model) > 0.9


def test_clipping_off_and_tiny_clip():
    model = MemoryModel(MemoryTask(T=5), MemoryConfig())
    r = list(train(model, steps=3, clip=1e-6))[0]
    assert r["clipped"] and r["grad_norm_clipped"] == pytest.approx(1e-6)
    r = list(train(model, steps=3, clip=None))[0]
    assert not r["clipped"] and r["grad_norm_clipped"] == r["grad_norm"]


class _PoisonedTask(MemoryTask):
    """Valid data for two batches, then a NaN input: a divergence on demand."""

    calls = 0

    def batch(self, n, generator):
        x, y = super().batch(n, generator)
        self.calls += 1
        return (x * float("nan"), y) if self.calls == 3 else (x, y)


def test_divergence_stops_and_keeps_last_good_weights():
    model = MemoryModel(_PoisonedTask(T=5), MemoryConfig())
    records, kept = [], None
    for r in train(model, steps=10):
        records.append(r)
        if r["step"] == 2:
            kept = {k: v.clone() for k, v in model.state_dict().items()}
    assert [r["kind"] for r in records] == ["step", "step", "stop"]
    assert "non-finite" in records[-1]["reason"]
    for k, v in model.state_dict().items():
        assert torch.equal(v, kept[k]) and torch.isfinite(v).all()


def test_echo_state_network_trains_only_the_head():
    model = MemoryModel(MemoryTask(T=8), MemoryConfig(echo_state=True))
    assert spectrum(model.layer.w_hh())[1] == pytest.approx(1.0, rel=1e-5)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    list(train(model, steps=5))
    after = model.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before if k.startswith("layer."))
    assert not torch.equal(before["head.weight"], after["head.weight"])


def test_keep_bias_and_bad_options():
    model = MemoryModel(MemoryTask(T=5), MemoryConfig(arch="lstm", hidden=4, keep_bias=2.0))
    b = model.layer.fused.bias_ih_l0 + model.layer.fused.bias_hh_l0
    assert torch.allclose(b[4:8], torch.full((4,), 2.0))              # i, f, g, o: f is block 2
    gru = MemoryModel(MemoryTask(T=5), MemoryConfig(arch="gru", hidden=4, keep_bias=3.0))
    cell = torch.nn.GRUCell(gru.task.input_size, 4)                     # torch's z, checked by use:
    cell.load_state_dict({k[:-3]: v for k, v in gru.layer.fused.state_dict().items()})
    with torch.no_grad():                                               # z near 1 copies h forward
        cell.weight_ih.zero_()
        cell.weight_hh.zero_()
        h = torch.ones(1, 4)
        h_next = cell(torch.zeros(1, gru.task.input_size), h)
    z = torch.sigmoid(torch.tensor(3.0))
    assert torch.allclose(h_next, z * h + (1 - z) * torch.tanh(cell.bias_ih[8:] + torch.sigmoid(
        cell.bias_ih[:4] + cell.bias_hh[:4]) * cell.bias_hh[8:]), atol=1e-6)
    with pytest.raises(ValueError):
        MemoryModel(MemoryTask(T=5), MemoryConfig(arch="rnn", keep_bias=1.0))
    with pytest.raises(ValueError):
        MemoryModel(MemoryTask(T=5), MemoryConfig(arch="gru", leak=0.5))


def test_accuracy_vs_T_shape_and_seeding():
    res = accuracy_vs_T(("rnn", "lstm"), (3, 6), budget_steps=5, seed=1, hidden=8)
    assert set(res) == {"rnn", "lstm"} and all(set(v) == {3, 6} for v in res.values())
    assert all(0 <= a <= 1 for v in res.values() for a in v.values())
    assert res == accuracy_vs_T(("rnn", "lstm"), (3, 6), budget_steps=5, seed=1, hidden=8)


def test_leaky_and_esn_cells_in_the_lab():
    """The lab accepts every cell; a leaky unit keeps more gradient than the vanilla RNN, and
    an ESN's frozen weights give gradients too (measured on the h_t, not the weights)."""
    curves = gradient_curves(("rnn", "leaky", "esn"), T=30, hidden=16)
    assert all(c.shape == (30,) and np.all(c > 0) for c in curves.values())
    ratio = {arch: c[0] / c[-1] for arch, c in curves.items()}
    assert ratio["leaky"] > 100 * ratio["rnn"]
    leaky = MemoryModel(MemoryTask(T=5), MemoryConfig(arch="leaky", leak=0.8))
    assert leaky.layer.arch == "leaky"
    torch.testing.assert_close(leaky.layer.alpha(), torch.full((32,), 0.8))  # the course notes' α, as given
    legacy = MemoryModel(MemoryTask(T=5), MemoryConfig(arch="rnn", leak=0.8))
    assert legacy.layer.arch == "leaky" and beta(legacy) == pytest.approx(beta(leaky))
    esn = MemoryModel(MemoryTask(T=8), MemoryConfig(arch="esn", radius=1.3))
    assert spectrum(esn.layer.w_hh())[1] == pytest.approx(1.3, rel=1e-5)
    before = {k: v.clone() for k, v in esn.layer.state_dict().items()}
    list(train(esn, steps=3))
    assert all(torch.equal(v, before[k]) for k, v in esn.layer.state_dict().items())
