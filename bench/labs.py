"""The two labs' headline figures, computed by the same functions the pages call.

    1. Bidirectional lab: the shipped left-to-right and bidirectional LSTM taggers on the NER test
       split: accuracy on ambiguous words (whose deciding words come after them) vs on all other
       words, and the "usual sense" baseline (always give a word its more frequent training tag).
    2. Gradient-flow lab, default settings (recall task, hidden 32, T = 50, torch's init for the
       RNN, LSTM forget bias 2): ||dL/dh_1|| / ||dL/dh_T|| for RNN, GRU and LSTM at
       initialisation and after 100 training steps, and the RNN's beta_W beta_h.
    3. Accuracy vs T after the page's fixed budget (300 Adam steps, lr 1e-2, clip 1, batch 32) and
       the largest T each cell solves (held-out accuracy >= 0.9 at that T and every shorter one).

    python bench/labs.py [--quick]        (--quick: T in 5, 10, 20, 50 only)
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))   # `python bench/labs.py`

import torch  # noqa: E402

from bench.common import loadavg  # noqa: E402


def bidirectional_figures() -> list[dict]:
    from rnn.lessons import bidirectional as lab
    from rnn.pretrained import load_pretrained
    from rnn.tasks import get_task
    splits = get_task("ner").load_builtin("names", seed=0)
    rows = lab.group_accuracy_rows({label: load_pretrained(name).evaluate("test")
                                    for label, name in lab.PRETRAINED.items()})
    usual = lab.usual_sense_accuracy(splits.train, splits.test)
    print("\n| model | accuracy on ambiguous words | on all other words | ambiguous words |")
    print("|---|---|---|---|")
    for r in rows:
        print(f"| {r['model']} | {r['accuracy on ambiguous words']:.3f} | "
              f"{r['accuracy on all other words']:.3f} | {r['ambiguous words in the test set']} |")
    print(f"| usual sense of each word (the prior) | {usual:.3f} | | |")
    return rows


def gradient_figures() -> dict:
    from rnn.lessons import gradflow_lab as lab
    s = lab.LabSettings()
    out = {}
    for steps in (0, 100):
        curves = lab.gradient_curves(s, trained_steps=steps)
        out[steps] = {label: float(y[0] / y[-1]) for label, y in curves.items()}
    print(f"\nRNN β_W β_h at init: {lab.rnn_beta(s):.3f}.\n")
    print("| cell | ‖∂L/∂h⟨1⟩‖ / ‖∂L/∂h⟨50⟩‖ at init | after 100 steps |")
    print("|---|---|---|")
    for label in out[0]:
        print(f"| {label} | {out[0][label]:.2e} | {out[100][label]:.2e} |")
    return out


def sweep_figures(Ts) -> dict:
    from rnn.lessons import gradflow_lab as lab
    s = lab.LabSettings()
    results = {lab.LABELS[a]: {} for a in lab.ARCHS}
    start = time.perf_counter()
    for T in Ts:
        for arch in lab.ARCHS:
            torch.manual_seed(0)
            results[lab.LABELS[arch]][T] = lab.accuracy_at(s, arch, T)
    print(f"\nHeld-out accuracy vs T after the page's budget ({time.perf_counter() - start:.0f} s):\n")
    print("| cell | " + " | ".join(f"T={T}" for T in Ts) + " | largest T solved |")
    print("|---|" + "---|" * (len(Ts) + 1))
    solved = lab.largest_solved(results)
    for label, res in results.items():
        print(f"| {label} | " + " | ".join(f"{res[T]:.2f}" for T in Ts) + f" | {solved[label]} |")
    return results


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    from rnn.lessons import gradflow_lab as lab
    torch.set_num_threads(1)
    print(f"Load average {loadavg()}.")
    bidirectional_figures()
    gradient_figures()
    sweep_figures((5, 10, 20, 50) if args.quick else lab.TS)


if __name__ == "__main__":
    main()
