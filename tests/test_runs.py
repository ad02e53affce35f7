"""Runs, not one model: a setting change starts a new run and keeps the old one (to try, inspect,
overlay and continue), and a finished run can be given more budget."""
import pytest
from streamlit.testing.v1 import AppTest

from pagetest import fresh_cache, open_tab, page_path, train_a_few_ticks  # noqa: F401 (fixture)
from rnn.experiment import Experiment
from rnn.models.config import ModelConfig
from rnn.train.trainer import TrainConfig

NER = page_path("1_Named_entities.py")
SMALL = {"ner_hidden": 16, "ner_embed": 8, "ner_seconds": 5}


def test_a_setting_change_keeps_the_old_run_and_it_can_be_picked_and_restored():
    at = open_tab(NER, "Train", **SMALL)
    first = train_a_few_ticks(at, "ner", ticks=2)
    at.button(key="ner_exp_stop").click().run()
    at.select_slider(key="ner_hidden").set_value(32).run()          # new settings: a new run
    assert not at.exception
    kept = at.session_state["_runs_ner_exp"]["list"]
    assert len(kept) == 1 and kept[0]["exps"][None] is first and kept[0]["id"] == 1
    assert "ner_exp" not in at.session_state                          # the new run has not started
    assert any("Your runs, side by side" in s.value for s in at.subheader)
    choices = at.selectbox(key="ner_exp_use").options
    assert any(c.startswith("run 1:") for c in choices), choices
    # Try uses the earlier run (it is the newest trained one), and says so
    at.query_params["tab"] = "Try"
    at.run()
    assert any("your model (run 1" in c.value for c in at.caption), [c.value for c in at.caption]
    # Back to the first run's settings: the same run returns, ready to continue
    at.query_params["tab"] = "Train"
    at.select_slider(key="ner_hidden").set_value(16).run()
    assert at.session_state["ner_exp"] is first
    assert at.session_state["_runs_ner_exp"]["list"] == []
    assert not at.button(key="ner_exp_start").disabled              # Continue


def test_pretrained_stays_one_choice_away():
    at = open_tab(NER, "Train", **SMALL)
    train_a_few_ticks(at, "ner", ticks=2)
    at.query_params["tab"] = "Try"
    at.run()
    pretrained = [c for c in at.selectbox(key="ner_exp_use").options if "pretrained" in c]
    assert pretrained, at.selectbox(key="ner_exp_use").options
    at.selectbox(key="ner_exp_use").set_value(pretrained[0]).run()
    assert any("pretrained model `ner-lstm`" in c.value for c in at.caption)


def test_extend_budget_trains_on_from_the_same_weights():
    exp = Experiment.create("sentiment", ModelConfig(hidden=8, embed=8),
                            TrainConfig(steps=6, eval_every=3, seconds=None))
    exp.train()
    steps = [r["step"] for r in exp.history if r["kind"] == "step"]
    assert exp.status == "done" and steps[-1] == 6
    exp.extend_budget(steps=4)
    assert exp.status == "ready"
    exp.train()
    steps = [r["step"] for r in exp.history if r["kind"] == "step"]
    assert exp.status == "done" and steps[-1] == 10 and steps == sorted(steps)
    diverged = Experiment.create("sentiment", ModelConfig(hidden=8, embed=8), TrainConfig(steps=2))
    diverged.status = "diverged"
    with pytest.raises(ValueError):
        diverged.extend_budget(steps=1)


def more_script():
    import types

    from rnn.ui import training_panel

    class Fake:
        def __init__(self):
            self.history, self.status, self.stop_reason = [], "ready", ""
            self.train_config = types.SimpleNamespace(seconds=60.0, clip=1.0, steps=2)
            self.fraction_done = 0.0

        def train_for(self, seconds, between_steps=None):
            n = sum(r["kind"] == "step" for r in self.history) + 1
            self.history += [{"kind": "step", "step": n, "loss": 1.0 / n, "elapsed": float(n)},
                             {"kind": "eval", "step": n, "elapsed": float(n), "val_loss": 1.0}]
            self.status = "done" if n >= self.train_config.steps else "training"
            return []

        def extend_budget(self, seconds=None, steps=None):
            self.train_config.steps += 2
            self.status = "ready"

        def to_files(self):
            return {"model.safetensors": b"w", "meta.json": b"{}"}

    training_panel("t", Fake, "val_loss")


def test_more_button_continues_a_finished_run():
    at = AppTest.from_function(more_script, default_timeout=30).run()
    at.button(key="t_start").click().run()
    at.run()
    exp = at.session_state["t"]
    assert exp.status == "done" and at.button(key="t_start").disabled
    at.button(key="t_more").click().run()
    at.run()
    assert at.session_state["t"] is exp and exp.status == "done"
    assert sum(r["kind"] == "step" for r in exp.history) == 4
