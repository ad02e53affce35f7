"""Live class polls: rooms, students and their votes, kept in a database.

The page talks to a ``PollStore`` (the small interface below); ``SQLiteStore`` is the one that
ships: Python's own ``sqlite3``, one file, WAL mode (readers never wait for the writer, and a
vote written is on disk before the call returns), parameterised queries only. The file is created
on first use and survives a restart of the server.

A deployment with several app servers would give them one shared database instead: write a class
with the same methods over that database's driver (every method is one short transaction; the
caps are checked inside it) and return it from ``rnn.classroom.open_store``. docs/CLASSROOM.md says
how.

Who may do what:
- a **room** has a short public code (students type it or scan it) and a secret teacher token;
  only the token (kept in the teacher's session, never in a URL) may move the class to another
  question, reveal the answer or export the votes. The database keeps only a hash of the token.
- a **student** is an anonymous random id made by the student's own session; one vote per student
  per question, first vote counts, and only on the question the room is showing, before the reveal.
- **caps** per server: active rooms, students per room, votes in all; rooms **expire** after a
  set time and are deleted with their votes.

No Streamlit here.
"""
from __future__ import annotations

import csv
import hashlib
import hmac
import io
import re
import secrets
import sqlite3
import queue
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
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


SCHEMA = """
CREATE TABLE IF NOT EXISTS rooms (
    code TEXT PRIMARY KEY, token_hash TEXT NOT NULL, created REAL NOT NULL, expires REAL NOT NULL,
    step INTEGER NOT NULL, question TEXT NOT NULL, revealed INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS students (
    code TEXT NOT NULL REFERENCES rooms(code) ON DELETE CASCADE, student TEXT NOT NULL,
    joined REAL NOT NULL, PRIMARY KEY (code, student));
CREATE TABLE IF NOT EXISTS votes (
    code TEXT NOT NULL REFERENCES rooms(code) ON DELETE CASCADE, student TEXT NOT NULL,
    question TEXT NOT NULL, choice INTEGER NOT NULL, at REAL NOT NULL,
    PRIMARY KEY (code, student, question));
CREATE INDEX IF NOT EXISTS votes_by_question ON votes (code, question);
"""


class SQLiteStore:
    """``PollStore`` over one SQLite file (WAL). Safe to share between threads: Streamlit runs
    every script run in a new thread, so connections are kept in a small pool, each used by one
    thread at a time. Writes take the database lock up front (BEGIN IMMEDIATE), so a cap is
    checked and filled in one step even when thirty students vote in the same instant."""

    POOL_SIZE = 8

    def __init__(self, path: str | Path, limits: Limits = Limits(),
                 clock: Callable[[], float] = time.time):
        self.path = Path(path)
        self.limits = limits
        self.clock = clock
        self._pool: queue.SimpleQueue[sqlite3.Connection] = queue.SimpleQueue()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connection() as db:
            db.executescript(SCHEMA)                  # created on first use

    # -- connections -------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=10, isolation_level=None,
                             check_same_thread=False)   # the pool hands it to one thread at a time
        db.execute("PRAGMA journal_mode=WAL")
        # WAL + NORMAL: a committed vote survives the server process dying; only a power cut
        # could lose the last few. Never corrupts the file.
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("PRAGMA busy_timeout=10000")
        return db

    @contextmanager
    def _connection(self):
        try:
            db = self._pool.get_nowait()
        except queue.Empty:
            db = self._connect()
        try:
            yield db
        finally:
            if db.in_transaction:                     # pragma: no cover - an error mid-write
                db.execute("ROLLBACK")
            if self._pool.qsize() < self.POOL_SIZE:
                self._pool.put(db)
            else:
                db.close()

    def _read(self, sql: str, params: tuple) -> list[tuple]:
        with self._connection() as db:
            return db.execute(sql, params).fetchall()

    @contextmanager
    def _write(self):
        """One write transaction that holds the database lock from its start."""
        with self._connection() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    # -- rooms ---------------------------------------------------------------------------------
    def create_room(self, question: str, step: int = 0) -> NewRoom:
        _check(_QUESTION, question, "question key")
        now = self.clock()
        token = secrets.token_urlsafe(24)
        with self._write() as db:
            self._purge(db, now)
            (active,) = db.execute("SELECT COUNT(*) FROM rooms").fetchone()
            if active >= self.limits.max_rooms:
                raise CapReached(f"This server already has {active} classes running (the limit "
                                 f"is {self.limits.max_rooms}). Try again when one has ended.")
            for _ in range(20):
                code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
                try:
                    db.execute("INSERT INTO rooms (code, token_hash, created, expires, step, "
                               "question) VALUES (?, ?, ?, ?, ?, ?)",
                               (code, _hash(token), now, now + self.limits.room_seconds,
                                int(step), question))
                    break
                except sqlite3.IntegrityError:       # the same code twice: vanishingly rare
                    continue
            else:                                    # pragma: no cover
                raise ClassroomError("Could not make a new room code; try again.")
        return NewRoom(self.room(code), token)

    def room(self, code: str) -> Room:
        code = normalise_code(code)
        rows = self._read(
            "SELECT code, step, question, revealed, created, expires, version FROM rooms "
            "WHERE code = ? AND expires > ?", (code, self.clock()))
        if not rows:
            raise RoomNotFound("No class with this code is running (it may have ended). "
                               "Check the code on the screen.")
        row = rows[0]
        return Room(row[0], int(row[1]), row[2], bool(row[3]), row[4], row[5], int(row[6]))

    def _teacher(self, db, code: str, token: object) -> str:
        code = normalise_code(code)
        row = db.execute("SELECT token_hash FROM rooms WHERE code = ? AND expires > ?",
                         (code, self.clock())).fetchone()
        if row is None:
            raise RoomNotFound("This class has ended: start a new one.")
        if not (isinstance(token, str) and _TOKEN_CHARS.match(token)
                and hmac.compare_digest(row[0], _hash(token))):
            raise NotTeacher("Only the teacher who started this class can do that.")
        return code

    def show(self, code: str, token: str, step: int, question: str) -> Room:
        """Move the class to ``step`` (its poll is ``question``); hides the answer again."""
        _check(_QUESTION, question, "question key")
        with self._write() as db:
            code = self._teacher(db, code, token)
            db.execute("UPDATE rooms SET step = ?, question = ?, revealed = 0, "
                       "version = version + 1 WHERE code = ?", (int(step), question, code))
        return self.room(code)

    def reveal(self, code: str, token: str) -> Room:
        """Close the vote on the current question and show everyone the answer."""
        with self._write() as db:
            code = self._teacher(db, code, token)
            db.execute("UPDATE rooms SET revealed = 1, version = version + 1 WHERE code = ?",
                       (code,))
        return self.room(code)

    def close_room(self, code: str, token: str) -> None:
        with self._write() as db:
            code = self._teacher(db, code, token)
            db.execute("DELETE FROM rooms WHERE code = ?", (code,))

    def _purge(self, db, now: float) -> None:
        db.execute("DELETE FROM rooms WHERE expires <= ?", (now,))   # cascades to students, votes

    def purge_expired(self) -> None:
        with self._write() as db:
            self._purge(db, self.clock())

    # -- students and votes --------------------------------------------------------------------
    def join(self, code: str, student: str) -> Room:
        """Let ``student`` into the room (idempotent); refused once the room is full."""
        _check(_STUDENT, student, "student id")
        room = self.room(code)
        with self._write() as db:
            if db.execute("SELECT 1 FROM students WHERE code = ? AND student = ?",
                          (room.code, student)).fetchone() is None:
                (n,) = db.execute("SELECT COUNT(*) FROM students WHERE code = ?",
                                  (room.code,)).fetchone()
                if n >= self.limits.max_students:
                    raise CapReached(f"This class is full ({n} students).")
                db.execute("INSERT INTO students (code, student, joined) VALUES (?, ?, ?)",
                           (room.code, student, self.clock()))
        return room

    def vote(self, code: str, student: str, question: str, choice: int) -> bool:
        """Record ``student``'s answer to the room's current question. True if counted, False if
        this student had already voted on it (the first vote stands)."""
        _check(_STUDENT, student, "student id")
        _check(_QUESTION, question, "question key")
        if isinstance(choice, bool) or not isinstance(choice, int) or not 0 <= choice < MAX_CHOICES:
            raise ClassroomError("Not a valid answer.")
        with self._write() as db:
            room = self._room_in(db, code)
            if room[1] != question:
                raise ClassroomError("The class has moved on to another question.")
            if room[2]:
                raise ClassroomError("The answer has been shown: voting on this question is closed.")
            if db.execute("SELECT 1 FROM students WHERE code = ? AND student = ?",
                          (room[0], student)).fetchone() is None:
                raise ClassroomError("Join the class first.")
            if db.execute("SELECT 1 FROM votes WHERE code = ? AND student = ? AND question = ?",
                          (room[0], student, question)).fetchone():
                return False
            (n,) = db.execute("SELECT COUNT(*) FROM votes").fetchone()
            if n >= self.limits.max_votes:
                raise CapReached("This server has taken all the votes it can for now.")
            db.execute("INSERT INTO votes (code, student, question, choice, at) "
                       "VALUES (?, ?, ?, ?, ?)", (room[0], student, question, choice, self.clock()))
        return True

    def _room_in(self, db, code: str) -> tuple:
        code = normalise_code(code)
        row = db.execute("SELECT code, question, revealed FROM rooms WHERE code = ? AND expires > ?",
                         (code, self.clock())).fetchone()
        if row is None:
            raise RoomNotFound("This class has ended.")
        return row

    def my_vote(self, code: str, student: str, question: str) -> int | None:
        _check(_STUDENT, student, "student id")
        _check(_QUESTION, question, "question key")
        rows = self._read("SELECT choice FROM votes WHERE code = ? AND student = ? AND question = ?",
                          (normalise_code(code), student, question))
        return int(rows[0][0]) if rows else None

    def tally(self, code: str, question: str, n_choices: int) -> list[int]:
        """Votes per choice on ``question``: ``counts[i]`` = how many chose choice i."""
        _check(_QUESTION, question, "question key")
        counts = [0] * n_choices
        for choice, n in self._read(
                "SELECT choice, COUNT(*) FROM votes WHERE code = ? AND question = ? GROUP BY choice",
                (normalise_code(code), question)):
            if 0 <= choice < n_choices:
                counts[choice] = n
        return counts

    def student_count(self, code: str) -> int:
        ((n,),) = self._read("SELECT COUNT(*) FROM students WHERE code = ?", (normalise_code(code),))
        return int(n)

    def export_csv(self, code: str, token: str,
                   describe: Callable[[str, int], tuple[str, str]] | None = None) -> str:
        """Every vote in the room, as CSV (teacher only). Students appear as "student 1", "student
        2"... in the order they joined: the export names no one. ``describe(question, choice)``
        → (question text, choice text) adds readable columns."""
        with self._write() as db:
            code = self._teacher(db, code, token)
            order = {s: i + 1 for i, (s,) in enumerate(db.execute(
                "SELECT student FROM students WHERE code = ? ORDER BY joined, rowid", (code,)))}
            rows = db.execute("SELECT question, student, choice, at FROM votes WHERE code = ? "
                              "ORDER BY at, rowid", (code,)).fetchall()
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["question_key", "question", "student", "choice", "answer", "voted_at_utc"])
        for question, student, choice, at in rows:
            text, answer = describe(question, choice) if describe else ("", "")
            stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(at))
            writer.writerow([_csv_cell(v) for v in (question, text, f"student {order.get(student, 0)}",
                                                    choice, answer, stamp)])
        return out.getvalue()
