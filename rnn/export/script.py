"""Write one run's train.py: the template (rnn/export/template.py) cut down to what the run uses.

``sections(exp)`` gives the script as (title, code) pairs, the notebook's cells; ``train_py(exp)``
joins them. Only the run's configuration is read here (model, training settings, options, how many
steps it trained); the data are written by rnn/export/__init__.py.
"""
from __future__ import annotations

import re
import textwrap

from rnn.export.template import TEMPLATE

EVAL_ITEMS = 500                 # rnn.experiment.EVAL_ITEMS: validation items scored while training
TASK_TITLES = {"ner": "Named entities", "textgen": "Text generation", "sentiment": "Sentiment",
               "translation": "Translation", "agreement": "Subject-verb agreement"}
CELL_NAMES = {"rnn": "vanilla RNN", "leaky": "leaky RNN", "esn": "echo state network",
              "gru": "GRU", "lstm": "LSTM"}
MONITOR = {"ner": "f1", "textgen": "loss", "sentiment": "accuracy", "translation": "exact_match",
           "agreement": "accuracy"}
EXAMPLES = {"sentiment": ["a dull film but great acting", "not bad at all , I loved it"],
            "agreement": ["the cat , which saw the dogs ,", "the cats near the house"],
            "ner": ["Teddy Roosevelt was a great President .", "Teddy bears are on sale ."]}
_TAG = re.compile(r"\s+#@(\S.*)$")


class ExportError(ValueError):
    """A run cannot be exported (the message says why)."""


def trained_steps(exp) -> int:
    """How many optimizer steps the run made (its last step record; the stop record if a run's
    history was thinned). A run that never trained exports its planned budget (or 200 steps)."""
    if exp.history.steps_done is not None:
        return int(exp.history.steps_done)
    return int(exp.train_config.steps or 200)


def keeps_best(exp) -> bool:
    """Did (or will) the run end on the weights of its best validation score? A finished run says
    so in its "best" record; one without (a checkpoint from before the trainer kept the best,
    e.g. some shipped models) kept its last weights, and so does its script."""
    if not exp.train_config.keep_best:
        return False
    if exp.history.last_stop is None:
        return True                                   # not trained yet: the trainer will keep it
    best = exp.history.best
    return best is not None and best.restored


def evaluates_last(exp) -> bool:
    """Did the run score its last step? The trainer does when the budget ends; a run stopped by
    hand (the Stop button) ends without it, and its best weights are chosen without that step."""
    if exp.history.last_stop is None:
        return True
    last = trained_steps(exp)
    return any(r.step == last for r in exp.history.evals)


def extra_evals(exp) -> list[int]:
    """Steps the run scored besides every eval_every-th and its last: where a budget ended before
    the run was continued (the best weights may come from one of them)."""
    every, last = exp.train_config.eval_every, trained_steps(exp)
    return sorted({int(r.step) for r in exp.history.evals if r.step % every and r.step != last})


def flags(exp) -> set[str]:
    """The names the template's ``#@`` conditions test, for this run."""
    task, cfg, tc, opts = exp.task.name, exp.model_config, exp.train_config, exp.options
    out = {task, cfg.arch, "argv"}
    if cfg.arch in ("rnn", "leaky", "esn"):
        out.add("vanilla")
        if cfg.nonlinearity == "relu":
            out.add("relu")
    if cfg.bidirectional and task != "textgen":
        out.add("bi")
    if cfg.dropout > 0:
        out.add("dropout")
    if tc.clip:
        out.add("clip")
    if tc.weight_decay:
        out.add("wd")
    if tc.optimizer == "sgd":
        out.add("sgd")
    if keeps_best(exp):
        out.add("keepbest")
    if evaluates_last(exp):
        out.add("lasteval")
    if extra_evals(exp):
        out.add("extraevals")
    if exp.task.higher_is_better:
        out.add("higher")
    if task != "textgen":
        out.add("padded")
    if task in ("sentiment", "agreement"):
        out.add("classifier")
    if task == "textgen":
        out.add(cfg.level)
        if opts.get("stop"):
            out.add("stop")
        if opts.get("carry") and _carry_fits(exp):
            out.add("carry")
    if task == "translation":
        if cfg.attention != "none":
            out.update({"attn", cfg.attention})
        if float(opts.get("teacher_forcing", 1.0)) < 1.0:
            out.add("tf")
    if task == "ner" and cfg.char_features:
        out.add("chars")
    if cfg.arch == "leaky" and cfg.learn_leak:
        out.add("learnleak")
    return out


def _carry_fits(exp) -> bool:
    """rnn.tasks.textgen: consecutive windows only when the text holds two windows per stream."""
    from rnn.tasks.textgen import WINDOW, tokenize
    splits = exp.ensure_data()
    n = len(tokenize(splits.train, exp.model_config.level))
    window = max(1, min(int(exp.options.get("bptt") or WINDOW[exp.model_config.level]), n - 1))
    return (n - 1) // exp.train_config.batch_size >= 2 * window


def values(exp) -> dict[str, str]:
    """``{{name}}`` -> the Python text that replaces it."""
    from rnn.tasks.textgen import MAX_EVAL_TOKENS, WINDOW
    from rnn.tasks.translation import MAX_EVAL_PAIRS
    task, cfg, tc, opts = exp.task.name, exp.model_config, exp.train_config, exp.options
    bi = cfg.bidirectional and task != "textgen"
    eval_items = min(EVAL_ITEMS, MAX_EVAL_PAIRS) if task == "translation" else EVAL_ITEMS
    level = cfg.level if task == "textgen" else None
    if task == "textgen":
        vocab_args = "" if level == "char" else ", max_size=5000"
    else:
        vocab_args = ""
    dataset = exp.dataset[5:] if exp.dataset.startswith("file:") else exp.dataset
    source = f"your file {dataset}" if exp.dataset.startswith("file:") else dataset
    layers = f"{cfg.layers} layer{'s' if cfg.layers > 1 else ''}"
    about = textwrap.fill(
        f"Task: {TASK_TITLES[task].lower()}, data: {source}; cell: {CELL_NAMES[cfg.arch]}, {layers}, "
        f"H = {cfg.hidden}{', bidirectional' if bi else ''}"
        f"{', attention: ' + cfg.attention if task == 'translation' else ''}; {trained_steps(exp)} steps, "
        f"seed {tc.seed}. Trained from scratch with the run's settings and seed, this file reaches the "
        f"run's validation scores; its last line is one JSON object with the keys of `python -m rnn "
        f"train`. Needs only torch{', and sacrebleu for BLEU and chrF' if task == 'translation' else ''}. "
        "Notation: the course's. x⟨t⟩ input, a⟨t⟩ hidden state (PyTorch's h_t), ŷ output; W_ax reads "
        "x⟨t⟩ (PyTorch's weight_ih), W_aa reads a⟨t−1⟩ (weight_hh).", width=96, break_on_hyphens=False)
    about += ("\n\nRun it from this folder (data/ holds the run's splits):\n"
              "    python train.py                # the run's settings (below)\n"
              "    python train.py --steps=50     # change any setting like this")
    return {
        "title": f"{TASK_TITLES[task]} with {'an' if cfg.arch in ('lstm', 'esn') else 'a'} {CELL_NAMES[cfg.arch]}",
        "about": about,
        "hidden": repr(cfg.hidden), "embed": repr(cfg.embed), "layers": repr(cfg.layers),
        "directions": "2" if bi else "1", "dirs": ", directions" if bi else "", "one": ", 1" if bi else "",
        "directions_note": "2: every layer also reads right to left (bidirectional)" if bi else
                           "1: left to right only (2 would be bidirectional)",
        "dropout": repr(float(cfg.dropout)), "leak": repr(float(cfg.leak)),
        "spectral_radius": repr(float(cfg.spectral_radius)),
        "bptt": repr(int(opts.get("bptt") or WINDOW[cfg.level])) if task == "textgen" else "",
        "teacher_forcing": repr(float(opts.get("teacher_forcing", 1.0))),
        "steps": repr(trained_steps(exp)), "batch_size": repr(int(tc.batch_size)),
        "lr": repr(float(tc.lr)), "optimizer_name": "SGD" if tc.optimizer == "sgd" else "Adam",
        "weight_decay": repr(float(tc.weight_decay)), "clip": repr(float(tc.clip or 0.0)),
        "eval_every": repr(int(tc.eval_every)), "eval_items": repr(eval_items),
        "eval_tokens": repr(MAX_EVAL_TOKENS), "seed": repr(int(tc.seed)),
        "vocab_args": vocab_args, "extra_evals": repr(set(extra_evals(exp)) or None), "monitor": MONITOR[task],
        "joiners": repr(tuple(opts.get("joiners") or (" ", " "))),
        "examples": repr(EXAMPLES.get(task, [])),
        "positive": "plural" if task == "agreement" else "positive",
        "stop": repr(opts.get("stop")), "joiner": repr("" if level == "char" else " "),
        "prime": repr(["\n"] if level == "char" else ["."]),
    }


def _holds(cond: str, on: set[str]) -> bool:
    for term in cond.split():
        if term.startswith("!"):
            if term[1:] in on:
                return False
        elif not any(t in on for t in term.split("|")):
            return False
    return True


def render(template: str, on: set[str], fill: dict[str, str]) -> str:
    """Keep the lines whose conditions hold, drop the tags, fill in ``{{name}}``s."""
    out, stack = [], []
    for line in template.splitlines():
        stripped = line.strip()
        if stripped.startswith("#@if "):
            stack.append(_holds(stripped[5:], on))
            continue
        if stripped == "#@end":
            stack.pop()
            continue
        if not all(stack):
            continue
        tag = _TAG.search(line)
        if tag:
            if not _holds(tag.group(1), on):
                continue
            line = line[: tag.start()]
        out.append(line.rstrip())
    if stack:
        raise AssertionError("the export template has an unclosed #@if")
    text = "\n".join(out)
    for name, value in fill.items():
        text = text.replace("{{" + name + "}}", value)
    missing = re.findall(r"\{\{(\w+)\}\}", text)
    if missing:
        raise AssertionError(f"the export template has unfilled names: {sorted(set(missing))}")
    return _tidy(text)


def _tidy(text: str) -> str:
    """At most two blank lines in a row, none at a section's ends."""
    text = re.sub(r"\n{4,}", "\n\n\n", text)
    return text.strip("\n") + "\n"


def sections(exp) -> list[tuple[str, str]]:
    """[(title, code)] in order; the title "argv" marks the command-line overrides."""
    text = render(TEMPLATE, flags(exp), values(exp))
    parts = re.split(r"^#%% (.+)$", text, flags=re.M)
    return [(title.strip(), _tidy(code)) for title, code in zip(parts[1::2], parts[2::2])]


def train_py(exp) -> str:
    """The whole script."""
    return "\n\n\n".join(code.rstrip("\n") for _, code in sections(exp)) + "\n"
