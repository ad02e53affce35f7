"""Typed model configuration (one dataclass for every task model, like nanoGPT's GPTConfig).

A checkpoint stores ``asdict(config)`` in its JSON and loading rebuilds the model from it, so every
field is a plain JSON value.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields

ARCHS = ("rnn", "leaky", "esn", "gru", "lstm")  # the one home of the cell names
# cell -> the name a person reads; the short name (legends, the URL's ?ner_arch=GRU)
CELL_LABELS = {"rnn": "Vanilla RNN", "leaky": "Leaky RNN", "esn": "Echo state network",
               "gru": "GRU", "lstm": "LSTM"}
CELL_SHORT = {"rnn": "RNN", "leaky": "Leaky", "esn": "ESN", "gru": "GRU", "lstm": "LSTM"}
ATTENTIONS = ("none", "dot", "additive")
LEVELS = ("char", "word")

# The ModelConfig fields a task's sidebar shows after the cell, sizes and layers, in this order
# (rnn/ui/widgets.py renders each by name). The cell-only fields (leak, spectral_radius,
# nonlinearity) show only when their cell is chosen. A task not listed shows SIDEBAR_FIELDS.
SIDEBAR_FIELDS = ("bidirectional", "dropout", "leak", "spectral_radius", "nonlinearity")
TASK_SIDEBAR_FIELDS = {
    "translation": SIDEBAR_FIELDS + ("attention",),
    "textgen": tuple(f for f in SIDEBAR_FIELDS if f != "bidirectional") + ("level",),  # reads left to right only
    "ner": SIDEBAR_FIELDS + ("char_features",),
}


def sidebar_fields(task: str) -> tuple[str, ...]:
    """The fields ``task``'s "Architecture" sidebar shows beyond the cell, sizes and layers."""
    return TASK_SIDEBAR_FIELDS.get(task, SIDEBAR_FIELDS)


@dataclass
class ModelConfig:
    """Architecture of a task model.

    arch: recurrent cell, ``rnn`` (vanilla), ``leaky`` (leaky unit), ``esn`` (echo state network:
    a vanilla RNN with frozen random weights), ``gru`` or ``lstm``.
    hidden: hidden units per direction and layer. embed: size of the token embedding.
    layers: stacked recurrent layers. bidirectional: run a second RNN right-to-left (ignored by
    the language model and the decoder, which must not see the future).
    dropout: on the embeddings, between stacked layers and before the output layer (training
    only). nonlinearity: ``tanh`` or ``relu`` (vanilla RNN only).
    attention: Seq2Seq only, ``none`` | ``dot`` | ``additive`` (Bahdanau).
    level: LanguageModel only, ``char`` or ``word`` tokens.
    char_features: Tagger only, add spelling features of each word (character n-grams and word
    shape) so that a name never seen in training can still be recognised (Lample et al. 2016).
    leak: leaky unit only, α in [0, 1), the share of the old state kept (the course notes' α):
    a⟨t⟩ = α a⟨t−1⟩ + (1 − α) tanh(...); 0 is the vanilla RNN.
    learn_leak: leaky unit only, learn α per unit (starting at ``leak``, which must then be > 0).
    spectral_radius: ESN only, ρ > 0: the largest |eigenvalue| of the frozen W_aa.
    """

    arch: str = "lstm"
    hidden: int = 64
    embed: int = 32
    layers: int = 1
    bidirectional: bool = False
    dropout: float = 0.0
    nonlinearity: str = "tanh"
    attention: str = "additive"
    level: str = "char"
    char_features: bool = True
    leak: float = 0.5
    learn_leak: bool = False
    spectral_radius: float = 0.9

    def __post_init__(self) -> None:
        self.arch = str(self.arch).lower()
        if self.arch not in ARCHS:
            raise ValueError(f"arch must be one of {', '.join(ARCHS)}, got {self.arch!r}")
        if self.attention not in ATTENTIONS:
            raise ValueError(f"attention must be one of {', '.join(ATTENTIONS)}, got {self.attention!r}")
        if self.level not in LEVELS:
            raise ValueError(f"level must be 'char' or 'word', got {self.level!r}")
        if self.nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"nonlinearity must be 'tanh' or 'relu', got {self.nonlinearity!r}")
        for name in ("hidden", "embed", "layers"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive whole number, got {value!r}")
        if not 0.0 <= float(self.dropout) < 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {self.dropout!r}")
        if not (1e-6 if self.learn_leak else 0.0) <= float(self.leak) < 1.0:
            raise ValueError(f"leak must be in [0, 1) (above 0 when learned), got {self.leak!r}")
        if not 0.0 < float(self.spectral_radius) <= 100.0:
            raise ValueError(f"spectral_radius must be in (0, 100], got {self.spectral_radius!r}")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "ModelConfig":
        """Rebuild from JSON, ignoring unknown keys (checkpoints from newer versions still load)."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})
