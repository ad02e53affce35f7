"""The text-generation page through AppTest: every tab renders, a short training run moves the
charts and becomes the model Try uses, sampling shows text and next-token bars, bad input gives a
message. Plus the lesson module's pure helpers."""
import json

import numpy as np
import pytest

from pagetest import fresh_cache, figures, open_tab, page_path  # noqa: F401 (fixture)
from pagetest import wait_for_steps
from rnn.lessons import textgen as lesson
from rnn.plots.textgen_page import unit_text_figure

PAGE = page_path("2_Text_generation.py")


def _open(tab, **state):
    return open_tab(PAGE, tab, **state)


def _titles(at):
    return [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]


@pytest.mark.parametrize("tab", ["Learn", "Train", "Try", "Inspect", "Compare"])
def test_every_tab_renders(tab):
    at = _open(tab)
    assert not at.error
    assert any("pretrained model `textgen-lstm`" in c.value for c in at.caption)


def test_try_samples_and_shows_next_token_bars():
    at = _open("Try")
    assert len(at.code) == 3 and all(c.value.strip() for c in at.code)
    assert any("ended at a newline" in c.value for c in at.caption)      # names stop at \n
    assert any("Sampling distribution" in t for t in _titles(at))
    at.slider(key="tg_temperature").set_value(2.0).run()
    at.radio(key="tg_n_samples").set_value(1).run()
    assert not at.exception and len(at.code) == 1


def test_challenge_button_sets_try_widgets():
    at = _open("Learn")
    at.button(key="tg_challenge_1").click().run()        # greedy
    assert at.session_state["tab"] == "Try" and at.toggle(key="tg_greedy").value is True
    assert not at.exception and at.code


@pytest.mark.parametrize("prime, expect", [
    ("Ma\x00\x00", "control characters"),
    ("😀ש", "Not in this model's vocabulary"),
])
def test_bad_prime_gives_a_message(prime, expect):
    at = _open("Try", tg_prime=prime)
    assert any(expect in w.value for w in at.warning), [w.value for w in at.warning]


def test_inspect_bad_text_gives_a_message_and_good_text_finds_a_unit():
    at = _open("Inspect", textgen_inspect_text="   ")
    assert not at.exception
    at = _open("Inspect", textgen_inspect_text="")
    assert any("type some text" in e.value.lower() for e in at.error)
    at = _open("Inspect", textgen_inspect_text="x" * 100_000)
    assert any("only the first" in w.value for w in at.warning)
    at = _open("Inspect")
    titles = _titles(at)
    assert any("unit" in t for t in titles) and any("cell state" in t for t in titles)


def test_short_training_updates_charts_and_model():
    at = _open("Train", textgen_hidden=16, textgen_embed=8, textgen_seconds=5)
    at.button(key="textgen_exp_start").click().run()
    wait_for_steps(at, "textgen_exp")             # the training runs in a worker (rnn.jobs)
    at.run()
    assert not at.exception
    exp = at.session_state["textgen_exp"]
    assert exp.history.trained
    loss = [json.loads(c.proto.spec) for c in at.get("plotly_chart")][0]
    assert loss["data"] and any("uniform guess" in a["text"] for a in loss["layout"]["annotations"])
    at.query_params["tab"] = "Try"        # the tab widget's state follows the URL
    at.run()
    assert any("your model" in c.value for c in at.caption) and at.code


def test_feature_and_best_unit():
    tokens = list("ab\ncde\nf")
    assert lesson.feature_series(tokens, "position in the line").tolist() == [1, 2, 0, 1, 2, 3, 0, 1]
    assert lesson.feature_series(list('a"bc"d'), "inside quotes").tolist() == [0, 1, 1, 1, 0, 0]
    f = lesson.feature_series(tokens, "position in the line")
    states = np.stack([np.zeros_like(f) + 0.1 * np.arange(len(f)) % 0.3, -f], axis=1)
    unit, r = lesson.best_unit(states, f)
    assert unit == 1 and r == pytest.approx(-1.0)
    assert lesson.best_unit(states, np.zeros(len(f))) == (-1, 0.0)


def test_unit_text_figure_wraps_at_newlines():
    fig = unit_text_figure(["a", "b", "⏎", "c"], [0.1, -0.2, 0.3, 0.0])
    assert fig.data[0].z.shape == (2, 3)
    assert not unit_text_figure([], []).data


def test_without_the_line_stop_greedy_shows_its_loop():
    """Greedy decoding repeats itself; with the names corpus's stop at a newline a sample is one
    name, so the page lets the stop be switched off to see the loop."""
    from pagetest import open_tab, page_path
    stopped = open_tab(page_path("2_Text_generation.py"), "Try", tg_greedy=True, tg_n_samples=1,
                       tg_length=60)
    assert stopped.toggle(key="tg_stop").value is True
    assert "\n" not in stopped.code[0].value.strip()
    looping = open_tab(page_path("2_Text_generation.py"), "Try", tg_greedy=True, tg_n_samples=1,
                       tg_length=60, tg_stop=False)
    names = [n for n in looping.code[0].value.split("\n") if n]
    assert len(names) >= 3 and len(set(names[:3])) == 1, names      # the same name again and again


@pytest.mark.parametrize("tab", ["Try", "Inspect"])
def test_word_level_opens_the_shipped_word_model(tab):
    """Issue 25: Tokens = word opens the shipped word-level LSTM (no notice instead of a model),
    so <eos> and <unk> can be seen live."""
    at = open_tab(PAGE, tab, textgen_level="word", textgen_dataset="prose",
                  tg_prime="Simple is better than complex .")
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("pretrained model `textgen-lstm-words`" in c.value for c in at.caption)


def test_a_word_level_sample_is_joined_to_its_prime_by_a_space():
    assert lesson.continued("the cat", {"text": "sat on", "steps": [{"token": "sat"}, {"token": "on"}]}) \
        == "the cat sat on"
    assert lesson.continued("Ma", {"text": "ry", "steps": [{"token": "r"}, {"token": "y"}]}) == "Mary"
    at = _open("Try", textgen_level="word", tg_prime="Simple is better", tg_n_samples=1)
    assert not at.exception
    assert any("textgen-lstm-words" in c.value for c in at.caption), [c.value for c in at.caption]
    shown = at.code[0].value
    assert shown.startswith("Simple is better ") and not shown.startswith("Simple is better  ")
