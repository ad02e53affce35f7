"""Hostile use of the CLI (issue 6): every bad input is one "error: ..." line on stderr and exit
status 2, never a traceback; hostile checkpoints never run code.

Most cases call ``rnn.cli.main`` in-process (a subprocess costs seconds of torch import on a
small machine); two run ``python -m rnn`` for real to pin the exit status the shell sees.
"""
import json
import subprocess
import sys

import pytest

from rnn.cli import main
from tests.test_hostile_engine import GOOD, HOSTILE, hostile_files, middle_bad_line

TINY = ["--hidden", "8", "--embed", "8", "--batch", "8", "--eval-every", "100"]


def cli(capsys, *args):
    """(exit status, stdout, stderr) of ``python -m rnn *args``, run in-process."""
    capsys.readouterr()
    try:
        rc = main([str(a) for a in args])
    except SystemExit as exit_:                      # argparse errors
        rc = exit_.code
    out, err = capsys.readouterr()
    return rc, out, err


def assert_one_line_error(rc, err, *fragments):
    lines = [line for line in err.strip().splitlines() if line.strip()]
    assert rc == 2, err
    assert lines and lines[-1].startswith("error: "), err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in lines[-1], (fragment, lines[-1])


def last_json(out):
    return json.loads(out.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """A tiny sentiment model and a tiny textgen model saved by the CLI itself."""
    root = tmp_path_factory.mktemp("cli_models")
    for task in ("sentiment", "textgen"):
        assert main(["train", "--task", task, "--steps", "3", *TINY, "--out", str(root / task)]) == 0
    return root


# ------------------------------------------------------------------ bad data files
def bad_file_bytes(task, case):
    text = GOOD[task]
    return {
        "binary": bytes(range(256)) * 8, "empty": b"", "whitespace": b"  \n \t\n",
        "latin1": ("Zoë café " + text).encode("latin-1"), "utf16_no_bom": text.encode("utf-16-le"),
        "nul_in_middle": (text[:60] + "\x00" + text[60:]).encode(),
        "wrong_format": (GOOD["ner"] if task != "ner" else GOOD["sentiment"]).encode(),
        "too_small": "\n".join(text.split("\n")[:3]).encode() if task != "textgen" else b"tiny text",
        "malformed_middle": middle_bad_line(task)[0] if task != "textgen" else b"\x00",
    }[case]


EXPECT = {"binary": "binary file", "empty": "empty", "whitespace": "only whitespace",
          "latin1": "not UTF-8", "utf16_no_bom": "binary file", "nul_in_middle": "binary",
          "wrong_format": "line", "too_small": "need at least", "malformed_middle": "line"}


@pytest.mark.parametrize("task", ["ner", "sentiment", "translation", "textgen"])
@pytest.mark.parametrize("case", list(EXPECT))
def test_train_on_a_bad_file_is_one_line_and_exit_2(tmp_path, capsys, task, case):
    if task == "textgen" and case == "wrong_format":
        pytest.skip("any text is a valid text-generation corpus")
    path = tmp_path / f"my data {case}.txt"
    path.write_bytes(bad_file_bytes(task, case))
    rc, out, err = cli(capsys, "train", "--task", task, "--data", path, "--steps", "2", *TINY,
                       "--out", tmp_path / "out")
    assert_one_line_error(rc, err, path.name, EXPECT[case])
    assert not (tmp_path / "out").exists() and out == ""


def test_train_on_a_file_over_the_upload_limit(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("RNN_PLAYGROUND_MAX_UPLOAD_MB", "0.001")       # the CLI allows 20x: ~20 KB
    path = tmp_path / "big.csv"
    path.write_bytes(GOOD["sentiment"].encode() * 100)
    rc, _, err = cli(capsys, "train", "--task", "sentiment", "--data", path, "--steps", "2", *TINY,
                     "--out", tmp_path / "o")
    assert_one_line_error(rc, err, "big.csv", "the limit is 20.5 KB")


def test_train_on_a_missing_file(tmp_path, capsys):
    rc, _, err = cli(capsys, "train", "--task", "ner", "--data", tmp_path / "nope.conll", *TINY,
                     "--out", tmp_path / "o")
    assert_one_line_error(rc, err, "nope.conll", "file not found")


def test_evaluate_on_a_bad_file(saved, tmp_path, capsys):
    path = tmp_path / "eval.csv"
    path.write_bytes("review,stars\ngood,5\n".encode("utf-16-le"))
    rc, _, err = cli(capsys, "evaluate", saved / "sentiment", "--data", path)
    assert_one_line_error(rc, err, "eval.csv")
    path.write_bytes(b"review,sentiment\ngood,pos\nbad,maybe\n")
    rc, _, err = cli(capsys, "evaluate", saved / "sentiment", "--data", path)
    assert_one_line_error(rc, err, "eval.csv, line 3", "unknown label 'maybe'")


# ------------------------------------------------------------------ limits
@pytest.mark.parametrize("args,env,fragment", [
    (["--hidden", "100000"], {}, "hidden size is 100000; this server allows at most 256"),
    (["--layers", "9"], {}, "number of layers is 9; this server allows at most 3"),
    (["--embed", "4096"], {}, "embedding size is 4096"),
    (["--hidden", "8"], {"RNN_PLAYGROUND_MAX_HIDDEN": "4"}, "hidden size is 8; this server allows at most 4"),
    (["--hidden", "0"], {}, "hidden must be a positive whole number"),
    (["--batch", "0"], {}, "batch_size must be greater than 0"),
    (["--lr", "nan"], {}, "lr must be greater than 0"),
])
def test_sizes_beyond_the_limits_are_refused_before_building(tmp_path, capsys, monkeypatch, args, env, fragment):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    rc, _, err = cli(capsys, "train", "--task", "sentiment", "--steps", "2", *TINY, *args, "--out", tmp_path / "o")
    assert_one_line_error(rc, err, fragment)


def test_budget_beyond_the_limit_is_capped_with_a_warning(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("RNN_PLAYGROUND_MAX_STEPS", "3")
    rc, out, err = cli(capsys, "train", "--task", "sentiment", "--steps", "1000000", *TINY, "--out", tmp_path / "o")
    assert rc == 0, err
    assert "warning: --steps capped to 3" in err
    assert last_json(out)["steps"] == 3


# ------------------------------------------------------------------ divergence
def test_diverging_run_reports_diverged_and_saves_a_usable_model(tmp_path, capsys):
    rc, out, err = cli(capsys, "train", "--task", "sentiment", "--steps", "20", *TINY, "--optimizer", "sgd",
                       "--lr", "1e9", "--clip", "0", "--out", tmp_path / "d")
    assert rc == 0, err
    final = last_json(out)
    assert final["status"] == "diverged" and "warning: diverged at step" in err
    assert "turn on gradient clipping" in err
    rc, out, err = cli(capsys, "predict", tmp_path / "d", "a good film")
    assert rc == 0 and 0.0 <= last_json(out)["prob"] <= 1.0


# ------------------------------------------------------------------ typed input
@pytest.mark.parametrize("text", ["", "   \t "])
def test_predict_empty_or_blank_text(saved, capsys, text):
    rc, _, err = cli(capsys, "predict", saved / "sentiment", text)
    assert_one_line_error(rc, err, "at least one word")


@pytest.mark.parametrize("text", ["Ana\x01 visited\x1b[0m Paris\x00.", "😀 שלום مرحبا Привет 你好 good",
                                  "Qwzzyx fnordishly zxqvbn", "good " * 20_000])
def test_predict_odd_text_gives_json(saved, capsys, text):
    rc, out, err = cli(capsys, "predict", saved / "sentiment", text)
    assert rc == 0, err
    result = last_json(out)
    assert 0.0 <= result["prob"] <= 1.0 and len(result["tokens"]) <= 2000


def test_sample_with_an_odd_prime(saved, capsys):
    rc, out, err = cli(capsys, "sample", saved / "textgen", "--prime", "é😀\x00", "--length", "10")
    assert rc == 0, err
    assert out.startswith("é😀")


# ------------------------------------------------------------------ hostile checkpoints and paths
@pytest.mark.parametrize("case", [c for c in HOSTILE if c != "meta_huge_model"])
@pytest.mark.parametrize("command", ["evaluate", "predict", "sample"])
def test_hostile_checkpoint_folders(saved, tmp_path, capsys, case, command):
    good = {name: (saved / "sentiment" / name).read_bytes() for name in ("model.safetensors", "meta.json")}
    marker = tmp_path / "PWNED"
    folder = tmp_path / "ckpt"
    folder.mkdir()
    for name, data in hostile_files(good, marker)[case].items():
        (folder / name).write_bytes(data)
    extra = {"evaluate": [], "predict": ["good film"], "sample": []}[command]
    rc, out, err = cli(capsys, command, folder, *extra)
    assert_one_line_error(rc, err)
    assert not marker.exists() and out == ""


@pytest.mark.parametrize("where", ["../../etc", "/etc", "/etc/passwd", "/nonexistent/../../"])
def test_model_paths_that_are_not_checkpoints(capsys, where):
    rc, _, err = cli(capsys, "evaluate", where)
    assert_one_line_error(rc, err, "is missing")


def test_real_process_exit_status_and_no_code_execution(saved, tmp_path):
    """The shell sees exit status 2 and one line; the pickle payload never runs."""
    good = {name: (saved / "sentiment" / name).read_bytes() for name in ("model.safetensors", "meta.json")}
    marker = tmp_path / "PWNED"
    folder = tmp_path / "evil"
    folder.mkdir()
    for name, data in hostile_files(good, marker)["torch_save_as_weights"].items():
        (folder / name).write_bytes(data)
    errors = []
    for args in (["evaluate", str(folder)], ["train", "--task", "ner", "--hidden", "99999", "--out", str(tmp_path / "x")]):
        r = subprocess.run([sys.executable, "-m", "rnn", *args], capture_output=True, text=True, timeout=120)
        assert r.returncode == 2 and r.stdout == "", r.stderr
        assert len(r.stderr.strip().splitlines()) == 1 and r.stderr.startswith("error: ")
        errors.append(r.stderr)
    assert "pickle" in errors[0] and "hidden size is 99999" in errors[1]
    assert not marker.exists()
