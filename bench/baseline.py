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
character for each, and their difference.

    python bench/baseline.py [--seconds 60] [--hidden 64 256]
"""
from __future__ import annotations

import argparse
import json
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


def plain_script(text_path: str, seconds: float, hidden: int, out: str) -> None:
    """The baseline, as a user would write it; saves its model and vocabulary to ``out``."""
    torch.set_num_threads(1)
    torch.manual_seed(0)
    train, _, _ = split(Path(text_path).read_text(encoding="utf-8"))
    chars = sorted(set(train))
    stoi = {c: i for i, c in enumerate(chars)}
    ids = torch.tensor([stoi[c] for c in train])
    model = PlainCharLSTM(len(chars), 32, hidden)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    window, batch = 64, 32
    gen = torch.Generator().manual_seed(0)
    steps, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        starts = torch.randint(0, len(ids) - window - 1, (batch,), generator=gen)
        chunk = ids[starts.unsqueeze(1) + torch.arange(window + 1)]
        logits = model(chunk[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), chunk[:, 1:].reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        steps += 1
    torch.save({"state": model.state_dict(), "chars": chars, "hidden": hidden, "steps": steps},
               Path(out) / "plain.pt")


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
    exp = Experiment.load(directory)
    vocab, model = exp.vocabs["tokens"], exp.model.eval()
    steps = max((r["step"] for r in exp.history if r.get("kind") == "step"), default=0)
    unk = vocab.stoi["<unk>"]
    encode = lambda s: [i if i != unk else -1 for i in vocab.encode(list(s))]  # noqa: E731
    return bits_per_char(lambda x: model(x)[0], encode, test, unk), steps


def score_plain(directory: Path, test: str) -> tuple[float, int]:
    # Our own file, written a moment ago by plain_script(); torch.load with weights_only.
    saved = torch.load(directory / "plain.pt", weights_only=True)
    model = PlainCharLSTM(len(saved["chars"]), 32, saved["hidden"]).eval()
    model.load_state_dict(saved["state"])
    stoi = {c: i for i, c in enumerate(saved["chars"])}
    return bits_per_char(model, lambda s: [stoi.get(c, -1) for c in s], test, 0), saved["steps"]


def compare(seconds: float, hidden: int, work: Path, text_path: Path, test: str) -> dict:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    ours_dir, plain_dir = work / f"ours-{hidden}", work / f"plain-{hidden}"
    plain_dir.mkdir(parents=True, exist_ok=True)
    ours = subprocess.Popen([sys.executable, "-m", "rnn", "train", "--task", "textgen", "--data",
                             str(text_path), "--arch", "lstm", "--hidden", str(hidden), "--seconds",
                             str(seconds), "--out", str(ours_dir)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    plain = subprocess.Popen([sys.executable, __file__, "--plain", str(text_path), str(seconds),
                              str(hidden), str(plain_dir)], cwd=ROOT, env=env)
    if plain.wait() != 0 or ours.wait() != 0:
        raise SystemExit("a training run failed")
    ours_bpc, ours_steps = score_ours(ours_dir, test)
    plain_bpc, plain_steps = score_plain(plain_dir, test)
    return {"hidden": hidden, "seconds": seconds, "ours_bpc": round(ours_bpc, 3),
            "plain_bpc": round(plain_bpc, 3), "ours_minus_plain": round(ours_bpc - plain_bpc, 3),
            "ours_steps": ours_steps, "plain_steps": plain_steps}


def main(argv=None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--hidden", type=int, nargs="+", default=[64, 256])
    args = parser.parse_args(argv)
    text = real_text()
    OUT.mkdir(parents=True, exist_ok=True)
    text_path = OUT / "licences.txt"
    text_path.write_text(text, encoding="utf-8")
    _, _, test = split(text)
    print(f"real text: {len(text):,} characters, {len(set(text))} distinct; test part "
          f"{len(test):,}; load average {loadavg()}")
    rows = []
    with tempfile.TemporaryDirectory() as work:
        for hidden in args.hidden:
            rows.append(compare(args.seconds, hidden, Path(work), text_path, test))
            print(json.dumps(rows[-1]))
    print("| hidden | budget (s) | ours: test bits/char | plain script | ours - plain | steps ours / plain |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['hidden']} | {r['seconds']:g} | {r['ours_bpc']:.3f} | {r['plain_bpc']:.3f} | "
              f"{r['ours_minus_plain']:+.3f} | {r['ours_steps']} / {r['plain_steps']} |")
    return rows


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--plain":
        plain_script(sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
    else:
        main()
