"""Classroom mode: live predict-first polls for a class (rooms, votes, the join link's QR code).

    open_store(settings) -> PollStore     the server's store: PostgreSQL when RNN_PLAYGROUND_DB
                                          names one, else the SQLite file from the settings
    join_url(base, code) -> str           the page link with the room code as a query parameter
    qr_svg(url) -> str                    a QR code of the link, as SVG markup

No Streamlit here; pages/8_Classroom.py lays the views out.
"""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlencode

from rnn.classroom.rooms import (CapReached, ClassroomError, Limits, NotTeacher, PollStore, Room,
                                 RoomNotFound, new_student_id, normalise_code, pretty_code)
from rnn.classroom.store import SQLiteStore, SQLStore, StoreUnavailable

ROOT = Path(__file__).resolve().parents[2]
ROOM_PARAM = "room"
DB_ENV = "RNN_PLAYGROUND_DB"

__all__ = ["CapReached", "ClassroomError", "Limits", "NotTeacher", "PollStore", "Room",
           "RoomNotFound", "SQLiteStore", "SQLStore", "StoreUnavailable", "DB_ENV", "new_student_id", "normalise_code", "pretty_code",
           "open_store", "limits_from", "join_url", "qr_svg", "ROOM_PARAM"]


def limits_from(settings) -> Limits:
    return Limits(room_seconds=settings.classroom_room_hours * 3600,
                  max_rooms=settings.classroom_max_rooms,
                  max_students=settings.classroom_max_students,
                  max_votes=settings.classroom_max_votes)


def db_path(settings) -> Path:
    path = Path(settings.classroom_db).expanduser()
    return path if path.is_absolute() else ROOT / path


def open_store(settings) -> PollStore:
    """The store this server uses: the database ``RNN_PLAYGROUND_DB`` names (``postgresql://...``,
    shared by several app replicas; docs/DEPLOY.md), else the settings' SQLite file."""
    url = os.environ.get(DB_ENV, "").strip()
    if url:
        return SQLStore(url, limits_from(settings))
    return SQLiteStore(db_path(settings), limits_from(settings))


def join_url(base: str, code: str) -> str:
    """``base`` (the classroom page's address) with ``?room=CODE``."""
    return f"{base.split('?')[0].rstrip('/')}?{urlencode({ROOM_PARAM: code})}"


def qr_svg(url: str) -> str:
    """A QR code for ``url`` as SVG markup (segno: pure Python, no image libraries).
    Medium error correction survives a projector's glare; a quiet zone of 4 modules is the
    standard's minimum for phone cameras."""
    import io

    import segno

    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="svg", scale=8, border=4,
                                                 dark="#111111", xmldecl=False)
    return out.getvalue().decode()
