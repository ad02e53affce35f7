"""Does an exported train.py reproduce its run? (issue 23)

    python bench/export.py                      # text generation GRU and sentiment LSTM, 200 steps
    python bench/export.py --steps 50 --only textgen-gru
    python bench/export.py --only "" --pretrained sentiment-rnn   # a shipped model (checkpoints/)

For each case: ``python -m rnn train`` (the app's engine) for the given steps, ``python -m rnn
export`` of that run, then ``python -I train.py`` in the exported folder (isolated: nothing but
the venv's packages on the path, no ``rnn``). Prints both final JSON lines' validation loss, their
relative difference (the issue asks for at most 2 %), the wall time of each and the load average.
Same machine, same torch, one after the other.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = {"textgen-gru": ["--task", "textgen", "--arch", "gru"],
         "sentiment-lstm": ["--task", "sentiment", "--arch", "lstm"]}


def _last_json(stdout: str) -> dict:
    return json.loads(stdout.strip().splitlines()[-1])


def run_case(name: str, steps: int, work: Path) -> dict:
    run_dir, home = work / name, work / f"{name}-home"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    train = subprocess.run([sys.executable, "-m", "rnn", "train", *CASES[name], "--steps", str(steps),
                            "--out", str(run_dir)], capture_output=True, text=True, env=env, check=True)
    app_seconds = time.perf_counter() - start
    subprocess.run([sys.executable, "-m", "rnn", "export", str(run_dir), "--out", str(home)],
                   capture_output=True, text=True, env=env, check=True)
    start = time.perf_counter()
    script = subprocess.run([sys.executable, "-I", "train.py"], cwd=home, capture_output=True,
                            text=True, check=True)
    script_seconds = time.perf_counter() - start
    app, own = _last_json(train.stdout), _last_json(script.stdout)
    return {"case": name, "steps": steps, "app_val_loss": app["loss"], "script_val_loss": own["loss"],
            "relative_difference": abs(own["loss"] - app["loss"]) / abs(app["loss"]),
            "same_keys": sorted(set(app)) == sorted(set(own)), "app_seconds": app_seconds,
            "script_seconds": script_seconds, "lines": len((home / "train.py").read_text().splitlines()),
            "load": os.getloadavg()[0]}


def run_pretrained(name: str, work: Path) -> dict:
    """A shipped model (checkpoints/NAME, trained by ``build-checkpoints``, maybe on another
    machine): its validation loss against its exported train.py's, trained from scratch here."""
    sys.path.insert(0, str(ROOT))
    from rnn.experiment import Experiment
    from rnn.export import export_experiment
    from rnn.pretrained import checkpoint_path
    exp = Experiment.load(checkpoint_path(name))
    app = exp.evaluate("val", capped=False)
    home = export_experiment(exp, work / f"{name}-home")
    start = time.perf_counter()
    script = subprocess.run([sys.executable, "-I", "train.py"], cwd=home, capture_output=True,
                            text=True, check=True)
    own = _last_json(script.stdout)
    return {"case": f"shipped {name}", "steps": own["steps"], "app_val_loss": app["loss"],
            "script_val_loss": own["loss"],
            "relative_difference": abs(own["loss"] - app["loss"]) / abs(app["loss"]),
            "same_keys": True, "app_seconds": float("nan"),
            "script_seconds": time.perf_counter() - start,
            "lines": len((home / "train.py").read_text().splitlines()), "load": os.getloadavg()[0]}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--only", default=",".join(CASES))
    parser.add_argument("--pretrained", default="", help="also shipped models, e.g. sentiment-rnn")
    args = parser.parse_args(argv)
    print("| run | steps | app val loss | train.py val loss | difference | same keys | app s | train.py s | "
          "train.py lines | load |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        jobs = [(run_case, name, args.steps) for name in args.only.split(",") if name]
        jobs += [(run_pretrained, name) for name in args.pretrained.split(",") if name]
        for job, name, *rest in jobs:
            r = job(name, *rest, Path(tmp))
            print(f"| {r['case']} | {r['steps']} | {r['app_val_loss']:.6f} | {r['script_val_loss']:.6f} | "
                  f"{100 * r['relative_difference']:.5f} % | {r['same_keys']} | {r['app_seconds']:.0f} | "
                  f"{r['script_seconds']:.0f} | {r['lines']} | {r['load']:.1f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
