"""The private or undocumented APIs of our dependencies that the engine relies on, one wrapper each.

Each wrapper calls the API with named arguments only and says why we need it, which test fails
first if a torch upgrade changes it, and how to drop it. Nothing else in ``rnn/`` calls them
directly. Torch floor: 2.6 (``requirements.txt``), the first release whose functional ``adam``
takes ``decoupled_weight_decay`` (the trainer's ``clip_grads_with_norm_`` and ``get_total_norm``
are public, also from 2.6).

Streamlit's private APIs stay in ``rnn/ui`` (``rnn/`` outside it never imports streamlit), in one
module of the same kind: ``rnn/ui/streamlit_private.py`` (``streamlit.config.set_option`` on a
hidden option for rnn/ui/memory.py's periodic garbage collection, and the script-run context for
rnn/ui/setup.py's run marker).
"""
from __future__ import annotations

import torch
from torch import Tensor
from torch.optim.adam import adam as _adam
from torch.optim.sgd import sgd as _sgd


def fused_lstm(seq: Tensor, h0: Tensor, c0: Tensor, weights: list, *, train: bool) -> Tensor:
    """torch's fused (oneDNN) LSTM kernel on one layer and one direction: seq (N, L, D) -> (N, L, H).

    h0, c0: (1, N, H); weights: [W_ih, W_hh, b_ih, b_hh] in torch.nn.LSTM's layout.

    Why: torch.nn.LSTM has no public call that takes the weights as arguments, and each direction
    of ``RecurrentLayer.padded_forward`` must read its own reordered input. ``torch._VF.lstm`` is
    the call ``torch.nn.LSTM.forward`` makes itself (torch/nn/modules/rnn.py).
    If it changes: a renamed or reordered argument fails tests/test_layer.py (the trace and
    torch.nn.LSTM both disagree with the padded forward); compare with ``LSTM.forward``.
    To drop it: run each (layer, direction) through a one-layer ``torch.nn.LSTM`` whose
    parameters are that direction's weights (``torch.func.functional_call``), and measure the
    cost with bench/cells.py first.
    """
    return torch._VF.lstm(seq, (h0, c0), weights, has_biases=True, num_layers=1, dropout=0.0,
                          train=train, bidirectional=False, batch_first=True)[0]


def adam_update(params: list, grads: list, exp_avgs: list, exp_avg_sqs: list, steps: list, *,
                lr: float, beta1: float, beta2: float, eps: float, weight_decay: float) -> None:
    """One ``torch.optim.Adam`` step (no amsgrad) in place, as the class makes it on a CPU.

    Why: ``torch.optim.Adam`` imports ``torch._dynamo`` on its first use (about 67 MB and over 800
    modules for good in the server, rnn/train/optim.py); its functional kernel does not.
    The arguments are those ``torch.optim.Adam.step`` passes for CPU tensors (single-tensor
    loops: ``foreach`` and ``fused`` are CUDA defaults).
    If it changes: tests/test_optim.py (bit-identical to ``torch.optim.Adam`` over many steps)
    fails; a new keyword-only argument without a default raises TypeError there.
    To drop it: use ``torch.optim.Adam`` in rnn/train/optim.py once building and stepping it no
    longer import dynamo (tests/test_optim.py's ``test_training_never_imports_dynamo_or_sympy``
    checks that), or once the memory is accepted (BENCHMARKS.md, issue 16).
    """
    _adam(params, grads, exp_avgs, exp_avg_sqs, [], steps, foreach=False, capturable=False,
          differentiable=False, fused=None, grad_scale=None, found_inf=None,
          has_complex=any(torch.is_complex(p) for p in params), decoupled_weight_decay=False,
          amsgrad=False, beta1=beta1, beta2=beta2, lr=lr, weight_decay=weight_decay, eps=eps,
          maximize=False)


def sgd_update(params: list, grads: list, momentum_buffers: list, *, lr: float, momentum: float,
               dampening: float, weight_decay: float) -> None:
    """One ``torch.optim.SGD`` step (no Nesterov) in place; fills ``momentum_buffers`` (a list
    holding None for a parameter without one yet) as the class does.

    Why, if it changes, to drop it: as ``adam_update`` (``torch.optim.SGD`` has the same dynamo
    import; tests/test_optim.py holds this bit-identical to it).
    """
    _sgd(params, grads, momentum_buffers, has_sparse_grad=False, foreach=False, fused=None,
         grad_scale=None, found_inf=None, weight_decay=weight_decay, momentum=momentum, lr=lr,
         dampening=dampening, nesterov=False, maximize=False)
