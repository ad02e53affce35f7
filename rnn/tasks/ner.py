"""Named-entity recognition (many-to-many): is each word part of a person's name?"""
from __future__ import annotations

import torch
from torch.nn import functional as F

from rnn import data
from rnn.data import Vocab
from rnn.models import Tagger
from rnn.models.features import make_word_batch, pad_ids
from rnn.tasks.base import Task, chunks, trace_to_numpy
from rnn.train.metrics import span_prf, token_prf

MAX_WORD_VOCAB = 20000


class NERTask(Task):
    name = "ner"
    title = "Named entities"
    metric = "f1"
    file_help = ("CoNLL: one 'TOKEN TAG' per line (2 or 4 columns, token first, tag last), a blank "
                 "line between sentences; tags 0/1 or BIO/IOBES with PER/PERSON for names")

    def datasets(self) -> dict[str, str]:
        return {"names": "generated sentences with people's names from many languages, places, "
                         "companies, and ambiguous words (Teddy, April, Jordan...)",
                "names-long": "long-range level: an ambiguous word (Jordan, April, Hope...), an aside "
                              "of 0-50 words, then the words that decide (scored on 20-50)"}

    def load_builtin(self, name: str = "names", seed: int = 0):
        self.check_dataset(name)
        if name == "names-long":
            from rnn.data.long_ner import build_long_ner
            return build_long_ner(seed=seed)
        return data.build_ner(seed=seed)

    def read_file(self, source, name=None, max_bytes=None):
        return data.load_conll(source, name=name, max_bytes=max_bytes)

    def load_file(self, source, name=None, seed=0, max_bytes=None):
        sentences = data.load_conll(source, name=name, max_bytes=max_bytes)
        return data.split_user_data(sentences, seed=seed, min_items=self.min_items, name=name)

    def build_vocabs(self, splits, config) -> dict:
        # min_freq=2 leaves rare words to <unk>, so the model also learns what to do with a word
        # it has never seen: rely on its spelling features and its context.
        words = Vocab.build((s.tokens for s in splits.train), min_freq=2, max_size=MAX_WORD_VOCAB)
        return {"words": words}

    def build_model(self, config, vocabs):
        return Tagger(config, len(vocabs["words"]))

    def make_batch(self, items, vocabs, config):
        batch = make_word_batch([s.tokens for s in items], vocabs["words"], config.char_features)
        batch.targets, _ = pad_ids([s.tags for s in items])     # (N, L), 0 at padding
        return batch

    @torch.no_grad()
    def probabilities(self, model, vocabs, config, sentences: list[list[str]]) -> list[list[float]]:
        """P(part of a name) for every token of every sentence."""
        model.eval()
        out = []
        for chunk in chunks(sentences, 256):
            batch = make_word_batch(chunk, vocabs["words"], config.char_features)
            probs = torch.sigmoid(model(batch))
            out.extend(probs[row, : len(s)].tolist() for row, s in enumerate(chunk))
        return out

    @torch.no_grad()
    def evaluate(self, model, items, vocabs, config, **options) -> dict:
        probs = self.probabilities(model, vocabs, config, [s.tokens for s in items])
        gold = [list(s.tags) for s in items]
        pred = [[int(p >= 0.5) for p in row] for row in probs]
        flat_p = torch.tensor([p for row in probs for p in row]).clamp(1e-6, 1 - 1e-6)
        flat_y = torch.tensor([float(t) for row in gold for t in row])
        result = {"loss": float(F.binary_cross_entropy(flat_p, flat_y)) if len(flat_y) else float("nan")}
        result.update(token_prf(gold, pred))
        result.update({f"span_{k}": v for k, v in span_prf(gold, pred).items()})
        result.update(self._accuracy_by_group(items, gold, pred))
        return result

    @staticmethod
    def _accuracy_by_group(items, gold, pred) -> dict:
        """Accuracy on ambiguous tokens (deciding words come after them) and on all the others."""
        hits = {True: [0, 0], False: [0, 0]}
        for s, g, p in zip(items, gold, pred):
            flags = getattr(s, "ambiguous", None) or [False] * len(g)
            for flag, gi, pi in zip(flags, g, p):
                hits[bool(flag)][0] += int(gi == pi)
                hits[bool(flag)][1] += 1
        total = hits[True][1] + hits[False][1]
        result = {"accuracy": (hits[True][0] + hits[False][0]) / total if total else float("nan")}
        result["accuracy_ambiguous"] = hits[True][0] / hits[True][1] if hits[True][1] else float("nan")
        result["accuracy_other"] = hits[False][0] / hits[False][1] if hits[False][1] else float("nan")
        result["n_ambiguous"] = hits[True][1]
        return result

    def predict(self, model, vocabs, config, text: str, **options) -> dict:
        tokens = data.tokenize_words(text)
        if not tokens:
            raise data.DataFormatError("type a sentence with at least one word")
        probs = self.probabilities(model, vocabs, config, [tokens])[0]
        known = [t in vocabs["words"] for t in tokens]
        return {"tokens": tokens, "probs": probs, "is_name": [p >= 0.5 for p in probs], "known": known}

    @torch.no_grad()
    def trace(self, model, vocabs, config, text: str, **options) -> dict:
        tokens = data.tokenize_words(text)
        if not tokens:
            raise data.DataFormatError("type a sentence with at least one word")
        model.eval()
        batch = make_word_batch([tokens], vocabs["words"], config.char_features)
        return trace_to_numpy(model.trace(batch), tokens)
