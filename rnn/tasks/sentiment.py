"""Sentiment (many-to-one): one probability of "positive" for a whole review."""
from __future__ import annotations

import torch
from torch.nn import functional as F

from rnn import data
from rnn.data import Vocab
from rnn.models import Classifier
from rnn.models.features import make_word_batch
from rnn.tasks.base import Task, chunks, trace_to_numpy, sigmoid_scores


class SentimentTask(Task):
    name = "sentiment"
    title = "Sentiment"
    metric = "accuracy"
    file_help = ("CSV or TSV with a header: a text column (text/sentence/review) and a label column "
                 "(label/sentiment/polarity) with 0/1, neg/pos or negative/positive")

    def datasets(self) -> dict[str, str]:
        return {"reviews": "generated short reviews with negation (not good, never boring), "
                           "intensifiers, and contrast (good acting but a dull plot)",
                "reviews-long": "long-range level: the verdict first, then 0-50 words of neutral or "
                                "unrelated remarks (scored on 20-50)"}

    def load_builtin(self, name: str = "reviews", seed: int = 0):
        self.check_dataset(name)
        if name == "reviews-long":
            from rnn.data.long_sentiment import build_long_sentiment
            return build_long_sentiment(seed=seed)
        return data.build_sentiment(seed=seed)

    def read_file(self, source, name=None, max_bytes=None):
        return data.load_sentiment_table(source, name=name, max_bytes=max_bytes)

    def load_file(self, source, name=None, seed=0, max_bytes=None):
        rows = data.load_sentiment_table(source, name=name, max_bytes=max_bytes)
        return data.split_user_data(rows, seed=seed, min_items=self.min_items, name=name)

    def build_vocabs(self, splits, config) -> dict:
        lowered = ([t.lower() for t in x.tokens] for x in splits.train)
        return {"words": Vocab.build(lowered, min_freq=1, max_size=20000)}

    def build_model(self, config, vocabs):
        return Classifier(config, len(vocabs["words"]))

    def make_batch(self, items, vocabs, config):
        return make_word_batch([[t.lower() for t in x.tokens] for x in items], vocabs["words"], False,
                               targets=torch.tensor([x.label for x in items], dtype=torch.long))

    def positive_probability(self, model, vocabs, sentences: list[list[str]]) -> list[float]:
        return sigmoid_scores(model, vocabs["words"], sentences)

    def evaluate(self, model, items, vocabs, config, **options) -> dict:
        probs = self.positive_probability(model, vocabs, [x.tokens for x in items])
        labels = [x.label for x in items]
        if not labels:
            return {"accuracy": float("nan"), "loss": float("nan")}
        p = torch.tensor(probs).clamp(1e-6, 1 - 1e-6)
        loss = float(F.binary_cross_entropy(p, torch.tensor(labels, dtype=torch.float)))
        accuracy = sum(int((q >= 0.5) == bool(y)) for q, y in zip(probs, labels)) / len(labels)
        return {"accuracy": accuracy, "loss": loss}

    def predict(self, model, vocabs, config, text: str, **options) -> dict:
        """The probability of "positive" for the whole text and after each word (prefix by prefix)."""
        tokens = data.tokenize_words(text)
        if not tokens:
            raise data.DataFormatError("type a review with at least one word")
        prefixes = [tokens[: i + 1] for i in range(len(tokens))]
        after_each = self.positive_probability(model, vocabs, prefixes)
        return {"tokens": tokens, "prob_after_each": after_each, "prob": after_each[-1],
                "label": int(after_each[-1] >= 0.5),
                "known": [t.lower() in vocabs["words"] for t in tokens]}

    @torch.no_grad()
    def trace(self, model, vocabs, config, text: str, **options) -> dict:
        tokens = data.tokenize_words(text)
        if not tokens:
            raise data.DataFormatError("type a review with at least one word")
        model.eval()
        batch = make_word_batch([[t.lower() for t in tokens]], vocabs["words"], False)
        return trace_to_numpy(model.trace(batch), tokens)
