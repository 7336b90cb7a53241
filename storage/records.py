"""Plain records the proxy hands to the recorder. No SQLAlchemy here: cheap to build on the hot path."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


def new_trace_id() -> str:
    return uuid.uuid4().hex


@dataclass
class StepRecord:
    """One step inside an exchange.

    kind: "decision" | "arguments" | "tool_run" | "upstream" | "shadow_decision" | "fallback" | "chain"
    """

    kind: str
    tool: str | None = None
    status: str | None = None  # "ok", "error", "timeout", ...
    duration_ms: float | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


@dataclass
class TraceRecord:
    """One exchange (client request → response) with its steps."""

    id: str = field(default_factory=new_trace_id)
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    model: str | None = None
    stream: bool = False
    mode: str | None = None  # observe | shadow | intercept
    route: str | None = None  # local:<tool> | rule:<tool> | none | fallback | passthrough | client_tool:<tool>
    route_tool: str | None = None  # tool toolproxy chose (local/rule/client_tool), else None
    llm_tool: str | None = None  # first tool the upstream LLM called (fallback/shadow/observe)
    confidence: float | None = None
    router_version: str | None = None
    status_code: int = 200
    error: str | None = None
    request: dict[str, Any] | None = None
    response: dict[str, Any] | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    tokens_saved: int | None = None  # estimated prompt tokens not sent (tool schemas stripped)
    latency_ms: float | None = None
    upstream_ms: float | None = None
    client_key_id: str | None = None
    steps: list[StepRecord] = field(default_factory=list)
    started: float = field(default_factory=time.perf_counter, repr=False)
