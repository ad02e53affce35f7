"""Real PostgreSQL and Redis for the tests that need them (bench/services.py starts them).

Locally, a test that needs a server that is not installed is skipped; CI sets
``RNN_PLAYGROUND_REQUIRE_SERVICES=1`` (.ci/run installs both), which turns that skip into a
failure, the way ``RNN_PLAYGROUND_REQUIRE_BROWSER`` does for Chromium. Import the fixtures into a
test module to use them: ``from services import postgres, redis_server``.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.services import Postgres, Redis, postgres_available, redis_available  # noqa: E402

REQUIRE = os.environ.get("RNN_PLAYGROUND_REQUIRE_SERVICES", "").strip().lower() in ("1", "true", "yes")


def _missing(what: str) -> None:
    message = f"{what} is not installed (apt-get install {what.lower()}; .ci/run does)"
    if REQUIRE:
        pytest.fail(message + " and RNN_PLAYGROUND_REQUIRE_SERVICES=1 requires it")
    pytest.skip(message)


@pytest.fixture(scope="session")
def postgres(tmp_path_factory):
    """A PostgreSQL server for the session (``.url``, ``.restart()``)."""
    if not postgres_available():
        _missing("PostgreSQL")
    server = Postgres(tmp_path_factory.mktemp("pg"))
    with server:
        yield server


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """A Redis server for the session (``.url``, ``.restart()``)."""
    if not redis_available():
        _missing("redis-server")
    server = Redis(tmp_path_factory.mktemp("redis"))
    with server:
        yield server


def wipe_postgres(url: str) -> None:
    """Empty the poll tables (each test starts from an empty database)."""
    from sqlalchemy import create_engine, text
    engine = create_engine("postgresql+psycopg://" + url.split("://", 1)[1])
    with engine.begin() as db:
        db.execute(text("DROP TABLE IF EXISTS votes, students, rooms CASCADE"))
    engine.dispose()
