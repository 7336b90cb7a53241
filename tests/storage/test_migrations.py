"""Alembic migrations: one head, round trips on both databases, schema == models, URL sources."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from storage import db
from storage.models import Base
from tests.pg import temp_database

REPO = Path(__file__).resolve().parents[2]
TABLES = {"exchanges", "steps", "checkpoints", "feedback"}


def _tables(url: str) -> set[str]:
    engine = db.make_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_exactly_one_head() -> None:
    script = ScriptDirectory.from_config(db.alembic_config())
    assert len(script.get_heads()) == 1
    assert script.get_current_head() == db.head_revision()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
    else:
        with temp_database("tp_test_migrations") as url:
            yield url


def test_upgrade_downgrade_round_trip(empty_url: str) -> None:
    assert db.current_revision(empty_url) is None
    assert not db.is_up_to_date(empty_url)
    db.upgrade(empty_url)
    assert db.current_revision(empty_url) == db.head_revision()
    assert db.is_up_to_date(empty_url)
    assert _tables(empty_url) == TABLES
    db.downgrade(empty_url, "base")
    assert db.current_revision(empty_url) is None
    assert _tables(empty_url) == set()
    db.upgrade(empty_url)
    assert _tables(empty_url) == TABLES
    assert db.is_up_to_date(empty_url)


def test_migrated_schema_matches_models(db_url: str) -> None:
    engine = db.make_engine(db_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()


def test_indexes_exist(db_url: str) -> None:
    engine = db.make_engine(db_url)
    try:
        inspector = inspect(engine)
        exchange_indexes = {tuple(ix["column_names"]) for ix in inspector.get_indexes("exchanges")}
        step_indexes = {tuple(ix["column_names"]) for ix in inspector.get_indexes("steps")}
    finally:
        engine.dispose()
    assert {("created_at",), ("route",), ("route_tool",), ("llm_tool",)} <= exchange_indexes
    assert {("exchange_id", "seq"), ("kind",), ("tool",)} <= step_indexes


def test_postgres_urls_use_psycopg3() -> None:
    assert db.normalize_url("postgresql://u@h/d") == "postgresql+psycopg://u@h/d"
    assert db.normalize_url("postgres://u@h/d") == "postgresql+psycopg://u@h/d"
    assert db.normalize_url(None) == db.DEFAULT_URL
    engine = db.make_engine("postgresql://postgres@127.0.0.1:5432/test")
    assert engine.dialect.driver == "psycopg"


def test_sqlite_engine_uses_wal_and_busy_timeout(tmp_path: Path) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'x.db'}", busy_timeout_s=1.5)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 1500
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def _alembic(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "alembic", "-c", str(REPO / "migrations" / "alembic.ini"), *args],
        capture_output=True,
        text=True,
        cwd="/",
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def test_alembic_command_line_takes_db_or_config(tmp_path: Path) -> None:
    by_url = tmp_path / "by_url.db"
    result = _alembic("-x", f"db=sqlite:///{by_url}", "upgrade", "head")
    assert result.returncode == 0, result.stderr
    assert db.current_revision(f"sqlite:///{by_url}") == db.head_revision()

    by_config = tmp_path / "by_config.db"
    config = tmp_path / "toolproxy.yaml"
    config.write_text(f"model_list: []\nstorage:\n  url: sqlite:///{by_config}\n")
    result = _alembic("-x", f"config={config}", "upgrade", "head")
    assert result.returncode == 0, result.stderr
    assert db.current_revision(f"sqlite:///{by_config}") == db.head_revision()
    assert db.current_revision(f"sqlite:///{by_url}") == db.head_revision()


def test_alembic_config_url_may_come_from_the_environment(tmp_path: Path) -> None:
    target = tmp_path / "from_env.db"
    config = tmp_path / "toolproxy.yaml"
    config.write_text("storage:\n  url: os.environ/TP_TEST_DB_URL\n")
    result = _alembic(
        "-x", f"config={config}", "upgrade", "head", env={"TP_TEST_DB_URL": f"sqlite:///{target}"}
    )
    assert result.returncode == 0, result.stderr
    assert db.current_revision(f"sqlite:///{target}") == db.head_revision()
