"""The bidirectional lab through AppTest: every tab renders with the pretrained pair, a minimal pair
shows both models' probabilities, the test-set table splits ambiguous words from the others, a
short run trains a left-to-right and a bidirectional model side by side, bad input gives a message."""

import pytest

from pagetest import (fresh_cache, figures, numbers, open_tab, page_path, tables,  # noqa: F401 (fixture)
                      wait_for_steps)

PAGE = page_path("5_Bidirectional.py")


def _open(tab, **state):
    return open_tab(PAGE, tab, **state)


def _focus_table(at):
    frames = [t for t in tables(at) if "sentence" in t]
    return frames[0] if frames else None


@pytest.mark.parametrize("tab", ["Learn", "Train", "Try", "Inspect", "Compare"])
def test_every_tab_renders(tab):
    at = _open(tab)
    assert not at.error
    assert [t.label for t in at.tabs] == ["Learn", "Train", "Try", "Inspect", "Compare"]


def test_learn_opens_on_teddy_with_both_models():
    at = _open("Learn")
    values = {m.label: [] for m in at.metric}
    for m in at.metric:
        values[m.label].append(float(m.value))
    uni, bi = values["left-to-right"], values["bidirectional"]
    assert uni[0] == uni[1]                 # it cannot tell the two sentences apart at "Teddy"
    assert bi[0] < 0.5 < bi[1]


def test_minimal_pair_shows_both_models_probabilities():
    at = _open("Try")
    at.selectbox(key="bidir_try_pair").select_index(1).run()       # Jordan borders / Jordan Smith
    assert not at.exception
    table = _focus_table(at)
    assert table["word"] == ["Jordan", "Jordan"]
    assert len(set(table["left-to-right P(name)"])) == 1
    bi = numbers(table["bidirectional P(name)"])
    assert bi[0] < 0.5 < bi[1]
    figs = [f for f in figures(at) if "P(part of a name)" in f["layout"]["title"]["text"]]
    assert len(figs) == 2 and all(len(f["data"]) == 2 for f in figs)


@pytest.mark.parametrize("text, expect", [("   ", "at least one word"), ("\x00\x00", ""),
                                          ("🙂🙂 שלום", ""), ("x" * 100_000, "first")])
def test_own_sentences_never_crash(text, expect):
    at = _open("Try")
    at.text_input(key="bidir_own1").input(text).run()
    assert not at.exception
    messages = " ".join(e.value for e in list(at.error) + list(at.warning))
    assert expect in messages


def test_compare_splits_ambiguous_words():
    at = _open("Compare")
    table = [t for t in tables(at) if "accuracy on ambiguous words" in t][0]
    amb = dict(zip(table["model"], numbers(table["accuracy on ambiguous words"])))
    uni, bi = amb["pretrained unidirectional (ner-lstm-uni)"], amb["pretrained bidirectional (ner-lstm)"]
    assert bi > uni + 0.3
    assert all(a > 0.9 for a in numbers(table["accuracy on all other words"]))


def test_train_tab_trains_both_directions():
    at = _open("Train", bidir_seconds=5, bidir_hidden=8, bidir_embed=4)
    at.button(key="bidir_pair_start").click().run()
    # the reruns a busy machine needs until the worker's first steps arrive (not a fixed count)
    uni = wait_for_steps(at, "bidir_pair:unidirectional")
    assert not at.exception
    assert not uni.model_config.bidirectional
    assert uni.history.trained
    bi = wait_for_steps(at, "bidir_pair:bidirectional")      # trained after it, in the same job
    assert bi.model_config.bidirectional and bi.history.trained


def test_inspect_forward_states_agree_at_the_shared_first_word():
    at = _open("Inspect")
    fig = [f for f in figures(at) if "states" in f["layout"]["title"]["text"]][0]
    forward, backward = fig["data"][0]["y"], fig["data"][1]["y"]    # short lists stay plain JSON
    assert forward[0] == pytest.approx(0.0, abs=1e-5) and backward[0] > 0.5


def test_experiment_button_opens_try_on_the_jordan_pair():
    at = _open("Learn")
    at.button(key="bidir_challenge_0").click().run()
    assert at.session_state["tab"] == "Try"
    assert list(_focus_table(at)["word"]) == ["Jordan", "Jordan"]
