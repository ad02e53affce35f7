"""The class's answers as a CSV a teacher can open in a spreadsheet: one row per vote with the
question, its correct answer, the student's choice and whether it was right.

The store exports the raw votes (``PollStore.export_csv``: question key, anonymous student number,
choice index, time); this module turns them into readable rows with the course's questions, so the
store needs to know nothing about the course. No Streamlit here.
"""
from __future__ import annotations

import csv
import io
from typing import Callable

from rnn.classroom.rooms import PollStore

COLUMNS = ["question_key", "question", "correct_answer", "student", "choice", "right",
           "voted_at_utc"]


def _cell(value: object) -> object:
    """Spreadsheets run cells that start with = + - @ as formulas; quote them as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _letter(i: int) -> str:
    return f"({chr(97 + i)})"


def answers_csv(raw: str, find: Callable[[str], object | None]) -> str:
    """``raw``: the store's export (columns question_key, student, choice, voted_at_utc at least);
    ``find(key)`` → the question (``.question``, ``.choices``, ``.answer``) or None when the course
    no longer has it. "right" is yes/no, or empty for an open question or an unknown one."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in csv.DictReader(io.StringIO(raw)):
        key = row.get("question_key", "")
        try:
            choice = int(row.get("choice", ""))
        except ValueError:
            choice = -1
        q = find(key)
        choices = list(getattr(q, "choices", []) or [])
        answer = getattr(q, "answer", None)
        picked = f"{_letter(choice)} {choices[choice]}" if 0 <= choice < len(choices) else str(choice)
        correct = f"{_letter(answer)} {choices[answer]}" if answer is not None and \
            0 <= answer < len(choices) else ""
        right = "" if not correct else ("yes" if choice == answer else "no")
        writer.writerow([_cell(v) for v in (key, getattr(q, "question", ""), correct,
                                            row.get("student", ""), picked, right,
                                            row.get("voted_at_utc", ""))])
    return out.getvalue()


def class_csv(store: PollStore, code: str, token: str,
              find: Callable[[str], object | None]) -> str:
    """Every vote of the room ``code`` as readable rows (teacher only: the store checks ``token``)."""
    return answers_csv(store.export_csv(code, token), find)
