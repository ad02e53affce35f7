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
    kept = at.session_state["_panel_ner_exp"].earlier
    assert len(kept) == 1 and kept[0].exps[None] is first and kept[0].id == 1
    assert "ner_exp" not in at.session_state                          # the new run has not started
    assert any("Your runs, side by side" in s.value for s in at.subheader)
    choices = at.selectbox(key="ner_exp_use").options
    assert any(c.startswith("run 1:") for c in choices), choices
    run1 = next(c for c in choices if c.startswith("run 1:"))        # its settings, in words
    assert "hidden units 16" in run1 and "embedding size 8" in run1, run1
    # Try uses the earlier run (it is the newest trained one), and says so
    at.query_params["tab"] = "Try"
    at.run()
    assert any("your model (run 1" in c.value for c in at.caption), [c.value for c in at.caption]
    # Back to the first run's settings: the same run returns, ready to continue
    at.query_params["tab"] = "Train"
    at.select_slider(key="ner_hidden").set_value(16).run()
    assert at.session_state["ner_exp"] is first
    assert at.session_state["_panel_ner_exp"].earlier == []
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
    steps = [r.step for r in exp.history.steps]
    assert exp.status == "done" and steps[-1] == 6
    exp.extend_budget(steps=4)
    assert exp.status == "ready"
    exp.train()
    steps = [r.step for r in exp.history.steps]
    assert exp.status == "done" and steps[-1] == 10 and steps == sorted(steps)
    diverged = Experiment.create("sentiment", ModelConfig(hidden=8, embed=8), TrainConfig(steps=2))
    diverged.status = "diverged"
    with pytest.raises(ValueError):
        diverged.extend_budget(steps=1)


def more_script():
    from rnn.experiment import Experiment
    from rnn.models.config import ModelConfig
    from rnn.train.trainer import TrainConfig
    from rnn.ui import training_panel

    def make(label=None):
        return Experiment.create("sentiment", ModelConfig(hidden=8, embed=8),
                                 TrainConfig(steps=2, seconds=None, eval_every=1, batch_size=8))

    training_panel("t", make, "val_loss")


def _until(at, condition, timeout=60.0):
    import time
    deadline = time.monotonic() + timeout
    while not condition(at):
        assert not at.exception and time.monotonic() < deadline
        time.sleep(0.1)
        at.run()


def test_more_button_continues_a_finished_run(short_more):
    at = AppTest.from_function(more_script, default_timeout=30).run()
    at.button(key="t_start").click().run()
    _until(at, lambda a: "t" in a.session_state and a.session_state["t"].status == "done")
    exp = at.session_state["t"]
    assert exp.status == "done" and at.button(key="t_start").disabled
    at.button(key="t_more").click().run()
    _until(at, lambda a: a.session_state["t"].status == "done")
    assert at.session_state["t"] is exp and exp.status == "done"
    steps = [r.step for r in exp.history.steps]
    assert steps[:2] == [1, 2] and len(steps) > 2 and steps == sorted(steps)   # on from step 2


def test_a_second_run_is_picked_for_try_and_overlaid_at_once():
    """Issue 22: after a second training, Try and Inspect use it (no extra rerun needed), and the
    overlay of runs shows the run that has just finished."""
    from pagetest import wait_for_steps
    at = open_tab(NER, "Train", **SMALL)
    at.button(key="ner_exp_start").click().run()
    wait_for_steps(at, "ner_exp")
    at.button(key="ner_exp_stop").click().run()
    at.select_slider(key="ner_hidden").set_value(32).run()          # run 2
    at.button(key="ner_exp_start").click().run()
    wait_for_steps(at, "ner_exp")
    at.button(key="ner_exp_stop").click().run()
    assert at.selectbox(key="ner_exp_use").value.startswith("run 2:")
    shown = at.multiselect(key="ner_exp_runs_shown")
    assert set(shown.value) == {1, 2}, shown.value
    at.query_params["tab"] = "Try"
    at.run()
    assert any("your model (run 2" in c.value for c in at.caption), [c.value for c in at.caption]
