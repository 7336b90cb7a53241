"""Initial schema: exchanges, steps, checkpoints, feedback.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
BIGINT_PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "exchanges",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("created_at", TIMESTAMP, nullable=False, server_default=sa.func.now()),
        sa.Column("model", sa.String(255)),
        sa.Column("stream", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("mode", sa.String(16)),
        sa.Column("route", sa.String(255)),
        sa.Column("route_tool", sa.String(255)),
        sa.Column("llm_tool", sa.String(255)),
        sa.Column("confidence", sa.Float()),
        sa.Column("router_version", sa.String(64)),
        sa.Column("status_code", sa.Integer(), nullable=False, server_default="200"),
        sa.Column("error", sa.Text()),
        sa.Column("request", JSON),
        sa.Column("response", JSON),
        sa.Column("prompt_tokens", sa.Integer()),
        sa.Column("completion_tokens", sa.Integer()),
        sa.Column("total_tokens", sa.Integer()),
        sa.Column("tokens_saved", sa.Integer()),
        sa.Column("latency_ms", sa.Float()),
        sa.Column("upstream_ms", sa.Float()),
        sa.Column("client_key_id", sa.String(64)),
    )
    op.create_index("ix_exchanges_created_at", "exchanges", ["created_at"])
    op.create_index("ix_exchanges_route", "exchanges", ["route"])
    op.create_index("ix_exchanges_route_tool", "exchanges", ["route_tool"])
    op.create_index("ix_exchanges_llm_tool", "exchanges", ["llm_tool"])

    op.create_table(
        "steps",
        sa.Column("id", BIGINT_PK, primary_key=True, autoincrement=True),
        sa.Column(
            "exchange_id",
            sa.String(32),
            sa.ForeignKey("exchanges.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("tool", sa.String(255)),
        sa.Column("status", sa.String(32)),
        sa.Column("duration_ms", sa.Float()),
        sa.Column("payload", JSON),
        sa.Column("error", sa.Text()),
        sa.Column("created_at", TIMESTAMP, nullable=False, server_default=sa.func.now()),
    )
    op.create_index("ix_steps_exchange_id_seq", "steps", ["exchange_id", "seq"])
    op.create_index("ix_steps_kind", "steps", ["kind"])
    op.create_index("ix_steps_tool", "steps", ["tool"])

    op.create_table(
        "checkpoints",
        sa.Column("id", BIGINT_PK, primary_key=True, autoincrement=True),
        sa.Column("version", sa.String(64), nullable=False, unique=True),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False, server_default=sa.func.now()),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("metrics", JSON),
        sa.Column("meta", JSON),
    )
    op.create_index("ix_checkpoints_active", "checkpoints", ["active"])

    op.create_table(
        "feedback",
        sa.Column("id", BIGINT_PK, primary_key=True, autoincrement=True),
        sa.Column("exchange_id", sa.String(32), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False, server_default=sa.func.now()),
        sa.Column("correct_tool", sa.String(255)),
        sa.Column("note", sa.Text()),
    )
    op.create_index("ix_feedback_exchange_id", "feedback", ["exchange_id"])


def downgrade() -> None:
    op.drop_table("feedback")
    op.drop_table("checkpoints")
    op.drop_table("steps")
    op.drop_table("exchanges")
