"""rnn/private_apis.py is the one place the engine calls torch's private or undocumented APIs."""
from __future__ import annotations

import re
from pathlib import Path

import torch

from rnn.private_apis import fused_lstm

ROOT = Path(__file__).resolve().parent.parent
# a call or an import (the docstrings that name them are fine)
PRIVATE = re.compile(r"torch\._VF\.|from torch\.optim\.(adam|sgd) import|torch\.optim\.(adam|sgd)\.\w+\(")


def test_no_module_outside_private_apis_calls_them():
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "rnn").rglob("*.py")
                 if p.name != "private_apis.py" and PRIVATE.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_fused_lstm_equals_torch_nn_lstm():
    torch.manual_seed(0)
    lstm = torch.nn.LSTM(3, 4, batch_first=True)
    x, h0, c0 = torch.randn(2, 6, 3), torch.randn(1, 2, 4), torch.randn(1, 2, 4)
    weights = [lstm.weight_ih_l0, lstm.weight_hh_l0, lstm.bias_ih_l0, lstm.bias_hh_l0]
    assert torch.equal(fused_lstm(x, h0, c0, weights, train=False), lstm(x, (h0, c0))[0])


STREAMLIT_PRIVATE = re.compile(r"get_script_run_ctx|config\.set_option\(|config\.is_manually_set\(|PlotlyChart|"
                               r"streamlit\.runtime\.scriptrunner")


def test_no_module_outside_streamlit_private_calls_streamlits_private_apis():
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "rnn").rglob("*.py")
                 if p.name != "streamlit_private.py"
                 and STREAMLIT_PRIVATE.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_the_run_marker_is_none_outside_a_streamlit_run():
    from rnn.ui.streamlit_private import script_run_marker

    assert script_run_marker() is None
