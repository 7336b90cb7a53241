"""Storage fixtures: a migrated database per test, on SQLite and on the real PostgreSQL server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from storage.db import make_engine, upgrade
from tests.pg import LocalPostgres, temp_database

TABLES = ("steps", "feedback", "checkpoints", "exchanges")


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A database of its own on the shared server for this test session (dropped at the end)."""
    with temp_database("tp_test_storage") as url:
        yield url


@pytest.fixture(scope="session")
def pg_migrated(pg_database: str) -> str:
    upgrade(pg_database)
    return pg_database


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database: a fresh SQLite file, or the session's PostgreSQL database emptied."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'storage.db'}"
        upgrade(url)
        yield url
        return
    url = request.getfixturevalue("pg_migrated")
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY"))
    engine.dispose()
    yield url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def local_pg() -> Iterator[LocalPostgres]:
    """A private PostgreSQL server this test may stop and restart."""
    server = LocalPostgres().init()
    try:
        server.start()
        yield server
    finally:
        server.cleanup()
