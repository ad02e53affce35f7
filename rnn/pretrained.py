"""The pretrained models shipped in checkpoints/, so every page works before anyone trains.

``python -m rnn build-checkpoints`` rebuilds them all from this table: the budgets are in steps
and every run is seeded, so the same code and library versions give the same weights.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rnn.data.long_levels import LONG_DATASETS
from rnn.models.config import ARCHS, ModelConfig

CHECKPOINT_DIR = Path(__file__).resolve().parent.parent / "checkpoints"


@dataclass(frozen=True)
class PretrainedSpec:
    name: str
    task: str
    dataset: str
    model: dict
    steps: int
    lr: float = 3e-3
    batch_size: int = 32
    options: dict = field(default_factory=dict)

    def model_config(self) -> ModelConfig:
        return ModelConfig(**self.model)


def _per_arch(prefix: str, task: str, dataset: str, steps: int, **model) -> list[PretrainedSpec]:
    return [PretrainedSpec(f"{prefix}-{arch}", task, dataset, {"arch": arch, **model}, steps)
            for arch in ("rnn", "gru", "lstm")]


def _per_arch_long(task: str, steps: int, **model) -> list[PretrainedSpec]:
    """The three cells on ``task``'s long-range level, named ``<task>-<arch>-long``: the page's
    default sizes, one seed and budget, so the Compare tab shows the difference before any run."""
    return [PretrainedSpec(f"{task}-{arch}-long", task, LONG_DATASETS[task], {"arch": arch, **model},
                           steps) for arch in ("rnn", "gru", "lstm")]


SPECS: list[PretrainedSpec] = [
    *_per_arch("ner", "ner", "names", 600, bidirectional=True),
    # the unidirectional twin of ner-lstm, for the bidirectional lab (same size, data, seed, budget)
    PretrainedSpec("ner-lstm-uni", "ner", "names", {"arch": "lstm", "bidirectional": False}, 600),
    *_per_arch("textgen", "textgen", "names", 1000, hidden=128),
    # a word-level language model (issue 25): its vocabulary, <unk> and <eos>, shown live
    PretrainedSpec("textgen-lstm-words", "textgen", "prose", {"arch": "lstm", "hidden": 128,
                                                               "level": "word"}, 1500),
    *_per_arch("sentiment", "sentiment", "reviews", 500),
    *_per_arch("translation", "translation", "numbers", 1500, attention="additive"),
    # the attention race's other runner (challenge translation.length_race): no attention, still
    # learning after more than twice translation-lstm's steps
    PretrainedSpec("translation-lstm-none", "translation", "numbers",
                   {"arch": "lstm", "attention": "none"}, 3500),
    # the long-range levels (rnn/data/long_*.py, the Compare tabs' shipped results)
    *_per_arch_long("sentiment", 1500),
    *_per_arch_long("ner", 1500, bidirectional=True),
    *_per_arch_long("textgen", 1500, hidden=128),
    *_per_arch_long("translation", 1500, attention="additive"),
    PretrainedSpec("translation-lstm-noattn-long", "translation", LONG_DATASETS["translation"],
                   {"arch": "lstm", "attention": "none"}, 1500),
    # the memory-and-gates lesson: all five cells, same data, seed and budget (rnn/lessons/gates.py)
    *[PretrainedSpec(f"agreement-{arch}", "agreement", "long", {"arch": arch}, 1500)
      for arch in ARCHS],
    *[PretrainedSpec(f"agreement-rnn-{n}layers", "agreement", "long", {"arch": "rnn", "layers": n}, 1500)
      for n in (2, 3)],
    # the overwrite level (issue 25): 1-3 subjects in a row, the verb of the last one; same budget
    *[PretrainedSpec(f"agreement-{arch}-overwrite", "agreement", "overwrite", {"arch": arch}, 1500)
      for arch in ARCHS],
    # the vanilla RNN and the ESN trained on short gaps only (0-5), scored on long ones
    *[PretrainedSpec(f"agreement-{arch}-short", "agreement", "short", {"arch": arch}, 1500)
      for arch in ("rnn", "esn")],
]
BY_NAME = {spec.name: spec for spec in SPECS}


def checkpoint_path(name: str) -> Path:
    """The folder of a shipped checkpoint. Only names from the table are accepted, so a name that
    comes from a URL can never point outside checkpoints/."""
    if name not in BY_NAME:
        raise ValueError(f"no pretrained model named {name!r}")
    return CHECKPOINT_DIR / name


def pretrained_name(task: str, arch: str, bidirectional: bool | None = None,
                    level: str = "easy", tokens: str = "char") -> str | None:
    """The shipped checkpoint closest to a page's settings (None if the task has none).
    ``level``: "easy" (the built-in sets) or "long" (their long-range levels). ``tokens``: a
    language model's "char" or "word" level (the word level has one shipped model, an LSTM)."""
    if task == "textgen" and tokens == "word":
        return "textgen-lstm-words" if level == "easy" else None
    if task == "ner" and bidirectional is False:
        return "ner-lstm-uni" if arch == "lstm" and level == "easy" else None
    name = f"{task}-{arch}" + ("-long" if level == "long" else "")
    return name if name in BY_NAME else None


def load_pretrained(name: str):
    """Load a shipped checkpoint as an Experiment (read-only use: clone() before training)."""
    from rnn.experiment import Experiment
    return Experiment.load(checkpoint_path(name))
