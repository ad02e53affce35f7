"""Command line: train, evaluate, sample and predict, the way power users and our checks use the engine.

    python -m rnn train --task ner --arch lstm --bidirectional --seconds 60 --out runs/ner
    python -m rnn evaluate runs/ner
    python -m rnn sample runs/names --prime "Ma" --temperature 0.8
    python -m rnn predict runs/ner "Teddy Roosevelt was a great President."
    python -m rnn export runs/ner --out ner-at-home   # train.py + notebook + data/ that reproduce it
    python -m rnn build-checkpoints            # the pretrained models shipped in checkpoints/
    python -m rnn worker --redis redis://host:6379/0 --processes 2   # hosted: train queued jobs

``train`` shows a progress bar on stderr and prints one JSON object of final metrics as its last
stdout line. Every error is one line on stderr and exit status 2.

This module only parses arguments; the actions live in rnn/commands.py (which never imports this
module). ``train`` options left unset are filled in by rnn/autofit.py from the user's file
(``--data``) or by the engine's usual defaults, and the choices are printed on stderr.
"""
from __future__ import annotations

import argparse
import sys

from rnn.models.config import ARCHS, ATTENTIONS, LEVELS

TASK_NAMES = ("ner", "textgen", "sentiment", "translation", "agreement")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m rnn", description="RNN Playground engine")
    sub = parser.add_subparsers(dest="command", required=True)
    _add_train(sub.add_parser("train", help="train a model and save it to --out"))
    evaluate = sub.add_parser("evaluate", help="score a saved model (its test split, or a whole file)")
    evaluate.add_argument("model")
    ev_source = evaluate.add_mutually_exclusive_group()
    ev_source.add_argument("--data", help="a file to score, every item of it")
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
    export = sub.add_parser("export", help="write a run as a plain PyTorch train.py, a notebook and its data")
    export.add_argument("model", help="the run's folder (model.safetensors + meta.json)")
    export.add_argument("--out", required=True, help="the folder to write")
    export.add_argument("--data", help="the run's own file, for a run trained on an uploaded file")
    build = sub.add_parser("build-checkpoints", help="rebuild the pretrained models in checkpoints/")
    build.add_argument("--out", default="checkpoints")
    build.add_argument("--only", nargs="*", help="names of the checkpoints to rebuild")
    worker = sub.add_parser("worker", help="run training jobs from Redis (the hosted set-up)")
    worker.add_argument("--redis", help="Redis URL (default: RNN_PLAYGROUND_JOBS)")
    worker.add_argument("--processes", type=int, default=1,
                        help="worker processes on this machine (one per core is usual)")
    worker.add_argument("--burst", action="store_true", help="stop once the queue is empty")
    return parser


def _add_train(train: argparse.ArgumentParser) -> None:
    """``train``'s options. Sizes, dropout, learning rate, batch and window default to None: the
    command fills them from the data (rnn/autofit.py) and says what it chose."""
    train.add_argument("--task", choices=TASK_NAMES, required=True)
    source = train.add_mutually_exclusive_group()
    source.add_argument("--data", help="your own file (a part is held out for validation)")
    source.add_argument("--dataset", help="a built-in dataset name")
    train.add_argument("--arch", choices=ARCHS, default="lstm")
    train.add_argument("--bidirectional", action="store_true")
    train.add_argument("--layers", type=int)
    train.add_argument("--hidden", type=int)
    train.add_argument("--embed", type=int)
    train.add_argument("--dropout", type=float, help="on embeddings, between layers, before the output")
    train.add_argument("--nonlinearity", choices=("tanh", "relu"), default="tanh")
    train.add_argument("--attention", choices=ATTENTIONS, default="additive")
    train.add_argument("--level", choices=LEVELS, default="char")
    train.add_argument("--no-char-features", action="store_true", help="NER: word embedding only")
    train.add_argument("--teacher-forcing", type=float, default=1.0)
    train.add_argument("--bptt", type=int, help="textgen: training window length in tokens")
    train.add_argument("--carry", action=argparse.BooleanOptionalAction, default=None,
                       help="textgen: consecutive windows, the state carried from one to the next")
    budget = train.add_mutually_exclusive_group()
    budget.add_argument("--seconds", type=float)
    budget.add_argument("--steps", type=int)
    train.add_argument("--lr", type=float)
    train.add_argument("--batch", type=int)
    train.add_argument("--weight-decay", type=float)
    train.add_argument("--clip", type=float, default=1.0, help="global gradient-norm clip; 0 = off")
    train.add_argument("--optimizer", default="adam", help="adam or sgd")
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--eval-every", type=int)
    train.add_argument("--patience", type=int,
                       help="stop after this many evaluations without a better validation score")
    train.add_argument("--last-weights", action="store_true",
                       help="keep the final weights, not those of the best validation score")
    train.add_argument("--no-fit", action="store_true",
                       help="use the engine's fixed defaults instead of sizes fitted to --data")
    train.add_argument("--out", required=True)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "worker":
        return _worker(args)
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


def _worker(args) -> int:
    """``python -m rnn worker``: train the jobs queued on Redis (rnn/jobs/rq_backend.py)."""
    import os

    url = (args.redis or os.environ.get("RNN_PLAYGROUND_JOBS", "")).strip()
    if not url.startswith(("redis://", "rediss://", "unix://")):
        print("error: give the Redis URL: --redis redis://host:6379/0 or RNN_PLAYGROUND_JOBS",
              file=sys.stderr)
        return 2
    from rnn.jobs.rq_backend import serve
    try:
        return serve(url, processes=args.processes, burst=args.burst)
    except Exception as err:  # noqa: BLE001 -- one line, exit status 2, as every command
        print(f"error: cannot run a worker on {url}: {' '.join(str(err).split())}", file=sys.stderr)
        return 2
