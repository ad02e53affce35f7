"""The Classroom page in AppTest: the course path, a teacher's class and students voting."""
from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from pagetest import fresh_cache, page_path  # noqa: F401  (fixture)
from rnn.classroom import SQLiteStore, new_student_id
from rnn.lessons import course

PAGE = page_path("8_Classroom.py")
STEPS = course.steps()


@pytest.fixture(autouse=True)
def own_db(tmp_path, monkeypatch):
    db = tmp_path / "polls.sqlite3"
    monkeypatch.setenv("RNN_PLAYGROUND_CLASSROOM_DB", str(db))
    return db


@pytest.fixture(autouse=True)
def cookies(monkeypatch):
    """AppTest has no browser and so no cookies: a test's "browser" sends the cookie it keeps in
    the session state's ``_test_cookie`` (the real one is read from ``st.context.cookies``)."""
    import streamlit as st

    from rnn.ui import classroom_student as ui

    monkeypatch.setattr(ui, "browser_cookies", lambda: (
        {ui.COOKIE: st.session_state["_test_cookie"]} if "_test_cookie" in st.session_state else {}))


def run(x) -> AppTest:
    """Run an AppTest, or the AppTest of a widget just changed; no exception."""
    at = x.run()
    assert not at.exception, at.exception
    return at


def texts(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [e.value for kind in ("success", "info", "warning", "error") for e in at.get(kind)]
    parts += [h.proto.body for h in at.get("html")]
    return "\n".join(str(p) for p in parts)


def chart_counts(at) -> list[int]:
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    return list(spec["data"][0]["x"])


def teacher() -> AppTest:
    at = run(AppTest.from_file(PAGE, default_timeout=30))
    return at


def student(code: str, me: str | None = None, cookie: bool = True) -> AppTest:
    """A phone opening the join link; its browser keeps the student id ``me`` (a new one by
    default) as its cookie. ``cookie=False``: a browser that has none yet."""
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.query_params["room"] = code
    if cookie:
        at.session_state["_test_cookie"] = me if me is not None else new_student_id()
    return run(at)


def test_course_path_is_the_notes_order_and_holds_every_page_question():
    from rnn.lessons.challenges import ALL

    keys = [step.key for step in STEPS]
    assert course.missing() == []
    assert set(ALL) <= set(keys) and set(course.OWN) <= set(keys) and len(keys) == len(set(keys))
    assert all(STEPS[i].challenge is ALL.get(k, course.OWN.get(k)) for i, k in enumerate(keys))
    order = ["course.onehot", "course.parameter_sharing", "course.taxonomy", "ner.unseen_names",
             "textgen.temperature_high", "sentiment.not_good", "gradflow.radius_up",
             "gradflow.relu_clipping", "gradflow.sweep", "bidirectional.jordan", "course.deep_rnn",
             "translation.length_race", "translation.attention_ninety",
             "translation.teacher_forcing", "course.beam_search"]
    assert [k for k in keys if k in order] == order
    for step in STEPS:                        # every step is a poll: choices and a right answer
        assert len(step.challenge.choices) >= 2 and step.challenge.right_choice


def test_course_path_back_next_contents_and_result():
    at = teacher()
    assert f"Step 1 of {len(STEPS)}" in texts(at)
    assert STEPS[0].challenge.question in texts(at)
    assert at.button(key="cls_back").disabled
    run(at.button(key="cls_next").click())
    assert f"Step 2 of {len(STEPS)}" in texts(at) and STEPS[1].challenge.question in texts(at)
    # the result (the hint and the right answer) only once asked for
    assert STEPS[1].challenge.hint not in texts(at)
    run(at.toggle(key="cls_show_result").set_value(True))
    assert STEPS[1].challenge.hint in texts(at) and STEPS[1].challenge.right_choice in texts(at)
    # the contents list jumps anywhere; Next moves on and hides the result again
    last = len(STEPS) - 1
    run(at.selectbox(key="cls_contents_1").set_value(last))
    assert f"Step {last + 1} of {len(STEPS)}" in texts(at)
    assert at.button(key="cls_next").disabled
    run(at.button(key="cls_back").click())
    assert f"Step {last} of {len(STEPS)}" in texts(at)
    assert not at.session_state["cls_show_result"]


def test_open_experiment_sets_the_steps_widgets():
    at = teacher()
    k = next(i for i, s in enumerate(STEPS) if s.challenge.state and s.challenge.tab)
    run(at.selectbox(key="cls_contents_0").set_value(k))
    run(at.button(key=f"cls_open_{k}").click())
    for key, value in STEPS[k].challenge.state.items():
        assert at.session_state[key] == value
    assert at.session_state["tab"] == STEPS[k].challenge.tab


def test_a_class_teacher_and_students_vote_and_see_the_reveal(own_db):
    at = teacher()
    run(at.button(key="cls_start").click())
    info = at.session_state["cls_teacher"]
    code, token = info["code"], info["token"]
    assert token not in json.dumps(dict(at.query_params))
    assert f"{code[:4]}-{code[4:]}" in texts(at)
    assert at.get("imgs") or at.get("image"), "the join QR code is shown"
    question = STEPS[0].challenge
    assert chart_counts(at) == [0] * len(question.choices)

    students = [student(code) for _ in range(3)]
    for i, s in enumerate(students):
        assert question.question in texts(s)
        assert question.hint not in texts(s)
        run(s.button(key=f"cls_vote_0_{i % 2}").click())
        assert "Answer sent" in texts(s)
        assert not [b for b in s.button if b.key and b.key.startswith("cls_vote_")], "one vote only"
    expected = [0] * len(question.choices)
    for i in range(3):
        expected[i % 2] += 1
    assert SQLiteStore(own_db).tally(code, question.key, len(question.choices)) == expected
    run(at)
    assert chart_counts(at) == expected
    assert "3 of 3 students have answered" in texts(at)

    run(at.button(key="cls_reveal").click())
    for i, s in enumerate(students):
        run(s)
        shown = texts(s)
        assert question.hint in shown and question.right_choice in shown
        assert ("You got it." in shown) == (i % 2 == question.answer)

    # the teacher moves the class on: students see the next question, voting open again
    run(at.button(key="cls_next").click())
    run(students[0])
    assert STEPS[1].challenge.question in texts(students[0])
    assert students[0].button(key="cls_vote_2_0")

    # the teacher can export; a student has no teacher control at all
    assert at.get("download_button")[0].proto.label == "Answers as CSV"
    for s in students:
        keys = {b.key for b in s.button}
        assert not keys & {"cls_reveal", "cls_next", "cls_back", "cls_end", "cls_start"}
        assert not s.get("download_button")


def test_reload_keeps_the_student_one_voter(own_db):
    at = teacher()
    run(at.button(key="cls_start").click())
    code = at.session_state["cls_teacher"]["code"]
    me = new_student_id()
    s = student(code, me=me)
    assert "me" not in s.query_params                 # the id is the browser's cookie, not the URL's
    run(s.button(key="cls_vote_0_1").click())
    again = student(code, me=me)               # the same phone reloads the page, or opens a tab
    assert not [b for b in again.button if b.key and b.key.startswith("cls_vote_")]
    assert "your answer" in texts(again)
    assert sum(SQLiteStore(own_db).tally(code, STEPS[0].key, 4)) == 1


@pytest.mark.parametrize("bad", ["", "NOPE", "'; DROP TABLE rooms; --", "<b>x</b>" * 40,
                                 "ABCDEFGH", "\x00\x01"])
def test_bad_or_unknown_codes_get_a_message(bad):
    s = student(bad)
    errors = [e.value for e in s.error]
    assert errors and ("code" in errors[0] or "class" in errors[0])
    assert s.text_input[0].label == "Room code"       # and a box to type the right one


def test_presenter_view_flag():
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.query_params["presenter"] = "1"
    run(at)
    assert "The course, step by step" not in texts(at)          # no page title: the step fills it
    assert STEPS[0].challenge.question in texts(at)
    assert any("font-size:2.0rem" in h.proto.body for h in at.get("html"))


def test_a_browser_without_the_cookie_is_given_one_before_it_can_vote(own_db):
    """No cookie yet: the page hands the browser a new id to keep and reloads; no buttons, no
    student in the room until the browser comes back with it."""
    at = teacher()
    run(at.button(key="cls_start").click())
    code = at.session_state["cls_teacher"]["code"]
    s = student(code, cookie=False)
    minted = s.session_state["cls_student_minted"]
    keep = [h.proto.body for h in s.get("html") if "Joining the class" in h.proto.body]
    assert keep and f"'{minted}'" in keep[0] and "document.cookie" in keep[0]
    assert not [b for b in s.button if b.key and b.key.startswith("cls_vote_")]
    assert SQLiteStore(own_db).student_count(code) == 0
    run(s)                                             # a rerun before the reload: the same id
    assert s.session_state["cls_student_minted"] == minted


@pytest.mark.parametrize("me", ["'; DROP TABLE votes; --", "x", "a" * 500, "<script>", ""])
def test_a_forged_student_cookie_is_refused(own_db, me):
    at = teacher()
    run(at.button(key="cls_start").click())
    code = at.session_state["cls_teacher"]["code"]
    s = student(code, me=me)
    assert not [b for b in s.button if b.key and b.key.startswith("cls_vote_")]
    assert "<script>" not in "".join(h.proto.body.split("<script>", 1)[0] for h in s.get("html"))
    assert SQLiteStore(own_db).student_count(code) == 0


def test_an_expired_class_tells_the_teacher_and_the_students(own_db, monkeypatch):
    at = teacher()
    run(at.button(key="cls_start").click())
    code = at.session_state["cls_teacher"]["code"]
    import sqlite3
    with sqlite3.connect(own_db) as db:
        db.execute("UPDATE rooms SET expires = 0")
    run(at)
    assert "has ended" in texts(at) and "cls_teacher" not in at.session_state
    s = student(code)
    assert s.error and "No class with this code" in s.error[0].value


def test_ending_the_class_and_revealing_an_ended_one(own_db):
    at = teacher()
    run(at.button(key="cls_start").click())
    code = at.session_state["cls_teacher"]["code"]
    other = teacher()                                   # a second tab of the same class? no:
    assert "cls_teacher" not in other.session_state     # the token lives in one session only
    import sqlite3
    with sqlite3.connect(own_db) as db:                 # the class expires under the teacher
        db.execute("UPDATE rooms SET expires = 0")
    run(at.button(key="cls_reveal").click())            # a message, not a traceback
    assert "has ended" in texts(at)
    at2 = teacher()
    run(at2.button(key="cls_start").click())
    code2 = at2.session_state["cls_teacher"]["code"]
    assert code2 != code
    run(at2.button(key="cls_end").click())              # asks first: nothing ended yet
    assert "cls_teacher" in at2.session_state and SQLiteStore(own_db).room(code2)
    assert "votes are deleted" in texts(at2)
    run(at2.button(key="cls_end_cancel").click())       # kept
    assert "cls_teacher" in at2.session_state and SQLiteStore(own_db).room(code2)
    run(at2.button(key="cls_end").click())
    run(at2.button(key="cls_end_confirm").click())      # confirmed: ended
    assert "cls_teacher" not in at2.session_state
    assert student(code2).error                          # its students are told it has ended


def test_an_unwritable_database_leaves_the_course_working(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("RNN_PLAYGROUND_CLASSROOM_DB", str(blocker / "polls.sqlite3"))
    at = teacher()
    assert at.warning and "Live classes are off" in at.warning[0].value
    assert STEPS[0].challenge.question in texts(at) and at.button(key="cls_start").disabled
    run(at.button(key="cls_next").click())
    assert f"Step 2 of {len(STEPS)}" in texts(at)
    s = student("ABCDEFGH")                         # a student link shows the same note
    assert s.warning and not s.exception


def test_open_the_experiment_writes_every_setting_into_the_address():
    """The address "Open the experiment" opens alone (a fresh session, nothing in session_state)
    sets every widget the step needs: the link is the whole experiment."""
    from rnn.ui.classroom import experiment_params

    checked = 0
    for step in STEPS:
        state = dict(step.challenge.state)
        if not state:
            continue
        at = AppTest.from_file(page_path(step.page_path.split("/")[-1]), default_timeout=60)
        for key, value in experiment_params(step).items():
            at.query_params[key] = value
        run(at)
        for key, value in state.items():
            assert at.session_state[key] == value, (step.key, key)
        checked += 1
    assert checked >= 5
