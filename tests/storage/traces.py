"""Builders of realistic ``TraceRecord``s for storage tests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from storage.records import StepRecord, TraceRecord


def tool_def(name: str) -> dict[str, Any]:
    return {"type": "function", "function": {"name": name, "description": f"{name} tool", "parameters": {}}}


def make_trace(
    i: int = 0,
    *,
    route: str = "passthrough",
    route_tool: str | None = None,
    llm_tool: str | None = None,
    decision: str | None | bool = False,
    decision_status: str = "unsure",
    mode: str = "intercept",
    tools: tuple[str, ...] = ("get_weather", "search_web"),
    content: str | None = None,
    status_code: int = 200,
    created_at: datetime | None = None,
    prompt_tokens: int | None = 100,
    completion_tokens: int | None = 20,
    latency_ms: float | None = 12.5,
) -> TraceRecord:
    """A trace with an upstream step, plus a decision step when ``decision`` is a tool or None."""
    steps: list[StepRecord] = []
    if decision is not False:
        tool = decision if isinstance(decision, str) else None
        steps.append(
            StepRecord(kind="decision", tool=tool, status=decision_status, payload={"confidence": 0.5})
        )
    steps.append(StepRecord(kind="upstream", status="ok", duration_ms=8.0, tool=llm_tool, payload={"n": i}))
    trace = TraceRecord(
        model="fake-model",
        mode=mode,
        route=route,
        route_tool=route_tool,
        llm_tool=llm_tool,
        confidence=0.5 if decision is not False else None,
        status_code=status_code,
        request={
            "model": "fake-model",
            "messages": [{"role": "user", "content": content or f"question number {i}"}],
            "tools": [tool_def(t) for t in tools],
        },
        response={"choices": [{"message": {"role": "assistant", "content": f"answer {i}"}}]},
        prompt_tokens=prompt_tokens,
        completion_tokens=completion_tokens,
        latency_ms=latency_ms,
        steps=steps,
    )
    if created_at is not None:
        trace.created_at = created_at
    return trace
