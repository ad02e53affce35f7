"""The class-poll store's contract, on SQLite and on PostgreSQL (the same tests, ``db`` is the
parameter): one vote per student per question, the teacher's token, expiry, caps, hostile input,
many threads at once, and votes that outlive the server process and a database restart.
PostgreSQL tests skip where it is not installed, except in CI (tests/services.py)."""
from __future__ import annotations

import csv
import io
import sqlite3
import subprocess
import sys
import threading

import pytest

from rnn.classroom import (CapReached, ClassroomError, Limits, NotTeacher, RoomNotFound,
                           SQLiteStore, SQLStore, join_url, new_student_id, normalise_code, qr_svg)
from services import postgres, wipe_postgres  # noqa: F401 (fixture)
from rnn.classroom.rooms import CODE_ALPHABET, CODE_LENGTH

Q1, Q2 = "course.onehot", "ner.teddy_unidirectional"


class Clock:
    def __init__(self, t: float = 1_000_000.0):
        self.t = t

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture(params=["sqlite", "postgresql"])
def make_store(request, tmp_path):
    """``make_store(limits, clock)``: an empty store on this test's database."""
    made = []

    def make(limits=Limits(), clock=None):
        kwargs = {"clock": clock} if clock else {}
        if request.param == "sqlite":
            s = SQLiteStore(tmp_path / "sub" / "polls.sqlite3", limits, **kwargs)
        else:
            s = SQLStore(request.getfixturevalue("postgres").url, limits, **kwargs)
        made.append(s)
        return s

    if request.param == "postgresql":
        wipe_postgres(request.getfixturevalue("postgres").url)
    yield make
    for s in made:
        s.dispose()


@pytest.fixture
def store(make_store, clock):
    return make_store(Limits(room_seconds=3600, max_rooms=3, max_students=5, max_votes=12), clock)


def students(store, code, n):
    ids = [new_student_id() for _ in range(n)]
    for s in ids:
        store.join(code, s)
    return ids


def test_created_on_first_use_in_wal_mode(tmp_path):
    path = tmp_path / "a" / "b" / "polls.sqlite3"
    assert not path.exists()
    SQLiteStore(path)
    assert path.exists()
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_one_vote_per_student_per_question(store):
    new = store.create_room(Q1)
    a, b = students(store, new.room.code, 2)
    assert store.vote(new.room.code, a, Q1, 1) is True
    assert store.vote(new.room.code, a, Q1, 0) is False          # the first vote stands
    assert store.vote(new.room.code, b, Q1, 1) is True
    assert store.tally(new.room.code, Q1, 3) == [0, 2, 0]
    assert store.my_vote(new.room.code, a, Q1) == 1
    # the next question is a new vote for the same student
    store.show(new.room.code, new.token, 1, Q2)
    assert store.vote(new.room.code, a, Q2, 0) is True
    assert store.tally(new.room.code, Q2, 2) == [1, 0]
    assert store.tally(new.room.code, Q1, 3) == [0, 2, 0]


def test_votes_only_on_the_current_question_before_the_reveal(store):
    new = store.create_room(Q1)
    code = new.room.code
    (a, b) = students(store, code, 2)
    with pytest.raises(ClassroomError, match="moved on"):
        store.vote(code, a, Q2, 0)
    store.vote(code, a, Q1, 0)
    room = store.reveal(code, new.token)
    assert room.revealed and room.version == 1
    with pytest.raises(ClassroomError, match="closed"):
        store.vote(code, b, Q1, 0)
    assert store.tally(code, Q1, 2) == [1, 0]
    room = store.show(code, new.token, 4, Q2)            # the next step hides the answer again
    assert (room.step, room.question, room.revealed, room.version) == (4, Q2, False, 2)


def test_a_student_must_join_first(store):
    new = store.create_room(Q1)
    with pytest.raises(ClassroomError, match="Join"):
        store.vote(new.room.code, new_student_id(), Q1, 0)


def test_only_the_teacher_token_advances_reveals_and_exports(store):
    new = store.create_room(Q1)
    code = new.room.code
    other = store.create_room(Q1)
    for token in (None, "", code, other.token, new.token + "x", "' OR 1=1 --", "a" * 10_000):
        with pytest.raises(NotTeacher):
            store.reveal(code, token)
        with pytest.raises(NotTeacher):
            store.show(code, token, 1, Q2)
        with pytest.raises(NotTeacher):
            store.export_csv(code, token)
        with pytest.raises(NotTeacher):
            store.close_room(code, token)
    assert store.room(code).version == 0
    store.reveal(code, new.token)
    assert store.room(code).revealed


def test_rooms_expire_with_their_votes(store, clock, tmp_path):
    new = store.create_room(Q1)
    code = new.room.code
    (a,) = students(store, code, 1)
    store.vote(code, a, Q1, 0)
    clock.t += 3599
    assert store.room(code).code == code
    clock.t += 2
    for call in (lambda: store.room(code), lambda: store.join(code, new_student_id()),
                 lambda: store.vote(code, a, Q1, 1), lambda: store.reveal(code, new.token)):
        with pytest.raises(RoomNotFound):
            call()
    store.purge_expired()
    assert store.counts() == {"rooms": 0, "students": 0, "votes": 0}


def test_caps_on_rooms_students_and_votes(store, clock):
    rooms = [store.create_room(Q1) for _ in range(3)]
    with pytest.raises(CapReached, match="3 classes"):
        store.create_room(Q1)
    code = rooms[0].room.code
    ids = students(store, code, 5)
    store.join(code, ids[0])                          # joining twice is not a second student
    with pytest.raises(CapReached, match="full"):
        store.join(code, new_student_id())
    assert store.student_count(code) == 5
    # 12 votes per server: 5 + 5 on two questions, then 2 in another room, then full
    for s in ids:
        store.vote(code, s, Q1, 0)
    store.show(code, rooms[0].token, 1, Q2)
    for s in ids:
        store.vote(code, s, Q2, 1)
    other = rooms[1].room.code
    more = students(store, other, 3)
    store.vote(other, more[0], Q1, 0)
    store.vote(other, more[1], Q1, 0)
    with pytest.raises(CapReached, match="votes"):
        store.vote(other, more[2], Q1, 0)
    # expired rooms free their place and their votes
    clock.t += 3601
    assert store.create_room(Q1).room.code


def test_hostile_codes_and_texts_are_refused_with_a_message(store):
    new = store.create_room(Q1)
    code = new.room.code
    (a,) = students(store, code, 1)
    hostile = ["", None, "'; DROP TABLE votes; --", "ABCD-EFG", "ABCDEFGHI", "abcd efgh\x00",
               "<script>alert(1)</script>", "ÄBCDEFGH", "O0O0O0O0", "1" * 100_000, 12345678]
    for bad in hostile:
        with pytest.raises(ClassroomError) as err:
            store.room(bad)
        assert "code" in str(err.value) or "class" in str(err.value)
    assert normalise_code(code.lower()[:4] + " - " + code.lower()[4:]) == code
    for bad in ["", "x", "'; DROP TABLE rooms; --", "a" * 65, "ü" * 10, None, 5]:
        with pytest.raises(ClassroomError):
            store.join(code, bad)
    for bad in ["", "Course.X", "x" * 200, "a.b.c", "1; DELETE FROM votes", None]:
        with pytest.raises(ClassroomError):
            store.vote(code, a, bad, 0)
        with pytest.raises(ClassroomError):
            store.create_room(bad)
    for bad in [-1, 12, 10**20, 1.5, "0", True, None]:
        with pytest.raises(ClassroomError):
            store.vote(code, a, Q1, bad)
    # nothing above reached the tables
    assert store.tally(code, Q1, 2) == [0, 0] and store.student_count(code) == 1


def test_codes_are_long_random_and_unambiguous(make_store):
    s = make_store(Limits(max_rooms=200))
    codes = {s.create_room(Q1).room.code for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == CODE_LENGTH and set(c) <= set(CODE_ALPHABET) for c in codes)
    assert not set("01OIL") & set(CODE_ALPHABET)
    assert len(CODE_ALPHABET) ** CODE_LENGTH > 10**11
    # every letter position takes many values: the codes are not a counter
    assert all(len({c[i] for c in codes}) > 15 for i in range(CODE_LENGTH))


def test_many_threads_voting_at_once_every_vote_counted_once(make_store):
    store = make_store(Limits(max_students=100))
    new = store.create_room(Q1)
    code = new.room.code
    ids = [new_student_id() for _ in range(60)]
    results: list[bool] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(30)

    def student(mine):
        try:
            barrier.wait()
            for s in mine:
                store.join(code, s)
                # every student presses twice; only the first counts
                results.append(store.vote(code, s, Q1, ids.index(s) % 3))
                results.append(store.vote(code, s, Q1, 0))
        except BaseException as exc:       # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=student, args=(ids[i::30],)) for i in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert results.count(True) == 60 and results.count(False) == 60
    assert sum(store.tally(code, Q1, 3)) == 60 and store.student_count(code) == 60


def test_votes_survive_a_server_restart(tmp_path):
    path = tmp_path / "p.sqlite3"
    store = SQLiteStore(path)
    new = store.create_room(Q1)
    ids = students(store, new.room.code, 3)
    for i, s in enumerate(ids):
        store.vote(new.room.code, s, Q1, i % 2)
    # a separate process reads them: nothing was kept only in this one's memory
    out = subprocess.run([sys.executable, "-c",
                          "import sys; from rnn.classroom import SQLiteStore; "
                          f"s = SQLiteStore(sys.argv[1]); print(s.tally({new.room.code!r}, {Q1!r}, 2)); "
                          f"s.reveal({new.room.code!r}, {new.token!r})", str(path)],
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[2, 1]"
    again = SQLiteStore(path)
    assert again.tally(new.room.code, Q1, 2) == [2, 1] and again.room(new.room.code).revealed
    with pytest.raises(ClassroomError, match="closed"):
        again.vote(new.room.code, ids[0], Q1, 1)


def test_csv_export_names_no_one_and_cannot_run_formulas(store):
    new = store.create_room(Q1)
    code = new.room.code
    a, b = students(store, code, 2)
    store.vote(code, b, Q1, 1)
    store.vote(code, a, Q1, 0)

    def describe(question, choice):
        return "=HYPERLINK(\"http://x\")", ["+1", "@home"][choice]

    rows = list(csv.DictReader(io.StringIO(store.export_csv(code, new.token, describe))))
    assert [(r["question_key"], r["student"], r["choice"]) for r in rows] == [
        (Q1, "student 2", "1"), (Q1, "student 1", "0")]
    assert a not in str(rows) and b not in str(rows)
    assert all(r["question"].startswith("'=") for r in rows)
    assert [r["answer"] for r in rows] == ["'@home", "'+1"]


def test_join_link_and_qr_code():
    assert join_url("http://host:8501/Classroom?presenter=1", "ABCDEFGH") == \
        "http://host:8501/Classroom?room=ABCDEFGH"
    svg = qr_svg("http://host:8501/Classroom?room=ABCDEFGH")
    assert svg.lstrip().startswith("<svg") and svg.rstrip().endswith("</svg>") and len(svg) > 500
    # the symbol encodes the link: another room gives another code
    assert svg != qr_svg("http://host:8501/Classroom?room=XXXXXXXX")


def test_vote_chart_hides_the_answer_until_the_reveal():
    from rnn.plots.classroom import NEUTRAL, RIGHT, WRONG, vote_figure

    choices = ("One W_aa, the same at every step", "50, one per word", "None")
    before = vote_figure(choices, [5, 2, 0], answer=0, revealed=False)
    bar = before.data[0]
    assert list(bar.x) == [5, 2, 0] and set(bar.marker.color) == {NEUTRAL}
    assert not any("✓" in label for label in bar.y)
    assert list(bar.text) == ["5  (71%)", "2  (29%)", "0  (0%)"]
    assert "7 votes" in before.layout.title.text
    after = vote_figure(choices, [5, 2, 0], answer=1, revealed=True)
    assert list(after.data[0].marker.color) == [WRONG, RIGHT, WRONG]
    assert "✓" in after.data[0].y[1] and after.data[0].y[0].startswith("(a) ")
    long = vote_figure(["It also tags unknown ordinary words (“invented”, “spell”) as names"], [1],
                       label_width=20)
    assert long.data[0].y[0] == "(a) It also tags unknown<br>ordinary words…"     # two lines
    assert "spell" in long.data[0].customdata[0]
    empty = vote_figure(choices, [], answer=0)          # no votes yet: zeros, no division by 0
    assert list(empty.data[0].x) == [0, 0, 0] and "0 votes" in empty.layout.title.text


def test_a_new_thread_per_run_reuses_pooled_connections(tmp_path):
    """Streamlit runs each script run in a new thread: 200 runs must not open 200 connections."""
    store = SQLiteStore(tmp_path / "p.sqlite3")
    code = store.create_room(Q1).room.code
    before = store.connections_opened
    for _ in range(200):
        t = threading.Thread(target=lambda: (store.room(code), store.tally(code, Q1, 2)))
        t.start()
        t.join()
    assert store.connections_opened - before <= 1 and store.connections_opened <= SQLiteStore.POOL_SIZE


def test_postgresql_votes_survive_a_database_restart_and_the_store_reconnects(postgres):
    """A restarted PostgreSQL keeps the votes cast; the store's pooled connections are checked
    before use, so the class goes on without restarting the app."""
    wipe_postgres(postgres.url)
    store = SQLStore(postgres.url)
    new = store.create_room(Q1)
    code = new.room.code
    ids = students(store, code, 4)
    for i, s in enumerate(ids[:3]):
        assert store.vote(code, s, Q1, i % 2)
    postgres.restart()
    assert store.tally(code, Q1, 2) == [2, 1]                     # still there
    assert store.vote(code, ids[3], Q1, 1) and not store.vote(code, ids[0], Q1, 1)
    assert store.tally(code, Q1, 2) == [2, 2]
    store.dispose()


def test_two_replicas_share_one_postgresql_and_count_every_vote_once(postgres):
    """Two app replicas (two stores, two pools) behind a proxy: a student's vote is counted once
    whichever replica takes it, and the teacher on either sees the same tally."""
    wipe_postgres(postgres.url)
    a, b = SQLStore(postgres.url, Limits(max_students=100)), SQLStore(postgres.url, Limits(max_students=100))
    new = a.create_room(Q1)
    code = new.room.code
    ids = [new_student_id() for _ in range(40)]
    results, errors = [], []

    def student(s, i):
        try:
            first, second = (a, b) if i % 2 else (b, a)
            first.join(code, s)
            results.append(first.vote(code, s, Q1, i % 3))
            results.append(second.vote(code, s, Q1, 0))       # a retry through the other replica
        except BaseException as exc:   # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=student, args=(s, i)) for i, s in enumerate(ids)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert results.count(True) == 40 and results.count(False) == 40
    assert a.tally(code, Q1, 3) == b.tally(code, Q1, 3) and sum(a.tally(code, Q1, 3)) == 40
    b.reveal(code, new.token)
    assert a.room(code).revealed
    a.dispose(), b.dispose()


def test_postgresql_down_mid_class_reads_as_a_message_and_recovers(postgres):
    """While PostgreSQL is down a vote gets a message (a ClassroomError, which the page shows),
    not a traceback; once it is back the same store works and the earlier votes are there."""
    from rnn.classroom.store import StoreUnreachable
    wipe_postgres(postgres.url)
    store = SQLStore(postgres.url)
    new = store.create_room(Q1)
    code = new.room.code
    a, b = students(store, code, 2)
    store.vote(code, a, Q1, 1)
    postgres.stop()
    try:
        with pytest.raises(ClassroomError, match="not answering") as caught:
            store.vote(code, b, Q1, 0)
        assert isinstance(caught.value, StoreUnreachable)
        with pytest.raises(ClassroomError):
            store.tally(code, Q1, 2)
    finally:
        postgres.start()
    assert store.tally(code, Q1, 2) == [0, 1] and store.vote(code, b, Q1, 0)
    store.dispose()
