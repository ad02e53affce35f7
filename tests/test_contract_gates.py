"""The memory-and-gates page's predict-first answers hold on the shipped models (the contract of
each Challenge in rnn/lessons/gates.py runs here)."""
import pytest

from rnn.lessons import gates, gates_contracts


@pytest.mark.parametrize("challenge", gates.CHALLENGES, ids=lambda c: c.key)
def test_challenge_contract_holds(challenge):
    assert challenge.claim and challenge.contract, challenge.key
    check = getattr(gates_contracts, challenge.contract)
    figures = check()
    assert figures


def test_every_challenge_is_well_formed():
    keys = [c.key for c in gates.CHALLENGES]
    assert len(set(keys)) == len(keys) and all(k.startswith("gates.") for k in keys)
    assert all(c.tab in ("Learn", "Train", "Try", "Inspect", "Compare") for c in gates.CHALLENGES)
    assert all(c.right_choice for c in gates.CHALLENGES)
