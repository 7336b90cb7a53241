"""Optional ``router.args_model``: ask a small model for one tool's arguments, showing it only that schema."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import orjson

from proxy.upstream import Upstream
from router.types import ToolSpec

PROMPT = (
    "Extract the arguments for the tool `{name}` ({description}) from the conversation. "
    "Reply with one JSON object that matches this JSON Schema and nothing else; leave out any value "
    "the conversation does not state.\nSchema: {schema}"
)


def make_args_llm(upstream: Upstream, model: str, loop: asyncio.AbstractEventLoop,
                  timeout_s: float = 30.0) -> Callable[[ToolSpec, list[dict[str, Any]]], dict[str, Any] | None]:
    """A sync callable for the argument filler (it runs in a worker thread) that calls the upstream."""

    def ask(tool: ToolSpec, messages: list[dict[str, Any]]) -> dict[str, Any] | None:
        convo = [m for m in messages if m.get("role") in ("user", "assistant") and isinstance(m.get("content"), str)]
        system = PROMPT.format(name=tool.name, description=tool.description,
                               schema=orjson.dumps(tool.parameters).decode())
        body = {"model": model, "messages": [{"role": "system", "content": system}, *convo[-6:]],
                "temperature": 0}
        fut = asyncio.run_coroutine_threadsafe(upstream.complete(body), loop)
        try:
            completion = fut.result(timeout_s)
            text = completion["choices"][0]["message"].get("content") or ""
            start, end = text.find("{"), text.rfind("}")
            value = orjson.loads(text[start : end + 1]) if start >= 0 else None
        except Exception:
            return None
        return value if isinstance(value, dict) else None

    return ask
