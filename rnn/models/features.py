"""Turn words into vectors: a word embedding, plus spelling features for words never seen before.

The seeds start from one-hot vectors over a dictionary: ``e_t = E x_t`` picks one row of the
embedding matrix E. A dictionary cannot know names that were not in training, so, as Lample et al.
(2016) do with a character model, the tagger adds what a word *looks like*:

    e_t = [ E x_t ; mean_k C g_{t,k} ; s_t ]

where g_{t,k} are hashed character n-grams of the word (``"^Ro", "Ros", "ose", "se$"`` ...), C is
their embedding matrix and s_t is a short word-shape vector (Titlecase, ALL CAPS, digits...).
"""
from __future__ import annotations

import unicodedata
import zlib
from dataclasses import dataclass
from functools import lru_cache

import torch
from torch import nn

N_BUCKETS = 4096          # hashed n-gram buckets; bucket 0 is padding
MAX_NGRAMS = 24           # per word; longer words keep their first n-grams (prefix and stem)
NGRAM_SIZES = (2, 3, 4)
SHAPE_NAMES = ("title", "upper", "lower", "digit", "punct", "non_ascii", "hyphen")


@lru_cache(maxsize=65536)
def word_ngrams(word: str) -> tuple[int, ...]:
    """Hashed character n-gram ids of a word (crc32, so ids are the same in every process)."""
    marked = f"^{word.lower()}$"
    ids = []
    for n in NGRAM_SIZES:
        for i in range(max(1, len(marked) - n + 1)):
            gram = marked[i : i + n]
            ids.append(1 + zlib.crc32(f"{n}:{gram}".encode("utf-8")) % (N_BUCKETS - 1))
    return tuple(ids[:MAX_NGRAMS])


@lru_cache(maxsize=65536)
def padded_ngrams(word: str) -> tuple[int, ...]:
    """word_ngrams(word) padded with 0 (the padding bucket) to MAX_NGRAMS ids."""
    grams = word_ngrams(word)
    return grams + (0,) * (MAX_NGRAMS - len(grams))


@lru_cache(maxsize=65536)
def word_shape(word: str) -> tuple[float, ...]:
    """Binary shape features of a word, in the order of SHAPE_NAMES."""
    letters = [ch for ch in word if ch.isalpha()]
    is_punct = bool(word) and all(unicodedata.category(ch).startswith("P") for ch in word)
    return (
        float(bool(letters) and word[:1].isupper() and word[1:] == word[1:].lower()),
        float(len(letters) > 1 and word.isupper()),
        float(bool(letters) and word.islower()),
        float(any(ch.isdigit() for ch in word)),
        float(is_punct),
        float(any(ord(ch) > 127 for ch in letters)),
        float("-" in word),
    )


@dataclass
class Batch:
    """A padded batch of token sequences. words: (N, L); lengths: (N,); targets depend on the task."""

    words: torch.Tensor
    lengths: torch.Tensor
    targets: torch.Tensor | None = None
    ngrams: torch.Tensor | None = None    # (N, L, K) n-gram bucket ids, 0 = padding
    shapes: torch.Tensor | None = None    # (N, L, S)
    carry: "Carry | None" = None          # language model: the state handed between windows

    @property
    def size(self) -> int:
        return int(self.words.shape[0])


@dataclass
class Carry:
    """The recurrent state one training window hands to the next (shared by consecutive batches
    of a stream); None means "start from a zero state"."""

    state: object = None


def dropout_layer(p: float) -> nn.Module:
    """nn.Dropout(p), or nn.Identity when p is 0 (no work per step for the common default)."""
    return nn.Dropout(p) if p > 0 else nn.Identity()


def pad_ids(seqs: list[list[int]], pad: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Right-pad integer sequences. Returns ids (N, L) and lengths (N,). Empty sequences get length 1."""
    lengths = [max(1, len(s)) for s in seqs]
    width = max(lengths)
    # pad in Python and convert once: one tensor per row would cost more than the padding
    out = torch.tensor([list(s) + [pad] * (width - len(s)) for s in seqs], dtype=torch.long)
    return out, torch.tensor(lengths, dtype=torch.long)


def make_word_batch(sentences: list[list[str]], vocab, char_features: bool,
                    targets: torch.Tensor | None = None) -> Batch:
    """Encode tokenised sentences with a word vocabulary (unknown words map to <unk>)."""
    words, lengths = pad_ids([vocab.encode(s) for s in sentences])
    batch = Batch(words=words, lengths=lengths, targets=targets)
    if char_features:
        # Nested Python lists, padded per word and per sentence, become one tensor each: filling
        # a zero tensor word by word was a third of an NER training step (bench/overhead.py).
        length = words.shape[1]
        no_grams, no_shape = (0,) * MAX_NGRAMS, (0.0,) * len(SHAPE_NAMES)
        batch.ngrams = torch.tensor([[padded_ngrams(w) for w in s] + [no_grams] * (length - len(s))
                                     for s in sentences], dtype=torch.long)   # (N, L, K)
        batch.shapes = torch.tensor([[word_shape(w) for w in s] + [no_shape] * (length - len(s))
                                     for s in sentences], dtype=torch.float32)  # (N, L, S)
    return batch


class WordEncoder(nn.Module):
    """e_t = [E x_t ; mean n-gram embedding ; shape]. Output (N, L, output_size)."""

    def __init__(self, vocab_size: int, embed: int, char_features: bool):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed, padding_idx=0)
        self.char_features = char_features
        self.output_size = embed
        if char_features:
            self.ngram_embedding = nn.Embedding(N_BUCKETS, embed, padding_idx=0)
            self.output_size = 2 * embed + len(SHAPE_NAMES)

    def forward(self, batch: Batch) -> torch.Tensor:
        e = self.embedding(batch.words)                                   # (N, L, E)
        if not self.char_features:
            return e
        counts = (batch.ngrams > 0).sum(-1, keepdim=True).clamp(min=1)    # (N, L, 1)
        chars = self.ngram_embedding(batch.ngrams).sum(2) / counts        # (N, L, E)
        return torch.cat([e, chars, batch.shapes], dim=-1)                # (N, L, 2E + S)
