"""Issue 15: dropout that acts, the best weights kept, defaults fitted to the data, language models
scored over the whole text with the state carried."""
import json
import math
import random

import pytest
import torch
from torch.nn import functional as F

from rnn.autofit import fit_to_data
from rnn.cli import main
from rnn.data import Splits, Vocab
from rnn.data.ner import TaggedSentence
from rnn.data.sentiment import LabeledText
from rnn.data.translation import Pair
from rnn.experiment import Experiment
from rnn.models import Classifier, LanguageModel, ModelConfig, Seq2Seq, Tagger
from rnn.models.features import Batch, make_word_batch, pad_ids
from rnn.tasks import get_task
from rnn.train.trainer import TrainConfig, Trainer


class Words:
    def encode(self, tokens):
        return [2 + (hash(t) % 7) for t in tokens]


def _batches():
    words, lengths = pad_ids([[2, 3, 4, 5], [6, 7, 8]])
    word_batch = make_word_batch([["a", "b", "c", "d"], ["e", "f", "g"]], Words(), True)
    return {
        "tagger": (lambda cfg: Tagger(cfg, 10), lambda m: m(word_batch)),
        "classifier": (lambda cfg: Classifier(cfg, 10), lambda m: m(Batch(words, lengths))),
        "language_model": (lambda cfg: LanguageModel(cfg, 10), lambda m: m(words)[0]),
        "seq2seq": (lambda cfg: Seq2Seq(cfg, 10, 12),
                    lambda m: m.step(torch.tensor([2, 3]), m.encode(words, lengths),
                                     m.encode(words, lengths)["state"])[0]),
    }


@pytest.mark.parametrize("name", ["tagger", "classifier", "language_model", "seq2seq"])
def test_dropout_changes_a_one_layer_models_training_output(name):
    build, forward = _batches()[name]
    torch.manual_seed(0)
    plain = build(ModelConfig(hidden=8, embed=6, layers=1, dropout=0.0))
    dropped = build(ModelConfig(hidden=8, embed=6, layers=1, dropout=0.5))
    dropped.load_state_dict(plain.state_dict())          # dropout has no weights: same keys
    plain.train(), dropped.train()
    torch.manual_seed(1)
    base = forward(plain)
    torch.manual_seed(1)
    out = forward(dropped)
    assert not torch.allclose(out, base, atol=1e-4)       # a one-layer model's dropout acts
    plain.eval(), dropped.eval()
    assert torch.allclose(forward(dropped), forward(plain), atol=1e-6)   # and only in training


# ------------------------------------------------------------------ keeping the best
class Line(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.w = torch.nn.Parameter(torch.zeros(1))

    def forward(self, x):
        return self.w * x


def _trainer(scores, **config):
    """A trainer whose evaluations return ``scores`` in turn (as val_loss), and which records the
    weight at each evaluation."""
    model = Line()
    seen = {}

    def eval_fn(m):
        value = scores[len(seen)]
        seen[len(seen)] = float(m.w.detach())
        return {"val_loss": value}

    def batches():
        while True:
            yield torch.ones(4)

    cfg = TrainConfig(**{"steps": 10 * len(scores), "seconds": None, "eval_every": 10, "lr": 0.1,
                         "clip": None, **config})
    trainer = Trainer(model, lambda m, x: ((m(x) - 5.0) ** 2).mean(), batches(), cfg, eval_fn,
                      monitor=("val_loss", False))
    return trainer, seen


def test_a_run_whose_validation_gets_worse_at_the_end_returns_the_earlier_weights():
    trainer, seen = _trainer([0.9, 0.4, 0.6, 0.8])
    records = list(trainer.run())
    assert float(trainer.model.w.detach()) == seen[1] != seen[3]      # the weights of step 20, not 40
    best = [r for r in records if r["kind"] == "best"]
    assert best == [{"kind": "best", "step": 20, "elapsed": best[0]["elapsed"], "metric": "val_loss",
                     "val_loss": 0.4, "restored": True}]
    assert records[-1]["kind"] == "stop" and records[-1]["best_step"] == 20 and records[-2] is best[0]


def test_last_weights_when_asked_and_early_stopping():
    trainer, seen = _trainer([0.9, 0.4, 0.6, 0.8], keep_best=False)
    list(trainer.run())
    assert float(trainer.model.w.detach()) == seen[3] and trainer.best_step == 20
    trainer, seen = _trainer([0.9, 0.4, 0.6, 0.8, 0.7, 0.3], patience=2)
    records = list(trainer.run())
    assert trainer.step_count == 40 and "has not improved for 2 evaluations since step 20" in trainer.stop_reason
    assert float(trainer.model.w.detach()) == seen[1] and len(seen) == 4


def test_experiment_says_which_steps_weights_it_holds():
    exp = Experiment.create("sentiment", ModelConfig(hidden=8, embed=8),
                            TrainConfig(steps=30, seconds=None, eval_every=10, batch_size=16))
    exp.train()
    evals = exp.history.evals
    best = max(evals, key=lambda r: r.metrics["accuracy"])  # the first of the best (strict improvement)
    assert exp.best_step == best.step == exp.history.best.step
    assert exp.metrics()["accuracy"] == best.metrics["accuracy"]
    assert exp.evaluate("val", capped=True)["accuracy"] == pytest.approx(best.metrics["accuracy"])


# ------------------------------------------------------------------ language models
TEXT = ("The quick brown fox jumps over the lazy dog; " * 120).strip()


def _lm_experiment(text=TEXT, **options):
    splits = Splits(train=text, val=text[:500], test=text[:500])
    return Experiment.create("textgen", ModelConfig(hidden=12, embed=6),
                             TrainConfig(steps=2, seconds=None, batch_size=4), data=splits,
                             data_name="t.txt", options=options)


@pytest.mark.parametrize("length", [300, 5001])
def test_evaluate_scores_every_token_of_a_text_with_the_state_carried(length):
    exp = _lm_experiment()
    text = (TEXT * 3)[:length]
    result = exp.evaluate(data=text, capped=False)
    ids = torch.tensor(exp.vocabs["tokens"].encode(list(text)))
    assert result["tokens_scored"] == length - 1 and result["state_carried"] is True
    # the reference: each stream read in ONE forward pass (the state carried through every token)
    streams = result["streams"]
    size = -(-(length - 1) // streams)
    total = 0.0
    with torch.no_grad():
        for k in range(streams):
            piece = ids[k * size : (k + 1) * size + 1]
            logits, _ = exp.model(piece[:-1].unsqueeze(0))
            total += float(F.cross_entropy(logits[0], piece[1:], reduction="sum"))
    assert result["loss"] == pytest.approx(total / (length - 1), rel=1e-5)
    assert streams == (1 if length < 4000 else 2)


def test_evaluate_command_scores_the_whole_file(tmp_path, capsys):
    text = "".join(random.Random(0).choice("abcdefgh \n") for _ in range(25000))   # > the app's cap
    path = tmp_path / "corpus.txt"
    path.write_text(text)
    assert main(["train", "--task", "textgen", "--data", str(path), "--steps", "2", "--hidden", "8",
                 "--embed", "4", "--out", str(tmp_path / "lm")]) == 0
    capsys.readouterr()
    assert main(["evaluate", str(tmp_path / "lm"), "--data", str(path)]) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["tokens_scored"] == len(text) - 1 and result["state_carried"] is True


def test_consecutive_windows_carry_the_state():
    exp = _lm_experiment(bptt=16, carry=True)
    task, vocabs, config = exp.task, exp.vocabs, exp.model_config
    stream = task.batches(TEXT, vocabs, config, 4, 0, {"bptt": 16, "carry": True})
    first, second = next(stream), next(stream)
    assert first.words.shape == (4, 16) and first.carry is second.carry
    assert torch.equal(second.words[:, 0], first.targets[:, -1])       # the text goes on
    assert first.carry.state is None
    exp.model.loss(first)
    h = first.carry.state[0]
    assert h.shape == (1, 4, 12) and not h.requires_grad                # detached: truncated BPTT
    random_windows = task.batches(TEXT, vocabs, config, 4, 0, {"bptt": 16})
    assert next(random_windows).carry is None


def test_bptt_sets_the_window_and_training_with_carry_learns():
    exp = _lm_experiment(bptt=24, carry=True)
    exp.train_config = TrainConfig(steps=40, seconds=None, batch_size=4, eval_every=20)
    exp.train()
    steps = [r.loss for r in exp.history.steps]
    assert sum(steps[-5:]) < sum(steps[:5])
    assert next(exp.task.batches(TEXT, exp.vocabs, exp.model_config, 4, 0, exp.options)).words.shape[1] == 24


# ------------------------------------------------------------------ defaults fitted to the data
def _sentences(n, words=50):
    rng = random.Random(0)
    return [LabeledText([f"w{rng.randrange(words)}" for _ in range(8)], i % 2) for i in range(n)]


def test_fit_grows_with_the_data_and_says_why():
    small = fit_to_data("sentiment", Splits(_sentences(500), [], []))
    large = fit_to_data("sentiment", Splits(_sentences(60000, words=20000), [], []))
    assert small.model["dropout"] == 0.5 and large.model["dropout"] == 0.3
    assert small.model["hidden"] < large.model["hidden"] and small.model["embed"] < large.model["embed"]
    assert "500 training examples" in small.describe() and "dropout 0.5" in small.describe()
    capped = fit_to_data("sentiment", Splits(_sentences(60000, words=20000), [], []), max_hidden=100)
    assert capped.model["hidden"] == 100
    tags = fit_to_data("ner", Splits([TaggedSentence(["Ann", "sings"], [1, 0], [False, False])] * 30, [], []))
    assert tags.model["hidden"] == 64
    pairs = fit_to_data("translation", Splits([Pair(["one"], ["un"])] * 30, [], []))
    assert pairs.model["dropout"] == 0.2


def test_fit_for_text_picks_the_window_and_sizes():
    short = fit_to_data("textgen", Splits("abc " * 2000, "", ""), level="char")
    long = fit_to_data("textgen", Splits("abcd efgh " * 100_000, "", ""), level="char")
    assert short.options == long.options == {"bptt": 64}
    assert short.model["hidden"] == 128 and long.model["hidden"] == 256
    assert short.model["dropout"] == 0.2 and long.model["dropout"] == 0.0
    words = fit_to_data("textgen", Splits("the cat sat on the mat . " * 2000, "", ""), level="word")
    assert words.options["bptt"] == 35


def test_cli_fits_to_the_file_and_flags_win(tmp_path, capsys):
    path = tmp_path / "reviews.csv"
    path.write_text("review,sentiment\n" + "".join(
        f"{'a great film' if i % 2 else 'a dull film'} number {i},{'pos' if i % 2 else 'neg'}\n"
        for i in range(200)))
    assert main(["train", "--task", "sentiment", "--data", str(path), "--steps", "2", "--hidden", "8",
                 "--out", str(tmp_path / "s")]) == 0
    err = capsys.readouterr().err
    assert "fitted to the data" in err and "your flags win: --hidden" in err
    meta = json.loads((tmp_path / "s" / "meta.json").read_text())
    assert meta["model_config"]["hidden"] == 8 and meta["model_config"]["dropout"] == 0.5
    assert meta["train_config"]["lr"] == 0.002
    assert main(["train", "--task", "sentiment", "--data", str(path), "--steps", "2", "--no-fit",
                 "--out", str(tmp_path / "n")]) == 0
    assert "fitted" not in capsys.readouterr().err
    meta = json.loads((tmp_path / "n" / "meta.json").read_text())
    assert meta["model_config"]["dropout"] == 0.0 and meta["model_config"]["hidden"] == 64


def test_tasks_own_their_options():
    translation, textgen = get_task("translation"), get_task("textgen")
    assert translation.default_options("dates", ModelConfig()) == {"joiners": ["", ""]}
    assert translation.default_options("file:x.tsv", ModelConfig()) == {"joiners": [" ", " "]}
    assert textgen.default_options("names", ModelConfig(level="char")) == {"stop": "\n"}
    assert textgen.default_options("names", ModelConfig(level="word")) == {"stop": None}
    assert math.isclose(len(textgen.cap("x" * 50000, ModelConfig())), 20001)
