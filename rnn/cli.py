"""Command line: train, evaluate, sample and predict, the way power users and our checks use the engine.

    python -m rnn train --task ner --arch lstm --bidirectional --seconds 60 --out runs/ner
    python -m rnn evaluate runs/ner
    python -m rnn sample runs/names --prime "Ma" --temperature 0.8
    python -m rnn predict runs/ner "Teddy Roosevelt was a great President."
    python -m rnn build-checkpoints            # the pretrained models shipped in checkpoints/

``train`` shows a progress bar on stderr and prints one JSON object of final metrics as its last
stdout line. Every error is one line on stderr and exit status 2.
"""
from __future__ import annotations

import argparse
import json
import math
import sys

from rnn.models.config import ARCHS, ATTENTIONS

TASK_NAMES = ("ner", "textgen", "sentiment", "translation", "agreement")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m rnn", description="RNN Playground engine")
    sub = parser.add_subparsers(dest="command", required=True)
    train = sub.add_parser("train", help="train a model and save it to --out")
    train.add_argument("--task", choices=TASK_NAMES, required=True)
    source = train.add_mutually_exclusive_group()
    source.add_argument("--data", help="your own file (a part is held out for validation)")
    source.add_argument("--dataset", help="a built-in dataset name")
    train.add_argument("--arch", choices=ARCHS, default="lstm")
    train.add_argument("--bidirectional", action="store_true")
    train.add_argument("--layers", type=int, default=1)
    train.add_argument("--hidden", type=int, default=64)
    train.add_argument("--embed", type=int, default=32)
    train.add_argument("--dropout", type=float, default=0.0)
    train.add_argument("--nonlinearity", choices=("tanh", "relu"), default="tanh")
    train.add_argument("--attention", choices=ATTENTIONS, default="additive")
    train.add_argument("--level", choices=("char", "word"), default="char")
    train.add_argument("--no-char-features", action="store_true", help="NER: word embedding only")
    train.add_argument("--teacher-forcing", type=float, default=1.0)
    budget = train.add_mutually_exclusive_group()
    budget.add_argument("--seconds", type=float)
    budget.add_argument("--steps", type=int)
    train.add_argument("--lr", type=float, default=3e-3)
    train.add_argument("--batch", type=int, default=32)
    train.add_argument("--clip", type=float, default=1.0, help="global gradient-norm clip; 0 = off")
    train.add_argument("--optimizer", choices=("adam", "sgd"), default="adam")
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--eval-every", type=int, default=100)
    train.add_argument("--out", required=True)
    evaluate = sub.add_parser("evaluate", help="score a saved model (its test split, or a file)")
    evaluate.add_argument("model")
    ev_source = evaluate.add_mutually_exclusive_group()
    ev_source.add_argument("--data")
    ev_source.add_argument("--dataset")
    sample = sub.add_parser("sample", help="generate text from a saved language model")
    sample.add_argument("model")
    sample.add_argument("--prime", default="")
    sample.add_argument("--temperature", type=float, default=1.0)
    sample.add_argument("--top-k", type=int, default=0)
    sample.add_argument("--top-p", type=float, default=1.0)
    sample.add_argument("--greedy", action="store_true")
    sample.add_argument("--length", type=int, default=200)
    sample.add_argument("--seed", type=int, default=0)
    predict = sub.add_parser("predict", help="run a saved model on one input")
    predict.add_argument("model")
    predict.add_argument("text")
    predict.add_argument("--beam", type=int, default=1, help="translation: beam width (1 = greedy)")
    build = sub.add_parser("build-checkpoints", help="rebuild the pretrained models in checkpoints/")
    build.add_argument("--out", default="checkpoints")
    build.add_argument("--only", nargs="*", help="names of the checkpoints to rebuild")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from rnn.commands import COMMANDS   # imported late so that --help does not wait for torch
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 2
    except (ValueError, OSError, RuntimeError) as err:
        message = " ".join(str(err).split()) or type(err).__name__
        print(f"error: {message}", file=sys.stderr)
        return 2


def print_json(obj: dict) -> None:
    clean = {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in obj.items()}
    print(json.dumps(clean, sort_keys=True), flush=True)
