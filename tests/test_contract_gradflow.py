"""Lesson contracts of the Gradient flow page: each predict-first question's experiment is run and
its answer's claim asserted (rnn/lessons/challenges.py, rnn/lessons/contracts.py).

Run them alone with ``python -m pytest -k contract``.
"""
from rnn.lessons.challenges import ALL
from rnn.lessons.contracts import check


def test_contract_gradflow_radius_up():
    outcome = check("gradflow.radius_up")
    assert outcome.holds, f"{ALL['gradflow.radius_up'].claim}\nmeasured: {outcome.summary}"


def test_contract_gradflow_relu_clipping():
    outcome = check("gradflow.relu_clipping")
    assert outcome.holds, f"{ALL['gradflow.relu_clipping'].claim}\nmeasured: {outcome.summary}"


def test_contract_gradflow_sweep():
    outcome = check("gradflow.sweep")
    assert outcome.holds, f"{ALL['gradflow.sweep'].claim}\nmeasured: {outcome.summary}"
