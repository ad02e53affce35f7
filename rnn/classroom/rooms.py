"""The classroom's rooms as the page sees them, whatever database keeps them: the room codes, the
errors a request can meet, the caps, ``Room`` and the ``PollStore`` interface (rnn.classroom.store
implements it), and the checks every store applies to what a browser sends.

No Streamlit and no database here.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Callable, Protocol

# No 0/O, 1/I/L: a code read off a projector is typed without doubt. 31**8 ≈ 8.5e11 codes.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
MAX_CHOICES = 12
_CODE = re.compile(f"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")
_STUDENT = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
_QUESTION = re.compile(r"^[a-z0-9_]{1,40}(\.[a-z0-9_]{1,60})?$")
_TOKEN_CHARS = re.compile(r"^[A-Za-z0-9_-]{16,128}$")


class ClassroomError(ValueError):
    """A request the store refuses; the message is meant for the person who made it."""


class RoomNotFound(ClassroomError):
    """No such room, or it has expired."""


class NotTeacher(ClassroomError):
    """The secret teacher token is missing or wrong."""


class CapReached(ClassroomError):
    """A per-server cap (rooms, students, votes) is full."""


@dataclass(frozen=True)
class Limits:
    """The store's caps and room lifetime (from ``rnn.settings.Settings``)."""
    room_seconds: float = 4 * 3600
    max_rooms: int = 50
    max_students: int = 200          # per room
    max_votes: int = 100_000         # in all active rooms


@dataclass(frozen=True)
class Room:
    """What everyone in a room sees: the question on screen and whether it has been revealed.
    ``version`` grows with every teacher action, so a view knows when to redraw."""
    code: str
    step: int
    question: str
    revealed: bool
    created: float
    expires: float
    version: int


@dataclass(frozen=True)
class NewRoom:
    room: Room
    token: str                        # the teacher's secret: shown to no one, kept in session


def normalise_code(text: object) -> str:
    """A typed room code as stored: upper case, spaces and dashes dropped ("abcd-efgh" → "ABCDEFGH").
    Raises ClassroomError (a message for the student) when it cannot be a code."""
    raw = str(text or "")[:64]
    code = re.sub(r"[\s-]", "", raw).upper()
    if not _CODE.match(code):
        raise ClassroomError(f"A room code is {CODE_LENGTH} letters and digits, like "
                             "“KQ7M-3XPA”. Check the code on the screen.")
    return code


def pretty_code(code: str) -> str:
    """"ABCDEFGH" → "ABCD-EFGH": easier to read from the back of a room."""
    return f"{code[:4]}-{code[4:]}"


def new_student_id() -> str:
    return secrets.token_urlsafe(12)


def _check(pattern: re.Pattern, value: object, what: str) -> str:
    if not isinstance(value, str) or not pattern.match(value):
        raise ClassroomError(f"Not a valid {what}.")
    return value


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _csv_cell(value: object) -> object:
    """Spreadsheets run cells that start with = + - @ as formulas; quote them as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


class PollStore(Protocol):
    """What the classroom page needs from a store. Every method is one transaction."""

    def create_room(self, question: str, step: int = 0) -> NewRoom: ...
    def room(self, code: str) -> Room: ...
    def join(self, code: str, student: str) -> Room: ...
    def show(self, code: str, token: str, step: int, question: str) -> Room: ...
    def reveal(self, code: str, token: str) -> Room: ...
    def vote(self, code: str, student: str, question: str, choice: int) -> bool: ...
    def my_vote(self, code: str, student: str, question: str) -> int | None: ...
    def tally(self, code: str, question: str, n_choices: int) -> list[int]: ...
    def student_count(self, code: str) -> int: ...
    def export_csv(self, code: str, token: str,
                   describe: Callable[[str, int], tuple[str, str]] | None = None) -> str: ...
    def close_room(self, code: str, token: str) -> None: ...
