"""SQLAlchemy ORM models: the tables people query.

- ``exchanges``: one row per client request, id = the trace id sent in ``x-toolproxy-trace-id``.
- ``steps``: what happened inside an exchange, in order (``seq``). By convention a ``decision`` or
  ``shadow_decision`` step's ``tool`` column holds the router's choice (NULL = no tool), an
  ``upstream`` step is one LLM call, a ``tool_run`` step one executor call.
- ``checkpoints``: router checkpoints; at most one is ``active``.
- ``feedback``: explicit corrections (``correct_tool`` NULL = "no tool was needed"); they win over
  every other label in training. ``exchange_id`` is indexed but not a foreign key, so feedback can be
  stored before the recorder has written its exchange.

JSON columns are JSONB on PostgreSQL and JSON (text) on SQLite. Timestamps are stored in UTC and
read back timezone-aware.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    false,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

JSONType = JSON().with_variant(JSONB(), "postgresql")
BigIntPK = BigInteger().with_variant(Integer(), "sqlite")  # SQLite autoincrements INTEGER keys only


class UTCDateTime(TypeDecorator[datetime]):
    """``TIMESTAMP WITH TIME ZONE``; values are written in UTC and read back aware (UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSONType}


class Exchange(Base):
    __tablename__ = "exchanges"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
    model: Mapped[str | None] = mapped_column(String(255))
    stream: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    mode: Mapped[str | None] = mapped_column(String(16))
    route: Mapped[str | None] = mapped_column(String(255))
    route_tool: Mapped[str | None] = mapped_column(String(255))
    llm_tool: Mapped[str | None] = mapped_column(String(255))
    confidence: Mapped[float | None] = mapped_column(Float)
    router_version: Mapped[str | None] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer, default=200, server_default="200")
    error: Mapped[str | None] = mapped_column(Text)
    request: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    response: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    prompt_tokens: Mapped[int | None] = mapped_column(Integer)
    completion_tokens: Mapped[int | None] = mapped_column(Integer)
    total_tokens: Mapped[int | None] = mapped_column(Integer)
    tokens_saved: Mapped[int | None] = mapped_column(Integer)
    latency_ms: Mapped[float | None] = mapped_column(Float)
    upstream_ms: Mapped[float | None] = mapped_column(Float)
    client_key_id: Mapped[str | None] = mapped_column(String(64))

    steps: Mapped[list[Step]] = relationship(
        back_populates="exchange", cascade="all, delete-orphan", passive_deletes=True, order_by="Step.seq"
    )

    __table_args__ = (
        Index("ix_exchanges_created_at", "created_at"),
        Index("ix_exchanges_route", "route"),
        Index("ix_exchanges_route_tool", "route_tool"),
        Index("ix_exchanges_llm_tool", "llm_tool"),
    )


class Step(Base):
    __tablename__ = "steps"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    exchange_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("exchanges.id", ondelete="CASCADE"), nullable=False
    )
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    tool: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str | None] = mapped_column(String(32))
    duration_ms: Mapped[float | None] = mapped_column(Float)
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())

    exchange: Mapped[Exchange] = relationship(back_populates="steps")

    __table_args__ = (
        Index("ix_steps_exchange_id_seq", "exchange_id", "seq"),
        Index("ix_steps_kind", "kind"),
        Index("ix_steps_tool", "tool"),
    )


class Checkpoint(Base):
    __tablename__ = "checkpoints"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    version: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    path: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
    active: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    metrics: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    meta: Mapped[dict[str, Any] | None] = mapped_column(JSONType)

    __table_args__ = (Index("ix_checkpoints_active", "active"),)


class Feedback(Base):
    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    exchange_id: Mapped[str] = mapped_column(String(32), nullable=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
    correct_tool: Mapped[str | None] = mapped_column(String(255))
    note: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_feedback_exchange_id", "exchange_id"),)
