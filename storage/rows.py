"""Turn ``TraceRecord``s into database rows, to and from spool lines, and insert them idempotently.

A *row* is a plain dict with the ``exchanges`` columns plus ``"steps"`` (a list of dicts with the
``steps`` columns except the keys). Rows are what the recorder writes and what the spool holds, so a
spooled record is already redacted.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, cast

import orjson
from sqlalchemy import Connection, String, Table, TextClause, insert, select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from storage.models import Exchange, Step
from storage.records import TraceRecord

Row = dict[str, Any]

REDACTED = "[REDACTED]"

_EXCHANGE_COLUMNS = [c.name for c in Exchange.__table__.columns]
_STRING_LIMITS: dict[str, int] = {
    c.name: c.type.length
    for table in (Exchange.__table__, Step.__table__)
    for c in table.columns
    if isinstance(c.type, String) and c.type.length and c.name not in ("id", "exchange_id")
}


class Redactor:
    """Replace every match of the given regex patterns by ``[REDACTED]`` in string values.

    ``clean`` also makes any value storable as JSON on both databases: NUL characters (refused by
    PostgreSQL text and JSONB) become U+FFFD, non-finite floats become ``None`` and unknown
    objects become their ``str()``.
    """

    def __init__(self, patterns: Iterable[str] = ()) -> None:
        self.patterns = [re.compile(p) for p in patterns]

    def text(self, value: str) -> str:
        for pattern in self.patterns:
            value = pattern.sub(REDACTED, value)
        return value.replace("\x00", "\ufffd") if "\x00" in value else value

    def clean(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if value is None or isinstance(value, bool | int):
            return value
        if isinstance(value, float):
            return value if math.isfinite(value) else None
        if isinstance(value, dict):
            return {str(k).replace("\x00", "\ufffd"): self.clean(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.clean(v) for v in value]
        return self.text(str(value))


def _limit(name: str, value: str | None) -> str | None:
    limit = _STRING_LIMITS.get(name)
    return value[:limit] if value is not None and limit else value


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def trace_to_row(trace: TraceRecord, redactor: Redactor, *, store_bodies: bool = True) -> Row:
    """Build the row for ``trace``: redacted, cleaned, bodies dropped when ``store_bodies`` is off."""

    def text(name: str, value: str | None) -> str | None:
        return _limit(name, redactor.text(value)) if value is not None else None

    total = None
    if trace.prompt_tokens is not None or trace.completion_tokens is not None:
        total = (trace.prompt_tokens or 0) + (trace.completion_tokens or 0)
    created_at = _aware(trace.created_at)
    return {
        "id": trace.id,
        "created_at": created_at,
        "model": text("model", trace.model),
        "stream": bool(trace.stream),
        "mode": text("mode", trace.mode),
        "route": text("route", trace.route),
        "route_tool": text("route_tool", trace.route_tool),
        "llm_tool": text("llm_tool", trace.llm_tool),
        "confidence": redactor.clean(trace.confidence),
        "router_version": text("router_version", trace.router_version),
        "status_code": int(trace.status_code),
        "error": text("error", trace.error),
        "request": redactor.clean(trace.request) if store_bodies else None,
        "response": redactor.clean(trace.response) if store_bodies else None,
        "prompt_tokens": trace.prompt_tokens,
        "completion_tokens": trace.completion_tokens,
        "total_tokens": total,
        "tokens_saved": trace.tokens_saved,
        "latency_ms": redactor.clean(trace.latency_ms),
        "upstream_ms": redactor.clean(trace.upstream_ms),
        "client_key_id": text("client_key_id", trace.client_key_id),
        "steps": [
            {
                "seq": seq,
                "kind": text("kind", step.kind) or "",
                "tool": text("tool", step.tool),
                "status": text("status", step.status),
                "duration_ms": redactor.clean(step.duration_ms),
                "payload": redactor.clean(step.payload),
                "error": text("error", step.error),
                "created_at": created_at,
            }
            for seq, step in enumerate(trace.steps)
        ],
    }


def row_to_json(row: Row) -> bytes:
    """One spool line (without the newline)."""
    return orjson.dumps(row, option=orjson.OPT_NAIVE_UTC)


def row_from_json(line: bytes) -> Row:
    row: Row = orjson.loads(line)
    row["created_at"] = datetime.fromisoformat(row["created_at"])
    for step in row.get("steps") or []:
        step["created_at"] = datetime.fromisoformat(step["created_at"])
    return row


def _recordset_insert(table: Table, columns: list[str], conflict: str | None) -> TextClause:
    """PostgreSQL: insert a whole batch passed as one JSON array parameter.

    One small statement instead of thousands of bind parameters: psycopg's query conversion of
    a multi-row VALUES statement costs more CPU than the database's own work.
    """
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    definitions = ", ".join(f"{name} {table.c[name].type.compile(dialect=dialect)}" for name in columns)
    names = ", ".join(columns)
    sql = f"INSERT INTO {table.name} ({names}) SELECT {names} FROM jsonb_to_recordset(CAST(:rows AS JSONB)) AS r({definitions})"
    if conflict:
        sql += f" ON CONFLICT ({conflict}) DO NOTHING RETURNING {conflict}"
    return text(sql)


_STEP_COLUMNS = [c.name for c in Step.__table__.columns if c.name != "id"]
_PG_INSERT_EXCHANGES = _recordset_insert(cast(Table, Exchange.__table__), _EXCHANGE_COLUMNS, "id")
_PG_INSERT_STEPS = _recordset_insert(cast(Table, Step.__table__), _STEP_COLUMNS, None)


def _json_param(values: list[dict[str, Any]]) -> str:
    return orjson.dumps(values, option=orjson.OPT_NAIVE_UTC).decode()


def insert_rows(conn: Connection, rows: Sequence[Row]) -> int:
    """Insert ``rows`` (exchanges and their steps) in the caller's transaction.

    Idempotent: an exchange whose id is already stored, or repeated within ``rows``, is skipped
    together with its steps (``ON CONFLICT DO NOTHING``, so concurrent writers are covered too;
    ``RETURNING`` tells which exchanges are ours to add steps to). Returns the number inserted.
    """
    unique: dict[str, Row] = {}
    for row in rows:
        unique.setdefault(row["id"], row)
    # Sorted ids: concurrent writers lock rows in the same order, so they cannot deadlock.
    fresh = sorted(unique.values(), key=lambda row: row["id"])
    if not fresh:
        return 0
    values = [{name: row.get(name) for name in _EXCHANGE_COLUMNS} for row in fresh]
    postgres = conn.dialect.name == "postgresql"
    if postgres:
        inserted = set(conn.execute(_PG_INSERT_EXCHANGES, {"rows": _json_param(values)}).scalars())
    else:
        existing = set(conn.execute(select(Exchange.id).where(Exchange.id.in_(unique))).scalars())
        values = [v for v in values if v["id"] not in existing]
        if not values:
            return 0
        stmt = sqlite_insert(Exchange).on_conflict_do_nothing(index_elements=["id"]).returning(Exchange.id)
        inserted = set(conn.execute(stmt, values).scalars())
    steps = [
        {"exchange_id": row["id"], **step} for row in fresh if row["id"] in inserted for step in row["steps"]
    ]
    if steps:
        if postgres:
            conn.execute(_PG_INSERT_STEPS, {"rows": _json_param(steps)})
        else:
            conn.execute(insert(Step), steps)
    return len(inserted)
