"""Server-sent events in OpenAI's chunk format, and turning chunks back into a response record."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import orjson

from proxy.upstream import Chunk

DONE = b"data: [DONE]\n\n"


def sse(raw: bytes) -> bytes:
    return b"data: " + raw + b"\n\n"


def chunks_from_completion(completion: dict[str, Any], include_usage: bool) -> list[bytes]:
    """Re-emit a finished completion as stream chunks (role+content/tool_calls, finish, usage)."""
    base = {k: completion.get(k) for k in ("id", "created", "model")}
    base["object"] = "chat.completion.chunk"
    out: list[bytes] = []
    for choice in completion.get("choices", []):
        msg = choice.get("message") or {}
        delta: dict[str, Any] = {"role": "assistant", "content": msg.get("content")}
        if msg.get("tool_calls"):
            delta["tool_calls"] = [{**c, "index": i} for i, c in enumerate(msg["tool_calls"])]
        idx = choice.get("index", 0)
        out.append(orjson.dumps({**base, "choices": [{"index": idx, "delta": delta, "finish_reason": None}]}))
        out.append(orjson.dumps({**base, "choices": [{"index": idx, "delta": {},
                                                      "finish_reason": choice.get("finish_reason")}]}))
    if include_usage and completion.get("usage"):
        out.append(orjson.dumps({**base, "choices": [], "usage": completion["usage"]}))
    return out


class Accumulator:
    """Folds stream chunks into a compact response record (content, tool calls, finish reason, usage)."""

    def __init__(self) -> None:
        self.content: list[str] = []
        self.tool_calls: dict[int, dict[str, Any]] = {}
        self.finish_reason: str | None = None
        self.usage: dict[str, Any] | None = None
        self.model: str | None = None

    def add(self, chunk: dict[str, Any]) -> None:
        if chunk.get("usage"):
            self.usage = chunk["usage"]
        self.model = self.model or chunk.get("model")
        for choice in chunk.get("choices") or ():
            delta = choice.get("delta") or {}
            if delta.get("content"):
                self.content.append(delta["content"])
            for tc in delta.get("tool_calls") or ():
                slot = self.tool_calls.setdefault(int(tc.get("index", 0)), {"name": "", "arguments": ""})
                fn = tc.get("function") or {}
                slot["name"] += fn.get("name") or ""
                slot["arguments"] += fn.get("arguments") or ""
            if choice.get("finish_reason"):
                self.finish_reason = choice["finish_reason"]

    def record(self) -> dict[str, Any]:
        message: dict[str, Any] = {"role": "assistant", "content": "".join(self.content) or None}
        if self.tool_calls:
            message["tool_calls"] = [{"type": "function", "function": v} for _, v in sorted(self.tool_calls.items())]
        return {"model": self.model, "choices": [{"index": 0, "message": message, "finish_reason": self.finish_reason}],
                "usage": self.usage}


async def relay(chunks: AsyncIterator[Chunk], acc: Accumulator, client_wants_usage: bool) -> AsyncIterator[bytes]:
    """Pass upstream chunks through as SSE; drop the usage-only chunk the client did not ask for."""
    async for raw, chunk in chunks:
        acc.add(chunk)
        if not client_wants_usage and not chunk.get("choices") and chunk.get("usage"):
            continue
        yield sse(raw)
