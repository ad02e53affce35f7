"""Links keep everything: every setting and typed text that shapes a page goes into its URL, and a
fresh session opened on that URL shows the same values (the home page promises this)."""
import pytest
from streamlit.testing.v1 import AppTest

from pagetest import fresh_cache, page_path  # noqa: F401 (fixture)

# page -> (tab, widget key -> a value different from the page's default)
CHANGES = {
    "1_Named_entities.py": ("Try", {
        "ner_arch": "GRU", "ner_hidden": 32, "ner_embed": 16, "ner_layers": 2, "ner_dropout": 0.2,
        "ner_bidirectional": False, "ner_char_features": False, "ner_optimizer": "sgd",
        "ner_lr": 0.01, "ner_batch_size": 64, "ner_seconds": 45, "ner_seed": 7,
        "ner_text": "Teddy Roosevelt was a great President."}),
    "2_Text_generation.py": ("Try", {
        "textgen_arch": "RNN", "textgen_level": "word", "textgen_nonlinearity": "relu",
        "textgen_optimizer": "sgd", "textgen_batch_size": 16, "tg_prime": "Ma",
        "tg_temperature": 0.5, "tg_greedy": True, "tg_top_k": 5, "tg_top_p": 0.9,
        "tg_length": 60, "tg_seed": 3, "tg_n_samples": 5}),
    "3_Sentiment.py": ("Inspect", {
        "sentiment_arch": "GRU", "sentiment_batch_size": 16, "sentiment_optimizer": "sgd",
        "sentiment_inspect_text": "A dull plot but good acting."}),
    "4_Translation.py": ("Try", {
        "translation_attention": "dot", "translation_teacher_forcing": 0.5,
        "translation_dataset": "dates", "tr_source": "1st December 2019", "tr_decoding": "beam",
        "tr_beam": 6}),
}


KINDS = ("selectbox", "select_slider", "slider", "radio", "toggle", "text_input", "text_area",
         "number_input")


def _widget(at, key):
    for kind in KINDS:
        try:
            return getattr(at, kind)(key=key)
        except KeyError:
            continue
    raise KeyError(key)


def _value(at, key):
    return _widget(at, key).value


# a widget with format_func writes the label it shows, not the option (none of the linked ones now)
URL_FORM: dict[str, dict] = {}


def as_url(value) -> str:
    """A widget value as the browser writes it into the address bar."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@pytest.mark.parametrize("page", list(CHANGES))
def test_a_link_restores_every_setting_and_text_in_a_fresh_session(page):
    """AppTest cannot watch the browser write the address bar (tests/test_browser_links.py does);
    here a link written the browser's way is opened in a fresh session and every value must come
    back: a widget that is not bound to the URL would show its default instead."""
    tab, changes = CHANGES[page]
    at = AppTest.from_file(page_path(page), default_timeout=90)
    at.query_params.update({"tab": tab, **{k: URL_FORM.get(k, {}).get(v, as_url(v))
                                           for k, v in changes.items()}})
    at.run()
    assert not at.exception, at.exception
    assert at.session_state["tab"] == tab
    restored = {key: _value(at, key) for key in changes}
    assert restored == changes
