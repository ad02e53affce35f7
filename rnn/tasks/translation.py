"""Translation (encoder-decoder with attention): number words to French, dates to ISO format..."""
from __future__ import annotations

from collections import defaultdict

import torch

from rnn import data
from rnn.data import Vocab
from rnn.data.tokenize import tokens_for
from rnn.data.vocab import BOS, EOS, PAD, UNK
from rnn.models import Seq2Seq
from rnn.models.beam import beam_search
from rnn.models.features import Batch, pad_ids
from rnn.tasks.base import Task, chunks, trace_to_numpy
from rnn.train.metrics import bleu_chrf, exact_match

MAX_EVAL_PAIRS = 400       # the live app: decoding is sequential; scoring more adds seconds, not insight
MAX_OUTPUT = 60


class TranslationTask(Task):
    name = "translation"
    title = "Translation"
    metric = "exact_match"
    file_help = "TSV: source<TAB>target on each line (extra columns, as in Tatoeba exports, are ignored)"
    eval_cap = MAX_EVAL_PAIRS

    def datasets(self) -> dict[str, str]:
        return {name: spec["description"] for name, spec in data.TRANSLATION_SETS.items()}

    def load_builtin(self, name: str = "numbers", seed: int = 0):
        self.check_dataset(name)
        return data.build_translation(name, seed=seed)

    def read_file(self, source, name=None, max_bytes=None):
        return data.load_pairs_tsv(source, name=name, max_bytes=max_bytes)

    def load_file(self, source, name=None, seed=0, max_bytes=None):
        pairs = data.load_pairs_tsv(source, name=name, max_bytes=max_bytes)
        return data.split_user_data(pairs, seed=seed, min_items=self.min_items, name=name)

    def default_options(self, dataset, config) -> dict:
        """How the set's tokens join into text ("" for character-level sets, a space for words):
        a user's file is word-level."""
        spec = data.TRANSLATION_SETS.get(dataset, {})
        return {"joiners": [spec.get("src_join", " "), spec.get("tgt_join", " ")]}

    def build_vocabs(self, splits, config) -> dict:
        src = Vocab.build((p.src for p in splits.train), max_size=20000)
        tgt = Vocab.build((p.tgt for p in splits.train), max_size=20000, specials=(PAD, UNK, BOS, EOS))
        return {"src": src, "tgt": tgt}

    def build_model(self, config, vocabs):
        return Seq2Seq(config, len(vocabs["src"]), len(vocabs["tgt"]))

    def make_batch(self, items, vocabs, config):
        words, lengths = pad_ids([vocabs["src"].encode(p.src) for p in items])
        targets, _ = pad_ids([vocabs["tgt"].encode(p.tgt, add_bos=True, add_eos=True) for p in items])
        return Batch(words=words, lengths=lengths, targets=targets)

    def loss(self, model, batch, options: dict | None = None):
        return model.loss(batch, teacher_forcing=float((options or {}).get("teacher_forcing", 1.0)))

    def translate(self, model, vocabs, sources: list[list[str]]):
        """Greedy translations (token lists) and attention matrices of many sources."""
        tgt = vocabs["tgt"]
        outputs, attentions = [], []
        for chunk in chunks(sources, 256):
            words, lengths = pad_ids([vocabs["src"].encode(s) for s in chunk])
            ids, attn = model.greedy(words, lengths, tgt.bos_id, tgt.eos_id, MAX_OUTPUT)
            outputs.extend(tgt.decode(seq, skip_specials=True) for seq in ids)
            attentions.extend(attn)
        return outputs, attentions

    def evaluate(self, model, items, vocabs, config, joiners=(" ", " "), **options) -> dict:
        items = list(items)
        if not items:
            return {"exact_match": float("nan")}
        src_join, tgt_join = joiners
        hyps, _ = self.translate(model, vocabs, [p.src for p in items])
        hyp_text = [tgt_join.join(h) for h in hyps]
        sources = [src_join.join(p.src) for p in items]
        refs = [tgt_join.join(p.tgt) for p in items]
        result = dict(bleu_chrf(hyp_text, sources, refs))
        result["exact_match"] = exact_match(hyp_text, sources, refs)
        result["loss"] = self._loss(model, items, vocabs, config)
        result["exact_match_by_length"] = _by_length(items, hyp_text, refs)
        return result

    @torch.no_grad()
    def _loss(self, model, items, vocabs, config) -> float:
        """Mean cross-entropy per target token (teacher forcing), in batches of 256 pairs."""
        total, count = 0.0, 0
        for chunk in chunks(items, 256):
            batch = self.make_batch(chunk, vocabs, config)
            n = int((batch.targets[:, 1:] != 0).sum())
            total += float(model.loss(batch)) * n
            count += n
        return total / count if count else float("nan")

    def predict(self, model, vocabs, config, text: str, joiners=(" ", " "), **options) -> dict:
        """Translate one sentence; options: beam (width, 1 = greedy)."""
        src_join, tgt_join = joiners
        tokens = tokens_for(text, src_join)
        if not tokens:
            raise data.DataFormatError("type a sentence to translate")
        tgt = vocabs["tgt"]
        words, lengths = pad_ids([vocabs["src"].encode(tokens)])
        width = int(options.get("beam", 1))
        kept: list = []
        if width > 1:
            ids, attention = beam_search(model, words, lengths, tgt.bos_id, tgt.eos_id, width,
                                         MAX_OUTPUT, kept=kept)
        else:
            seqs, attns = model.greedy(words, lengths, tgt.bos_id, tgt.eos_id, MAX_OUTPUT)
            ids, attention = seqs[0], attns[0]
        out_tokens = tgt.decode(ids, skip_specials=True)
        hypotheses = [{**h, "text": tgt_join.join(tgt.decode(h["ids"], skip_specials=True))}
                      for h in kept]
        return {"src_tokens": tokens, "tokens": out_tokens, "text": tgt_join.join(out_tokens),
                "attention": attention, "unknown": [t for t in tokens if t not in vocabs["src"]],
                "hypotheses": hypotheses}

    @torch.no_grad()
    def trace(self, model, vocabs, config, text: str, joiners=(" ", " "), **options) -> dict:
        tokens = tokens_for(text, joiners[0])
        if not tokens:
            raise data.DataFormatError("type a sentence to inspect")
        model.eval()
        words, lengths = pad_ids([vocabs["src"].encode(tokens)])
        return trace_to_numpy(model.encoder.trace(model.src_embedding(words), lengths), tokens)


def _by_length(items, hyps, refs) -> dict:
    """Exact match grouped by source length: where the encoder bottleneck shows."""
    groups = defaultdict(lambda: [0, 0])
    for p, h, r in zip(items, hyps, refs):
        groups[len(p.src)][0] += int(h == r)
        groups[len(p.src)][1] += 1
    return {str(k): v[0] / v[1] for k, v in sorted(groups.items())}
