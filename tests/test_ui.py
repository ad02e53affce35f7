"""rnn.ui through AppTest: sidebars clamp to the limits; downloads and messages. (The live panel,
which follows training jobs, is tested in test_jobs_ui.py.)"""
import zipfile
import io

import pytest
from streamlit.testing.v1 import AppTest

from rnn.ui.downloads import metrics_csv, model_zip
from rnn.ui.errors import friendly_message


def sidebar_script():
    import streamlit as st
    from rnn.ui import architecture_sidebar, training_sidebar
    st.session_state["model_cfg"] = architecture_sidebar(
        "ner", {"arch": "gru", "hidden": 10_000, "embed": 3, "layers": 99, "bidirectional": True})
    st.session_state["train_cfg"] = training_sidebar(
        {"lr": 0.0031, "seconds": 99_999, "steps": 10**9, "clip": None}, task="ner")


def test_sidebars_return_configs_clamped_to_limits(monkeypatch):
    monkeypatch.setenv("RNN_PLAYGROUND_MAX_HIDDEN", "48")
    monkeypatch.setenv("RNN_PLAYGROUND_MAX_LAYERS", "2")
    monkeypatch.setenv("RNN_PLAYGROUND_MAX_SECONDS", "30")
    monkeypatch.setenv("RNN_PLAYGROUND_MAX_STEPS", "500")
    at = AppTest.from_function(sidebar_script, default_timeout=30).run()
    assert not at.exception
    m, t = at.session_state["model_cfg"], at.session_state["train_cfg"]
    assert type(m).__name__ == "ModelConfig" and type(t).__name__ == "TrainConfig"
    assert (m.arch, m.hidden, m.embed, m.layers, m.bidirectional) == ("gru", 48, 4, 2, True)
    assert (t.lr, t.seconds, t.steps, t.clip) == (3e-3, 30.0, 500, None)


def test_url_parameters_set_widgets_but_not_past_limits(monkeypatch):
    monkeypatch.setenv("RNN_PLAYGROUND_MAX_HIDDEN", "64")
    at = AppTest.from_function(sidebar_script, default_timeout=30)
    at.query_params.update({"ner_arch": "LSTM", "ner_hidden": "4096", "ner_lr": "0.1"})
    at.run()
    assert not at.exception
    m, t = at.session_state["model_cfg"], at.session_state["train_cfg"]
    assert m.arch == "lstm" and m.hidden <= 64 and t.lr == 0.1


def test_download_payloads():
    blob = model_zip({"model.safetensors": b"w", "meta.json": b"{}"})
    assert sorted(zipfile.ZipFile(io.BytesIO(blob)).namelist()) == ["meta.json", "model.safetensors"]
    csv = metrics_csv([{"kind": "step", "step": 1, "loss": 2.0}, {"kind": "stop", "reason": "x"},
                       {"kind": "eval", "step": 1, "val_loss": 1.5}]).decode()
    assert csv.splitlines() == ["kind,step,loss,val_loss", "step,1,2.0,", "eval,1,,1.5"]
    quoted = metrics_csv([{"kind": "eval", "note": 'a,b"c', "acc": None}]).decode()
    assert quoted == 'kind,note,acc\neval,"a,b""c",\n'         # csv quoting; None is empty
    assert metrics_csv([]) == b"\n"


def test_friendly_messages():
    from rnn.data import DataFormatError
    from rnn.settings import LimitError
    assert "cannot be read" in friendly_message(DataFormatError("bad", file="f.csv", line=2))
    typed = friendly_message(DataFormatError("type a sentence with at least one word"))
    assert "cannot be read" not in typed and "Type a sentence" in typed
    assert "more than this server allows" in friendly_message(LimitError("too big"))
    assert "Traceback" not in friendly_message(RuntimeError("boom"))


def task_sidebar_script(task):
    import streamlit as st
    from rnn.ui import architecture_sidebar
    from rnn.ui.widgets import apply_fitted
    st.button("fit", key="fit", on_click=apply_fitted,
              args=(task, {"hidden": 100, "layers": 2, "dropout": 0.27}, {"lr": 0.0029, "batch_size": 50}))
    st.session_state["model_cfg"] = architecture_sidebar(task, {"arch": "lstm", "level": "word"})


@pytest.mark.parametrize("task, shown, hidden", [
    ("translation", {"translation_attention", "translation_bidirectional"}, {"translation_level"}),
    ("textgen", {"textgen_level"}, {"textgen_bidirectional", "textgen_attention", "textgen_char_features"}),
    ("ner", {"ner_char_features", "ner_bidirectional"}, {"ner_attention", "ner_level"}),
    ("bidir", {"bidir_bidirectional", "bidir_dropout"}, {"bidir_attention", "bidir_level", "bidir_char_features"}),
])
def test_each_task_shows_the_sidebar_fields_it_declares(task, shown, hidden):
    from rnn.models.config import ATTENTIONS, sidebar_fields
    from rnn.ui.widgets import FIELD_RENDERERS
    assert set(sidebar_fields(task)) <= set(FIELD_RENDERERS)
    at = AppTest.from_function(task_sidebar_script, args=(task,), default_timeout=30).run()
    assert not at.exception
    keys = {w.key for kind in (at.radio, at.toggle, at.slider, at.select_slider) for w in kind}
    assert shown <= keys and not (hidden & keys)
    if task == "translation":
        assert tuple(at.radio(key="translation_attention").options) == ATTENTIONS
        assert at.radio(key="translation_attention").value == "additive"
    if task == "textgen":
        assert at.session_state["model_cfg"].level == "word"


def test_fit_to_my_data_snaps_the_sidebar_to_the_nearest_options():
    at = AppTest.from_function(task_sidebar_script, args=("ner",), default_timeout=30).run()
    at.button(key="fit").click().run()
    assert not at.exception
    m = at.session_state["model_cfg"]
    assert (m.hidden, m.layers, m.dropout) == (128, 2, 0.3)
    assert at.session_state["ner_lr"] == 3e-3 and at.session_state["ner_batch_size"] == 64
