"""The CLI's subcommands (argument parsing lives in rnn/cli.py, which imports this module; this
module never imports it)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from tqdm import tqdm

from rnn.autofit import fit_to_data
from rnn.experiment import Experiment
from rnn.models.config import ModelConfig
from rnn.settings import clamp_budget, get_settings, validate_model_size
from rnn.tasks import get_task
from rnn.train.history import EvalRecord, StepRecord
from rnn.train.metrics import finite
from rnn.train.config import TrainConfig


def print_json(obj: dict) -> None:
    """One JSON line on stdout (NaN/inf as null: strict JSON has no NaN)."""
    print(json.dumps(finite(dict(obj)), sort_keys=True), flush=True)


# train's settings when neither the user nor the data (rnn/autofit.py) chose them
DEFAULTS = {"hidden": 64, "embed": 32, "layers": 1, "dropout": 0.0, "lr": 3e-3, "batch_size": 32,
            "eval_every": 100, "weight_decay": 0.0}
FLAGS = {"hidden": "hidden", "embed": "embed", "layers": "layers", "dropout": "dropout", "lr": "lr",
         "batch_size": "batch", "eval_every": "eval_every", "weight_decay": "weight_decay",
         "bptt": "bptt", "carry": "carry"}


def cmd_train(args) -> int:
    task = get_task(args.task)
    data = None
    if args.data:
        data = task.load_file(args.data, name=Path(args.data).name, seed=args.seed, max_bytes=_max_bytes())
    chosen = _settings(args, data)
    model_config = ModelConfig(arch=args.arch, hidden=chosen["hidden"], embed=chosen["embed"],
                               layers=chosen["layers"], bidirectional=args.bidirectional,
                               dropout=chosen["dropout"], nonlinearity=args.nonlinearity,
                               attention=args.attention, level=args.level,
                               char_features=not args.no_char_features)
    validate_model_size(chosen["hidden"], chosen["embed"], chosen["layers"], strict=True)  # LimitError -> exit 2
    if args.steps is None and args.seconds is None:
        args.seconds = 60.0
    args.seconds, args.steps = _allowed_budget(args.seconds, args.steps)
    train_config = TrainConfig(optimizer=args.optimizer, lr=chosen["lr"], batch_size=chosen["batch_size"],
                               clip=args.clip or None, seed=args.seed, steps=args.steps,
                               seconds=args.seconds, eval_every=chosen["eval_every"],
                               weight_decay=chosen["weight_decay"], patience=args.patience,
                               keep_best=not args.last_weights)
    options = {"teacher_forcing": args.teacher_forcing}
    options.update({k: chosen[k] for k in ("bptt", "carry") if chosen.get(k) is not None})
    if data is not None:
        exp = Experiment.create(args.task, model_config, train_config, data=data,
                                data_name=Path(args.data).name, options=options)
    else:
        exp = Experiment.create(args.task, model_config, train_config, dataset=args.dataset, options=options)
    _train_with_progress(exp)
    exp.save(args.out)
    final = exp.evaluate("val", capped=False)
    final.update({"status": exp.status, "steps": _last_step(exp), "best_step": exp.best_step,
                  "out": str(args.out)})
    if exp.stop_reason and exp.status == "diverged":
        print(f"warning: {exp.stop_reason}", file=sys.stderr)
    print_json({k: v for k, v in final.items() if not isinstance(v, dict)})
    return 0


def _max_bytes() -> int:
    """The largest file the CLI reads: 20 times the app's upload limit (it trusts local files more)."""
    return int(get_settings().max_upload_mb * 1024 * 1024) * 20


def _settings(args, data) -> dict:
    """Each setting from its flag if given, else from the data (a user's file, unless --no-fit),
    else DEFAULTS; what was fitted is printed on stderr."""
    fitted: dict = {}
    if data is not None and not args.no_fit:
        limits = get_settings()
        fit = fit_to_data(args.task, data, level=args.level, max_hidden=limits.max_hidden,
                          max_embed=limits.max_embed)
        fitted = {**fit.model, **fit.train, **fit.options}
        given = [FLAGS[k] for k in fitted if getattr(args, FLAGS[k]) is not None]
        print(fit.describe() + (f"\n  (your flags win: --{', --'.join(g.replace('_', '-') for g in given)})"
                                if given else ""), file=sys.stderr)
    chosen = {}
    for key, flag in FLAGS.items():
        value = getattr(args, flag)
        chosen[key] = value if value is not None else fitted.get(key, DEFAULTS.get(key))
    return chosen


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
            if isinstance(record, StepRecord):
                bar.update(1)
                bar.set_postfix(loss=f"{record.loss:.3f}", refresh=False)
            elif isinstance(record, EvalRecord):
                metric = exp.task.metric if exp.task.metric != "loss" else "val_loss"
                bar.write(f"step {record.step}: {metric} = {record.metrics.get(metric, float('nan')):.4f}")
        exp.train(progress)


def _last_step(exp: Experiment) -> int:
    last = exp.history.last_step
    return last.step if last else 0


def cmd_evaluate(args) -> int:
    """Scores every item of the test split or of --data (no cap: caps are for the live app)."""
    exp = Experiment.load(args.model)
    if args.data:
        items = exp.task.read_file(args.data, name=Path(args.data).name, max_bytes=_max_bytes())
        result = exp.evaluate(data=items, capped=False)
    else:
        if args.dataset:
            exp.dataset = args.dataset
            exp.splits = None
        result = exp.evaluate("test", capped=False)
    print_json({k: v for k, v in result.items() if not isinstance(v, dict)})
    return 0


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
    result = exp.predict(text, beam=args.beam)         # a task takes the options it knows
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
        metrics = exp.evaluate("test", capped=False)
        print_json({"name": spec.name, **{k: v for k, v in metrics.items() if not isinstance(v, dict)}})
    return 0


def cmd_export(args) -> int:
    """The run as a folder: train.py (plain torch), a notebook, data/ and a README (rnn/export)."""
    from rnn.export import export_experiment
    exp = Experiment.load(args.model)
    if args.data:
        exp.splits = exp.task.load_file(args.data, name=Path(args.data).name, seed=exp.train_config.seed,
                                        max_bytes=_max_bytes())
    out = export_experiment(exp, args.out)
    print(f"wrote {out}: train.py, {', '.join(sorted(p.name for p in out.glob('*.ipynb')))}, data/, "
          f"README.md (run it: cd {out} && python train.py)", file=sys.stderr)
    return 0


COMMANDS = {"train": cmd_train, "evaluate": cmd_evaluate, "sample": cmd_sample, "predict": cmd_predict,
            "export": cmd_export, "build-checkpoints": cmd_build_checkpoints}
