"""A process-wide cap on concurrent trainings, with a visible, fair queue.

30 students on a small CPU server: if every session trained at once, each would crawl and the
server would stop answering. A ``threading.BoundedSemaphore`` admits ``capacity`` trainings.
Sessions hold a slot only for one training slice (a fragment tick), never across ticks, so a
closed browser tab can never keep a slot. Sessions that found no slot wait in a FIFO queue;
when a slot frees, the head of the queue gets it before a session that has just had a turn,
so trainings take turns instead of one session starving the others.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from contextlib import contextmanager
from typing import Callable, Iterator

STALE_SECONDS = 5.0    # a ticket not seen for this long belongs to a session that went away


class TrainingGate:
    """Admit at most ``capacity`` training slices at a time; keep a queue of the others."""

    def __init__(self, capacity: int, clock: Callable[[], float] = time.monotonic):
        self.capacity = max(1, int(capacity))
        self._slots = threading.BoundedSemaphore(self.capacity)
        self._lock = threading.Lock()
        self._waiting: OrderedDict[str, float] = OrderedDict()   # ticket -> last seen
        self._training: dict[str, float] = {}                    # ticket -> last slice end
        self._active = 0
        self._clock = clock

    def _prune(self, now: float) -> None:
        for table in (self._waiting, self._training):
            for ticket in [t for t, seen in table.items() if now - seen > STALE_SECONDS]:
                del table[ticket]

    def _may_enter(self, ticket: str) -> bool:
        """Fairness: with people queued, only the first ``free`` of them may take a slot."""
        free = self.capacity - self._active
        if free <= 0:
            return False
        others = [t for t in self._waiting if t != ticket]
        return ticket in list(self._waiting)[:free] or len(others) < free

    def try_acquire(self, ticket: str) -> bool:
        """Take a slot for ``ticket`` without blocking; False (and queued) if none is free."""
        with self._lock:
            now = self._clock()
            self._prune(now)
            if self._may_enter(ticket) and self._slots.acquire(blocking=False):
                self._active += 1
                self._waiting.pop(ticket, None)
                self._training[ticket] = now
                return True
            self._waiting.setdefault(ticket, now)
            self._waiting[ticket] = now          # refresh "last seen", keep queue position
            return False

    def release(self, ticket: str) -> None:
        with self._lock:
            self._active -= 1
            if ticket in self._training:     # not if it left while holding the slot (an error)
                self._training[ticket] = self._clock()
            self._slots.release()

    def leave(self, ticket: str) -> None:
        """The session stopped (or finished): drop it from the queue and the training list."""
        with self._lock:
            self._waiting.pop(ticket, None)
            self._training.pop(ticket, None)

    @contextmanager
    def slot(self, ticket: str) -> Iterator[bool]:
        """``with gate.slot(t) as ok:`` -- ok says whether this slice may train."""
        ok = self.try_acquire(ticket)
        try:
            yield ok
        finally:
            if ok:
                self.release(ticket)

    def position(self, ticket: str) -> int | None:
        """1-based place in the queue, or None if not waiting."""
        with self._lock:
            keys = list(self._waiting)
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


def queue_message(gate: TrainingGate, ticket: str) -> str:
    """What a waiting session reads, e.g. "Queued: 2 sessions are training, ...". """
    n = max(gate.n_training(exclude=ticket), 1)
    place = gate.position(ticket)
    where = f" You are number {place} in the queue." if place else ""
    noun = "session is" if n == 1 else "sessions are"
    return f"Queued: {n} {noun} training, yours starts when one finishes.{where}"
