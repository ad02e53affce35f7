"""Take the experiment home: any run as a plain PyTorch script and a notebook that reproduce it.

    files = export_files(exp)          # {"train.py": bytes, "<name>.ipynb": ..., "data/...": ..., "README.md": ...}
    export_experiment(exp, "folder")   # the same files written to a folder
    export_zip(exp)                    # the same files in one zip (the pages' download button)

``train.py`` imports no ``rnn``: it is written from the run's settings (rnn/export/script.py, from
the template rnn/export/template.py), trains from scratch with the run's seed and reaches the
run's validation loss (tests/test_export*.py, bench/export.py). ``data/`` holds the run's splits
as the app generated them (or the user's uploaded file, split as the app split it), one JSON
example per line, or plain text for a language model.
"""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from rnn.export.script import ExportError, train_py, trained_steps

__all__ = ["ExportError", "export_experiment", "export_files", "export_zip", "folder_name",
           "train_py"]


def folder_name(exp) -> str:
    """A short name for the export: task-cell-dataset, e.g. ``textgen-gru-names``."""
    data = exp.dataset[5:] if exp.dataset.startswith("file:") else exp.dataset
    stem = Path(data).stem if exp.dataset.startswith("file:") else data
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in stem).strip("-") or "data"
    return f"{exp.task.name}-{exp.model_config.arch}-{safe}"[:80]


def _example(task: str, item) -> dict:
    if task == "ner":
        return {"tokens": list(item.tokens), "tags": [int(t) for t in item.tags],
                "ambiguous": [bool(a) for a in (item.ambiguous or [False] * len(item.tokens))]}
    if task == "translation":
        return {"src": list(item.src), "tgt": list(item.tgt)}
    out = {"tokens": list(item.tokens), "label": int(item.label)}
    if task == "agreement":
        out["gap"] = int(item.gap)
    return out


def data_files(exp) -> dict[str, bytes]:
    """The run's train/val/test splits: data/<split>.jsonl, or data/<split>.txt for a language model."""
    try:
        splits = exp.ensure_data()
    except ValueError as err:           # an uploaded file that the checkpoint does not hold
        raise ExportError(str(err)) from None
    task, files = exp.task.name, {}
    for part in ("train", "val", "test"):
        items = getattr(splits, part)
        if task == "textgen":
            if exp.model_config.level == "word":
                from rnn.tasks.textgen import tokenize
                items = " ".join(tokenize(items, "word"))
            files[f"data/{part}.txt"] = items.encode("utf-8")
        else:
            lines = [json.dumps(_example(task, x), ensure_ascii=False) for x in items]
            files[f"data/{part}.jsonl"] = ("\n".join(lines) + "\n").encode("utf-8")
    return files


def readme(exp, notebook: str) -> str:
    task = exp.task.name
    needs = "torch (and sacrebleu, for BLEU and chrF)" if task == "translation" else "torch"
    return f"""# {folder_name(exp)}: an RNN Playground run as plain PyTorch

This folder reproduces one training run of RNN Playground without the app:

- `train.py`: one file, top to bottom: the settings, the data, the recurrent cell written from
  the course's equations, the model, the evaluation, the training loop, and predictions. It
  imports no `rnn` code.
- `{notebook}`: the same code as notebook cells, with the lesson's equations.
- `data/`: the run's training, validation and test splits as the app generated them.

## Run it

From this folder, with {needs} installed (`pip install torch`):

```bash
python train.py                 # {trained_steps(exp)} steps, the run's settings and seed
python train.py --steps=50      # change any setting at the top of train.py like this
jupyter notebook {notebook}     # or open the notebook
```

It prints the validation score now and then, a few predictions, and as its last line one JSON
object with the same keys as `python -m rnn train` prints. Trained from scratch with the run's
seed, on the same CPU and torch version, its validation loss lands within about 2 % of the app's
run (the step-by-step cell adds float rounding the app's fused kernels do not; dropout draws may
also differ). The weights are saved to `model.pt` (`torch.load` it with `weights_only=True`).
"""


def export_files(exp) -> dict[str, bytes]:
    """Every exported file by its path inside the folder."""
    from rnn.export.notebook import notebook_json
    name = folder_name(exp)
    files = {"train.py": train_py(exp).encode("utf-8"),
             f"{name}.ipynb": notebook_json(exp).encode("utf-8")}
    files.update(data_files(exp))
    files["README.md"] = readme(exp, f"{name}.ipynb").encode("utf-8")
    return files


def export_experiment(exp, out) -> Path:
    """Write ``export_files(exp)`` under the folder ``out`` (created; existing files replaced)."""
    out = Path(out)
    files = export_files(exp)
    for rel, data in files.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return out


def export_zip(exp) -> bytes:
    """The exported files in one zip, inside a folder named after the run."""
    name, buf = folder_name(exp), io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for rel, data in export_files(exp).items():
            zf.writestr(f"{name}/{rel}", data)
    return buf.getvalue()
