"""Contracts of the course's own questions (rnn.lessons.course.OWN): each runs the question's
experiment (rnn.lessons.course_checks) and asserts the measured claim, so the course never
promises what the app does not do. The pages' questions have their own test_contract_* files."""
from __future__ import annotations

import pytest
import torch

from rnn.lessons import course, course_checks


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def test_contract_every_own_question_has_a_check():
    for key, ch in course.OWN.items():
        assert ch.claim and ch.choices and ch.answer is not None, key
        module, name = ch.contract.split(".")
        assert module == "course_checks" and callable(getattr(course_checks, name)), key


def test_contract_onehot():
    m = course_checks.onehot()
    assert m["ones_per_column"] == [1] * 9
    assert m["vocab_size"] > 1000 and m["words_checked"] == 3 and m["product_equals_lookup"]
    assert m["holds"]
    assert course.ONEHOT.right_choice == "Exactly one"


def test_contract_parameter_sharing():
    m = course_checks.parameter_sharing()
    assert m["nonlinearity"] == "tanh"
    assert set(m["max_abs_error"]) == {5, 50} and max(m["max_abs_error"].values()) < 1e-4
    assert m["holds"]
    assert course.SHARING.right_choice.startswith("One W_aa")


def test_contract_taxonomy():
    m = course_checks.taxonomy()
    assert m["sentiment_outputs"] == {3: 1, 7: 1, 15: 1}
    assert m["ner_outputs"] == {3: 3, 7: 7, 15: 15}
    assert m["holds"] and course.TAXONOMY.right_choice == "Many-to-one"


def test_contract_deep_rnn():
    m = course_checks.deep_rnn()
    assert m["w_aa"] == ["weight_hh_l0", "weight_hh_l1"]
    assert m["layer2_input_columns"] == m["hidden"]
    assert m["stacked_equals_layer2_of_layer1"] < 1e-5 < 1e-3 < m["change_when_layer1_changes"]
    assert m["holds"] and course.DEEP.state == {"ner_layers": 2}


def test_contract_beam_search():
    m = course_checks.beam_search()
    assert m["inputs"] == 150 and m["beam_worse"] == 0
    assert 1 <= len(m["changed"]) <= 15 and all(g > 0 for g in m["gains_where_changed"])
    # the example the hint names, and the Try button opens, is one that beam search changes
    assert "one thousand one hundred" in m["changed"]
    assert course.BEAM.state["tr_source"] == "one thousand one hundred"
    assert m["holds"]
