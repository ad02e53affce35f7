"""The CLI's subcommands (argument parsing lives in rnn/cli.py)."""
from __future__ import annotations

import sys
from pathlib import Path

from tqdm import tqdm

from rnn.cli import print_json
from rnn.experiment import Experiment
from rnn.models.config import ModelConfig
from rnn.settings import clamp_budget, get_settings, validate_model_size
from rnn.tasks import get_task
from rnn.train.trainer import TrainConfig


def cmd_train(args) -> int:
    task = get_task(args.task)
    model_config = ModelConfig(arch=args.arch, hidden=args.hidden, embed=args.embed, layers=args.layers,
                               bidirectional=args.bidirectional, dropout=args.dropout,
                               nonlinearity=args.nonlinearity, attention=args.attention,
                               level=args.level, char_features=not args.no_char_features)
    validate_model_size(args.hidden, args.embed, args.layers, strict=True)   # LimitError -> exit 2
    if args.steps is None and args.seconds is None:
        args.seconds = 60.0
    args.seconds, args.steps = _allowed_budget(args.seconds, args.steps)
    train_config = TrainConfig(optimizer=args.optimizer, lr=args.lr, batch_size=args.batch,
                               clip=args.clip or None, seed=args.seed, steps=args.steps,
                               seconds=args.seconds, eval_every=args.eval_every)
    options = {"teacher_forcing": args.teacher_forcing}
    if args.data:
        max_bytes = int(get_settings().max_upload_mb * 1024 * 1024) * 20   # the CLI trusts local files more
        data = task.load_file(args.data, name=Path(args.data).name, seed=args.seed, max_bytes=max_bytes)
        exp = Experiment.create(args.task, model_config, train_config, data=data,
                                data_name=Path(args.data).name, options=options)
    else:
        exp = Experiment.create(args.task, model_config, train_config, dataset=args.dataset, options=options)
    _train_with_progress(exp)
    exp.save(args.out)
    final = exp.evaluate("val")
    final.update({"status": exp.status, "steps": _last_step(exp), "out": str(args.out)})
    if exp.stop_reason and exp.status == "diverged":
        print(f"warning: {exp.stop_reason}", file=sys.stderr)
    print_json({k: v for k, v in final.items() if not isinstance(v, dict)})
    return 0


def _allowed_budget(seconds, steps):
    """The asked budget, each part capped by the settings' limits (with a warning on stderr)."""
    max_seconds, max_steps = clamp_budget(seconds, steps)
    if seconds is not None and max_seconds < seconds:
        print(f"warning: --seconds capped to {max_seconds:g} (RNN_PLAYGROUND_MAX_SECONDS)", file=sys.stderr)
        seconds = max_seconds
    if steps is not None and max_steps < steps:
        print(f"warning: --steps capped to {max_steps} (RNN_PLAYGROUND_MAX_STEPS)", file=sys.stderr)
        steps = max_steps
    return seconds, steps


def _train_with_progress(exp: Experiment) -> None:
    cfg = exp.train_config
    total = cfg.steps if cfg.steps else None
    with tqdm(total=total, desc=f"{exp.task.name} {exp.model_config.arch}", unit="step",
              file=sys.stderr, dynamic_ncols=True, mininterval=0.5) as bar:
        def progress(record):
            if record["kind"] == "step":
                bar.update(1)
                bar.set_postfix(loss=f"{record['loss']:.3f}", refresh=False)
            elif record["kind"] == "eval":
                metric = exp.task.metric if exp.task.metric != "loss" else "val_loss"
                bar.write(f"step {record['step']}: {metric} = {record.get(metric, float('nan')):.4f}")
        exp.train(progress)


def _last_step(exp: Experiment) -> int:
    steps = [r["step"] for r in exp.history if r.get("kind") == "step"]
    return steps[-1] if steps else 0


def cmd_evaluate(args) -> int:
    exp = Experiment.load(args.model)
    if args.data:
        task = exp.task
        if task.name == "textgen":
            items = _whole_text(args.data)
        else:
            items = _load_items(task, args.data)
        result = exp.evaluate(data=items)
    elif args.dataset:
        exp.dataset = args.dataset
        exp.splits = None
        result = exp.evaluate("test")
    else:
        result = exp.evaluate("test")
    print_json({k: v for k, v in result.items() if not isinstance(v, dict)})
    return 0


def _whole_text(path: str) -> str:
    from rnn.data import load_text
    return load_text(path, name=Path(path).name)


def _load_items(task, path: str) -> list:
    """A user file scored as a whole (no split)."""
    from rnn import data
    loaders = {"ner": data.load_conll, "sentiment": data.load_sentiment_table,
               "translation": data.load_pairs_tsv}
    return loaders[task.name](path, name=Path(path).name)


def cmd_sample(args) -> int:
    exp = Experiment.load(args.model)
    if exp.task.name != "textgen":
        raise ValueError(f"{args.model} is a {exp.task.name} model; sample needs a textgen model")
    result = exp.predict(args.prime, temperature=args.temperature, top_k=args.top_k, top_p=args.top_p,
                         greedy=args.greedy, length=args.length, seed=args.seed)
    print(args.prime + result["text"])
    return 0


def cmd_predict(args) -> int:
    exp = Experiment.load(args.model)
    text = args.text[: get_settings().max_text_chars]
    result = exp.predict(text, beam=args.beam) if exp.task.name == "translation" else exp.predict(text)
    result.pop("attention", None)
    if "steps" in result:
        result["steps"] = len(result["steps"])
    print_json(result)
    return 0


def cmd_build_checkpoints(args) -> int:
    from rnn.pretrained import SPECS
    wanted = set(args.only or [spec.name for spec in SPECS])
    unknown = wanted - {spec.name for spec in SPECS}
    if unknown:
        raise ValueError(f"unknown checkpoint names: {', '.join(sorted(unknown))}")
    for spec in SPECS:
        if spec.name not in wanted:
            continue
        train_config = TrainConfig(lr=spec.lr, batch_size=spec.batch_size, steps=spec.steps,
                                   seconds=None, seed=0, eval_every=max(100, spec.steps // 5))
        exp = Experiment.create(spec.task, spec.model_config(), train_config, dataset=spec.dataset,
                                options=dict(spec.options))
        _train_with_progress(exp)
        exp.save(Path(args.out) / spec.name)
        metrics = exp.evaluate("test")
        print_json({"name": spec.name, **{k: v for k, v in metrics.items() if not isinstance(v, dict)}})
    return 0


COMMANDS = {"train": cmd_train, "evaluate": cmd_evaluate, "sample": cmd_sample, "predict": cmd_predict,
            "build-checkpoints": cmd_build_checkpoints}
