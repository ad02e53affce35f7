"""Real data race: our CLI with its defaults against a plain PyTorch script, same wall-clock budget.

The data is tinyshakespeare (../shared/data/tinyshakespeare/, see its SOURCE.md: char-rnn's
corpus, public-domain text, MIT-licensed packaging; train.txt / val.txt are nanoGPT's 90/10 split).

- Ours: ``python -m rnn train --task textgen --data train.txt --seconds S`` and nothing else, so
  every size, the dropout, the learning rate and the window come from rnn/autofit.py, as they
  would for a user's upload. It holds out 10 % of train.txt for its own validation and test, so it
  trains on less text than the plain script.
- The plain script (``plain_train`` below): what a careful engineer writes in forty lines, sized
  as the race in issue 15 (a 2 x 256 LSTM, embedding 64, random 64-character windows from a zero
  state, batch 32, Adam 2e-3, gradient clipping at 1), trained on all of train.txt, no periodic
  evaluation (which favours it: ours evaluates inside its budget).

Both start together as two processes under ``nice -n 10``, one torch thread each, so they see the
same machine load; each stops when its training clock reaches the budget. Then *this* file scores
both on val.txt with one function (``carried_loss``): every character after the first, in 16
contiguous streams with the state carried across windows (neither side's own evaluation code is
trusted; a character unknown to either model is left out of both scores). Printed: validation
loss in nats per character (and bits), steps, characters read, the settings our CLI chose, and the
load average before and after.

    python bench/realdata.py [--seconds 120] [--seeds 1]
    python bench/realdata.py --probes      # how the language-model defaults were chosen

``--probes`` trains a 128-unit LSTM through our Experiment for a fixed number of steps (no clock,
one thread) with random or consecutive (state-carried) windows of 64 or 128 characters, and scores
each on val.txt with the state carried: what rnn/autofit.py's window and ``carry`` choices rest on.
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

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))   # `python bench/realdata.py`
from bench.common import ROOT, loadavg

DATA = ROOT.parent / "shared" / "data" / "tinyshakespeare"
STREAMS, WINDOW = 16, 256


class PlainCharLSTM(nn.Module):
    def __init__(self, vocab: int, embed: int = 64, hidden: int = 256, layers: int = 2):
        super().__init__()
        self.embedding = nn.Embedding(vocab, embed)
        self.lstm = nn.LSTM(embed, hidden, num_layers=layers, batch_first=True)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, ids, state=None):
        h, state = self.lstm(self.embedding(ids), state)
        return self.head(h), state


def plain_train(train_path: str, seconds: float, out: str, seed: int) -> None:
    """The plain script: trains until its own clock reaches ``seconds``; saves weights + chars."""
    torch.set_num_threads(1)
    torch.manual_seed(seed)
    text = Path(train_path).read_text(encoding="utf-8")
    chars = sorted(set(text))
    stoi = {c: i for i, c in enumerate(chars)}
    ids = torch.tensor([stoi[c] for c in text])
    model = PlainCharLSTM(len(chars))
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    window, batch, steps = 64, 32, 0
    gen = torch.Generator().manual_seed(seed)
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        starts = torch.randint(0, len(ids) - window - 1, (batch,), generator=gen)
        chunk = ids[starts.unsqueeze(1) + torch.arange(window + 1)]
        logits, _ = model(chunk[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), chunk[:, 1:].reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        steps += 1
    torch.save({"state": model.state_dict(), "chars": chars, "steps": steps,
                "chars_read": steps * batch * window}, Path(out) / "plain.pt")


@torch.no_grad()
def carried_loss(forward, inputs: list[int], targets: list[int]) -> tuple[float, int]:
    """Mean cross-entropy (nats) of ``targets`` given ``inputs`` read in STREAMS contiguous
    streams, the state carried across windows. ``forward(ids, state) -> (logits, state)``.
    A target of -1 is left out (a character the model could not know)."""
    n = len(targets)
    length = -(-n // STREAMS)
    pad = STREAMS * length - n
    x = F.pad(torch.tensor(inputs), (0, pad)).view(STREAMS, length)
    y = F.pad(torch.tensor(targets), (0, pad), value=-1).view(STREAMS, length)
    total, state = 0.0, None
    for s in range(0, length, WINDOW):
        logits, state = forward(x[:, s:s + WINDOW], state)
        total += float(F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y[:, s:s + WINDOW].reshape(-1),
                                       ignore_index=-1, reduction="sum"))
    scored = int((y >= 0).sum())
    return total / scored, scored


def score_both(ours_dir: Path, plain_dir: Path, val: str) -> dict:
    from rnn.experiment import Experiment
    exp = Experiment.load(ours_dir)
    vocab, model = exp.vocabs["tokens"], exp.model.eval()
    saved = torch.load(plain_dir / "plain.pt", weights_only=True)   # our own file, no pickle
    plain = PlainCharLSTM(len(saved["chars"]))
    plain.load_state_dict(saved["state"])
    plain.eval()
    p_stoi = {c: i for i, c in enumerate(saved["chars"])}
    unk = vocab.stoi["<unk>"]
    known = [c in vocab.stoi and c in p_stoi for c in val]
    o_ids = [vocab.stoi.get(c, unk) for c in val]
    p_ids = [p_stoi.get(c, 0) for c in val]
    mask = lambda ids: [i if k else -1 for i, k in zip(ids[1:], known[1:])]   # noqa: E731
    ours, scored = carried_loss(lambda x, s: model(x, s), o_ids[:-1], mask(o_ids))
    theirs, _ = carried_loss(lambda x, s: plain(x, s), p_ids[:-1], mask(p_ids))
    steps = [r.to_dict() for r in exp.history.steps]
    cfg, opts = exp.model_config, exp.options
    return {"ours": ours, "plain": theirs, "scored": scored, "ours_steps": steps[-1]["step"] if steps else 0,
            "plain_steps": saved["steps"], "plain_chars": saved["chars_read"],
            "ours_chars": (steps[-1]["step"] if steps else 0) * exp.train_config.batch_size * opts.get("bptt", 64),
            "best_step": exp.best_step,
            "ours_model": f"{cfg.layers}x{cfg.hidden} {cfg.arch.upper()}, embed {cfg.embed}, dropout "
                          f"{cfg.dropout}, lr {exp.train_config.lr:g}, batch {exp.train_config.batch_size}, "
                          f"bptt {opts.get('bptt')}, carry {opts.get('carry')}"}


def race(seconds: float, seed: int, work: Path) -> dict:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    ours_dir, plain_dir = work / f"ours-{seed}", work / f"plain-{seed}"
    plain_dir.mkdir(parents=True, exist_ok=True)
    nice = ["nice", "-n", "10", sys.executable]
    train = str(DATA / "train.txt")
    before = loadavg()
    ours = subprocess.Popen([*nice, "-m", "rnn", "train", "--task", "textgen", "--data", train,
                             "--seconds", str(seconds), "--seed", str(seed), "--out", str(ours_dir)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    plain = subprocess.Popen([*nice, __file__, "--plain", train, str(seconds), str(plain_dir), str(seed)],
                             cwd=ROOT, env=env)
    out, err = ours.communicate()
    if plain.wait() != 0 or ours.returncode != 0:
        raise SystemExit(f"a training run failed: {err[-2000:]}")
    fitted = [line.strip() for line in err.splitlines()
              if line.startswith("fitted") or line.startswith("  ") and line.strip() and "step" not in line][:6]
    result = score_both(ours_dir, plain_dir, (DATA / "val.txt").read_text(encoding="utf-8"))
    result.update({"seed": seed, "seconds": seconds, "load_before": before, "load_after": loadavg(),
                   "fitted": fitted, "ours_cli_json": json.loads(out.strip().splitlines()[-1])})
    return result


# (steps, window, carry, seed): carry on/off at 300 and 1,500 steps; 64 vs 128 for the same characters
PROBES = [(300, 128, False, 0), (300, 128, True, 0), (300, 128, False, 1), (300, 128, True, 1),
          (1500, 128, False, 0), (1500, 128, True, 0), (1200, 64, False, 0), (600, 128, False, 0)]


def probes() -> None:
    from rnn.experiment import Experiment
    from rnn.models.config import ModelConfig
    from rnn.tasks import get_task
    from rnn.train.trainer import TrainConfig
    data = get_task("textgen").load_file(str(DATA / "train.txt"), name="train.txt", max_bytes=10**8)
    val = (DATA / "val.txt").read_text(encoding="utf-8")
    print(f"Load average {loadavg()}.\n\n| steps | window | carry | seed | val loss (nats/char) | train CPU s |")
    print("|---|---|---|---|---|---|")
    for steps, window, carry, seed in PROBES:
        exp = Experiment.create("textgen", ModelConfig(hidden=128, embed=32),
                                TrainConfig(steps=steps, seconds=None, seed=seed, eval_every=10**9, batch_size=32),
                                data=data, data_name="train.txt", options={"bptt": window, "carry": carry})
        cpu = time.process_time()
        exp.train()
        cpu = time.process_time() - cpu
        loss = exp.evaluate(data=val, capped=False)["loss"]
        print(f"| {steps} | {window} | {carry} | {seed} | {loss:.4f} | {cpu:.0f} |", flush=True)


def main(argv=None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--probes", action="store_true", help="the default-choosing probes instead")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    if args.probes:
        probes()
        return []
    rows = []
    with tempfile.TemporaryDirectory() as work:
        for seed in range(args.seeds):
            rows.append(race(args.seconds, seed, Path(work)))
    r0 = rows[0]
    print(f"Our CLI chose (from the data alone): {r0['ours_model']}.")
    print("\n".join(f"    {line}" for line in r0["fitted"]))
    print(f"\nScored on val.txt: {r0['scored']:,} characters, the state carried in {STREAMS} streams.\n")
    print("| seed | budget (s) | ours: val loss (nats/char) | plain script | ours - plain | ours bits/char | "
          "plain bits/char | steps ours / plain | chars read ours / plain | best step (ours) | load before -> after |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['seed']} | {r['seconds']:g} | {r['ours']:.3f} | {r['plain']:.3f} | "
              f"**{r['ours'] - r['plain']:+.3f}** | {r['ours'] / math.log(2):.3f} | {r['plain'] / math.log(2):.3f} | "
              f"{r['ours_steps']} / {r['plain_steps']} | {r['ours_chars'] / 1e6:.2f} M / {r['plain_chars'] / 1e6:.2f} M | "
              f"{r['best_step']} | {r['load_before'][0]} -> {r['load_after'][0]} |")
    return rows


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--plain":
        plain_train(sys.argv[2], float(sys.argv[3]), sys.argv[4], int(sys.argv[5]))
    else:
        main()
