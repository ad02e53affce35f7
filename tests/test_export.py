"""Export a run as a plain PyTorch train.py + notebook + data/ (issue 23; rnn/export).

Every task x cell: a tiny run is trained here by the engine, exported, and its train.py run (one
isolated ``python -I`` interpreter runs all 25 scripts in turn, each from its own folder, so torch
is imported once; ``rnn`` cannot be imported there). Each script's last line must be the JSON of
``train`` (same keys) with the run's validation loss: the script replays the engine's data order,
initialisation, batches and optimizer, so the two agree to float rounding, far inside the issue's
2 %. Bidirectional, stacked layers, dropout and the three attentions are spread over the
combinations. Every combination's notebook holds the same code as its train.py (the code the
25 scripts run); five of them, one per task and one per cell, are executed with nbclient (in one
kernel, each in a fresh namespace; one more on its own kernel).
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("torch")
nbformat = pytest.importorskip("nbformat")

from rnn.data.splits import Splits  # noqa: E402
from rnn.experiment import Experiment, ModelConfig, TrainConfig  # noqa: E402
from rnn.export import export_experiment, export_files, export_zip, train_py  # noqa: E402
from rnn.export.notebook import build_notebook  # noqa: E402
from rnn.export.script import sections  # noqa: E402
from rnn.tasks import get_task  # noqa: E402

TASKS = ("ner", "textgen", "sentiment", "translation", "agreement")
CELLS = ("rnn", "leaky", "esn", "gru", "lstm")
DATASETS = {"ner": "names", "textgen": "names", "sentiment": "reviews", "translation": "dates",
            "agreement": "short"}
ATTENTIONS = ("none", "dot", "additive")
TOLERANCE = 1e-3      # relative; the issue asks for 2 %, the replay is exact up to float rounding


def combination(task: str, i: int) -> tuple[ModelConfig, dict]:
    """The i-th cell for a task, with the layer options spread over the cells."""
    arch = CELLS[i]
    config = ModelConfig(arch=arch, hidden=8, embed=4, layers=2 if i in (1, 4) else 1,
                         bidirectional=i % 2 == 1 and task != "textgen",
                         dropout=0.2 if i == 3 else 0.0, attention=ATTENTIONS[i % 3],
                         char_features=i != 2, learn_leak=arch == "leaky" and task == "ner",
                         nonlinearity="relu" if arch == "rnn" and task == "agreement" else "tanh")
    options = {"teacher_forcing": 0.5} if task == "translation" and i == 4 else {}
    if task == "textgen" and i == 3:
        options.update(carry=True, bptt=8)
    return config, options


@pytest.fixture(scope="module")
def small_splits():
    """A few examples of each task's built-in set (the scripts score all of val at the end)."""
    out = {}
    for task in TASKS:
        full = get_task(task).load_builtin(DATASETS[task])
        if task == "textgen":
            out[task] = Splits(full.train[:1500], full.val[:300], full.test[:300])
        else:
            out[task] = Splits(full.train[:60], full.val[:24], full.test[:24])
    return out


def make_run(task: str, i: int, splits, steps: int = 2) -> Experiment:
    config, options = combination(task, i)
    train = TrainConfig(steps=steps, seconds=None, eval_every=1, batch_size=8, seed=i)
    exp = Experiment.create(task, config, train, dataset=DATASETS[task], data=splits[task], options=options)
    exp.train()
    return exp


DRIVER = textwrap.dedent("""
    import contextlib, importlib.util, io, json, os, runpy, sys
    assert importlib.util.find_spec("rnn") is None, "rnn is importable: the test is not isolated"
    results = {}
    for folder in sys.argv[1:]:
        os.chdir(folder)
        out = io.StringIO()
        sys.argv = ["train.py"]
        with contextlib.redirect_stdout(out):
            runpy.run_path("train.py", run_name="__main__")
        assert "rnn" not in sys.modules
        results[folder] = out.getvalue().strip().splitlines()
    print(json.dumps(results))
""")


@pytest.fixture(scope="module")
def exported(small_splits, tmp_path_factory):
    """Every task x cell trained 2 steps here and exported: folder -> the final JSON train prints."""
    root, expected = tmp_path_factory.mktemp("exports"), {}
    for task in TASKS:
        for i in range(len(CELLS)):
            exp = make_run(task, i, small_splits)
            folder = export_experiment(exp, root / f"{task}-{CELLS[i]}")
            final = {k: v for k, v in exp.evaluate("val", capped=False).items() if not isinstance(v, dict)}
            final.update(status=exp.status, steps=2, best_step=exp.best_step, out="x")
            expected[str(folder)] = final
    return expected


def check_result(folder: str, lines: list[str], want: dict, steps: int = 2) -> None:
    """The last line is train's JSON: same keys, the run's validation loss and headline score."""
    got = json.loads(lines[-1])
    assert set(got) == set(want), folder
    assert got["steps"] == steps and got["status"] == "done", folder
    assert got["loss"] == pytest.approx(want["loss"], rel=TOLERANCE), folder
    if steps == want["steps"]:
        assert got["best_step"] == want["best_step"], folder
        task = folder.rsplit("/", 1)[-1].split("-")[0]
        headline = {"ner": "f1", "sentiment": "accuracy", "agreement": "accuracy",
                    "translation": "exact_match", "textgen": "perplexity"}[task]
        assert got[headline] == pytest.approx(want[headline], rel=TOLERANCE, abs=1e-6), folder
    assert any(line.startswith(f"step {steps}:") for line in lines), folder


def test_every_task_and_cell_exports_and_its_script_reproduces_the_run(exported, tmp_path):
    for folder in exported:
        code = (Path(folder) / "train.py").read_text()
        assert not re.search(r"^\s*(import|from) rnn\b", code, re.M), folder
    (tmp_path / "driver.py").write_text(DRIVER)
    proc = subprocess.run([sys.executable, "-I", str(tmp_path / "driver.py"), *exported],
                          capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    results = json.loads(proc.stdout.strip().splitlines()[-1])
    assert set(results) == set(exported)
    for folder, lines in results.items():
        check_result(folder, lines, exported[folder])


def test_every_notebook_runs_and_reproduces_the_run(exported):
    """Notebooks, cell by cell, each in a fresh namespace (``%reset``) of one Jupyter kernel (one
    kernel start instead of several), from its own folder: one per task, each with another cell
    (and so another mix of layers, directions and attention). Every notebook's code cells are its
    train.py's (test_the_notebook_holds_the_scripts_code_and_the_equations), which all 25 scripts
    run; what only a notebook does (no command line, a kernel, its folder) is the same for every
    combination of a task."""
    nbclient = pytest.importorskip("nbclient")
    combined, marks = nbformat.v4.new_notebook(), []
    picked = {f"{task}-{CELLS[i]}" for i, task in enumerate(TASKS)}
    notebooks = [folder for folder in exported if Path(folder).name in picked]
    assert len(notebooks) == len(TASKS)
    for folder in notebooks:
        nb = nbformat.read(next(Path(folder).glob("*.ipynb")), as_version=4)
        nbformat.validate(nb)
        combined.cells.append(nbformat.v4.new_code_cell(
            f"%reset -f\nimport os\nos.chdir({folder!r})\nprint('=== {folder}')"))
        marks.append(folder)
        combined.cells.extend(c for c in nb.cells if c.cell_type == "code")
    nbclient.NotebookClient(combined, timeout=600, kernel_name="python3").execute()
    text = "".join(o.get("text", "") for c in combined.cells for o in c.get("outputs", []))
    parts = text.split("=== ")[1:]
    assert [p.split("\n", 1)[0] for p in parts] == marks
    for part in parts:
        folder, rest = part.split("\n", 1)
        check_result(folder, rest.strip().splitlines(), exported[folder])


@pytest.mark.parametrize("task", TASKS)
def test_the_notebook_holds_the_scripts_code_and_the_equations(small_splits, task):
    for i in range(len(CELLS)):
        config, options = combination(task, i)
        exp = Experiment.create(task, config, TrainConfig(steps=2, seconds=None), dataset=DATASETS[task],
                                data=small_splits[task], options=options)
        nb = build_notebook(exp)
        nbformat.validate(nb)
        code = [c.source for c in nb.cells if c.cell_type == "code"]
        assert code == [s.rstrip("\n") for t, s in sections(exp) if t != "argv"]
        markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
        assert "$$" in markdown and r"\langle t\rangle" in markdown      # the lesson's equations


def test_a_notebook_runs_on_its_own_kernel(small_splits, tmp_path):
    """One exported notebook as a person opens it: its own kernel, its folder, a parameter cell."""
    nbclient = pytest.importorskip("nbclient")
    exp = make_run("translation", 1, small_splits)
    folder = export_experiment(exp, tmp_path / "home")
    nb = nbformat.read(next(folder.glob("*.ipynb")), as_version=4)
    settings = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and "steps = " in c.source)
    nb.cells.insert(settings + 1, nbformat.v4.new_code_cell("steps = 1"))
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(folder)}}).execute()
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    result = json.loads(text.strip().splitlines()[-1])
    assert result["steps"] == 1 and result["status"] == "done" and "bleu" in result
    assert (folder / "model.pt").exists()


def test_the_export_holds_the_data_the_readme_and_only_the_needed_code(small_splits, tmp_path):
    exp = Experiment.create("sentiment", ModelConfig(arch="lstm", hidden=8, embed=4, layers=2, bidirectional=True),
                            TrainConfig(steps=1, seconds=None), dataset="reviews", data=small_splits["sentiment"])
    files = export_files(exp)
    assert {"train.py", "README.md", "data/train.jsonl", "data/val.jsonl", "data/test.jsonl"} <= set(files)
    rows = [json.loads(line) for line in files["data/train.jsonl"].decode().splitlines()]
    assert [(r["tokens"], r["label"]) for r in rows] == [(x.tokens, x.label) for x in small_splits["sentiment"].train]
    code = files["train.py"].decode()
    assert "Γ_u" in code and "c̃⟨t⟩" in code and "Γ_f" in code and "Γ_o" in code
    assert "class Seq2Seq" not in code and "class Tagger" not in code and "Γ_r" not in code
    assert "reorder(" in code                                # bidirectional
    compile(code, "train.py", "exec")
    assert "python train.py" in files["README.md"].decode()
    simple = make_run("sentiment", 0, small_splits)           # vanilla RNN, one layer, one direction
    simple_code = train_py(simple)
    assert "reorder(" not in simple_code and "F.dropout" not in simple_code
    assert len(simple_code.splitlines()) < 260
    import io
    import zipfile
    names = zipfile.ZipFile(io.BytesIO(export_zip(exp))).namelist()
    assert "sentiment-lstm-reviews/train.py" in names and any(n.endswith(".ipynb") for n in names)


def test_textgen_word_level_keeps_the_tokens(tmp_path):
    full = get_task("textgen").load_builtin("prose")
    splits = Splits(full.train[:3000], full.val[:400], full.test[:400])
    exp = Experiment.create("textgen", ModelConfig(arch="gru", hidden=8, embed=4, level="word"),
                            TrainConfig(steps=1, seconds=None), dataset="prose", data=splits)
    files = export_files(exp)
    from rnn.tasks.textgen import tokenize
    assert files["data/val.txt"].decode().split() == tokenize(splits.val, "word")


@pytest.mark.parametrize("name", ["ner-gru", "textgen-lstm", "sentiment-rnn", "translation-lstm-none",
                                  "agreement-esn"])
def test_a_shipped_model_exports_with_its_settings(name):
    """The pretrained models (checkpoints/) export too: their data, their budget, their sizes."""
    from rnn.pretrained import BY_NAME, checkpoint_path
    spec = BY_NAME[name]
    exp = Experiment.load(checkpoint_path(name))
    files = export_files(exp)
    code = files["train.py"].decode()
    compile(code, "train.py", "exec")
    assert re.search(rf"^steps = {spec.steps}\b", code, re.M), name
    assert re.search(rf"^hidden = {exp.model_config.hidden}\b", code, re.M), name
    assert f"data: {spec.dataset};" in " ".join(code.split())
    data = next(v for k, v in files.items() if k.startswith("data/train."))
    assert len(data) > 1000
    if name == "translation-lstm-none":
        assert "class Attention" not in code
    # a checkpoint trained before the trainer kept the best weights (no "best" record) ended on its
    # last weights, and so does its script
    kept = exp.history.best is not None
    assert ("model.load_state_dict(best[2])" in code) == kept, name
    if name == "ner-gru":
        assert not kept


def test_a_run_stopped_by_hand_is_reproduced(small_splits, tmp_path):
    """The Stop button ends a run without a last evaluation: its best weights come from the
    evaluations before, and the script chooses among the same ones."""
    config, _ = combination("sentiment", 3)
    exp = Experiment.create("sentiment", config, TrainConfig(steps=50, seconds=None, eval_every=2, batch_size=8),
                            dataset="reviews", data=small_splits["sentiment"])
    exp.trainer = exp._make_trainer()
    for _ in range(3):
        exp.trainer._advance()
    exp.trainer.stop()
    exp.history, exp.status = list(exp.trainer.records), "done"
    assert exp.best_step == 2
    folder = export_experiment(exp, tmp_path / "home")
    code = (folder / "train.py").read_text()
    assert re.search(r"^steps = 3\b", code, re.M) and "or step == steps" not in code
    proc = subprocess.run([sys.executable, "-I", "train.py"], cwd=folder, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    assert got["best_step"] == 2 and got["steps"] == 3
    assert got["loss"] == pytest.approx(exp.evaluate("val", capped=False)["loss"], rel=TOLERANCE)


def test_a_continued_run_is_scored_where_it_was(small_splits, tmp_path):
    """"Continue" after a budget ended: the run was also scored where that budget ended, and the
    script scores the same steps (the best weights may come from one of them)."""
    config, _ = combination("agreement", 0)
    exp = Experiment.create("agreement", config, TrainConfig(steps=3, seconds=None, eval_every=2, batch_size=8),
                            dataset="short", data=small_splits["agreement"])
    exp.train()
    exp.extend_budget(steps=2)
    exp.train()
    assert [r.step for r in exp.history.evals] == [2, 3, 4, 5]
    folder = export_experiment(exp, tmp_path / "home")
    assert "step in {3}" in (folder / "train.py").read_text()
    proc = subprocess.run([sys.executable, "-I", "train.py"], cwd=folder, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    assert [line.split(":")[0] for line in proc.stdout.splitlines() if line.startswith("step ")] == \
        ["step 2", "step 3", "step 4", "step 5"]
    assert got["best_step"] == exp.best_step and got["steps"] == 5
    assert got["loss"] == pytest.approx(exp.evaluate("val", capped=False)["loss"], rel=TOLERANCE)
