"""A cap on the one kind of training that still runs inside the web process: the gradient-flow
lab's small, seconds-long runs (pages/6_Gradient_flow.py, through ``rnn.ui.kit.run_in_gate``).

The lessons' trainings run in worker processes (rnn.jobs), so the web process no longer needs the
TrainingGate that used to schedule them (queues, policies, visitors first, thread niceness). What
is left is a process-wide count: at most ``max_concurrent_trainings`` lab runs at once; a student
who finds them all taken reads a message and presses again.
"""
from __future__ import annotations

import threading

_lock = threading.Lock()
_slots: dict[int, "LabSlots"] = {}


class LabSlots:
    def __init__(self, capacity: int):
        self.capacity = max(1, int(capacity))
        self._sem = threading.BoundedSemaphore(self.capacity)
        self._lock = threading.Lock()
        self.in_use = 0

    def try_acquire(self) -> bool:
        if not self._sem.acquire(blocking=False):
            return False
        with self._lock:
            self.in_use += 1
        return True

    def release(self) -> None:
        with self._lock:
            self.in_use -= 1
        self._sem.release()


def lab_slots(capacity: int) -> LabSlots:
    """The process's slots for ``capacity`` (one object per capacity, shared by every session)."""
    with _lock:
        if capacity not in _slots:
            _slots[capacity] = LabSlots(capacity)
        return _slots[capacity]


def busy_message(slots: LabSlots) -> str:
    noun = "lab run is" if slots.in_use == 1 else "lab runs are"
    return f"Busy: {slots.in_use} {noun} using this server's share for labs."
