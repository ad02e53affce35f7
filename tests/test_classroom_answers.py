"""The teacher's CSV: question, correct answer, each student's choice and whether it was right."""
from __future__ import annotations

import csv
import io

from rnn.classroom import SQLiteStore
from rnn.classroom.answers import COLUMNS, answers_csv, class_csv
from rnn.lessons import course


def rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_one_row_per_vote_with_the_correct_answer_and_whether_it_was_right(tmp_path):
    store = SQLiteStore(tmp_path / "polls.sqlite3")
    steps = course.steps()
    first, second = steps[0], steps[1]
    new = store.create_room(first.key, 0)
    code, token = new.room.code, new.token
    ch = first.challenge
    wrong = (ch.answer + 1) % len(ch.choices)
    for student, choice in (("student-aaaa1", ch.answer), ("student-bbbb2", wrong)):
        store.join(code, student)
        assert store.vote(code, student, first.key, choice)
    store.show(code, token, 1, second.key)
    assert store.vote(code, "student-bbbb2", second.key, second.challenge.answer)

    out = rows(class_csv(store, code, token, course.find))
    assert list(out[0]) == COLUMNS
    assert len(out) == 3
    right = f"({chr(97 + ch.answer)}) {ch.right_choice}"
    assert out[0] == {**out[0], "question_key": first.key, "question": ch.question,
                      "correct_answer": right, "student": "student 1", "choice": right,
                      "right": "yes"}
    assert out[1]["student"] == "student 2" and out[1]["right"] == "no"
    assert out[1]["choice"] == f"({chr(97 + wrong)}) {ch.choices[wrong]}"
    assert out[1]["correct_answer"] == right
    assert out[2]["question"] == second.challenge.question and out[2]["right"] == "yes"
    assert out[2]["student"] == "student 2"


def test_unknown_questions_and_formula_like_text_are_safe():
    class Q:
        question = "=HYPERLINK(\"x\")"
        choices = ["+1", "two"]
        answer = 0

    raw = ("question_key,question,student,choice,answer,voted_at_utc\n"
           "a.q,,student 1,1,,2026-01-01 00:00:00\n"
           "gone.q,,student 2,3,,2026-01-01 00:00:01\n")
    out = rows(answers_csv(raw, lambda key: Q() if key == "a.q" else None))
    assert out[0]["question"].startswith("'=") and out[0]["correct_answer"] == "(a) +1"
    assert out[0]["choice"] == "(b) two" and out[0]["right"] == "no"
    assert out[1] == {**out[1], "question": "", "correct_answer": "", "choice": "3", "right": ""}


def test_vote_chart_labels_of_answers_that_start_alike_stay_apart():
    from rnn.plots.classroom import vote_figure

    choices = ["Both near 100 %", "Left-to-right near 50 %, bidirectional near 100 %",
               "Both near 50 %", "Left-to-right near 0 %, bidirectional near 50 %"]
    labels = list(vote_figure(choices, [0, 0, 0, 0], label_width=20).data[0].y)
    assert len({label[4:] for label in labels}) == 4, labels     # without the letters, still apart
    assert all(label.count("<br>") <= 1 for label in labels)
