"""Live class polls: rooms, students and their votes, kept in a database.

The page talks to a ``PollStore`` (the small interface in rnn/classroom/rooms.py, with the room
codes, the caps and the errors); ``SQLStore`` is the one that
ships, on SQLAlchemy (Core, parameterised statements only), over one of two databases:

- **SQLite** by default (``SQLiteStore(path)``): one file, WAL mode (readers never wait for the
  writer, and a vote written is on disk before the call returns). Created on first use; survives
  a restart of the server. One machine only: WAL needs the readers and the writer on one host.
- **PostgreSQL** when ``RNN_PLAYGROUND_DB=postgresql://...`` (rnn.classroom.open_store): the
  database several app replicas share (docs/DEPLOY.md). Connections are checked before use, so a
  restarted database server costs nothing but a reconnect; the votes are in the database.

Every method is one short transaction. Writes are serialised (SQLite: ``BEGIN IMMEDIATE``;
PostgreSQL: a transaction-scoped advisory lock), so a cap is checked and filled in one step even
when thirty students vote in the same instant, on one replica or several.

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
import hmac
import io
import secrets
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

from sqlalchemy import (Column, Float, ForeignKey, Index, Integer, MetaData, String, Table,
                        create_engine, event, text)
from sqlalchemy.exc import SQLAlchemyError

from rnn.classroom.rooms import (_QUESTION, _STUDENT, _TOKEN_CHARS, CODE_ALPHABET, CODE_LENGTH,
                                 MAX_CHOICES, CapReached, ClassroomError, Limits, NewRoom, NotTeacher,
                                 Room, RoomNotFound, _check, _csv_cell, _hash, normalise_code)

METADATA = MetaData()
ROOMS = Table("rooms", METADATA,
              Column("code", String, primary_key=True),
              Column("token_hash", String, nullable=False),
              Column("created", Float(53), nullable=False),
              Column("expires", Float(53), nullable=False),
              Column("step", Integer, nullable=False),
              Column("question", String, nullable=False),
              Column("revealed", Integer, nullable=False, server_default="0"),
              Column("version", Integer, nullable=False, server_default="0"))
STUDENTS = Table("students", METADATA,
                 Column("code", String, ForeignKey("rooms.code", ondelete="CASCADE"),
                        primary_key=True),
                 Column("student", String, primary_key=True),
                 Column("joined", Float(53), nullable=False))
VOTES = Table("votes", METADATA,
              Column("code", String, ForeignKey("rooms.code", ondelete="CASCADE"), primary_key=True),
              Column("student", String, primary_key=True),
              Column("question", String, primary_key=True),
              Column("choice", Integer, nullable=False),
              Column("at", Float(53), nullable=False),
              Index("votes_by_question", "code", "question"))
WRITE_LOCK = 7_360_221            # PostgreSQL advisory lock id: one writer at a time


class StoreUnreachable(ClassroomError):
    """The database stopped answering in the middle of a class (a restart); nothing is lost."""

    def __init__(self):
        super().__init__("The class's database is not answering right now (it may be "
                         "restarting). Your earlier votes are kept; try again in a moment.")


class StoreUnavailable(OSError):
    """The database cannot be opened (a read-only folder, a database server that is down)."""


def _redact(url: str) -> str:
    from sqlalchemy.engine import make_url
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 -- only for a message
        return "the database"


class SQLStore:
    """``PollStore`` over SQLAlchemy: ``sqlite:///path`` or ``postgresql+psycopg://...``. Safe to
    share between threads: Streamlit runs every script run in a new thread, and the engine's pool
    lends each a connection (``POOL_SIZE`` kept open)."""

    POOL_SIZE = 8

    def __init__(self, url: str, limits: Limits = Limits(), clock: Callable[[], float] = time.time):
        if url.startswith("postgresql://") or url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url.split("://", 1)[1]      # psycopg 3, not psycopg2
        self.url = url
        self.limits = limits
        self.clock = clock
        self.connections_opened = 0
        self.sqlite = url.startswith("sqlite")
        options = {"pool_pre_ping": True}
        if self.sqlite:
            options["connect_args"] = {"timeout": 10, "check_same_thread": False}
            options.update(pool_size=self.POOL_SIZE, max_overflow=32)
        else:
            options.update(pool_size=self.POOL_SIZE, max_overflow=16, pool_recycle=1800)
        try:
            from sqlalchemy.pool import QueuePool
            self.engine = create_engine(url, poolclass=QueuePool, **options)
        except (SQLAlchemyError, ImportError, ValueError) as exc:
            raise StoreUnavailable(f"cannot use {_redact(url)}: {exc}") from None
        event.listen(self.engine, "connect", self._on_connect)
        if self.sqlite:
            event.listen(self.engine, "begin", self._on_begin)
        try:
            METADATA.create_all(self.engine)          # created on first use
        except SQLAlchemyError as exc:
            raise StoreUnavailable(f"cannot open {_redact(url)}: {exc.__class__.__name__}: "
                                   f"{str(exc).splitlines()[0]}") from None

    # -- connections -------------------------------------------------------------------------
    def _on_connect(self, dbapi_connection, _record) -> None:
        self.connections_opened += 1
        if not self.sqlite:
            return
        # Transactions are begun by _on_begin (IMMEDIATE for writes), not by the sqlite3 module.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # WAL + NORMAL: a committed vote survives the server process dying; only a power cut
        # could lose the last few. Never corrupts the file.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    @staticmethod
    def _on_begin(connection) -> None:
        if connection.get_execution_options().get("rnn_write"):
            connection.exec_driver_sql("BEGIN IMMEDIATE")    # reads run without a transaction

    def _read(self, sql: str, params: dict) -> list[tuple]:
        for attempt in range(2):            # once more on a connection a restart broke
            try:
                with self.engine.connect() as db:
                    return [tuple(r) for r in db.execute(text(sql), params).fetchall()]
            except SQLAlchemyError:
                if attempt:
                    raise StoreUnreachable() from None
        raise AssertionError("unreachable")

    @contextmanager
    def _write(self):
        """One write transaction that holds the write lock from its start."""
        try:
            with self.engine.connect() as conn:
                conn = conn.execution_options(rnn_write=True)
                with conn.begin():
                    if not self.sqlite:
                        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": WRITE_LOCK})
                    yield _Db(conn)
        except SQLAlchemyError:
            raise StoreUnreachable() from None

    def counts(self) -> dict[str, int]:
        """Rows per table (rooms, students, votes), for tests and benchmarks."""
        return {t: int(self._read(f"SELECT COUNT(*) FROM {t}", {})[0][0])
                for t in ("rooms", "students", "votes")}

    def dispose(self) -> None:
        """Close the pooled connections (a replica shutting down; tests)."""
        self.engine.dispose()

    # -- rooms ---------------------------------------------------------------------------------
    def create_room(self, question: str, step: int = 0) -> NewRoom:
        _check(_QUESTION, question, "question key")
        now = self.clock()
        token = secrets.token_urlsafe(24)
        with self._write() as db:
            self._purge(db, now)
            (active,) = db.one("SELECT COUNT(*) FROM rooms")
            if active >= self.limits.max_rooms:
                raise CapReached(f"This server already has {active} classes running (the limit "
                                 f"is {self.limits.max_rooms}). Try again when one has ended.")
            for _ in range(20):
                code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
                if db.one("SELECT 1 FROM rooms WHERE code = :c", c=code) is None:
                    break                            # the same code twice: vanishingly rare
            else:                                    # pragma: no cover
                raise ClassroomError("Could not make a new room code; try again.")
            db.run("INSERT INTO rooms (code, token_hash, created, expires, step, question, "
                   "revealed, version) VALUES (:c, :h, :now, :exp, :step, :q, 0, 0)",
                   c=code, h=_hash(token), now=now, exp=now + self.limits.room_seconds,
                   step=int(step), q=question)
        return NewRoom(self.room(code), token)

    def room(self, code: str) -> Room:
        code = normalise_code(code)
        rows = self._read(
            "SELECT code, step, question, revealed, created, expires, version FROM rooms "
            "WHERE code = :c AND expires > :now", {"c": code, "now": self.clock()})
        if not rows:
            raise RoomNotFound("No class with this code is running (it may have ended). "
                               "Check the code on the screen.")
        row = rows[0]
        return Room(row[0], int(row[1]), row[2], bool(row[3]), row[4], row[5], int(row[6]))

    def _teacher(self, db, code: str, token: object) -> str:
        code = normalise_code(code)
        row = db.one("SELECT token_hash FROM rooms WHERE code = :c AND expires > :now",
                     c=code, now=self.clock())
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
            db.run("UPDATE rooms SET step = :s, question = :q, revealed = 0, "
                   "version = version + 1 WHERE code = :c", s=int(step), q=question, c=code)
        return self.room(code)

    def reveal(self, code: str, token: str) -> Room:
        """Close the vote on the current question and show everyone the answer."""
        with self._write() as db:
            code = self._teacher(db, code, token)
            db.run("UPDATE rooms SET revealed = 1, version = version + 1 WHERE code = :c", c=code)
        return self.room(code)

    def close_room(self, code: str, token: str) -> None:
        with self._write() as db:
            code = self._teacher(db, code, token)
            db.run("DELETE FROM rooms WHERE code = :c", c=code)

    def _purge(self, db, now: float) -> None:
        db.run("DELETE FROM rooms WHERE expires <= :now", now=now)   # cascades to students, votes

    def purge_expired(self) -> None:
        with self._write() as db:
            self._purge(db, self.clock())

    # -- students and votes --------------------------------------------------------------------
    def join(self, code: str, student: str) -> Room:
        """Let ``student`` into the room (idempotent); refused once the room is full."""
        _check(_STUDENT, student, "student id")
        room = self.room(code)
        with self._write() as db:
            if db.one("SELECT 1 FROM students WHERE code = :c AND student = :s",
                      c=room.code, s=student) is None:
                (n,) = db.one("SELECT COUNT(*) FROM students WHERE code = :c", c=room.code)
                if n >= self.limits.max_students:
                    raise CapReached(f"This class is full ({n} students).")
                db.run("INSERT INTO students (code, student, joined) VALUES (:c, :s, :t)",
                       c=room.code, s=student, t=self.clock())
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
            if db.one("SELECT 1 FROM students WHERE code = :c AND student = :s",
                      c=room[0], s=student) is None:
                raise ClassroomError("Join the class first.")
            if db.one("SELECT 1 FROM votes WHERE code = :c AND student = :s AND question = :q",
                      c=room[0], s=student, q=question):
                return False
            (n,) = db.one("SELECT COUNT(*) FROM votes")
            if n >= self.limits.max_votes:
                raise CapReached("This server has taken all the votes it can for now.")
            db.run("INSERT INTO votes (code, student, question, choice, at) "
                   "VALUES (:c, :s, :q, :ch, :t)", c=room[0], s=student, q=question, ch=choice,
                   t=self.clock())
        return True

    def _room_in(self, db, code: str) -> tuple:
        code = normalise_code(code)
        row = db.one("SELECT code, question, revealed FROM rooms WHERE code = :c AND expires > :now",
                     c=code, now=self.clock())
        if row is None:
            raise RoomNotFound("This class has ended.")
        return row

    def my_vote(self, code: str, student: str, question: str) -> int | None:
        _check(_STUDENT, student, "student id")
        _check(_QUESTION, question, "question key")
        rows = self._read("SELECT choice FROM votes WHERE code = :c AND student = :s AND question = :q",
                          {"c": normalise_code(code), "s": student, "q": question})
        return int(rows[0][0]) if rows else None

    def tally(self, code: str, question: str, n_choices: int) -> list[int]:
        """Votes per choice on ``question``: ``counts[i]`` = how many chose choice i."""
        _check(_QUESTION, question, "question key")
        counts = [0] * n_choices
        for choice, n in self._read(
                "SELECT choice, COUNT(*) FROM votes WHERE code = :c AND question = :q GROUP BY choice",
                {"c": normalise_code(code), "q": question}):
            if 0 <= choice < n_choices:
                counts[choice] = int(n)
        return counts

    def student_count(self, code: str) -> int:
        ((n,),) = self._read("SELECT COUNT(*) FROM students WHERE code = :c", {"c": normalise_code(code)})
        return int(n)

    def export_csv(self, code: str, token: str,
                   describe: Callable[[str, int], tuple[str, str]] | None = None) -> str:
        """Every vote in the room, as CSV (teacher only). Students appear as "student 1", "student
        2"... in the order they joined: the export names no one. ``describe(question, choice)``
        → (question text, choice text) adds readable columns."""
        with self._write() as db:
            code = self._teacher(db, code, token)
            # ties in time go in the order written: SQLite's rowid; PostgreSQL's inserting
            # transaction (every write is one, and writes take turns)
            then = "rowid" if self.sqlite else "xmin::text::bigint"
            order = {s: i + 1 for i, (s,) in enumerate(db.all(
                f"SELECT student FROM students WHERE code = :c ORDER BY joined, {then}", c=code))}
            rows = db.all("SELECT question, student, choice, at FROM votes WHERE code = :c "
                          f"ORDER BY at, {then}", c=code)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["question_key", "question", "student", "choice", "answer", "voted_at_utc"])
        for question, student, choice, at in rows:
            text_, answer = describe(question, choice) if describe else ("", "")
            stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(at))
            writer.writerow([_csv_cell(v) for v in (question, text_, f"student {order.get(student, 0)}",
                                                    choice, answer, stamp)])
        return out.getvalue()


class _Db:
    """A write transaction's connection, with short helpers for text statements."""

    def __init__(self, conn):
        self.conn = conn

    def run(self, sql: str, **params) -> None:
        self.conn.execute(text(sql), params)

    def one(self, sql: str, **params):
        row = self.conn.execute(text(sql), params).fetchone()
        return None if row is None else tuple(row)

    def all(self, sql: str, **params) -> list[tuple]:
        return [tuple(r) for r in self.conn.execute(text(sql), params).fetchall()]


class SQLiteStore(SQLStore):
    """The default store: one SQLite file at ``path`` (made, with its folder, on first use)."""

    def __init__(self, path: str | Path, limits: Limits = Limits(),
                 clock: Callable[[], float] = time.time):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreUnavailable(f"cannot make {self.path.parent}: {exc}") from None
        super().__init__(f"sqlite:///{self.path}", limits, clock)
