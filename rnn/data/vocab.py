"""Vocabulary: a two-way map between tokens (words or characters) and integer ids.

Ids 0 and 1 are always ``<pad>`` and ``<unk>`` (padding is id 0 so that a zero-initialised batch is
all padding); ``<bos>`` / ``<eos>`` follow when asked for. The order of the ordinary tokens is the
order given, so a vocabulary saved as JSON and loaded again encodes every token the same way.
"""
from __future__ import annotations

from collections import Counter
from typing import Iterable, Sequence

PAD, UNK, BOS, EOS = "<pad>", "<unk>", "<bos>", "<eos>"
DEFAULT_SPECIALS = (PAD, UNK)


class Vocab:
    """Token <-> id map.

    Args:
        tokens: the ordinary tokens, in id order (duplicates and specials are skipped).
        specials: reserved tokens placed first; must start with ``<pad>``, ``<unk>``.
    """

    def __init__(self, tokens: Iterable[str] = (), specials: Sequence[str] = DEFAULT_SPECIALS):
        specials = tuple(specials)
        if specials[:2] != (PAD, UNK):
            raise ValueError(f"specials must start with {PAD!r}, {UNK!r}; got {specials!r}")
        self.specials = specials
        self.itos: list[str] = []
        self.stoi: dict[str, int] = {}
        for tok in (*specials, *tokens):
            if tok not in self.stoi:
                self.stoi[tok] = len(self.itos)
                self.itos.append(tok)

    @classmethod
    def build(cls, sequences: Iterable[Sequence[str]], min_freq: int = 1,
              max_size: int | None = None, specials: Sequence[str] = DEFAULT_SPECIALS) -> "Vocab":
        """Vocabulary of the tokens in ``sequences`` seen at least ``min_freq`` times.

        Most frequent first; ties keep first-seen order (deterministic). ``max_size`` caps the
        total size, specials included.
        """
        counts = Counter(tok for seq in sequences for tok in seq)
        kept = [tok for tok, n in counts.most_common() if n >= min_freq and tok not in specials]
        if max_size is not None:
            kept = kept[:max(0, max_size - len(tuple(specials)))]
        return cls(kept, specials)

    # ids of the specials (None when absent)
    @property
    def pad_id(self) -> int:
        return self.stoi[PAD]

    @property
    def unk_id(self) -> int:
        return self.stoi[UNK]

    @property
    def bos_id(self) -> int | None:
        return self.stoi.get(BOS)

    @property
    def eos_id(self) -> int | None:
        return self.stoi.get(EOS)

    def __len__(self) -> int:
        return len(self.itos)

    def __contains__(self, token: str) -> bool:
        return token in self.stoi

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Vocab) and self.itos == other.itos and self.specials == other.specials

    def __repr__(self) -> str:
        return f"Vocab(size={len(self)}, specials={self.specials})"

    def index(self, token: str) -> int:
        """Id of ``token``; unknown tokens map to ``<unk>``."""
        return self.stoi.get(token, self.unk_id)

    def encode(self, tokens: Sequence[str], add_bos: bool = False, add_eos: bool = False) -> list[int]:
        """Ids of ``tokens``, optionally wrapped in ``<bos>`` ... ``<eos>`` (which must exist)."""
        ids = [self.index(t) for t in tokens]
        if add_bos:
            ids.insert(0, self._require(BOS))
        if add_eos:
            ids.append(self._require(EOS))
        return ids

    def decode(self, ids: Iterable[int], skip_specials: bool = False,
               stop_at_eos: bool = False) -> list[str]:
        """Tokens of ``ids`` (ints or 0-d tensors). Optionally drop specials / stop at ``<eos>``."""
        out = []
        for i in ids:
            tok = self.itos[int(i)]
            if stop_at_eos and tok == EOS:
                break
            if skip_specials and tok in self.specials:
                continue
            out.append(tok)
        return out

    def to_json(self) -> dict:
        """A JSON-ready dict; ``Vocab.from_json`` rebuilds an equal vocabulary."""
        return {"specials": list(self.specials), "tokens": self.itos[len(self.specials):]}

    @classmethod
    def from_json(cls, data: dict) -> "Vocab":
        return cls(data["tokens"], data["specials"])

    def _require(self, special: str) -> int:
        if special not in self.stoi:
            raise ValueError(f"this vocabulary has no {special} token (specials: {self.specials})")
        return self.stoi[special]
