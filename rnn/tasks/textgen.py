"""Text generation: a character- or word-level language model, and sampling from it.

Training reads windows of ``bptt`` tokens (truncated backpropagation through time). With the
``carry`` option the windows are consecutive pieces of ``batch_size`` contiguous streams of the
text, and each window starts from the state the previous one ended in (detached, so gradients
still stop at the window's start): the model learns to use context longer than a window. Without
it, windows are drawn at random and start from a zero state.

Scoring (``evaluate``) reads the whole text, every token after the first, in contiguous streams
with the state carried across windows, so no token is scored without its context (only the first
tokens of each stream of at least ``STREAM_TOKENS`` tokens start cold). The live app cuts the
validation text to ``MAX_EVAL_TOKENS`` (``cap``); the CLI never does.
"""
from __future__ import annotations

import math
import random

import torch
from torch.nn import functional as F

from rnn import data
from rnn.data import Splits, Vocab
from rnn.models import LanguageModel
from rnn.models.features import Batch, Carry
from rnn.tasks.base import Task, trace_to_numpy

WINDOW = {"char": 64, "word": 24}       # default truncated-BPTT window per level (option "bptt")
MAX_EVAL_TOKENS = 20000                 # the live app scores at most this much validation text
STREAM_TOKENS = 2000                    # evaluate: at least this many tokens per contiguous stream
EVAL_WINDOW = 256                       # evaluate: tokens per forward call (the state is carried)
MAX_WORD_VOCAB = 5000
EOS = "<eos>"                           # word level: the end of a line (the course notes' <EOS>)
WORD_MIN_FREQ = 2                       # word level: a word seen once in training is read as <unk>


def tokenize(text: str, level: str) -> list[str]:
    """Characters, or words and punctuation with ``<eos>`` at the end of every non-empty line
    (as the course notes end each sentence of a language model's training text with <EOS>)."""
    if level == "char":
        return list(text)
    lines = text.split("\n")
    tokens: list[str] = []
    for i, line in enumerate(lines):
        words = data.tokenize_words(line)
        tokens += words
        if words and i < len(lines) - 1:
            tokens.append(EOS)
    return tokens


def detokenize(tokens: list[str], level: str) -> str:
    """The inverse for display: an ``<eos>`` stays visible and ends its line."""
    if level == "char":
        return "".join(tokens)
    return " ".join(tokens).replace(f" {EOS} ", f" {EOS}\n").replace(f"{EOS} ", f"{EOS}\n")


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

    def read_file(self, source, name=None, max_bytes=None):
        return data.load_text(source, name=name, max_bytes=max_bytes)

    def load_file(self, source, name=None, seed=0, max_bytes=None):
        return self._split(data.load_text(source, name=name, max_bytes=max_bytes), name)

    def _split(self, text: str, name) -> Splits:
        """Contiguous 90/5/5 split: a language model is scored on text that follows its training text."""
        if len(text) < self.min_items:
            raise data.DataFormatError(f"{name or 'the text'}: need at least {self.min_items} "
                                       f"characters to train and validate, got {len(text)}")
        a, b = int(len(text) * 0.9), int(len(text) * 0.95)
        return Splits(train=text[:a], val=text[a:b], test=text[b:])

    def default_options(self, dataset, config) -> dict:
        """The names corpus has one name per line: a sample stops at the end of its line."""
        return {"stop": "\n" if dataset == "names" and config.level == "char" else None}

    def cap(self, items, config):
        """The first MAX_EVAL_TOKENS + 1 tokens of the text (the live app's validation score)."""
        if config.level == "char":
            return items[: MAX_EVAL_TOKENS + 1]
        kept = tokenize(items, "word")[: MAX_EVAL_TOKENS + 1]
        return " ".join("\n" if t == EOS else t for t in kept)      # tokenizes back to ``kept``

    def build_vocabs(self, splits, config) -> dict:
        tokens = tokenize(splits.train, config.level)
        if config.level == "char":
            return {"tokens": Vocab.build([tokens])}
        # words seen once stay out, so training itself meets <unk> (the course notes: a word not
        # in the vocabulary is replaced by <UNK>) and a sample can produce it
        return {"tokens": Vocab.build([tokens], min_freq=WORD_MIN_FREQ, max_size=MAX_WORD_VOCAB)}

    def build_model(self, config, vocabs):
        return LanguageModel(config, len(vocabs["tokens"]))

    def _ids(self, text: str, vocabs, config) -> torch.Tensor:
        return torch.tensor(vocabs["tokens"].encode(tokenize(text, config.level)), dtype=torch.long)

    def batches(self, items, vocabs, config, batch_size, seed, options=None):
        """Windows of the training text; targets are the inputs shifted by one token. Random
        windows, or with the ``carry`` option consecutive windows of contiguous streams (when the
        text holds at least two windows per stream)."""
        options = options or {}
        ids = self._ids(items, vocabs, config)
        window = max(1, min(int(options.get("bptt") or WINDOW[config.level]), len(ids) - 1))
        if options.get("carry") and (len(ids) - 1) // batch_size >= 2 * window:
            return _stream_windows(ids, window, batch_size, seed)
        return _random_windows(ids, window, batch_size, seed)

    @torch.no_grad()
    def evaluate(self, model, items, vocabs, config, **options) -> dict:
        """Mean cross-entropy of every token after the first, the state carried across windows."""
        model.eval()
        ids = self._ids(items, vocabs, config)
        n = len(ids) - 1
        if n < 1:
            return {"loss": float("nan"), "tokens_scored": 0}
        streams = max(1, min(256, n // STREAM_TOKENS))
        length = -(-n // streams)                                     # ceil(n / streams)
        pad = streams * length - n                                    # only the last stream's tail
        inputs = F.pad(ids[:-1], (0, pad)).view(streams, length)
        targets = F.pad(ids[1:], (0, pad), value=-100).view(streams, length)
        total, state = 0.0, None
        for start in range(0, length, EVAL_WINDOW):
            logits, state = model(inputs[:, start : start + EVAL_WINDOW], state)
            total += float(F.cross_entropy(logits.reshape(-1, logits.shape[-1]),
                                           targets[:, start : start + EVAL_WINDOW].reshape(-1),
                                           ignore_index=-100, reduction="sum"))
        loss = total / n
        result = {"loss": loss, "perplexity": math.exp(min(loss, 50.0)),
                  "uniform_loss": math.log(len(vocabs["tokens"])),
                  "tokens_scored": n, "streams": streams, "state_carried": True}
        if config.level == "char":
            result["bits_per_char"] = loss / math.log(2)
        return result

    def predict(self, model, vocabs, config, text: str = "", **options) -> dict:
        """Sample a continuation of ``text``. Options: length, temperature, top_k, top_p, greedy,
        seed, stop (a token that ends the sample, e.g. a newline for the names corpus)."""
        vocab = vocabs["tokens"]
        prime = tokenize(text, config.level) or ["\n" if config.level == "char" else EOS]
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
    def trace(self, model, vocabs, config, text: str, **options) -> dict:
        tokens = tokenize(text, config.level)
        if not tokens:
            raise data.DataFormatError("type some text to inspect")
        model.eval()
        ids = torch.tensor([vocabs["tokens"].encode(tokens)], dtype=torch.long)
        return trace_to_numpy(model.trace(ids), tokens)


def _random_windows(ids: torch.Tensor, window: int, batch_size: int, seed: int):
    """Endless batches of windows starting at random places, each from a zero state."""
    rng = random.Random(seed)
    while True:
        starts = torch.tensor([rng.randrange(0, len(ids) - window) for _ in range(batch_size)])
        chunk = ids[starts.unsqueeze(1) + torch.arange(window + 1)]              # (N, window + 1)
        yield Batch(words=chunk[:, :-1], lengths=torch.full((batch_size,), window),
                    targets=chunk[:, 1:])


def _stream_windows(ids: torch.Tensor, window: int, batch_size: int, seed: int):
    """Endless batches of consecutive windows: the text cut into ``batch_size`` contiguous streams,
    read left to right; every batch shares one Carry, so the model's loss hands the final state
    of each window to the next. Each epoch starts from a zero state at a random offset (seeded),
    so window boundaries move from epoch to epoch."""
    rng = random.Random(seed)
    carry = Carry()
    lengths = torch.full((batch_size,), window)
    while True:
        offset = rng.randrange(window)
        length = (len(ids) - 1 - offset) // batch_size
        inputs = ids[offset : offset + batch_size * length].view(batch_size, length)
        targets = ids[offset + 1 : offset + 1 + batch_size * length].view(batch_size, length)
        carry.state = None
        for start in range(0, length - window + 1, window):
            yield Batch(words=inputs[:, start : start + window], lengths=lengths,
                        targets=targets[:, start : start + window], carry=carry)
