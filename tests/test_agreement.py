"""The agreement task: the generated data keeps its promises, the task trains, scores per gap
bucket and explains bad input, and the CLI accepts --task agreement."""
import json
import subprocess
import sys
from collections import Counter

import pytest

from rnn.data import DataFormatError
from rnn.data.agreement import (GAPS, NOUNS, PLURALS, VERB_NUMBER, build_agreement, bucket_of,
                                gap_sweep, split_verb)
from rnn.experiment import Experiment
from rnn.models.config import ModelConfig
from rnn.tasks import get_task
from rnn.train.trainer import TrainConfig

SMALL = {"train": 400, "val": 200, "test": 200}


@pytest.fixture(scope="module")
def long_set():
    return build_agreement("long", seed=0, sizes=SMALL)


def nouns_in(tokens):
    return [t for t in tokens if t in NOUNS or t in PLURALS]


def test_gaps_labels_and_splits(long_set):
    for split, items in zip(("train", "val", "test"), long_set):
        lo, hi = GAPS["long"][split]
        assert all(lo <= x.gap <= hi for x in items)
        # the gap is exactly the number of tokens between the subject noun and the verb
        assert all(len(x.tokens) == x.gap + 2 for x in items)
        assert all((x.tokens[1] in PLURALS) == bool(x.label) for x in items)
        share = sum(x.label for x in items) / len(items)
        assert 0.4 < share < 0.6
    train_gaps = Counter(x.gap for x in long_set.train)
    assert min(train_gaps) <= 5 and max(train_gaps) >= 45          # mixed gap lengths in training
    texts = [{" ".join(x.tokens) for x in part} for part in long_set]
    assert not (texts[0] & texts[1]) and not (texts[0] & texts[2]) and not (texts[1] & texts[2])
    assert build_agreement("long", seed=0, sizes=SMALL).test[5].tokens == long_set.test[5].tokens


def test_no_short_range_shortcut(long_set):
    """Neither the last attractor nor the attractors' majority tells the subject's number."""
    items = [x for x in long_set.test if nouns_in(x.tokens[2:])]
    last = sum((nouns_in(x.tokens[2:])[-1] in PLURALS) == bool(x.label) for x in items) / len(items)
    assert 0.4 < last < 0.6
    # no word other than the subject appears more often with one number than chance allows
    assert all(t not in VERB_NUMBER for x in long_set.train for t in x.tokens)


def test_short_set_and_sweep():
    short = build_agreement("short", sizes=SMALL)
    assert all(0 <= x.gap <= 5 for part in short for x in part)
    sweep = gap_sweep([0, 10, 30], per_gap=5)
    assert Counter(x.gap for x in sweep) == {0: 5, 10: 5, 30: 5}
    assert bucket_of(0) == "0-5" and bucket_of(25) == "20-29" and bucket_of(50) == "40-50"
    with pytest.raises(ValueError, match="short, long|long, short"):
        build_agreement("medium")


def test_split_verb_cuts_at_the_agreeing_verb():
    tokens, verb = split_verb("the cats , which saw the dog , were full .".split())
    assert verb == "were" and tokens[-1] == "," and "full" not in tokens
    assert split_verb(["the", "cat"]) == (["the", "cat"], None)


def test_task_trains_and_scores_per_bucket(long_set):
    exp = Experiment.create("agreement", ModelConfig(arch="gru", hidden=8, embed=8),
                            TrainConfig(steps=5, seconds=None, batch_size=8, eval_every=5), data=long_set,
                            dataset="long")
    exp.train()
    result = exp.evaluate("test")
    assert 0.0 <= result["accuracy"] <= 1.0
    assert {"acc_gap_20-29", "acc_gap_30-39", "acc_gap_40-50"} <= set(result)
    assert "acc_gap_0-5" not in result                             # scored on long gaps only
    out = exp.predict("The cats , which saw the dog , were full .")
    assert out["verb"] == "were" and out["tokens"][-1] == "," and out["number"] in ("singular", "plural")
    assert len(out["prob_after_each"]) == len(out["tokens"])
    trace = exp.trace("the cat was")
    assert trace["tokens"] == ["the", "cat"]
    batch = get_task("agreement").trace_batch(exp.model, exp.vocabs, long_set.val[:10])
    assert batch["at_verb"]["h"].shape == (10, 8) and len(batch["labels"]) == 10


def test_bad_input_is_a_message(long_set):
    exp = Experiment.create("agreement", ModelConfig(arch="rnn", hidden=4, embed=4), data=long_set,
                            dataset="long")
    with pytest.raises(DataFormatError, match="subject"):
        exp.predict("   ")
    with pytest.raises(DataFormatError, match="built-in data only"):
        get_task("agreement").load_file(b"a,b\n", name="x.csv")


def test_cli_train_and_evaluate(tmp_path):
    out = tmp_path / "agr"
    run = lambda *a: subprocess.run([sys.executable, "-m", "rnn", *a], capture_output=True,  # noqa: E731
                                    text=True, timeout=240)
    r = run("train", "--task", "agreement", "--dataset", "short", "--arch", "lstm", "--steps", "10",
            "--hidden", "8", "--embed", "8", "--out", str(out))
    assert r.returncode == 0, r.stderr
    final = json.loads(r.stdout.strip().splitlines()[-1])
    assert "acc_gap_0-5" in final and 0 <= final["accuracy"] <= 1
    r = run("evaluate", str(out), "--dataset", "long")
    assert r.returncode == 0, r.stderr
    assert "acc_gap_40-50" in json.loads(r.stdout.strip().splitlines()[-1])
