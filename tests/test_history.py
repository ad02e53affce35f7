"""The typed run history (rnn.train.history.History), a panel's run store (rnn.ui.runs.PanelRuns:
archive and restore) and Trainer.extend (continue a finished run)."""
import json
import math

import pytest
import torch

from rnn.experiment import Experiment
from rnn.models.config import ModelConfig
from rnn.train.history import (BestRecord, EvalRecord, History, StepRecord, StopRecord, column,
                               select, split_records)
from rnn.train.trainer import TrainConfig, Trainer
from rnn.ui.runs import MAX_RUNS, Job, PanelRuns, trained


def _records():
    return [{"kind": "step", "step": 1, "loss": 2.0, "grad_norm": 0.5, "grad_norm_clipped": 0.5,
             "clipped": False, "lr": 0.1, "examples_per_s": 10.0, "elapsed": 0.1},
            {"kind": "eval", "step": 1, "elapsed": 0.2, "val_loss": 1.5, "accuracy": 0.5},
            {"kind": "step", "step": 2, "loss": 1.0, "grad_norm": 3.0, "grad_norm_clipped": 1.0,
             "clipped": True, "lr": 0.1, "examples_per_s": 10.0, "elapsed": 0.3},
            {"kind": "eval", "step": 2, "elapsed": 0.4, "val_loss": 1.7, "accuracy": 0.75},
            {"kind": "best", "step": 1, "elapsed": 0.4, "metric": "val_loss", "val_loss": 1.5,
             "restored": True},
            {"kind": "stop", "step": 2, "elapsed": 0.4, "reason": "finished 2 steps",
             "diverged": False, "best_step": 1}]


# ------------------------------------------------------------------ History
def test_history_accessors_split_a_run_by_kind():
    h = History.from_dicts(_records())
    assert [r.step for r in h.steps] == [1, 2] and all(isinstance(r, StepRecord) for r in h.steps)
    assert [r.metrics["accuracy"] for r in h.evals] == [0.5, 0.75]
    assert all(isinstance(r, EvalRecord) for r in h.evals)
    assert isinstance(h.best, BestRecord) and h.best.step == 1 and h.best.value == 1.5
    assert isinstance(h.stop, StopRecord) and h.stop_reason == "finished 2 steps"
    assert h.trained and h.steps_done == 2 and h.last_step.loss == 1.0
    assert h.last_eval.step == 2 and h.last_value("accuracy") == 0.75 and h.last_value("bleu") is None
    assert len(h) == 6 and h[0] is h.steps[0] and h[-2:] == [h.best, h.stop]
    assert h.to_dicts() == _records()


def test_an_empty_history_is_untrained():
    h = History()
    assert not h and not h.trained and h.steps == [] and h.best is None and h.stop is None
    assert h.steps_done is None and h.last_step is None and h.stop_reason == ""


def test_records_read_their_fields_by_name_like_the_trainers_dicts():
    h = History.from_dicts(_records())
    step, ev, best, stop = h[0], h[1], h[4], h[5]
    assert step.get("loss") == 2.0 and step.get("kind") == "step" and step.get("accuracy") is None
    assert ev.get("val_loss") == 1.5 and ev.get("step") == 1 and ev.get("bleu", -1) == -1
    assert best.get("val_loss") == 1.5 and stop.get("reason") == "finished 2 steps"


def test_select_and_split_take_typed_records_or_dicts_alike():
    typed = History.from_dicts(_records())
    for records in (typed, list(typed), _records()):
        steps, evals = split_records(records)
        assert [r.get("step") for r in steps] == [1, 2] and [r.get("step") for r in evals] == [1, 2]
        assert len(select(records, "step", "eval")) == 4 and len(select(records, "stop")) == 1
    assert split_records(None) == ([], [])


def test_column_reads_a_field_of_typed_records_or_dicts_alike():
    typed = History.from_dicts(_records())
    dicts = _records()
    for key in ("step", "loss", "clipped", "elapsed", "accuracy"):
        for kinds in (("step",), ("eval",), ("step", "eval", "best", "stop")):
            assert column(select(typed, *kinds), key) == column(select(dicts, *kinds), key), (key, kinds)
    assert column(typed.steps, "loss") == [2.0, 1.0] and column(typed.evals, "accuracy") == [0.5, 0.75]
    assert column(typed.evals, "loss") == [None, None] and column([], "loss") == []


def test_truncate_and_copy():
    h = History.from_dicts(_records())
    other = h.copy()
    h.truncate(2)
    assert len(h) == 2 and not h.evals[1:] and h.stop is None
    assert len(other) == 6                                   # the copy keeps its own list


def test_a_continued_run_has_a_stop_per_budget_and_the_last_counts():
    h = History.from_dicts(_records() + [dict(_records()[2], step=3)])
    assert h.stop is None and h.last_stop.step == 2           # training goes on after a stop
    assert h.steps_done == 3


def test_thinned_keeps_evaluations_and_the_last_step():
    dicts = [{"kind": "step", "step": i, "loss": 1.0 / i} for i in range(1, 1001)]
    dicts += [{"kind": "eval", "step": 1000, "val_loss": 0.5},
              {"kind": "stop", "step": 1000, "reason": "done"}]
    thin = History.from_dicts(dicts).thinned(max_steps=100)
    assert len(thin.steps) <= 101 and thin.steps[0].step == 1 and thin.steps[-1].step == 1000
    assert len(thin.evals) == 1 and thin.stop.reason == "done"


def test_old_or_odd_checkpoint_records_still_load():
    """Checkpoints write NaN as null and older ones lack fields; unknown records are dropped."""
    dicts = [{"kind": "step", "step": 1, "loss": 2.0},                    # an old step record
             {"kind": "step", "step": 2, "loss": 1.0, "grad_norm": None, "lr": None},
             {"kind": "eval", "step": 2, "val_loss": None},
             {"kind": "best", "step": 2, "metric": "val_loss", "val_loss": None},
             {"kind": "stop", "step": 2, "reason": "x"},
             {"kind": "nonsense"}, {"step": 3}, "not a record"]
    h = History.from_dicts(dicts, strict=False)
    assert [r.step for r in h.steps] == [1, 2] and math.isnan(h.steps[1].grad_norm)
    assert h.evals[0].metrics == {"val_loss": None} and math.isnan(h.best.value)
    assert h.stop.reason == "x" and len(h) == 5
    with pytest.raises(ValueError):
        History.from_dicts(dicts)


def test_experiment_history_is_typed_and_checkpoints_keep_the_dict_format(tmp_path):
    exp = Experiment.create("sentiment", ModelConfig(hidden=8, embed=8),
                            TrainConfig(steps=6, seconds=None, eval_every=3, batch_size=8))
    records = exp.train_for(30)
    assert isinstance(exp.history, History) and records == list(exp.history)
    assert exp.history.trained and exp.history.stop is not None and exp.best_step == exp.history.best.step
    exp.save(tmp_path / "ck")
    meta = json.loads((tmp_path / "ck" / "meta.json").read_text())
    assert meta["history"] == exp.history.to_dicts()         # plain dicts with "kind", as before
    assert all(r["kind"] in ("step", "eval", "best", "stop") for r in meta["history"])
    assert Experiment.load(tmp_path / "ck").history == exp.history
    exp.history = meta["history"]                            # a list of dicts is typed on the way in
    assert isinstance(exp.history, History) and exp.history.to_dicts() == meta["history"]


# ------------------------------------------------------------------ PanelRuns
class _Exp:
    """An experiment stand-in: a history with or without a step."""

    def __init__(self, steps: int):
        self.history = History([StepRecord(step=i + 1, loss=1.0) for i in range(steps)])


def test_archive_keeps_trained_experiments_and_restore_brings_them_back():
    store = PanelRuns(job=Job(labels=[None], signature="a", summary="hidden 16", index=1))
    assert store.current_id == 1
    a = _Exp(3)
    run = store.archive({None: a})
    assert run.id == 1 and run.exps == {None: a} and run.summary == "hidden 16" and run.index == 1
    store.job = Job(labels=[None], signature="b")
    assert store.current_id == 2                              # the next run's number
    assert store.restore("c", [None]) is None and len(store.earlier) == 1
    back = store.restore("a", [None])
    assert back is run and store.earlier == []
    assert store.job.run_id == 1 and store.job.index == 1 and store.job.summary == "hidden 16"
    assert store.current_id == 1


def test_archive_drops_untrained_experiments_and_labels_must_match():
    store = PanelRuns(job=Job(labels=["rnn", "gru"], signature="s"))
    assert store.archive({"rnn": _Exp(0), "gru": None}) is None and store.earlier == []
    store.archive({"rnn": _Exp(2), "gru": _Exp(0)})
    assert list(store.earlier[0].exps) == ["rnn"]
    assert store.restore("s", ["rnn", "lstm"]) is None
    assert store.restore("s", ("rnn", "gru")) is not None


def test_archive_keeps_the_last_max_runs_and_counts_the_dropped():
    store = PanelRuns()
    for i in range(MAX_RUNS + 2):
        store.job = Job(labels=[None], signature=str(i))
        store.archive({None: _Exp(1)})
    assert [r.id for r in store.earlier] == list(range(3, MAX_RUNS + 3)) and store.dropped == 2


def test_job_label_and_finished():
    job = Job(labels=["rnn", "gru"])
    assert job.label == "rnn" and not job.finished
    job.index = 2
    assert job.label == "gru" and job.finished
    assert trained(_Exp(1)) and not trained(_Exp(0)) and not trained(None)


# ------------------------------------------------------------------ Trainer.extend
def _trainer(steps, eval_fn=None):
    torch.manual_seed(0)
    model = torch.nn.Linear(4, 1)
    g = torch.Generator().manual_seed(1)
    batches = ((torch.randn(8, 4, generator=g), torch.randn(8, 1, generator=g)) for _ in iter(int, 1))
    loss = lambda m, b: torch.nn.functional.mse_loss(m(b[0]), b[1])
    return Trainer(model, loss, batches, TrainConfig(steps=steps, seconds=None, lr=0.05, eval_every=2),
                   eval_fn=eval_fn)


def test_extend_continues_the_step_numbering_and_equals_one_longer_run():
    short, long = _trainer(4), _trainer(8)
    first = list(short.run())
    assert first[-1]["kind"] == "stop" and short.done
    short.extend(steps=4)
    assert not short.done and short.stop_reason is None and short.config.steps == 8
    more = list(short.run())
    steps = [r for r in first + more if r["kind"] == "step"]
    whole = [r for r in long.run() if r["kind"] == "step"]
    assert [r["step"] for r in steps] == list(range(1, 9))
    assert [r["loss"] for r in steps] == [r["loss"] for r in whole]    # same batches, same updates
    assert all(torch.equal(a, b) for a, b in zip(short.model.state_dict().values(),
                                                 long.model.state_dict().values()))


def test_extend_with_seconds_lifts_a_spent_step_budget():
    trainer = _trainer(2)
    list(trainer.run())
    trainer.extend(seconds=0.05)
    assert trainer.config.steps is None and trainer.config.seconds >= trainer.elapsed + 0.05
    more = list(trainer.run())
    assert more[0]["step"] == 3 and more[-1]["kind"] == "stop" and "time budget" in more[-1]["reason"]


def test_a_diverged_run_cannot_be_extended():
    trainer = _trainer(2)
    list(trainer.run())
    trainer.diverged = True
    with pytest.raises(ValueError, match="diverged"):
        trainer.extend(steps=1)


def test_experiment_extend_budget_uses_the_trainer_and_trains_on():
    exp = Experiment.create("sentiment", ModelConfig(hidden=8, embed=8),
                            TrainConfig(steps=4, seconds=None, eval_every=2, batch_size=8))
    exp.train()
    trainer = exp.trainer
    exp.extend_budget(steps=3)
    assert exp.trainer is trainer and trainer.config.steps == 7 and exp.train_config.steps == 7
    exp.train()
    assert [r.step for r in exp.history.steps] == list(range(1, 8)) and exp.status == "done"
    assert exp.history.stop.step == 7


def test_extend_budget_of_a_run_trained_elsewhere_grows_its_config():
    exp = Experiment.create("sentiment", ModelConfig(hidden=8, embed=8),
                            TrainConfig(steps=4, seconds=30, eval_every=2, batch_size=8))
    exp.history = [{"kind": "step", "step": 4, "loss": 1.0, "elapsed": 2.0},
                   {"kind": "stop", "step": 4, "reason": "finished 4 steps"}]
    exp.status = "done"
    exp.extend_budget(seconds=10)
    assert exp.train_config.seconds == 40 and exp.train_config.steps is None and exp.status == "ready"
