"""Trainer: records, budgets, clipping, seeding, divergence handling."""

import math
from dataclasses import dataclass

import pytest
import torch

from rnn.train import optim
from rnn.train.trainer import TrainConfig, Trainer, batch_size_of

@pytest.fixture(autouse=True)
def one_thread():
    """As in the app (one thread per training); also keeps timings steady on a busy machine."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


STEP_KEYS = {"kind", "step", "loss", "grad_norm", "grad_norm_clipped", "clipped", "lr",
             "examples_per_s", "elapsed"}


class TinyLSTM(torch.nn.Module):
    """A many-to-one LSTM with dropout, so that seeding matters."""

    def __init__(self):
        super().__init__()
        self.lstm = torch.nn.LSTM(3, 8, batch_first=True)
        self.drop = torch.nn.Dropout(0.2)
        self.head = torch.nn.Linear(8, 2)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.head(self.drop(out[:, -1]))


def random_batches(n=16, length=5):
    """Endless batches drawn from torch's global RNG (label: is the first input positive?)."""
    while True:
        x = torch.randn(n, length, 3)
        yield x, (x[:, 0, 0] > 0).long()


def xent(model, batch):
    x, y = batch
    return torch.nn.functional.cross_entropy(model(x), y)


def make(seed=0, eval_fn=None, loss_fn=xent, batches=None, **config):
    torch.manual_seed(123)  # model init is the caller's business
    model = TinyLSTM()
    config = TrainConfig(**{"seed": seed, "steps": 20, "seconds": None, **config})
    return Trainer(model, loss_fn, batches or random_batches(), config, eval_fn)


def test_records_budget_by_steps_and_evaluations():
    calls = []
    trainer = make(eval_fn=lambda m: calls.append(m.training) or {"acc": 0.5}, steps=25, eval_every=10)
    records = list(trainer.run())
    steps = [r for r in records if r["kind"] == "step"]
    evals = [r for r in records if r["kind"] == "eval"]
    assert [r["step"] for r in steps] == list(range(1, 26))
    assert all(set(r) == STEP_KEYS for r in steps)
    assert [r["step"] for r in evals] == [10, 20, 25] and evals[0]["acc"] == 0.5
    assert calls == [False, False, False]  # eval_fn runs in eval mode...
    assert trainer.model.training          # ...and training mode comes back
    assert records[-1]["kind"] == "stop" and "finished 25 steps" in records[-1]["reason"]
    assert trainer.done and not trainer.diverged and trainer.records == records
    assert all(b["elapsed"] >= a["elapsed"] for a, b in zip(records, records[1:]))
    assert steps[-1]["examples_per_s"] > 0 and steps[-1]["lr"] == 3e-3
    with pytest.raises(RuntimeError, match="finished"):
        trainer.step()


def test_learns_something():
    records = list(make(steps=80, lr=2e-2).run())
    losses = [r["loss"] for r in records if r["kind"] == "step"]
    assert sum(losses[-10:]) / 10 < 0.5 * sum(losses[:10]) / 10


def test_same_seed_same_losses_even_when_interleaved():
    def losses(records):
        return [r["loss"] for r in records if r["kind"] == "step"]
    a, b, c = make(seed=1), make(seed=1), make(seed=2)
    first = losses(a.run())
    # b is advanced in turn with c; its own RNG state keeps it identical to a
    second = []
    while not b.done:
        second += losses(b.run_for(0.001))
        c.run_for(0.001)
    assert first == second
    assert losses(make(seed=2).run()) != first


def test_clipping_reports_norms_before_and_after():
    trainer = make(clip=1e-3, steps=1)
    record = trainer.step()
    assert record["clipped"] and record["grad_norm"] > 1e-3
    assert record["grad_norm_clipped"] == 1e-3
    after = torch.nn.utils.get_total_norm([p.grad for p in trainer.params])
    assert after.item() == pytest.approx(1e-3, rel=1e-3)


def test_no_clipping_measures_the_norm():
    trainer = make(clip=None, steps=1)
    record = trainer.step()
    manual = math.sqrt(sum(p.grad.pow(2).sum().item() for p in trainer.params))
    assert record["grad_norm"] == pytest.approx(manual, rel=1e-5)
    assert record["grad_norm_clipped"] == record["grad_norm"] and not record["clipped"]


class TickingClock:
    """A stand-in for time.perf_counter that moves ``tick`` seconds per reading: the test is
    about what the trainer does with the time, not about how fast this machine is."""

    def __init__(self, tick: float = 0.002):
        self.now, self.tick = 0.0, tick

    def perf_counter(self) -> float:
        self.now += self.tick
        return self.now


def test_run_for_respects_slices_and_the_seconds_budget(monkeypatch):
    clock = TickingClock()
    monkeypatch.setattr("rnn.train.trainer.time", clock)
    trainer = make(steps=None, seconds=0.3)
    start = clock.now
    first = trainer.run_for(0.05)
    assert first and first[-1]["kind"] == "step"
    last_step = first[-1]["elapsed"] - first[-2]["elapsed"]
    assert clock.now - start < 0.05 + last_step + 0.01  # time is checked before each step
    clock.now += 0.5  # the UI redrawing: not training time
    second = trainer.run_for(0.01)
    assert second[0]["elapsed"] - first[-1]["elapsed"] <= last_step + 1e-9
    while not trainer.done:
        trainer.run_for(0.05)
    *_, before, last, stop = trainer.records
    assert stop["kind"] == "stop" and "0.3 s time budget" in stop["reason"]
    assert before["elapsed"] < 0.3 <= last["elapsed"] == stop["elapsed"]  # one step past, at most
    assert trainer.run_for(1.0) == []


def test_steps_or_seconds_whichever_first():
    trainer = make(steps=5, seconds=100.0)
    assert len([r for r in trainer.run() if r["kind"] == "step"]) == 5


class NanAt:
    """A loss that becomes `value` on call number `at`, and remembers the weights it saw."""

    def __init__(self, at, value=math.nan):
        self.at, self.value, self.calls, self.seen = at, value, 0, {}

    def __call__(self, model, batch):
        self.calls += 1
        self.seen[self.calls] = {k: v.clone() for k, v in model.state_dict().items()}
        loss = xent(model, batch)
        return loss * self.value if self.calls == self.at else loss


def _same_weights(model, state):
    return all(torch.equal(v, state[k]) for k, v in model.state_dict().items())


@pytest.mark.parametrize("value, problem", [(math.nan, "loss became nan"), (math.inf, "loss became inf"),
                                            (1e9, "loss exploded to")])
def test_bad_loss_restores_the_last_snapshot(value, problem):
    loss_fn = NanAt(37, value)
    trainer = make(loss_fn=loss_fn, steps=100, snapshot_every=10, clip=None)
    records = list(trainer.run())
    stop = records[-1]
    assert trainer.diverged and stop["diverged"] and trainer.done
    assert stop["reason"] == trainer.stop_reason
    assert trainer.stop_reason.startswith(f"diverged at step 37: the {problem}")
    assert "turn on gradient clipping" in trainer.stop_reason
    assert trainer.stop_reason.endswith("restored the weights from step 30")
    assert _same_weights(trainer.model, loss_fn.seen[31])  # call 31 saw the weights of step 30
    assert trainer.optimizer.state_dict()["state"][0]["step"].item() == 30  # Adam's state too
    assert [r["kind"] for r in records].count("step") == 36
    assert all(math.isfinite(r["loss"]) for r in records if r["kind"] == "step")


def test_bad_gradient_with_finite_loss_does_not_update():
    def loss_fn(model, batch):
        loss = xent(model, batch)
        if loss_fn.calls == 5:  # sqrt'(0) = inf: a finite loss with a NaN gradient
            loss = loss + torch.sqrt((model.head.bias * 0).sum())
        loss_fn.calls += 1
        return loss
    loss_fn.calls = 1
    trainer = make(loss_fn=loss_fn, clip=1.0)
    for _ in range(4):
        trainer.step()
    before = {k: v.clone() for k, v in trainer.model.state_dict().items()}
    stop = trainer.step()
    assert stop["kind"] == "stop" and trainer.diverged
    assert "diverged at step 5: the gradient norm became nan" in stop["reason"]
    assert "turn on gradient clipping" not in stop["reason"]  # clipping was on already
    assert stop["reason"].endswith("kept the weights from step 4, before this update")
    assert _same_weights(trainer.model, before)


def test_data_running_out_and_stop():
    batches = list(zip(range(3), random_batches()))
    trainer = make(batches=iter([b for _, b in batches]))
    records = list(trainer.run())
    assert records[-1]["reason"] == "the data ran out after 3 steps" and not trainer.diverged
    trainer = make()
    trainer.step()
    assert trainer.stop()["reason"] == "stopped by the user" and trainer.done
    assert trainer.stop() is trainer.records[-1]


def test_sgd_and_weight_decay():
    trainer = make(optimizer="sgd", lr=0.1, weight_decay=1e-4, steps=3)
    assert isinstance(trainer.optimizer, optim.SGD)
    assert trainer.optimizer.param_groups[0]["weight_decay"] == 1e-4
    assert [r["kind"] for r in trainer.run()] == ["step"] * 3 + ["stop"]


@pytest.mark.parametrize("bad", [{"optimizer": "rmsprop"}, {"lr": 0}, {"clip": -1.0},
                                 {"steps": None, "seconds": None}, {"eval_every": 0}])
def test_invalid_config(bad):
    with pytest.raises(ValueError):
        TrainConfig(**{"steps": 10, **bad})


@dataclass
class Batch:
    size: int


def test_batch_size_of():
    assert batch_size_of(Batch(7)) == 7
    assert batch_size_of(torch.zeros(5, 3)) == 5
    assert batch_size_of((torch.zeros(4, 2), torch.zeros(4))) == 4
    assert batch_size_of({"x": torch.zeros(6, 2)}) == 6
    assert batch_size_of([1, 2, 3]) == 3


def test_a_continuation_carries_on_counting_from_the_first_trainers_progress():
    """rnn.jobs.runner continues a run in another process: a new trainer resumed from the first
    one's progress() numbers its steps and evaluations on from there and keeps its budget."""
    first = make(steps=6, eval_every=4, eval_fn=lambda m: {"acc": 0.5})
    list(first.run())
    done = first.progress()
    assert set(done) == set(Trainer.PROGRESS)
    assert (done["step_count"], done["last_eval_step"], done["examples"]) == (6, 6, 6 * 16)
    second = make(steps=10, eval_every=4, eval_fn=lambda m: {"acc": 0.5})
    second.resume(done)
    assert second.progress() == done
    records = list(second.run())
    assert [r["step"] for r in records if r["kind"] == "step"] == [7, 8, 9, 10]
    assert [r["step"] for r in records if r["kind"] == "eval"] == [8, 10]
    assert second.elapsed >= done["elapsed"] and second.examples == 10 * 16
