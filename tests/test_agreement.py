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


def test_cli_train_and_evaluate(tmp_path, capsys):
    from rnn.cli import main
    out = tmp_path / "agr"
    r = subprocess.run([sys.executable, "-m", "rnn", "train", "--task", "agreement", "--dataset", "short",
                        "--arch", "lstm", "--steps", "10", "--hidden", "8", "--embed", "8", "--out", str(out)],
                       capture_output=True, text=True, timeout=240)
    assert r.returncode == 0, r.stderr
    final = json.loads(r.stdout.strip().splitlines()[-1])
    assert "acc_gap_0-5" in final and 0 <= final["accuracy"] <= 1
    assert main(["evaluate", str(out), "--dataset", "long"]) == 0      # scored per long-gap bucket
    assert "acc_gap_40-50" in json.loads(capsys.readouterr().out.strip().splitlines()[-1])


# ---- the lesson's computations (rnn/lessons/gates.py, rnn/plots/gates.py) ----------------------
import numpy as np  # noqa: E402
import torch  # noqa: E402

from rnn.cells import GRUCell  # noqa: E402
from rnn.lessons import gates, gates_learn  # noqa: E402
from rnn.plots.gates import gap_accuracy_figure, unit_scores_figure, unit_story_figure  # noqa: E402


def test_every_equation_points_at_a_line_of_our_cells():
    for arch in gates_learn.EQUATIONS:
        rows = gates_learn.equation_rows(arch)
        assert rows and all(r["code"] and r["latex"] for r in rows)
    gru = {r["code"].split(" =")[0] for r in gates_learn.equation_rows("gru")}
    assert {"r", "z", "n", "h"} <= gru
    with pytest.raises(LookupError):
        gates_learn.code_line(gates_learn.gru_step, "q = torch.sigmoid(")


def test_gate_calculator_matches_the_course_equations():
    a, x = [0.5, -0.2, 0.1], [1.0, -0.5]
    rows = {r["torch"]: np.array(r["values"]) for r in gates_learn.gate_calculator("gru", a, x, seed=3)}
    torch.manual_seed(3)
    cell = GRUCell(2, 3)
    w_ih, w_hh, b_ih, b_hh = (p.detach().numpy() for p in (cell.weight_ih, cell.weight_hh,
                                                             cell.bias_ih, cell.bias_hh))
    pre_x, pre_h = w_ih @ np.array(x) + b_ih, w_hh @ np.array(a) + b_hh
    sig = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    gamma_u = 1 - sig(pre_x[3:6] + pre_h[3:6])          # torch's z = 1 − Γ_u
    gamma_r = sig(pre_x[:3] + pre_h[:3])
    c_tilde = np.tanh(pre_x[6:] + gamma_r * pre_h[6:])
    assert np.allclose(rows["1 − z"], gamma_u, atol=1e-4)
    assert np.allclose(rows["h"], gamma_u * c_tilde + (1 - gamma_u) * np.array(a), atol=1e-4)
    lstm = {r["torch"]: np.array(r["values"]) for r in gates_learn.gate_calculator("lstm", [0.3, -0.6], x)}
    assert np.allclose(lstm["c"], lstm["f"] * np.array([0.3, -0.6]) + lstm["i"] * lstm["g"], atol=1e-3)
    assert np.allclose(lstm["h"], lstm["o"] * np.tanh(lstm["c"]), atol=1e-3)
    with pytest.raises(ValueError, match="2 to 4 units"):
        gates_learn.gate_calculator("gru", [0.1] * 5, x)


def test_threshold_accuracy_finds_the_separating_unit():
    labels = np.array([0, 0, 1, 1, 0, 1])
    assert gates.threshold_accuracy(np.array([.1, .2, .9, .8, .3, .7]), labels)[:1] == (1.0,)
    acc, _, high = gates.threshold_accuracy(np.array([.9, .8, .1, .2, .7, .3]), labels)
    assert acc == 1.0 and high is False
    assert gates.threshold_accuracy(np.zeros(6), labels)[0] == 0.5


def test_flip_subject_and_separation():
    assert gates.flip_subject(["the", "cat", ",", "the", "dogs"]) == ["the", "cats", ",", "the", "dogs"]
    assert gates.flip_subject(["the", "children", "saw"]) == ["the", "child", "saw"]
    assert gates.flip_subject(["hello"]) is None
    labels = np.array([0, 0, 1, 1])
    assert gates.separation(np.array([0., 0.1, 1., 1.1]), labels) > gates.separation(
        np.array([0., 0.5, 0.6, 1.1]), labels)


def test_falls_first_and_summaries():
    curves = {"RNN": {0: 1.0, 10: 0.6, 30: 0.5}, "LSTM": {0: 1.0, 10: 1.0, 30: 0.95}}
    assert gates.falls_first(curves) == {"RNN": 10, "LSTM": None}
    rows = gates.summary_rows(curves)
    assert rows[0]["accuracy, gaps 20-50"] == 0.5 and rows[1]["accuracy, gaps 0-5"] == 1.0
    assert gates.overlap_note(curves) == ""                    # only one curve at the top
    both = {**curves, "GRU": {0: 1.0, 30: 1.0}, "LSTM": {0: 1.0, 30: 1.0}}
    assert gates.overlap_note(both) == "On one line at 1.0, hiding each other: LSTM, GRU."


def test_gate_figures():
    fig = gap_accuracy_figure({"RNN": {0: 1.0, 20: 0.5}, "GRU": {0: 1.0, 20: 1.0}})
    assert [t.name for t in fig.data] == ["RNN", "GRU"] and list(fig.data[0].x) == [0, 20]
    story = unit_story_figure(["the", "cat"], {"cat": [0.1, 0.9], "cats": [0.1, -0.9]},
                              {"Γ_f": [0.2, 0.95]}, unit=3)
    assert [t.name for t in story.data] == ["cat", "cats", "Γ_f"] and list(story.data[2].y) == [0.2, 0.95]
    assert "unit 3" in story.layout.title.text
    assert unit_story_figure(["the"], {"x": [0.1, 0.2]}, {}, 0).layout.annotations  # mismatch -> empty
    bars = unit_scores_figure([0.5, 0.99, 0.6], chosen=1)
    assert bars.data[0].marker.color[1] != bars.data[0].marker.color[0]


def test_shipped_checkpoints_show_the_gap_issue_13_asks_for():
    """Same data, seed and 1500 steps: GRU and LSTM >= 0.90 on the long test split (gaps 20-50),
    the vanilla RNN at least 0.15 below the LSTM."""
    from rnn.pretrained import load_pretrained
    test = build_agreement("long").test
    rnn, gru, lstm = (load_pretrained(f"agreement-{a}").evaluate(data=test)["accuracy"]
                      for a in ("rnn", "gru", "lstm"))
    assert gru >= 0.90 and lstm >= 0.90 and rnn <= lstm - 0.15, (rnn, gru, lstm)


def test_overwrite_set_labels_the_last_subject():
    """Issue 25: 1-3 main-clause subjects, each earlier one with its own agreeing verb; the label is
    the number of the last subject, ``gap`` tokens before the cut-off verb; the earlier subjects'
    numbers tell nothing about it."""
    from rnn.data.agreement import subject_positions
    ow = build_agreement("overwrite", seed=0, sizes=SMALL)
    for split, items in zip(("train", "val", "test"), ow):
        lo, hi = GAPS["overwrite"][split]
        assert all(lo <= x.gap <= hi for x in items)
        for x in items:
            subjects = subject_positions(x.tokens)
            assert len(subjects) == x.subjects and 1 <= x.subjects <= 3
            last = subjects[-1]
            assert (x.tokens[last] in PLURALS) == bool(x.label)
            assert len(x.tokens) - 1 - last == x.gap
            # each earlier subject's verb agrees with it, and is the only agreeing verb of its clause
            for start, end in zip(subjects, subjects[1:]):
                verbs = [t for t in x.tokens[start:end] if t in VERB_NUMBER]
                assert verbs == [verbs[0]] and VERB_NUMBER[verbs[0]] == int(x.tokens[start] in PLURALS)
            assert not any(t in VERB_NUMBER for t in x.tokens[last:])
    train = ow.train
    assert Counter(x.subjects for x in train).keys() == {1, 2, 3}
    multi = [x for x in train if x.subjects > 1]
    same = sum((x.tokens[1] in PLURALS) == bool(x.label) for x in multi) / len(multi)
    assert 0.4 < same < 0.6                       # the first subject does not give the answer


def test_split_verb_takes_the_last_subjects_verb():
    tokens, verb = split_verb("the cat , which saw the dogs , was full , and the boys , again , were happy .".split())
    assert verb == "were" and tokens[-1] == "," and "was" in tokens
    tokens, verb = split_verb("the cat was full , and the boys".split())
    assert verb is None and tokens[-1] == "boys"


def test_inspect_flips_the_last_subject_and_reads_gates_by_role():
    from rnn.lessons import gates
    from rnn.pretrained import load_pretrained
    two = "the cat , which saw the dogs , was full , and the boys , near the girl , were".split()
    flipped = gates.flip_subject(two)
    assert flipped[flipped.index("and") + 2] == "boy" and flipped[1] == "cat"
    assert gates.flip_subject("the cats , which saw the dog ,".split())[1] == "cat"
    items = build_agreement("overwrite", sizes=SMALL).test[:40]
    roles = gates.gates_by_role(load_pretrained("agreement-gru-overwrite"), items)
    assert set(roles) == {"Γ_u (update)"} and set(roles["Γ_u (update)"]) == set(gates.ROLES)
    assert all(0.0 <= v <= 1.0 for v in roles["Γ_u (update)"].values())
    assert gates.gates_by_role(load_pretrained("agreement-leaky-overwrite"), items) == {}
