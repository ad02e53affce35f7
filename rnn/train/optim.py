"""Adam and SGD for the playground: torch's own update kernels, without torch.optim's classes.

Why not ``torch.optim.Adam`` itself: building any ``torch.optim`` optimizer (its
``add_param_group``) and every ``step()`` go through torch's "disable dynamo" wrappers, and the
first call imports ``torch._dynamo``, which brings sympy, ``torch.distributed``, ``torch.onnx``
and ``torch._inductor`` with it: 828 modules and about 67 MB of memory that stay in the server
for good once the first student trains, though nothing here is ever compiled (BENCHMARKS.md,
issue 16, fourth round).

What is the same: the arithmetic. ``step()`` calls the functional kernels that ``torch.optim``'s
classes call themselves, ``torch.optim.adam.adam`` and ``torch.optim.sgd.sgd`` (through
``rnn.private_apis``: undocumented, their arguments change between releases), with the
arguments ``torch.optim.Adam`` / ``SGD`` pass on a CPU (single-tensor loops; ``foreach`` and
``fused`` are CUDA defaults), and keeps the state under the same names ("step", "exp_avg",
"exp_avg_sq", "momentum_buffer"). ``tests/test_optim.py`` holds both bit-identical to
``torch.optim`` over many steps, with weight decay, momentum and a state_dict round trip.
Called outside a compile, those functions never import dynamo.

What the trainer uses of an optimizer is all there is: ``param_groups`` (one group; the learning
rate is read from it), ``zero_grad``, ``step``, ``state_dict`` and ``load_state_dict`` (the
trainer's snapshots for rolling back a diverged step).
"""
from __future__ import annotations

import torch

from rnn.private_apis import adam_update, sgd_update


class _Optimizer:
    """One parameter group, per-parameter state, torch.optim's method names."""

    defaults: dict = {}

    def __init__(self, params, **options):
        params = list(params)
        if not params:
            raise ValueError("optimizer got an empty parameter list")
        unknown = set(options) - set(self.defaults)
        if unknown:
            raise TypeError(f"unknown option(s) {sorted(unknown)} for {type(self).__name__}")
        group = {**self.defaults, **options}
        if not (isinstance(group["lr"], (int, float)) and group["lr"] >= 0):
            raise ValueError(f"invalid learning rate: {group['lr']!r}")
        self.param_groups = [{"params": params, **group}]
        self.state: dict[torch.Tensor, dict] = {}

    @property
    def _params(self) -> list[torch.Tensor]:
        return self.param_groups[0]["params"]

    def zero_grad(self, set_to_none: bool = True) -> None:
        for p in self._params:
            if p.grad is None:
                continue
            if set_to_none:
                p.grad = None
            else:
                p.grad.detach_()
                p.grad.zero_()

    def state_dict(self) -> dict:
        """``{"state": {index: {name: value}}, "param_groups": [{options..., "params": [index]}]}``,
        torch.optim's layout; tensors are the live ones (deep-copy to keep a snapshot)."""
        index = {id(p): i for i, p in enumerate(self._params)}
        group = {k: v for k, v in self.param_groups[0].items() if k != "params"}
        return {"state": {index[id(p)]: dict(s) for p, s in self.state.items()},
                "param_groups": [{**group, "params": list(range(len(self._params)))}]}

    def load_state_dict(self, state_dict: dict) -> None:
        params = self._params
        groups = state_dict["param_groups"]
        if len(groups) != 1 or len(groups[0]["params"]) != len(params):
            raise ValueError("the saved optimizer state does not match these parameters")
        self.state = {params[int(i)]: {k: v.clone() if isinstance(v, torch.Tensor) else v
                                       for k, v in s.items()}
                      for i, s in state_dict["state"].items()}
        self.param_groups[0].update({k: v for k, v in groups[0].items() if k != "params"})

    def _with_grad(self) -> list[torch.Tensor]:
        out = []
        for p in self._params:
            if p.grad is not None:
                if p.grad.is_sparse:
                    raise RuntimeError(f"{type(self).__name__} here does not take sparse gradients")
                out.append(p)
        return out


class Adam(_Optimizer):
    """``torch.optim.Adam(params, lr, betas, eps, weight_decay)`` (no amsgrad), same numbers."""

    defaults = {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0}

    @torch.no_grad()
    def step(self) -> None:
        group = self.param_groups[0]
        params = self._with_grad()
        exp_avgs, exp_avg_sqs, steps = [], [], []
        for p in params:
            state = self.state.get(p)
            if not state:
                state = self.state[p] = {
                    "step": torch.tensor(0.0, dtype=torch.get_default_dtype()),
                    "exp_avg": torch.zeros_like(p, memory_format=torch.preserve_format),
                    "exp_avg_sq": torch.zeros_like(p, memory_format=torch.preserve_format)}
            exp_avgs.append(state["exp_avg"])
            exp_avg_sqs.append(state["exp_avg_sq"])
            steps.append(state["step"])
        if not params:
            return
        beta1, beta2 = group["betas"]
        adam_update(params, [p.grad for p in params], exp_avgs, exp_avg_sqs, steps, lr=group["lr"],
                    beta1=beta1, beta2=beta2, eps=group["eps"], weight_decay=group["weight_decay"])


class SGD(_Optimizer):
    """``torch.optim.SGD(params, lr, momentum, weight_decay)`` (no Nesterov), same numbers."""

    defaults = {"lr": 1e-3, "momentum": 0.0, "dampening": 0.0, "weight_decay": 0.0}

    @torch.no_grad()
    def step(self) -> None:
        group = self.param_groups[0]
        params = self._with_grad()
        if not params:
            return
        buffers = [self.state.get(p, {}).get("momentum_buffer") for p in params]
        sgd_update(params, [p.grad for p in params], buffers, lr=group["lr"],
                   momentum=group["momentum"], dampening=group["dampening"],
                   weight_decay=group["weight_decay"])
        if group["momentum"] != 0:
            for p, buf in zip(params, buffers):
                self.state.setdefault(p, {})["momentum_buffer"] = buf


def make_optimizer(parameters: list, config) -> Adam | SGD:
    """Adam or plain SGD over ``parameters`` with a TrainConfig's lr and weight decay: torch.optim's
    numbers, without the torch._dynamo import that torch.optim's classes bring into the server."""
    if config.optimizer == "adam":
        return Adam(parameters, lr=config.lr, weight_decay=config.weight_decay)
    return SGD(parameters, lr=config.lr, weight_decay=config.weight_decay)
