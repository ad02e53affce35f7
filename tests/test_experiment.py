"""Experiment: create, train a slice, predict, trace, save/load round trip, clone isolation."""
import json

import pytest
import torch

from rnn.checkpoint import CheckpointError
from rnn.experiment import Experiment, ModelConfig, TrainConfig
from train_helpers import to_the_end

SMALL = dict(hidden=16, embed=8)


def quick(task, steps=30, **model):
    cfg = ModelConfig(**{**SMALL, **model})
    return Experiment.create(task, cfg, TrainConfig(steps=steps, seconds=None, eval_every=15, batch_size=16))


@pytest.mark.parametrize("task,model", [
    ("ner", {"bidirectional": True}), ("sentiment", {"arch": "gru"}),
    ("textgen", {"arch": "rnn"}), ("translation", {"attention": "dot"}),
])
def test_training_slice_lowers_the_loss_and_records_history(task, model):
    exp = quick(task, **model)
    records = to_the_end(exp, 60.0)
    assert records == list(exp.history)                         # the new records, typed
    steps = exp.history.steps
    assert len(steps) == 30 and exp.status == "done"
    assert exp.history.evals and exp.history.stop is not None
    first = sum(r.loss for r in steps[:5]) / 5
    last = sum(r.loss for r in steps[-5:]) / 5
    assert last < first
    assert exp.fraction_done == 1.0


def test_ner_predict_and_trace_shapes():
    exp = quick("ner", steps=5, arch="lstm", bidirectional=True, layers=2)
    exp.train_for(10)
    out = exp.predict("Teddy Roosevelt was a great President.")
    assert out["tokens"][:2] == ["Teddy", "Roosevelt"] and len(out["probs"]) == len(out["tokens"])
    assert all(0.0 <= p <= 1.0 for p in out["probs"])
    trace = exp.trace("Teddy bears are on sale.")
    assert len(trace["layers"]) == 2 and len(trace["layers"][0]) == 2
    assert set(trace["layers"][0][0]) >= {"h", "c", "i", "f", "g", "o"}
    assert trace["layers"][1][1]["h"].shape == (len(trace["tokens"]), 16)


def test_sentiment_gives_a_probability_after_each_word():
    exp = quick("sentiment", steps=5)
    exp.train_for(10)
    out = exp.predict("the plot was good but the acting was dull")
    assert len(out["prob_after_each"]) == 9 and out["prob"] == out["prob_after_each"][-1]


def test_textgen_sampling_options():
    exp = quick("textgen", steps=5)
    exp.train_for(10)
    a = exp.predict("Ma", length=20, temperature=0.5, top_k=5, seed=1)
    b = exp.predict("Ma", length=20, temperature=0.5, top_k=5, seed=1)
    assert a["text"] == b["text"] and len(a["steps"]) <= 20
    assert all(len(s["top"]) <= 5 for s in a["steps"])


def test_translation_beam_and_attention():
    exp = quick("translation", steps=5)
    exp.train_for(10)
    greedy = exp.predict("three hundred and twelve")
    beam = exp.predict("three hundred and twelve", beam=3)
    for out in (greedy, beam):
        assert out["attention"] is None or out["attention"].shape[1] == len(out["src_tokens"])


def test_save_load_round_trip_gives_identical_predictions(tmp_path):
    exp = quick("ner", steps=10, bidirectional=True)
    exp.train_for(10)
    exp.save(tmp_path / "ner")
    again = Experiment.load(tmp_path / "ner")
    text = "Yesterday Ana Kowalski visited Paris."
    assert again.predict(text)["probs"] == pytest.approx(exp.predict(text)["probs"], abs=1e-6)
    assert again.model_config == exp.model_config
    assert again.history == exp.history                         # the same typed records


def test_load_rejects_weights_that_do_not_fit(tmp_path):
    exp = quick("sentiment", steps=1)
    exp.save(tmp_path / "ck")
    meta = json.loads((tmp_path / "ck" / "meta.json").read_text())
    meta["model_config"]["hidden"] = 32
    (tmp_path / "ck" / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(CheckpointError, match="do not fit"):
        Experiment.load(tmp_path / "ck")


def test_clone_trains_independently():
    base = quick("sentiment", steps=5)
    before = {k: v.clone() for k, v in base.model.state_dict().items()}
    copy = base.clone()
    copy.train_for(10)
    assert all(torch.equal(before[k], v) for k, v in base.model.state_dict().items())
    assert len(base.history) == 0 and copy.history.trained
