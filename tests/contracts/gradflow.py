"""Contracts of rnn/lessons/questions/gradflow.toml (6_Gradient_flow.py): one function per
question, named by its ``contract``, returning an ``Outcome`` (tests/contracts/common.py)."""
from __future__ import annotations

import numpy as np

from .common import Outcome, one_thread


def _decay_ratio(settings) -> float:
    from rnn.labs.memory import grad_norms_through_time
    from rnn.lessons.gradflow_lab import probe_batch
    y = grad_norms_through_time(settings.model("rnn"), probe_batch(settings))
    return float(y[0] / y[-1])


def gradflow_radius_up() -> Outcome:
    """‖∂L/∂a⟨1⟩‖ / ‖∂L/∂a⟨T⟩‖ of the page's RNN at init, radius 1.5 vs torch's init."""
    from rnn.lessons.gradflow_lab import LabSettings, rnn_spectrum
    up, init = _decay_ratio(LabSettings(radius=1.5)), _decay_ratio(LabSettings())
    radius = float(rnn_spectrum(LabSettings())["radius"])
    holds = up > 1 > init and 0.4 <= radius <= 0.8
    return Outcome(holds, {"radius_1.5": up, "init": init, "init_radius": radius},
                   f"ratio at radius 1.5: {up:.3g}; at torch's init (radius {radius:.2f}): {init:.3g}")


def gradflow_relu_clipping() -> Outcome:
    """The page's Train tab with the challenge's settings, clipping off, then on at 1."""
    from rnn.lessons.gradflow_lab import LabSettings, run_training
    s = LabSettings(T=20, radius=2.0, nonlinearity="relu")
    m = {}
    for clip in (None, 1.0):
        budget = {"steps": 300, "lr": 0.05, "clip": clip, "optimizer": "sgd", "batch_size": 32}
        with one_thread():
            run = run_training(s.model("rnn"), budget, seed=0, max_seconds=600)
        losses = [r["loss"] for r in run["records"]]
        m["off" if clip is None else "on"] = {"diverged": run["diverged"], "steps": len(losses),
                                              "finite": bool(np.isfinite(losses).all())}
    holds = m["off"]["diverged"] and m["off"]["steps"] < 300 \
        and not m["on"]["diverged"] and m["on"]["steps"] == 300 and m["on"]["finite"]
    return Outcome(holds, m, f"clipping off: diverged={m['off']['diverged']} after "
                   f"{m['off']['steps']} steps; on: {m['on']['steps']} steps, diverged={m['on']['diverged']}")


SWEEP_TS = (30, 50)


def gradflow_sweep() -> Outcome:
    """The Compare tab's sweep (the page's defaults: recall task, keep-gate bias 3, 300 steps)
    at T = 30 and 50: held-out accuracy per cell."""
    from rnn.lessons.gradflow_lab import ARCHS, SOLVED, LabSettings, accuracy_at
    s = LabSettings()
    with one_thread():
        acc = {arch: {T: accuracy_at(s, arch, T) for T in SWEEP_TS} for arch in ARCHS}
    chance = s.task().chance
    holds = all(acc[a][T] >= SOLVED for a in ("gru", "lstm") for T in SWEEP_TS) \
        and all(acc["rnn"][T] <= chance + 0.1 for T in SWEEP_TS)
    return Outcome(holds, {**acc, "chance": chance}, f"chance {chance:.2f}; " + "; ".join(
        f"{a}: " + ", ".join(f"T={T} {v:.2f}" for T, v in r.items()) for a, r in acc.items()))
