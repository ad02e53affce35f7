"""A process-wide cap on concurrent trainings, with a visible queue and a scheduling policy.

30 students on a small CPU server: if every session trained at once, each would crawl and the
server would stop answering. A ``threading.BoundedSemaphore`` admits ``capacity`` trainings.
Sessions hold a slot only for one training slice (a fragment tick), never across ticks, so a
closed browser tab can never keep a slot. Sessions that found no slot wait in a queue; which of
them gets a freed slot is the policy's choice:

- ``"shortest"`` (the default): a training keeps its turn from slice to slice until it ends,
  trainings started earlier go first, and a training that has already had ``SHORT_SECONDS`` of
  slot time yields to any that has had less. So short trainings run to completion one after
  the other, and a long one still runs whenever no short one waits (a two-level feedback queue:
  the gate cannot know a training's length, only how long it has trained). With equal
  trainings the average student waits about half as long as with ``"rotate"``
  (BENCHMARKS.md, "Classroom scheduling").
- ``"rotate"``: slices take turns; when a slot frees, the head of the queue gets it before a
  session that has just had a turn. Fair slice by slice, but every training finishes near the
  end of the whole class's work.

``RNN_PLAYGROUND_GATE_POLICY`` chooses the policy for a server. A ticket not seen for
``STALE_SECONDS`` (a closed tab) is dropped, whatever the policy.

Visitors first (:class:`Visitors`): a student who clicks or types waits for a whole-page script
run, and on a small server that run shares the CPU (and Python's one interpreter lock) with the
trainings. Every page marks its run as one a person waits for; between two training steps a
training waits while another session's run is in flight (at most ``VISIT_WAIT_SECONDS`` a step,
and never for a run older than ``VISIT_SECONDS``, so a training always progresses), and a
training thread runs at a lower CPU priority (``train_politely``). A paused training loses no
budget: the budget counts the seconds it trains. ``RNN_PLAYGROUND_VISITORS_FIRST=0``
turns it off (BENCHMARKS.md, "Classroom scheduling": interaction time while a class trains).
"""
from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager
from typing import Callable, Iterator

STALE_SECONDS = 5.0    # a ticket not seen for this long belongs to a session that went away
SHORT_SECONDS = 15.0   # slot time after which a training yields to any shorter one ("shortest")
TURN_SECONDS = 2.0     # "shortest": a training keeps its turn this long after each of its slices
REMEMBER_SECONDS = 120.0  # "shortest": a session's start and slot time are kept this long unseen
POLICIES = ("shortest", "rotate")
POLICY_ENV = "RNN_PLAYGROUND_GATE_POLICY"
VISITORS_ENV = "RNN_PLAYGROUND_VISITORS_FIRST"
VISIT_SECONDS = 2.0       # a page run older than this no longer holds trainings back
VISIT_WAIT_SECONDS = 0.5  # the longest a training waits between two of its steps


def default_policy() -> str:
    """The policy named by ``RNN_PLAYGROUND_GATE_POLICY``, else "shortest"."""
    name = os.environ.get(POLICY_ENV, "").strip().lower()
    return name if name in POLICIES else POLICIES[0]


class TrainingGate:
    """Admit at most ``capacity`` training slices at a time; keep a queue of the others."""

    def __init__(self, capacity: int, clock: Callable[[], float] = time.monotonic,
                 policy: str | None = None, short_seconds: float = SHORT_SECONDS):
        policy = policy or default_policy()
        if policy not in POLICIES:
            raise ValueError(f"policy must be one of {', '.join(POLICIES)}, got {policy!r}")
        self.capacity = max(1, int(capacity))
        self.policy = policy
        self.short_seconds = float(short_seconds)
        self._slots = threading.BoundedSemaphore(self.capacity)
        self._lock = threading.Lock()
        self._waiting: OrderedDict[str, float] = OrderedDict()   # ticket -> last seen
        self._training: dict[str, float] = {}                    # ticket -> last slice end
        self._holding: dict[str, float] = {}                     # ticket -> when it took its slot
        self._arrived: dict[str, float] = {}                     # ticket -> first asked
        self._trained: dict[str, float] = {}                     # ticket -> slot seconds so far
        self._seen: dict[str, float] = {}                        # ticket -> last asked
        self._active = 0
        self._clock = clock

    def _prune(self, now: float) -> None:
        for table in (self._waiting, self._training):
            for ticket in [t for t, seen in table.items() if now - seen > STALE_SECONDS]:
                del table[ticket]
        # A session whose ticks come slower than STALE_SECONDS (a starved server) leaves the
        # queue, but keeps its place for when it polls again: its start and slot time are
        # forgotten only after REMEMBER_SECONDS unseen (or when it leaves).
        for ticket in [t for t, seen in self._seen.items()
                       if now - seen > REMEMBER_SECONDS and not self._known(t)]:
            for table in (self._arrived, self._trained, self._seen):
                table.pop(ticket, None)

    def _known(self, ticket: str) -> bool:
        return ticket in self._waiting or ticket in self._training or ticket in self._holding

    def _rank(self, ticket: str) -> tuple:
        """"shortest": trainings under SHORT_SECONDS of slot time first, then earliest start."""
        long_ = self._trained.get(ticket, 0.0) >= self.short_seconds
        return (long_, self._arrived.get(ticket, float("inf")), ticket)

    def _queue(self) -> list[str]:
        """Waiting tickets in the order they will be served."""
        if self.policy == "rotate":
            return list(self._waiting)
        return sorted(self._waiting, key=self._rank)

    def _may_enter(self, ticket: str, now: float) -> bool:
        free = self.capacity - self._active
        if free <= 0:
            return False
        if self.policy == "rotate":      # with people queued, only the first ``free`` of them
            others = [t for t in self._waiting if t != ticket]
            return ticket in list(self._waiting)[:free] or len(others) < free
        # "shortest": every training that wants a slot (queued, or between two of its slices
        # and back within TURN_SECONDS) except those inside one now; the first ``free`` of them
        # by rank may enter.
        between = {t for t, seen in self._training.items() if now - seen <= TURN_SECONDS}
        wanting = (set(self._waiting) | between | {ticket}) - set(self._holding)
        return ticket in sorted(wanting, key=self._rank)[:free]

    def try_acquire(self, ticket: str) -> bool:
        """Take a slot for ``ticket`` without blocking; False (and queued) if none is free."""
        with self._lock:
            now = self._clock()
            self._prune(now)
            self._arrived.setdefault(ticket, now)
            self._seen[ticket] = now
            if self._may_enter(ticket, now) and self._slots.acquire(blocking=False):
                self._active += 1
                self._waiting.pop(ticket, None)
                self._training[ticket] = now
                self._holding[ticket] = now
                return True
            self._waiting.setdefault(ticket, now)
            self._waiting[ticket] = now          # refresh "last seen", keep queue position
            return False

    def release(self, ticket: str) -> None:
        with self._lock:
            now = self._clock()
            self._active -= 1
            took = self._holding.pop(ticket, None)
            if ticket in self._training:     # not if it left while holding the slot (an error)
                self._training[ticket] = now
                if took is not None:
                    self._trained[ticket] = self._trained.get(ticket, 0.0) + (now - took)
            self._slots.release()

    def leave(self, ticket: str) -> None:
        """The session stopped (or finished): drop it from the queue and the training list."""
        with self._lock:
            self._waiting.pop(ticket, None)
            self._training.pop(ticket, None)
            self._arrived.pop(ticket, None)
            self._trained.pop(ticket, None)
            self._seen.pop(ticket, None)

    @contextmanager
    def slot(self, ticket: str) -> Iterator[bool]:
        """``with gate.slot(t) as ok:`` -- ok says whether this slice may train."""
        ok = self.try_acquire(ticket)
        try:
            yield ok
        except Exception:
            raise
        except BaseException:
            # Streamlit stopped the script (the tab closed, or a new run replaced this one):
            # the session keeps its place, but the slot is not held for it between slices.
            with self._lock:
                self._training.pop(ticket, None)
            raise
        finally:
            if ok:
                self.release(ticket)

    def position(self, ticket: str) -> int | None:
        """1-based place in the queue (in the policy's order), or None if not waiting."""
        with self._lock:
            keys = self._queue()
            return keys.index(ticket) + 1 if ticket in keys else None

    def n_training(self, exclude: str | None = None) -> int:
        """Sessions that trained within the last few seconds (they hold slots between slices)."""
        with self._lock:
            self._prune(self._clock())
            return len([t for t in self._training if t != exclude])

    def n_waiting(self) -> int:
        with self._lock:
            return len(self._waiting)

    def counts(self) -> dict[str, int]:
        """Slots in use, sessions queued and sessions that trained lately (stale ones pruned)."""
        with self._lock:
            self._prune(self._clock())
            return {"slots_in_use": self._active, "queued": len(self._waiting),
                    "recently_training": len(self._training)}


def visitors_first_enabled() -> bool:
    """False only when ``RNN_PLAYGROUND_VISITORS_FIRST`` is 0/false/off/no."""
    return os.environ.get(VISITORS_ENV, "1").strip().lower() not in ("0", "false", "off", "no")


class Visitors:
    """Page runs a person is waiting for, by the thread that runs them.

    Streamlit runs each session's script in a thread of its own that ends when the run (and
    any rerun queued behind it) is over, so "the thread is alive" means "the run is in flight".
    ``VISIT_SECONDS`` bounds what a run can hold back: one that takes longer (a thread that goes
    on with its session's training ticks) stops counting.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic,
                 max_age: float = VISIT_SECONDS, sleep: Callable[[float], None] = time.sleep):
        self._clock, self._sleep, self.max_age = clock, sleep, float(max_age)
        self._lock = threading.Lock()
        self._runs: dict[int, tuple[threading.Thread, float]] = {}   # ident -> (thread, began)

    def begin(self, thread: threading.Thread | None = None) -> None:
        """Mark the current thread's run (a whole-page run) as one a person waits for."""
        thread = thread or threading.current_thread()
        with self._lock:
            self._prune(self._clock())          # bounded even when nobody trains for hours
            self._runs[thread.ident] = (thread, self._clock())

    def _prune(self, now: float) -> None:
        for ident, (thread, began) in list(self._runs.items()):
            if not thread.is_alive() or now - began > self.max_age:
                del self._runs[ident]

    def end(self, thread: threading.Thread | None = None) -> None:
        thread = thread or threading.current_thread()
        with self._lock:
            self._runs.pop(thread.ident, None)

    def busy(self, exclude: threading.Thread | None = None) -> int:
        """How many page runs other than ``exclude``'s (default: the caller's) are in flight."""
        exclude = exclude or threading.current_thread()
        now = self._clock()
        with self._lock:
            self._prune(now)
            return sum(1 for thread, _ in self._runs.values() if thread is not exclude)

    def wait(self, max_wait: float = VISIT_WAIT_SECONDS, poll: float = 0.005) -> float:
        """Between two training steps: sleep while another session's page run is in flight, at
        most ``max_wait`` seconds. Returns the seconds waited."""
        start = self._clock()
        while self.busy() and self._clock() - start < max_wait:
            self._sleep(poll)
        return self._clock() - start


VISITORS = Visitors()      # the one registry of this server process

TRAINING_NICE = 10         # the CPU priority a training thread gives itself (Linux nice value)
_thread_state = threading.local()


def train_politely() -> bool:
    """Lower the calling thread's CPU priority to ``TRAINING_NICE`` (once per thread).

    Visitors first, in the kernel's scheduler: while trainings run inside torch (the GIL let go)
    they would take both cores from the server's event loop and the page runs of students who
    click. On Linux a nice value belongs to a thread, so only this one (a Streamlit script
    thread, which ends with its run) yields the CPU; with nobody else wanting it, the training
    runs at full speed. Elsewhere, or where it is not allowed, nothing changes (False).
    """
    if getattr(_thread_state, "polite", False):
        return True
    try:
        tid = threading.get_native_id()
        if os.getpriority(os.PRIO_PROCESS, tid) < TRAINING_NICE:
            os.setpriority(os.PRIO_PROCESS, tid, TRAINING_NICE)
    except (AttributeError, OSError):       # no per-thread priorities here
        return False
    _thread_state.polite = True
    return True


def queue_message(gate: TrainingGate, ticket: str) -> str:
    """What a waiting session reads, e.g. "Queued: 2 sessions are training, ...". """
    n = max(gate.n_training(exclude=ticket), 1)
    place = gate.position(ticket)
    where = f" You are number {place} in the queue." if place else ""
    noun = "session is" if n == 1 else "sessions are"
    return f"Queued: {n} {noun} training, yours starts when one finishes.{where}"
