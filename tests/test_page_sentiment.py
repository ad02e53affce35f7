"""The sentiment page through AppTest: every tab renders, Try gives a verdict and the line of
P(positive) after each word ("not good" reads negative, "good" positive with the pretrained LSTM),
bad input gives a message, the Learn-tab experiment buttons set the page up as they say, and a
short training run moves the charts and becomes the model Try uses."""

import pytest
import torch

from pagetest import fresh_cache, figures, numbers, open_tab, page_path, table_with, titles, train_a_few_ticks  # noqa: F401 (fixture)
from rnn.experiment import Experiment
from rnn.lessons import sentiment as lesson
from rnn.lessons.challenges import for_page

PAGE = page_path("3_Sentiment.py")
SMALL = {"sentiment_hidden": 16, "sentiment_embed": 8, "sentiment_seconds": 5}
LINE = "P(positive) after reading each word"


def _open(tab, **state):
    return open_tab(PAGE, tab, **state)


def _line(at):
    """The per-word line of the Try tab (or the Learn demo): {word: P(positive)}, in order."""
    fig = [f for f in figures(at) if f["layout"]["title"]["text"] == LINE]
    assert len(fig) == 1, titles(at)
    trace = fig[0]["data"][0]
    return dict(zip(trace["x"], trace["y"]))


def _verdict(at):
    assert len(at.metric) == 1
    return at.metric[0].value, at.metric[0].delta


@pytest.mark.parametrize("tab, chart", [
    ("Learn", "Many-to-one"),
    ("Train", "Loss"),
    ("Try", LINE),
    ("Inspect", "Hidden state"),
    ("Compare", "Validation accuracy while training"),
])
def test_every_tab_renders(tab, chart):
    at = _open(tab)
    assert not at.error, [e.value for e in at.error]
    assert any("pretrained model `sentiment-lstm`" in c.value for c in at.caption)
    assert any(chart in t for t in titles(at)), titles(at)


def test_learn_demo_line_and_experiment_buttons():
    at = _open("Learn")
    line = _line(at)
    assert list(line) == ["The", "acting", "was", "not", "good", "."]
    # Challenge 1's answer: not at "not" (it goes up), the line drops below 0.5 at "good".
    assert line["not"] > 0.5 > line["good"] and line["."] < 0.5
    assert len([b for b in at.button if b.key.startswith("sentiment_challenge_")]) == \
        len(for_page("3_Sentiment.py"))


@pytest.mark.parametrize("text, label", [
    ("The acting was not good.", "negative"),
    ("The acting was good.", "positive"),
    ("not good", "negative"),
    ("good", "positive"),
])
def test_try_negation_flips_the_verdict(text, label):
    at = _open("Try", sentiment_text=text)
    value, delta = _verdict(at)
    assert value.endswith(label)
    line = _line(at)
    assert list(line) == text.replace(".", " .").split()
    p = list(line.values())[-1]                      # the last point is the whole review's answer
    assert (p >= 0.5) == (label == "positive")
    assert f"P(positive) = {p:.2f}" in delta


def test_try_shows_where_it_changed_its_mind():
    at = _open("Try", sentiment_text="The acting was not good.")
    swings = [m.value for m in at.markdown if m.value.startswith("**Where it changed its mind")]
    assert len(swings) == 1 and "“good” (word 5)" in swings[0] and "(down)" in swings[0]
    line = _line(at)
    assert line["not"] > 0.5 > line["good"]
    # The example buttons swap the two halves of the "but" review: the clause after "but" wins.
    at.button(key="sentiment_example_… but a dull plot").click().run()
    assert at.text_input(key="sentiment_text").value == lesson.EXAMPLES["… but a dull plot"]
    assert _verdict(at)[0].endswith("negative")
    at.button(key="sentiment_example_… but good acting").click().run()
    assert not at.exception and _verdict(at)[0].endswith("positive")


@pytest.mark.parametrize("text, expect", [
    ("", "type a review"),
    ("   ", "type a review"),
    ("\n\t ", "type a review"),
    ("good\x00 film", "control characters"),
    ("good " * 1000, "only the first"),
])
def test_bad_input_gives_a_message(text, expect):
    at = _open("Try", sentiment_text=text)
    messages = [m.value for m in list(at.error) + list(at.warning)]
    assert any(expect.lower() in m.lower() for m in messages), messages
    if expect == "type a review":
        assert not at.metric and LINE not in titles(at)
    else:
        assert not at.error and len(at.metric) == 1


def test_unknown_words_and_emoji_are_named_not_crashed():
    at = _open("Try", sentiment_text="Zorblax 😀 שלום good")
    assert not at.error and len(at.metric) == 1
    unseen = [c.value for c in at.caption if c.value.startswith("Never seen in training")]
    assert len(unseen) == 1 and "Zorblax" in unseen[0] and "good" not in unseen[0]


def test_inspect_heatmaps_and_empty_text():
    at = _open("Inspect", sentiment_inspect_text="The plot is never boring.")
    shown = titles(at)
    assert any("cell state" in t for t in shown) and any("Gates" in t for t in shown)
    heat = [f for f in figures(at) if "Hidden state" in f["layout"]["title"]["text"]][0]
    assert heat["data"][0]["x"] == ["The", "plot", "is", "never", "boring", "."]
    assert not [r for r in at.radio if r.key == "sentiment_direction"]    # one direction only
    at = _open("Inspect", sentiment_inspect_text="  ")
    assert any("type a review" in e.value.lower() for e in at.error), [e.value for e in at.error]
    assert not at.get("plotly_chart")


def test_sidebar_gru_switches_the_pretrained_model():
    at = _open("Inspect")
    at.selectbox(key="sentiment_arch").set_value("GRU").run()
    assert not at.exception
    assert any("pretrained model `sentiment-gru`" in c.value for c in at.caption)
    assert any("gates" in t.lower() for t in titles(at))
    assert not any("cell state" in t for t in titles(at))           # no cell state in a GRU
    at.toggle(key="sentiment_bidirectional").set_value(True).run()
    assert any("bidirectional" in i.value for i in at.info), [i.value for i in at.info]


def test_challenge_long_review_with_a_vanilla_rnn():
    at = _open("Learn")
    at.button(key="sentiment_challenge_2").click().run()
    assert not at.exception and at.session_state["tab"] == "Try"
    assert at.selectbox(key="sentiment_arch").value == "RNN"
    assert at.text_input(key="sentiment_text").value == lesson.EXAMPLES["long review"]
    assert any("pretrained model `sentiment-rnn`" in c.value for c in at.caption)
    line = _line(at)
    assert list(line)[-2:] == ["awful", "."] and _verdict(at)[0].endswith("negative")


def test_challenge_race_opens_compare_with_its_budget():
    at = _open("Learn")
    at.button(key="sentiment_challenge_3").click().run()
    assert not at.exception and at.session_state["tab"] == "Compare"
    # the race is by training steps now (a GRU step is slower here only for lack of a kernel)
    assert at.select_slider(key="sentiment_race_steps").value == 300
    table = table_with(at, "validation accuracy")
    assert table["model"] == ["RNN", "GRU", "LSTM"]
    assert all(0.9 <= a <= 1.0 for a in numbers(table["validation accuracy"]))
    assert at.button(key="sentiment_cmp_start") is not None


def test_short_training_updates_charts_and_model():
    at = _open("Train", **SMALL)
    exp = train_a_few_ticks(at, "sentiment")
    assert exp.model_config.hidden == 16 and exp.model_config.embed == 8
    # The weights moved away from a fresh model with the same seed.
    fresh = Experiment.create("sentiment", exp.model_config, exp.train_config, dataset=exp.dataset,
                              data=exp.splits)
    trained, initial = exp.model.state_dict(), fresh.model.state_dict()
    assert trained.keys() == initial.keys()
    assert any(not torch.equal(trained[k], initial[k]) for k in trained)
    # Try now uses the session's model, not the pretrained one.
    at.query_params["tab"] = "Try"
    at.run()
    assert not at.exception and any("your model" in c.value for c in at.caption)
    expected = exp.predict(lesson.DEFAULT_TEXT)["prob_after_each"]
    assert list(_line(at).values()) == pytest.approx([float(p) for p in expected], abs=1e-6)
