"""Real data: our CLI vs a plain, well-written PyTorch script, same wall-clock budget.

The data is real English prose that every Debian machine ships: the licence texts in
/usr/share/common-licenses (GPL, LGPL, Apache, MPL, GFDL, ...; about 250 KB; duplicates and
symlinks dropped), written to one UTF-8 file and given to ``python -m rnn train --task textgen
--data FILE`` exactly as a user's upload would be. The same file, split the same way (contiguous
90 % train / 5 % validation / 5 % test), trains the plain script below: nn.Embedding + nn.LSTM +
nn.Linear, random 64-character windows, Adam, gradient clipping: what a careful engineer writes in
forty lines. Same sizes, learning rate, batch, clip and seed; no periodic evaluation (ours evaluates
every 100 steps inside its budget, so the comparison favours the plain script).

Both runs start at the same time as two processes with one torch thread each, so they see the same
machine load. Both models are then scored by *this* file's evaluation (non-overlapping 128-character
windows of the test part, state reset per window; the few test characters never seen in training
are not scored), so neither side's own evaluation code is trusted. Printed: test bits per
character for each, and their difference, per seed and averaged. A last table trains both for
the same number of steps in one process (no clock), five seeds: what each pipeline learns per
step, apart from how fast it steps. One seed's result moves by about 0.1 bit with the seed alone.

    python bench/baseline.py [--seconds 30] [--hidden 64 256] [--seeds 3] [--equal-steps 1000]
"""
from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))   # `python bench/baseline.py`
from bench.common import OUT, ROOT, loadavg

LICENCES = Path("/usr/share/common-licenses")
EVAL_WINDOW = 128


def real_text() -> str:
    """The licence texts, each once (several names are symlinks to the same file)."""
    seen, parts = set(), []
    for path in sorted(LICENCES.iterdir()):
        real = path.resolve()
        if real in seen or not real.is_file():
            continue
        seen.add(real)
        parts.append(real.read_text(encoding="utf-8", errors="replace"))
    if not parts:
        raise SystemExit(f"no licence texts under {LICENCES}")
    return "\n\n".join(parts)


def split(text: str) -> tuple[str, str, str]:
    a, b = int(len(text) * 0.9), int(len(text) * 0.95)      # as rnn/tasks/textgen.py splits a file
    return text[:a], text[a:b], text[b:]


class PlainCharLSTM(nn.Module):
    def __init__(self, vocab: int, embed: int, hidden: int):
        super().__init__()
        self.embedding = nn.Embedding(vocab, embed)
        self.lstm = nn.LSTM(embed, hidden, batch_first=True)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, ids):
        h, _ = self.lstm(self.embedding(ids))
        return self.head(h)


def plain_script(text_path: str, seconds: float, hidden: int, out: str, seed: int = 0) -> None:
    """The baseline for ``seconds``; saves its model and vocabulary to ``out``."""
    torch.set_num_threads(1)
    train, _, _ = split(Path(text_path).read_text(encoding="utf-8"))
    start = time.perf_counter()
    model, chars, steps = train_plain(train, hidden, seed,
                                      lambda step: time.perf_counter() - start >= seconds)
    torch.save({"state": model.state_dict(), "chars": chars, "hidden": hidden, "steps": steps},
               Path(out) / "plain.pt")


def train_plain(train: str, hidden: int, seed: int, stop) -> tuple[PlainCharLSTM, list, int]:
    """The baseline, as a user would write it, until ``stop(steps done)`` says so."""
    torch.manual_seed(seed)
    chars = sorted(set(train))
    stoi = {c: i for i, c in enumerate(chars)}
    ids = torch.tensor([stoi[c] for c in train])
    model = PlainCharLSTM(len(chars), 32, hidden)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    window, batch = 64, 32
    gen = torch.Generator().manual_seed(seed)
    steps = 0
    while not stop(steps):
        starts = torch.randint(0, len(ids) - window - 1, (batch,), generator=gen)
        chunk = ids[starts.unsqueeze(1) + torch.arange(window + 1)]
        logits = model(chunk[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), chunk[:, 1:].reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        steps += 1
    return model, chars, steps


@torch.no_grad()
def bits_per_char(logits_of, encode, text: str, unknown: int) -> float:
    """Mean next-character cross-entropy in bits over non-overlapping windows of ``text``.

    ``encode`` gives -1 for a character never seen in training: as an input it becomes
    ``unknown``; as a target it is left out of the score (the two models treat unseen characters
    differently, and neither could have learnt them)."""
    ids = torch.tensor(encode(text))
    n = (len(ids) - 1) // EVAL_WINDOW
    inputs = ids[: n * EVAL_WINDOW].view(n, EVAL_WINDOW)
    targets = ids[1: n * EVAL_WINDOW + 1].view(n, EVAL_WINDOW)
    logits = logits_of(inputs.masked_fill(inputs < 0, unknown))
    loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]),
                           targets.masked_fill(targets < 0, -100).reshape(-1), ignore_index=-100)
    return float(loss) / math.log(2)


def score_ours(directory: Path, test: str) -> tuple[float, int]:
    from rnn.experiment import Experiment
    return score_experiment(Experiment.load(directory), test)


def score_experiment(exp, test: str) -> tuple[float, int]:
    vocab, model = exp.vocabs["tokens"], exp.model.eval()
    steps = max((r.step for r in exp.history.steps), default=0)
    unk = vocab.stoi["<unk>"]
    encode = lambda s: [i if i != unk else -1 for i in vocab.encode(list(s))]  # noqa: E731
    return bits_per_char(lambda x: model(x)[0], encode, test, unk), steps


def score_plain(directory: Path, test: str) -> tuple[float, int]:
    # Our own file, written a moment ago by plain_script(); torch.load with weights_only.
    saved = torch.load(directory / "plain.pt", weights_only=True)
    model = PlainCharLSTM(len(saved["chars"]), 32, saved["hidden"])
    model.load_state_dict(saved["state"])
    return score_plain_model(model, saved["chars"], test), saved["steps"]


def score_plain_model(model: PlainCharLSTM, chars: list, test: str) -> float:
    stoi = {c: i for i, c in enumerate(chars)}
    return bits_per_char(model.eval(), lambda s: [stoi.get(c, -1) for c in s], test, 0)


def equal_steps(text_path: Path, steps: int, hidden: int, seeds: int) -> list[tuple[float, float]]:
    """Both trained for the same number of steps in this process (no clock): (ours, plain) test
    bits/char per seed. Separates what the pipeline learns from how fast it steps."""
    from rnn.experiment import Experiment
    from rnn.models.config import ModelConfig
    from rnn.tasks import get_task
    from rnn.train.trainer import TrainConfig
    torch.set_num_threads(1)
    text = text_path.read_text(encoding="utf-8")
    train, _, test = split(text)
    data = get_task("textgen").load_file(str(text_path), name=text_path.name)
    out = []
    for seed in range(seeds):
        exp = Experiment.create("textgen", ModelConfig(arch="lstm", hidden=hidden, embed=32),
                                TrainConfig(steps=steps, seconds=None, seed=seed,
                                            eval_every=10**9), data=data, data_name=text_path.name)
        exp.train()
        plain, chars, _ = train_plain(train, hidden, seed, lambda done: done >= steps)
        out.append((score_experiment(exp, test)[0], score_plain_model(plain, chars, test)))
    return out


def compare(seconds: float, hidden: int, seed: int, work: Path, text_path: Path, test: str) -> dict:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    ours_dir, plain_dir = work / f"ours-{hidden}-{seed}", work / f"plain-{hidden}-{seed}"
    plain_dir.mkdir(parents=True, exist_ok=True)
    ours = subprocess.Popen([sys.executable, "-m", "rnn", "train", "--task", "textgen", "--data",
                             str(text_path), "--arch", "lstm", "--hidden", str(hidden), "--seconds",
                             str(seconds), "--seed", str(seed), "--no-fit", "--last-weights",
                             "--out", str(ours_dir)], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    plain = subprocess.Popen([sys.executable, __file__, "--plain", str(text_path), str(seconds),
                              str(hidden), str(plain_dir), str(seed)], cwd=ROOT, env=env)
    if plain.wait() != 0 or ours.wait() != 0:
        raise SystemExit("a training run failed")
    ours_bpc, ours_steps = score_ours(ours_dir, test)
    plain_bpc, plain_steps = score_plain(plain_dir, test)
    return {"hidden": hidden, "seed": seed, "seconds": seconds, "ours_bpc": ours_bpc,
            "plain_bpc": plain_bpc, "ours_steps": ours_steps, "plain_steps": plain_steps}


def main(argv=None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--hidden", type=int, nargs="+", default=[64, 256])
    parser.add_argument("--seeds", type=int, default=3, help="runs per size (seeds 0, 1, ...)")
    parser.add_argument("--equal-steps", type=int, default=1000,
                        help="also train both for this many steps, hidden 64, 5 seeds (0: skip)")
    args = parser.parse_args(argv)
    text = real_text()
    OUT.mkdir(parents=True, exist_ok=True)
    text_path = OUT / "licences.txt"
    text_path.write_text(text, encoding="utf-8")
    _, _, test = split(text)
    print(f"Real text: {len(text):,} characters, {len(set(text))} distinct; test part "
          f"{len(test):,}. Load average {loadavg()}.\n")
    print("| hidden | seed | budget (s) | ours: test bits/char | plain script | ours - plain | "
          "steps ours / plain |")
    print("|---|---|---|---|---|---|---|")
    rows = []
    with tempfile.TemporaryDirectory() as work:
        for hidden in args.hidden:
            for seed in range(args.seeds):
                r = compare(args.seconds, hidden, seed, Path(work), text_path, test)
                rows.append(r)
                print(f"| {hidden} | {seed} | {r['seconds']:g} | {r['ours_bpc']:.3f} | "
                      f"{r['plain_bpc']:.3f} | {r['ours_bpc'] - r['plain_bpc']:+.3f} | "
                      f"{r['ours_steps']} / {r['plain_steps']} |", flush=True)
    print("\nMean over seeds (the spread is the smallest and largest seed):\n")
    print("| hidden | ours: bits/char | plain script | ours - plain |")
    print("|---|---|---|---|")
    for hidden in args.hidden:
        mine = [r for r in rows if r["hidden"] == hidden]
        diffs = [r["ours_bpc"] - r["plain_bpc"] for r in mine]
        mean = lambda xs: sum(xs) / len(xs)  # noqa: E731
        print(f"| {hidden} | {mean([r['ours_bpc'] for r in mine]):.3f} | "
              f"{mean([r['plain_bpc'] for r in mine]):.3f} | {mean(diffs):+.3f} "
              f"({min(diffs):+.3f} to {max(diffs):+.3f}) |")
    if args.equal_steps:
        pairs = equal_steps(text_path, args.equal_steps, 64, 5)
        print(f"\nThe same {args.equal_steps} steps each (hidden 64, seeds 0-4, no clock): "
              "what each pipeline learns per step.\n")
        print("| seed | ours: test bits/char | plain script | ours - plain |")
        print("|---|---|---|---|")
        for seed, (o, p) in enumerate(pairs):
            print(f"| {seed} | {o:.3f} | {p:.3f} | {o - p:+.3f} |")
        mo, mp = (sum(x) / len(pairs) for x in zip(*pairs))
        print(f"| mean | {mo:.3f} | {mp:.3f} | {mo - mp:+.3f} |")
    return rows


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--plain":
        plain_script(sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), sys.argv[5], int(sys.argv[6]))
    else:
        main()
