"""Database URLs, engines and schema migrations (Alembic driven from code).

SQLite is the default (``sqlite:///toolproxy.db``); PostgreSQL works by URL and always goes through
the psycopg 3 driver. Alembic's scripts live in the installed ``migrations`` package, so upgrades
work from any working directory without an ``alembic.ini`` on disk.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url

DEFAULT_URL = "sqlite:///toolproxy.db"


def normalize_url(url: str | None) -> str:
    """Return ``url`` with the driver toolproxy uses (psycopg 3 for PostgreSQL)."""
    if not url:
        return DEFAULT_URL
    for prefix in ("postgresql://", "postgres://", "postgresql+psycopg2://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def json_dumps(value: Any) -> str:
    """JSON for JSON/JSONB columns: UTF-8 text as is (readable in SQL), numpy values, ``str()`` fallback."""
    option = orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY
    return orjson.dumps(value, default=str, option=option).decode()


def is_sqlite(url: str) -> bool:
    return make_url(normalize_url(url)).get_backend_name() == "sqlite"


def make_engine(url: str | None = None, *, busy_timeout_s: float = 5.0, **kwargs: Any) -> Engine:
    """Create an engine for ``url``.

    SQLite connections use WAL journaling (readers never block the writer), a busy timeout of
    ``busy_timeout_s`` and enforced foreign keys. PostgreSQL connections are pre-pinged so a pool
    survives a server restart, and give up connecting after 5 s. JSON is written by orjson, with
    non-ASCII text kept readable. Extra keyword arguments go to ``sqlalchemy.create_engine``.
    """
    url = normalize_url(url)
    kwargs.setdefault("json_serializer", json_dumps)
    if is_sqlite(url):
        connect_args = dict(kwargs.pop("connect_args", {}))
        connect_args.setdefault("timeout", busy_timeout_s)
        connect_args.setdefault("check_same_thread", False)
        engine = create_engine(url, connect_args=connect_args, **kwargs)
        in_memory = make_url(url).database in (None, "", ":memory:")
        busy_ms = int(busy_timeout_s * 1000)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            try:
                if not in_memory:
                    cursor.execute("PRAGMA journal_mode=WAL")
                    cursor.execute("PRAGMA synchronous=NORMAL")
                cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
                cursor.execute("PRAGMA foreign_keys=ON")
            finally:
                cursor.close()

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    connect_args = dict(kwargs.pop("connect_args", {}))
    connect_args.setdefault("connect_timeout", 5)
    return create_engine(url, connect_args=connect_args, **kwargs)


def migrations_dir() -> Path:
    """The installed ``migrations`` package directory (Alembic's script location)."""
    import migrations

    return Path(migrations.__file__).resolve().parent


def alembic_config(url: str | None = None) -> Config:
    """An Alembic ``Config`` built in code, pointed at ``url``."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["url"] = normalize_url(url)
    return config


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """Migrate the database at ``url`` up to ``revision``."""
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str | None, revision: str) -> None:
    """Migrate the database at ``url`` down to ``revision`` (``"base"`` drops every table)."""
    command.downgrade(alembic_config(url), revision)


def head_revision() -> str:
    """The newest revision shipped with this version of toolproxy."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships revisions
        raise RuntimeError("no migration revisions found")
    return head


def current_revision(url: str | None = None) -> str | None:
    """The revision the database at ``url`` is at, or ``None`` for an unmigrated database."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def is_up_to_date(url: str | None = None) -> bool:
    """True when the database at ``url`` is at the head revision."""
    return current_revision(url) == head_revision()
