"""rnn.ui through AppTest with a tiny fake experiment: sidebars clamp to the limits, the live
panel advances one slice per run (AppTest does not fire run_every timers), Stop stops, a
diverged run says so, a full gate queues, and engine errors become messages."""
import zipfile
import io

import pytest
from streamlit.testing.v1 import AppTest

from rnn.ui.downloads import metrics_csv, model_zip
from rnn.ui.errors import friendly_message
from rnn.ui.gate import TrainingGate, queue_message


@pytest.fixture(autouse=True)
def fresh_gate():
    """The gate is process-wide (st.cache_resource); each test starts with an empty one."""
    from rnn.ui.live_training import _gate
    _gate.clear()
    yield
    _gate.clear()


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


def panel_script(budget=3, diverge_at=0, fail=False, block=False):
    import types

    import streamlit as st
    from rnn.ui import training_gate, training_panel

    class FakeExperiment:
        """Just enough of rnn.experiment.Experiment: one step and one eval per slice."""

        def __init__(self):
            self.history, self.status, self.stop_reason = [], "ready", ""
            self.train_config = types.SimpleNamespace(seconds=60.0, clip=1.0, steps=budget)
            self.fraction_done = 0.0

        def train_for(self, seconds, between_steps=None):
            from rnn.ui.gate import VISITORS
            assert between_steps == VISITORS.wait      # visitors first: the tick waits for pages
            n = sum(r["kind"] == "step" for r in self.history) + 1
            new = [{"kind": "step", "step": n, "loss": 1.0 / n, "grad_norm": 2.0,
                    "grad_norm_clipped": 1.0, "clipped": True, "lr": 0.01,
                    "examples_per_s": 10.0, "elapsed": float(n)},
                   {"kind": "eval", "step": n, "elapsed": float(n), "val_loss": 1.0, "f1": 0.5}]
            self.history += new
            self.status, self.fraction_done = "training", n / budget
            if n == diverge_at:
                self.status, self.stop_reason = "diverged", f"loss became nan at step {n}"
            elif n >= budget:
                self.status, self.stop_reason = "done", "step budget reached"
            return new

        def to_files(self):
            return {"model.safetensors": b"weights", "meta.json": b"{}"}

    def make():
        if fail:
            from rnn.data import DataFormatError
            raise DataFormatError("expected 2 columns, got 1", file="x.conll", line=3)
        return FakeExperiment()

    if block:       # two other sessions hold both slots for the whole run
        gate = training_gate()
        gate.try_acquire("other-1"), gate.try_acquire("other-2")
    training_panel("t", make, "f1")


def _steps(at):
    exp = at.session_state["t"] if "t" in at.session_state else None
    return 0 if exp is None else sum(r["kind"] == "step" for r in exp.history)


def _app(**kwargs):
    return AppTest.from_function(panel_script, default_timeout=30, kwargs=kwargs).run()


def test_panel_advances_per_run_and_stop_stops():
    at = _app(budget=100)
    assert not at.exception and _steps(at) == 0            # nothing trains before Start
    at.button(key="t_start").click().run()
    assert _steps(at) == 1
    at.run()
    assert _steps(at) == 2
    assert at.get("plotly_chart") and at.get("progress")
    at.button(key="t_stop").click().run()
    at.run()
    assert _steps(at) == 2 and not at.exception
    at.button(key="t_start").click().run()                  # Continue
    assert _steps(at) == 3


def test_run_finishes_at_budget_then_offers_downloads():
    at = _app(budget=2)
    at.button(key="t_start").click().run()
    at.run()
    at.run()
    assert _steps(at) == 2 and not at.exception
    assert any("Finished after 2 steps" in s.value for s in at.success)
    assert at.button(key="t_start").disabled
    assert len(at.get("download_button")) == 2


def test_diverged_run_shows_reason_and_kept_weights():
    at = _app(budget=10, diverge_at=2)
    at.button(key="t_start").click().run()
    at.run()
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert "diverged" in errors and "nan at step 2" in errors and "last good weights" in errors
    at.run()
    assert _steps(at) == 2                                   # it does not keep training


def test_engine_error_becomes_a_message():
    at = _app(fail=True)
    at.button(key="t_start").click().run()
    assert not at.exception
    assert any("x.conll, line 3" in e.value for e in at.error)


def test_full_gate_queues_with_a_message():
    at = _app(block=True)
    at.button(key="t_start").click().run()
    assert not at.exception and _steps(at) == 0
    infos = " ".join(i.value for i in at.info)
    assert "Queued: 2 sessions are training, yours starts when one finishes" in infos


def test_gate_is_fair_and_bounded():
    now = [0.0]
    gate = TrainingGate(1, clock=lambda: now[0], policy="rotate")
    assert gate.try_acquire("a")
    assert not gate.try_acquire("b")                  # full: b queues
    assert gate.position("b") == 1
    gate.release("a")
    assert not gate.try_acquire("a")                  # a just had a turn; b is first
    assert gate.try_acquire("b")
    assert "1 session is training" in queue_message(gate, "a")
    gate.release("b")
    now[0] += 60                                      # everyone went away: stale entries pruned
    assert gate.n_training() == 0 and gate.n_waiting() == 0
    assert gate.try_acquire("c")                      # stale "a" no longer blocks the queue
    gate.release("c")
    with pytest.raises(ValueError):
        gate._slots.release()                         # BoundedSemaphore: no phantom slots


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
