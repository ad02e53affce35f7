"""Hostile uploads through the pages (issue 6), with AppTest's file uploader: every bad file gets a
message in the sidebar that names the file and the problem, on every rerun until it is removed;
the page keeps working on the built-in data; a model the session trained survives the bad file."""
import pytest

from pagetest import fresh_cache, open_tab, page_path  # noqa: F401 (fixture)

PAGES = {"ner": "1_Named_entities.py", "textgen": "2_Text_generation.py",
         "sentiment": "3_Sentiment.py", "translation": "4_Translation.py"}
GOOD = {
    "ner": "".join(f"Ana B-PER\nKowalski{i} I-PER\nvisited O\nParis B-LOC\n.  O\n\n" for i in range(30)),
    "sentiment": "text,label\n" + "".join(f"{'a good' if i % 2 else 'a dull'} film {i},{i % 2}\n"
                                          for i in range(30)),
    "translation": "".join(f"one {i}\tun {i}\n" for i in range(30)),
    "textgen": "Ana Kowalski visited Paris.\n" * 20,
}
WRONG_FORMAT = {"ner": GOOD["sentiment"], "sentiment": GOOD["ner"], "translation": GOOD["ner"]}
MISSING = {"ner": "Ana\nKowalski\n\n", "sentiment": "words,stars\nnice,5\nbad,1\n",
           "translation": "one\nun\n"}
SMALL = {"ner": "Ana B-PER\nsmiled O\n\n" * 5, "sentiment": "text,label\ngood,1\nbad,0\n",
         "translation": "one\tun\ntwo\tdeux\n", "textgen": "short text"}


def bad_files(task: str) -> dict[str, tuple[bytes, str]]:
    """case -> (file content, a phrase the message must contain)."""
    text = GOOD[task]
    lines = text.split("\n")
    files = {
        "binary": (bytes(range(256)) * 8, "binary file"),
        "empty": (b"", "empty"),
        "latin1": (("Zoë café " + text).encode("latin-1"), "not UTF-8"),
        "utf16_without_bom": (text.encode("utf-16-le"), "binary file"),
        "too_small_to_split": (SMALL[task].encode(), "need at least"),
    }
    if task != "textgen":                 # any UTF-8 text is a valid text-generation corpus
        bad_line = {"ner": "Ana B-PER extra columns here x", "sentiment": "a film,maybe",
                    "translation": "no tab on this line"}[task]
        files["malformed_line_21"] = ("\n".join(lines[:20] + [bad_line] + lines[20:]).encode(),
                                      "line 21")
        files["wrong_format"] = (WRONG_FORMAT[task].encode(), "line")
        files["missing_columns"] = (MISSING[task].encode(), "")
    return files


def uploader(at):
    """The sidebar's file uploader in the latest run (an element from an older run is stale)."""
    return at.sidebar.get("file_uploader")[0]


def sidebar_errors(at) -> list[str]:
    return [e.value for e in at.sidebar.error]


@pytest.mark.parametrize("task", list(PAGES))
def test_every_bad_upload_gets_a_sidebar_message_and_the_page_keeps_working(task):
    at = open_tab(page_path(PAGES[task]), "Try")
    for case, (content, phrase) in bad_files(task).items():
        name = f"my_{case}.txt"
        uploader(at).set_value((name, content, "text/plain"))
        at.run()
        assert not at.exception, (case, at.exception)
        errors = sidebar_errors(at)
        assert any(name in e and phrase in e for e in errors), (case, errors)
        at.run()                                       # the message stays on the next rerun
        assert any(name in e for e in sidebar_errors(at)), (case, "message gone after a rerun")
        assert "Still using the built-in data" in " ".join(i.value for i in at.sidebar.info)
        # ...and where people look: under the page's header, not only at the sidebar's bottom
        assert any(name in e.value and "built-in data" in e.value for e in at.main.error), case
        assert not at.exception
    uploader(at).set_value(None)
    at.run()
    assert not sidebar_errors(at) and not at.exception


@pytest.mark.parametrize("task", ["sentiment", "translation"])
def test_a_good_utf16_file_is_used(task):
    at = open_tab(page_path(PAGES[task]), "Train")
    uploader(at).set_value(("mine.tsv", GOOD[task].encode("utf-16"),
                                                  "text/plain"))
    at.run()
    assert not at.exception and not sidebar_errors(at)
    assert any("Using mine.tsv" in s.value for s in at.sidebar.success)


def test_upload_over_the_servers_limit_is_refused(monkeypatch):
    monkeypatch.setenv("RNN_PLAYGROUND_MAX_UPLOAD_MB", "0.01")
    at = open_tab(page_path(PAGES["sentiment"]), "Try")
    uploader(at).set_value(("big.csv", GOOD["sentiment"].encode() * 50,
                                                  "text/csv"))
    at.run()
    assert not at.exception
    assert any("big.csv" in e and "0.0 MB" in e for e in sidebar_errors(at)), sidebar_errors(at)


def test_the_sessions_trained_model_survives_a_bad_upload():
    at = open_tab(page_path(PAGES["sentiment"]), "Train", sentiment_hidden=16, sentiment_embed=8,
                  sentiment_seconds=5)
    at.button(key="sentiment_exp_start").click().run()
    from pagetest import wait_for_steps          # the training runs in a worker (rnn.jobs)
    exp = wait_for_steps(at, "sentiment_exp")
    steps = exp.history.steps
    assert steps, "the short training run did not train"
    uploader(at).set_value(("bad.csv", bytes(range(256)) * 4, "text/csv"))
    at.session_state["tab"] = "Try"
    at.run()
    assert not at.exception and sidebar_errors(at)
    assert at.session_state["sentiment_exp"] is exp
    assert exp.history.steps[:len(steps)] == steps
    assert any("your model" in c.value for c in at.caption), [c.value for c in at.caption]


def test_fit_to_my_data_sets_the_sidebar_from_an_upload():
    """The Train tab offers the CLI's data fit for an uploaded file: the sizes, dropout and
    learning rate it picks go into the sidebar (and a run then uses them)."""
    from rnn.autofit import fit_to_data
    from rnn.tasks import get_task
    at = open_tab(page_path(PAGES["sentiment"]), "Train")
    assert "sentiment_fit" not in [b.key for b in at.button]          # built-in data: no fit
    uploader(at).set_value(("mine.csv", GOOD["sentiment"].encode(), "text/csv"))
    at.run()
    at.button(key="sentiment_fit").click().run()
    assert not at.exception
    splits = get_task("sentiment").load_file(GOOD["sentiment"].encode(), name="mine.csv")
    fit = fit_to_data("sentiment", splits)
    assert at.select_slider(key="sentiment_hidden").value == fit.model["hidden"]
    assert at.slider(key="sentiment_dropout").value == pytest.approx(fit.model["dropout"], abs=0.05)
    assert any("fitted to the data" in c.value for c in at.caption)
