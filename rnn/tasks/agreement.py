"""Agreement (many-to-one): read a sentence up to its verb and say whether the verb is singular
or plural ("The cat, which ..., was" / "The cats, which ..., were"). The sentiment model's shape,
with memory as the whole difficulty (see rnn/data/agreement.py)."""
from __future__ import annotations

import torch
from torch.nn import functional as F

from rnn import data
from rnn.data import Vocab
from rnn.data.agreement import AgreementExample, BUCKETS, build_agreement, bucket_of, split_verb
from rnn.models import Classifier
from rnn.models.features import make_word_batch
from rnn.tasks.base import Task, chunks, trace_to_numpy, sigmoid_scores

NUMBER = ("singular", "plural")


def bucket_key(bucket: str) -> str:
    """The metric name of one gap bucket's accuracy, e.g. "acc_gap_20-29"."""
    return f"acc_gap_{bucket}"


class AgreementTask(Task):
    name = "agreement"
    title = "Agreement"
    metric = "accuracy"
    file_help = "built-in data only: the sentences are generated with a controlled gap"

    def datasets(self) -> dict[str, str]:
        return {"long": "gaps of 0-50 words in training, scored on gaps of 20-50",
                "short": "gaps of 0-5 words between the subject and its verb",
                "overwrite": "1-3 subjects in a row, each with its clause; the verb of the last "
                             "one, 20-50 words after it"}

    def load_builtin(self, name: str = "long", seed: int = 0):
        self.check_dataset(name)
        return build_agreement(name, seed=seed)

    def load_file(self, source, name=None, seed=0, max_bytes=None):
        raise data.DataFormatError("the agreement task uses its built-in data only (the gap "
                                   "between subject and verb must be known)", file=name)

    def build_vocabs(self, splits, config) -> dict:
        return {"words": Vocab.build((x.tokens for x in splits.train), min_freq=1, max_size=5000)}

    def build_model(self, config, vocabs):
        return Classifier(config, len(vocabs["words"]))

    def make_batch(self, items, vocabs, config):
        return make_word_batch([x.tokens for x in items], vocabs["words"], False,
                               targets=torch.tensor([x.label for x in items], dtype=torch.long))

    def plural_probability(self, model, vocabs, sentences: list[list[str]]) -> list[float]:
        return sigmoid_scores(model, vocabs["words"], sentences)

    def evaluate(self, model, items, vocabs, config, **options) -> dict:
        """accuracy and loss over ``items``, and ``acc_gap_<lo>-<hi>`` per gap bucket present."""
        if not items:
            return {"accuracy": float("nan"), "loss": float("nan")}
        probs = self.plural_probability(model, vocabs, [x.tokens for x in items])
        labels = [x.label for x in items]
        p = torch.tensor(probs).clamp(1e-6, 1 - 1e-6)
        loss = float(F.binary_cross_entropy(p, torch.tensor(labels, dtype=torch.float)))
        right = [int((q >= 0.5) == bool(y)) for q, y in zip(probs, labels)]
        result = {"accuracy": sum(right) / len(right), "loss": loss}
        for lo, hi in BUCKETS:
            hits = [r for r, x in zip(right, items) if lo <= x.gap <= hi]
            if hits:
                result[bucket_key(f"{lo}-{hi}")] = sum(hits) / len(hits)
        return result

    def accuracy_by_gap(self, model, vocabs, items: list[AgreementExample]) -> dict[int, float]:
        """gap -> accuracy, for a curve of accuracy against gap length."""
        probs = self.plural_probability(model, vocabs, [x.tokens for x in items])
        per_gap: dict[int, list[int]] = {}
        for q, x in zip(probs, items):
            per_gap.setdefault(x.gap, []).append(int((q >= 0.5) == bool(x.label)))
        return {g: sum(v) / len(v) for g, v in sorted(per_gap.items())}

    def _tokens(self, text: str) -> tuple[list[str], str | None]:
        tokens, verb = split_verb([t.lower() for t in data.tokenize_words(text)])
        if not tokens:
            raise data.DataFormatError("type a sentence that starts with its subject, "
                                       "e.g. “The cat , which saw the dogs , was”")
        return tokens, verb

    def predict(self, model, vocabs, config, text: str, **options) -> dict:
        """P(plural verb) after the words before the verb, and after each prefix. A typed verb
        (was/were, is/are, has/have) and anything after it is cut off and reported as ``verb``."""
        tokens, verb = self._tokens(text)
        after_each = self.plural_probability(model, vocabs, [tokens[: i + 1] for i in range(len(tokens))])
        prob = after_each[-1]
        return {"tokens": tokens, "prob_after_each": after_each, "prob": prob,
                "label": int(prob >= 0.5), "number": NUMBER[int(prob >= 0.5)], "verb": verb,
                "known": [t in vocabs["words"] for t in tokens]}

    @torch.no_grad()
    def trace(self, model, vocabs, config, text: str, **options) -> dict:
        tokens, _ = self._tokens(text)
        model.eval()
        batch = make_word_batch([tokens], vocabs["words"], False)
        return trace_to_numpy(model.trace(batch), tokens)

    @torch.no_grad()
    def trace_batch(self, model, vocabs, items: list[AgreementExample]) -> dict:
        """Every state and gate of the top layer at each example's last word (the step before the
        verb): name -> (N, H) array, and the labels (N,). For finding the memory unit."""
        model.eval()
        batch = self.make_batch(items, vocabs, model.config)
        steps = model.trace(batch).steps[-1][0]                     # name -> (N, L, H)
        last = batch.lengths - 1
        picked = {k: v[torch.arange(len(items)), last].numpy() for k, v in steps.items()}
        return {"at_verb": picked, "labels": [x.label for x in items]}


__all__ = ["AgreementTask", "bucket_key", "bucket_of", "NUMBER"]
