"""The leaky unit and the echo state network are a sidebar choice on every task page: their own
settings appear, a run trains with them, and Inspect works on the result."""
import pytest

from pagetest import fresh_cache, open_tab, page_path, train_a_few_ticks  # noqa: F401 (fixture)

PAGE = page_path("3_Sentiment.py")
SMALL = {"sentiment_hidden": 16, "sentiment_embed": 8, "sentiment_seconds": 5}


@pytest.mark.parametrize("arch, setting, value, field", [
    ("Leaky", "sentiment_leak", 0.2, "leak"),
    ("ESN", "sentiment_spectral_radius", 0.95, "spectral_radius")])
def test_new_cell_trains_and_can_be_inspected(arch, setting, value, field):
    at = open_tab(PAGE, "Train", sentiment_arch=arch, **{setting: value}, **SMALL)
    assert not at.exception
    exp = train_a_few_ticks(at, "sentiment", ticks=2)
    assert exp.model_config.arch == arch.lower() and getattr(exp.model_config, field) == value
    at.query_params["tab"] = "Inspect"
    at.run()
    assert not at.exception and not at.error
    assert any("your model" in c.value for c in at.caption)
    assert any("no gates" in c.value for c in at.caption)      # neither cell has gates
