"""The CLI end to end: train, evaluate, predict, sample; errors are one line and exit 2."""
import json
import subprocess
import sys


def run(*args, timeout=240):
    return subprocess.run([sys.executable, "-m", "rnn", *args], capture_output=True, text=True, timeout=timeout)


def last_json(stdout):
    return json.loads(stdout.strip().splitlines()[-1])


def test_train_evaluate_predict_ner(tmp_path):
    out = tmp_path / "ner"
    r = run("train", "--task", "ner", "--arch", "gru", "--bidirectional", "--steps", "40",
            "--hidden", "16", "--embed", "8", "--out", str(out))
    assert r.returncode == 0, r.stderr
    final = last_json(r.stdout)
    assert final["status"] == "done" and 0.0 <= final["f1"] <= 1.0
    assert "step" in r.stderr                                  # progress on stderr
    r = run("evaluate", str(out))
    assert r.returncode == 0 and "f1" in last_json(r.stdout)
    r = run("predict", str(out), "Teddy Roosevelt was a great President.")
    assert r.returncode == 0 and last_json(r.stdout)["tokens"][0] == "Teddy"


def test_train_and_sample_textgen(tmp_path):
    out = tmp_path / "lm"
    r = run("train", "--task", "textgen", "--dataset", "names", "--steps", "20", "--hidden", "16",
            "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert "bits_per_char" in last_json(r.stdout)
    r = run("sample", str(out), "--prime", "An", "--length", "30", "--temperature", "0.7")
    assert r.returncode == 0 and r.stdout.startswith("An")


def test_user_file_training_and_errors(tmp_path):
    good = tmp_path / "reviews.csv"
    good.write_text("review,sentiment\n" + "".join(
        f"{'a great film' if i % 2 else 'a dull film'} number {i},{'pos' if i % 2 else 'neg'}\n" for i in range(60)))
    r = run("train", "--task", "sentiment", "--data", str(good), "--steps", "10", "--hidden", "8",
            "--out", str(tmp_path / "s"))
    assert r.returncode == 0, r.stderr
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\x00\x01\x02binary")
    r = run("train", "--task", "sentiment", "--data", str(bad), "--steps", "5", "--out", str(tmp_path / "x"))
    assert r.returncode == 2 and r.stderr.startswith("error:") and "bad.csv" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    r = run("evaluate", str(tmp_path / "missing"))
    assert r.returncode == 2 and r.stderr.startswith("error:")
    r = run("sample", str(tmp_path / "s"))
    assert r.returncode == 2 and "textgen" in r.stderr
