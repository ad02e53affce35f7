"""The translation page through AppTest: every tab renders, a short training run moves the charts
and becomes the model Try uses, Try shows a translation and the attention heatmap (greedy and
beam), bad input gives a message, and the attention race is scored by source length."""

import pytest

from pagetest import fresh_cache, figures, numbers, open_tab, page_path, table_with  # noqa: F401 (fixture)
from pagetest import wait_for_steps
from rnn.lessons import translation as lesson
from rnn.plots.translation_page import exact_match_by_length_figure

PAGE = page_path("4_Translation.py")
SMALL = {"translation_hidden": 16, "translation_embed": 8, "translation_seconds": 5}


def _open(tab, **state):
    return open_tab(PAGE, tab, **state)


@pytest.mark.parametrize("tab", ["Learn", "Train", "Try", "Inspect", "Compare"])
def test_every_tab_renders(tab):
    at = _open(tab)
    assert not at.error
    assert any("pretrained model `translation-lstm`" in c.value for c in at.caption)


@pytest.mark.parametrize("decoding", ["greedy", "beam"])
def test_try_translates_and_draws_attention(decoding):
    at = _open("Try", tr_source="three hundred and twelve", tr_decoding=decoding)
    assert at.code[0].value == "trois cent douze"
    attn = [f for f in figures(at) if "Attention" in f["layout"]["title"]["text"]][0]
    assert attn["data"][0]["x"] == ["three", "hundred", "and", "twelve"]
    assert attn["data"][0]["y"][-1] == "<eos>"


@pytest.mark.parametrize("source, expect", [
    ("", "type a sentence"),
    ("   ", "type a sentence"),
    ("bonjour 😀 שלום", "Not in this model's vocabulary"),
    ("one\x00two", "control characters"),
    ("one " * 30_000, "only the first"),
])
def test_bad_source_gives_a_message(source, expect):
    at = _open("Try", tr_source=source)
    messages = [m.value for m in list(at.error) + list(at.warning)]
    assert any(expect.lower() in m.lower() for m in messages), messages


def test_inspect_shows_encoder_states_and_gates():
    at = _open("Inspect", tr_inspect_source="two thousand and five")
    titles = [f["layout"]["title"]["text"] for f in figures(at)]
    assert any("Encoder hidden" in t for t in titles) and any("gates" in t for t in titles)


def test_short_training_updates_charts_and_model():
    at = _open("Train", translation_teacher_forcing=0.5, **SMALL)
    at.button(key="translation_exp_start").click().run()
    wait_for_steps(at, "translation_exp")         # the training runs in a worker (rnn.jobs)
    at.run()
    assert not at.exception
    exp = at.session_state["translation_exp"]
    assert exp.options["teacher_forcing"] == 0.5
    assert exp.history.trained
    assert figures(at)[0]["data"]
    at.query_params["tab"] = "Try"
    at.run()
    assert not at.exception and any("your model" in c.value for c in at.caption)


def test_attention_race_scored_by_length():
    at = _open("Compare", **SMALL)
    at.button(key="translation_race_start").click().run()
    exp = wait_for_steps(at, "translation_race:no attention")   # trained in a worker (rnn.jobs)
    assert exp.model_config.attention == "none"
    at.button(key="tr_score").click().run()
    assert not at.exception
    fig = [f for f in figures(at) if "source length" in f["layout"]["title"]["text"]
           and "Shipped" not in f["layout"]["title"]["text"]][0]          # the session's race
    assert fig["data"][0]["name"] == "no attention"


def test_compare_shows_the_shipped_pair_by_length_before_any_race():
    at = _open("Compare")
    fig = [f for f in figures(at) if f["layout"]["title"]["text"].startswith("Shipped LSTMs")][0]
    lines = {t["name"]: dict(zip(t["x"], t["y"])) for t in fig["data"] if t.get("mode") == "lines+markers"}
    assert set(lines) == {"no attention", "additive attention"}
    longest = max(lines["no attention"])
    assert lines["no attention"][longest] < lines["additive attention"][longest]


def test_attention_none_uses_the_shipped_no_attention_model():
    at = _open("Try", translation_attention="none")
    assert any("pretrained model `translation-lstm-none`" in c.value for c in at.caption)
    assert not any("differs from the sidebar" in i.value for i in at.info)


def test_attention_axes_label_the_eos_row():
    result = {"src_tokens": ["a", "b"], "tokens": ["x"], "attention": [[0.5, 0.5], [0.1, 0.9]]}
    assert lesson.attention_axes(result) == (["a", "b"], ["x", "<eos>"])
    assert lesson.attention_axes({**result, "attention": None}) is None


def test_length_figure_lines_per_model():
    fig = exact_match_by_length_figure({"no attention": {"4": 0.5, "1": 1.0}, "dot attention": {}})
    assert len(fig.data) == 1 and list(fig.data[0].x) == [1, 2, 3, 4]
    assert list(fig.data[0].y) == [1.0, None, None, 0.5]     # no line across lengths 2-3: no data
    assert fig.data[0].connectgaps is False
    assert not exact_match_by_length_figure({}).data


@pytest.mark.parametrize("tab", ["Try", "Inspect"])
def test_attention_none_in_the_sidebar_says_the_shown_model_has_attention(tab):
    """The GRU has no shipped no-attention twin, so Try and Inspect still use the additive-attention
    GRU when the sidebar asks for none: the page must say so (it used to stay silent)."""
    at = _open(tab, translation_attention="none", translation_arch="GRU")
    notices = [i.value for i in at.info]
    assert any("attention" in n and "additive (model)" in n and "none (sidebar)" in n
               for n in notices), notices
    plain = _open(tab, translation_arch="GRU")
    assert not any("differs from the sidebar" in i.value for i in plain.info)


def test_another_dataset_in_the_sidebar_is_named_in_the_notice():
    at = _open("Try", translation_dataset="dates")
    assert any("data: numbers (model) / dates (sidebar)" in i.value for i in at.info), \
        [i.value for i in at.info]


def test_the_apps_own_comma_example_has_no_unknown_words():
    at = _open("Try", tr_source=lesson.EXAMPLES["numbers"][1])       # "seven thousand, four …"
    assert "," in lesson.EXAMPLES["numbers"][1]
    assert not any("vocabulary" in w.value for w in at.warning), [w.value for w in at.warning]
    assert any("thousands comma" in c.value for c in at.caption)
    assert at.code[0].value.startswith("sept mille quatre cent")


def test_beam_search_shows_its_hypotheses_with_scores():
    at = _open("Try", tr_source="three hundred and twelve", tr_decoding="beam", tr_beam=4)
    assert any("hypotheses beam search kept" in m.value for m in at.markdown)
    table = table_with(at, "score (length-normalised)")
    assert table["rank"] == ["1", "2", "3", "4"]
    assert table["translation"][0] == at.code[0].value == "trois cent douze"
    scores = numbers(table["score (length-normalised)"])
    assert scores == sorted(scores, reverse=True) and all(s <= 0 for s in scores)
    assert len(set(table["translation"])) == 4                 # k different hypotheses
