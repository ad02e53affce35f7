"""rnn.train.optim: Adam and SGD give torch.optim's numbers bit for bit, and training never
imports torch._dynamo (and sympy) into the server (issue 16)."""
from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from rnn.train import optim

ROOT = Path(__file__).resolve().parents[1]


def _model(seed: int = 0):
    torch.manual_seed(seed)
    return torch.nn.ModuleDict({"emb": torch.nn.Embedding(20, 8),
                                "rnn": torch.nn.GRU(8, 16, batch_first=True),
                                "head": torch.nn.Linear(16, 20)})


def _loss(model, step: int):
    gen = torch.Generator().manual_seed(step)
    x = torch.randint(0, 20, (4, 7), generator=gen)
    out = model["head"](model["rnn"](model["emb"](x))[0])
    return torch.nn.functional.cross_entropy(out.reshape(-1, 20), x.roll(1, 1).reshape(-1))


def _train(model, opt, steps: range):
    for step in steps:
        opt.zero_grad(set_to_none=True)
        _loss(model, step).backward()
        opt.step()
    return [p.detach().clone() for p in model.parameters()]


CASES = [("Adam", {"lr": 3e-3}), ("Adam", {"lr": 1e-2, "weight_decay": 1e-2}),
         ("Adam", {"lr": 1e-3, "betas": (0.8, 0.99), "eps": 1e-6}),
         ("SGD", {"lr": 0.1}), ("SGD", {"lr": 0.05, "momentum": 0.9}),
         ("SGD", {"lr": 0.05, "momentum": 0.9, "weight_decay": 1e-3})]


@pytest.mark.parametrize("name,options", CASES)
def test_same_weights_as_torch_optim_bit_for_bit(name, options):
    ours, theirs = _model(), _model()
    a = _train(ours, getattr(optim, name)(ours.parameters(), **options), range(40))
    b = _train(theirs, getattr(torch.optim, name)(theirs.parameters(), **options), range(40))
    assert all(torch.equal(x, y) for x, y in zip(a, b))
    assert not torch.equal(a[0], _model().state_dict()["emb.weight"])     # it did train


@pytest.mark.parametrize("name,options", [CASES[1], CASES[5]])
def test_a_snapshot_restores_the_run_exactly(name, options):
    """The trainer's rollback: deep-copied state_dict, later load_state_dict, same continuation."""
    model = _model()
    opt = getattr(optim, name)(model.parameters(), **options)
    _train(model, opt, range(10))
    saved_model = copy.deepcopy(model.state_dict())
    saved_opt = copy.deepcopy(opt.state_dict())
    first = _train(model, opt, range(10, 20))
    _train(model, opt, range(50, 55))                      # wander off
    model.load_state_dict(saved_model)
    opt.load_state_dict(saved_opt)
    again = _train(model, opt, range(10, 20))
    assert all(torch.equal(x, y) for x, y in zip(first, again))


def test_state_names_and_layout_are_torch_optims():
    model = _model()
    ours, theirs = optim.Adam(model.parameters(), lr=1e-3), torch.optim.Adam(model.parameters(), lr=1e-3)
    _loss(model, 0).backward()
    ours.step()
    theirs.step()
    a, b = ours.state_dict(), theirs.state_dict()
    assert set(a["state"]) == set(b["state"])
    assert all(set(a["state"][i]) == set(b["state"][i]) for i in a["state"])
    assert a["param_groups"][0]["params"] == b["param_groups"][0]["params"]
    assert ours.param_groups[0]["lr"] == 1e-3


def test_zero_grad_and_bad_options():
    model = _model()
    opt = optim.SGD(model.parameters(), lr=0.1)
    _loss(model, 0).backward()
    opt.zero_grad(set_to_none=False)
    assert all(p.grad is not None and not p.grad.any() for p in model.parameters())
    opt.zero_grad()
    assert all(p.grad is None for p in model.parameters())
    opt.step()                                            # no gradients: nothing happens
    with pytest.raises(ValueError):
        optim.Adam([], lr=1e-3)
    with pytest.raises(ValueError):
        optim.Adam(model.parameters(), lr=-1.0)
    with pytest.raises(TypeError):
        optim.SGD(model.parameters(), lr=0.1, nesterov=True)
    with pytest.raises(ValueError):
        optim.Adam(model.parameters()).load_state_dict({"state": {}, "param_groups": [{"params": [0]}]})


TRAIN_IN_A_FRESH_PROCESS = """
import json, sys
import torch
from rnn.train.trainer import Trainer, TrainConfig, make_optimizer
from rnn.lessons import gradflow_lab
model = torch.nn.Linear(3, 2)
for name in ("adam", "sgd"):
    opt = make_optimizer(list(model.parameters()), TrainConfig(optimizer=name, lr=0.1))
    model(torch.randn(4, 3)).sum().backward()
    opt.step()
print(json.dumps(sorted(m for m in sys.modules if m.startswith(("torch._dynamo", "sympy")))))
"""


def test_training_never_imports_dynamo_or_sympy():
    done = subprocess.run([sys.executable, "-c", TRAIN_IN_A_FRESH_PROCESS], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == []
