"""Text generation: a character- or word-level language model, and sampling from it."""
from __future__ import annotations

import math
import random

import torch
from torch.nn import functional as F

from rnn import data
from rnn.data import Splits, Vocab
from rnn.models import LanguageModel
from rnn.models.features import Batch
from rnn.tasks.base import Task, trace_to_numpy

WINDOW = {"char": 64, "word": 24}       # truncated-BPTT window length per level
MAX_EVAL_TOKENS = 20000                 # score at most this much validation text (keeps evaluation fast)
MAX_WORD_VOCAB = 5000


def tokenize(text: str, level: str) -> list[str]:
    return list(text) if level == "char" else data.tokenize_words(text)


def detokenize(tokens: list[str], level: str) -> str:
    return "".join(tokens) if level == "char" else " ".join(tokens)


class TextGenTask(Task):
    name = "textgen"
    title = "Text generation"
    metric = "loss"
    higher_is_better = False
    allows_bidirectional = False
    file_help = "any UTF-8 plain-text file (a few KB to a few MB)"
    min_items = 200

    def datasets(self) -> dict[str, str]:
        return dict(data.CORPORA)

    def load_builtin(self, name: str = "names", seed: int = 0):
        self.check_dataset(name)
        return self._split(data.load_corpus(name, seed=seed), name)

    def load_file(self, source, name=None, seed=0, max_bytes=None):
        return self._split(data.load_text(source, name=name, max_bytes=max_bytes), name)

    def _split(self, text: str, name) -> Splits:
        """Contiguous 90/5/5 split: a language model is scored on text that follows its training text."""
        if len(text) < self.min_items:
            raise data.DataFormatError(f"{name or 'the text'}: need at least {self.min_items} "
                                       f"characters to train and validate, got {len(text)}")
        a, b = int(len(text) * 0.9), int(len(text) * 0.95)
        return Splits(train=text[:a], val=text[a:b], test=text[b:])

    def build_vocabs(self, splits, config) -> dict:
        tokens = tokenize(splits.train, config.level)
        cap = None if config.level == "char" else MAX_WORD_VOCAB
        return {"tokens": Vocab.build([tokens], max_size=cap)}

    def build_model(self, config, vocabs):
        return LanguageModel(config, len(vocabs["tokens"]))

    def _ids(self, text: str, vocabs, config) -> torch.Tensor:
        return torch.tensor(vocabs["tokens"].encode(tokenize(text, config.level)), dtype=torch.long)

    def batches(self, items, vocabs, config, batch_size, seed):
        """Random windows of the training text; targets are the inputs shifted by one token."""
        ids = self._ids(items, vocabs, config)
        window = min(WINDOW[config.level], len(ids) - 1)
        rng = random.Random(seed)
        while True:
            starts = torch.tensor([rng.randrange(0, len(ids) - window) for _ in range(batch_size)])
            index = starts.unsqueeze(1) + torch.arange(window + 1)
            chunk = ids[index]                                            # (N, window + 1)
            yield Batch(words=chunk[:, :-1], lengths=torch.full((batch_size,), window),
                        targets=chunk[:, 1:])

    @torch.no_grad()
    def evaluate(self, model, items, vocabs, config) -> dict:
        model.eval()
        ids = self._ids(items, vocabs, config)[: MAX_EVAL_TOKENS + 1]
        window = WINDOW[config.level]
        n = (len(ids) - 1) // window
        if n < 1:
            return {"loss": float("nan")}
        inputs = ids[: n * window].view(n, window)
        targets = ids[1 : n * window + 1].view(n, window)
        logits, _ = model(inputs)
        loss = float(F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1)))
        result = {"loss": loss, "perplexity": math.exp(min(loss, 50.0)),
                  "uniform_loss": math.log(len(vocabs["tokens"]))}
        if config.level == "char":
            result["bits_per_char"] = loss / math.log(2)
        return result

    def predict(self, model, vocabs, config, text: str = "", **options) -> dict:
        """Sample a continuation of ``text``. Options: length, temperature, top_k, top_p, greedy,
        seed, stop (a token that ends the sample, e.g. a newline for the names corpus)."""
        vocab = vocabs["tokens"]
        prime = tokenize(text, config.level) or ["\n" if config.level == "char" else "."]
        prime_ids = vocab.encode(prime)
        stop = options.get("stop")
        steps = model.sample(prime_ids, decode=lambda i: vocab.itos[i],
                             length=int(options.get("length", 200)),
                             temperature=float(options.get("temperature", 1.0)),
                             top_k=int(options.get("top_k", 0)), top_p=float(options.get("top_p", 1.0)),
                             greedy=bool(options.get("greedy", False)),
                             stop_id=vocab.stoi.get(stop) if stop else None,
                             seed=int(options.get("seed", 0)))
        generated = [s.token for s in steps]
        return {"prime": text, "text": detokenize(generated, config.level),
                "steps": [{"token": s.token, "prob": s.prob, "top": s.top} for s in steps],
                "unknown_prime": [t for t in prime if t not in vocab]}

    @torch.no_grad()
    def trace(self, model, vocabs, config, text: str) -> dict:
        tokens = tokenize(text, config.level)
        if not tokens:
            raise data.DataFormatError("type some text to inspect")
        model.eval()
        ids = torch.tensor([vocabs["tokens"].encode(tokens)], dtype=torch.long)
        return trace_to_numpy(model.trace(ids), tokens)
