"""``python -m rnn export RUN --out FOLDER``: a saved run (built-in data or the user's file) becomes
a folder that reproduces it; a missing or corrupt run is one line on stderr and exit 2."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytest.importorskip("torch")

from rnn.cli import main  # noqa: E402


def cli(capsys, *args):
    capsys.readouterr()
    try:
        rc = main([str(a) for a in args])
    except SystemExit as exit_:
        rc = exit_.code
    out, err = capsys.readouterr()
    return rc, out, err


def one_line_error(rc, err, *fragments):
    lines = [line for line in err.strip().splitlines() if line.strip()]
    assert rc == 2, err
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


TINY = ("--hidden", "8", "--embed", "4", "--steps", "3", "--eval-every", "2")


def test_export_a_saved_run_and_run_its_script(tmp_path, capsys):
    run = tmp_path / "run"
    rc, out, _ = cli(capsys, "train", "--task", "sentiment", "--arch", "gru", *TINY, "--out", run)
    assert rc == 0
    app = json.loads(out.strip().splitlines()[-1])
    rc, _, err = cli(capsys, "export", run, "--out", tmp_path / "home")
    assert rc == 0 and "train.py" in err
    home = tmp_path / "home"
    assert (home / "train.py").exists() and (home / "README.md").exists()
    assert (home / "data" / "train.jsonl").exists() and list(home.glob("*.ipynb"))
    script = subprocess.run([sys.executable, "-I", "train.py"], cwd=home, capture_output=True,
                            text=True, timeout=300)
    assert script.returncode == 0, script.stderr
    own = json.loads(script.stdout.strip().splitlines()[-1])
    assert set(own) == set(app)
    assert own["loss"] == pytest.approx(app["loss"], rel=1e-3)
    assert own["steps"] == app["steps"] == 3


def test_a_run_on_the_users_file_needs_that_file(tmp_path, capsys):
    data = tmp_path / "reviews.csv"
    rows = ["text,label"] + [f"{'good fine great' if i % 2 else 'bad dull awful'} film {i},{i % 2}"
                             for i in range(40)]
    data.write_text("\n".join(rows) + "\n")
    run = tmp_path / "run"
    rc, _, err = cli(capsys, "train", "--task", "sentiment", "--data", data, "--no-fit", *TINY, "--out", run)
    assert rc == 0, err
    rc, _, err = cli(capsys, "export", run, "--out", tmp_path / "home")
    one_line_error(rc, err, "reviews.csv", "upload it again")
    rc, _, err = cli(capsys, "export", run, "--data", data, "--out", tmp_path / "home")
    assert rc == 0, err
    lines = (tmp_path / "home" / "data" / "train.jsonl").read_text().splitlines()
    assert len(lines) == 32 and "film" in lines[0]       # the file, split as the run split it


def test_missing_and_corrupt_runs_are_one_line_errors(tmp_path, capsys):
    rc, _, err = cli(capsys, "export", tmp_path / "nope", "--out", tmp_path / "home")
    one_line_error(rc, err, "nope")
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "meta.json").write_text("{not json")
    (bad / "model.safetensors").write_bytes(b"\x00" * 16)
    rc, _, err = cli(capsys, "export", bad, "--out", tmp_path / "home")
    one_line_error(rc, err)
    assert not (tmp_path / "home").exists()
