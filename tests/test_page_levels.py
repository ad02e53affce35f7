"""The easy / long-range level choice on the task pages: kept in the URL, it switches the built-in
data (and says what the long level is), the shown model's notice names the data, a run trains on
the long level, and the Compare tab opens on the shipped long-level results."""
import pytest

from pagetest import fresh_cache, open_tab, page_path, tables, train_a_few_ticks  # noqa: F401 (fixture)
from rnn.lessons import levels

PAGES = {"ner": "1_Named_entities.py", "textgen": "2_Text_generation.py",
         "sentiment": "3_Sentiment.py", "translation": "4_Translation.py"}


@pytest.mark.parametrize("task", list(PAGES))
def test_long_level_switches_the_data_and_says_so(task):
    at = open_tab(page_path(PAGES[task]), "Try")
    assert at.radio(key=f"{task}_data_level").value == "easy"
    assert not any(levels.LONG_DATASETS[task] in i.value for i in at.info)
    at = open_tab(page_path(PAGES[task]), "Try", **{f"{task}_data_level": "long"})
    assert not at.error
    assert any(levels.LEVEL_NOTES[task][:40] in c.value for c in at.sidebar.caption)
    notices = " ".join(i.value for i in at.info)
    assert f"/ {levels.LONG_DATASETS[task]} (sidebar)" in notices, notices


def test_a_run_on_the_long_level_uses_the_long_data():
    at = open_tab(page_path(PAGES["sentiment"]), "Train", sentiment_data_level="long",
                  sentiment_hidden=16, sentiment_embed=8, sentiment_seconds=5)
    exp = train_a_few_ticks(at, "sentiment", ticks=2)
    assert exp.dataset == "reviews-long"


def test_the_level_comes_back_from_a_link():
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(page_path(PAGES["ner"]), default_timeout=90)
    at.query_params.update({"tab": "Learn", "ner_data_level": "long"})
    at.run()
    assert not at.exception and at.radio(key="ner_data_level").value == "long"


@pytest.mark.parametrize("task", list(PAGES))
def test_compare_opens_on_the_shipped_long_level_results(task):
    at = open_tab(page_path(PAGES[task]), "Compare", timeout=180)
    assert not at.error, [e.value for e in at.error]
    shown = tables(at)
    shipped = [t for t in shown if "model" in t and "Vanilla RNN" in t["model"]]
    assert shipped, shown
    # "Why the vanilla RNN falls behind" only where the shipped table shows it behind (issue 22:
    # on translation all three cells score about 0.83 exact match)
    metric = levels.SHIPPED_LONG_METRIC[task]
    column = levels.SHIPPED_LONG_COLUMNS[task][metric]
    finals = dict(zip(shipped[0]["model"], (float(v) for v in shipped[0][column])))
    why = any(levels.WHY_CELLS_DIFFER[:50] in m.value for m in at.markdown)
    assert why == levels.vanilla_falls_behind(finals, metric), (task, finals)
    assert why or task == "translation", (task, finals)      # the others do fall behind
    assert any("fused CPU kernel" in c.value for c in at.caption)     # races by steps, and why
