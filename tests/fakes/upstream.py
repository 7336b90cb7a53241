"""A small OpenAI-compatible upstream for tests and benchmarks, scriptable and fault-injecting.

Behaviour by request:
- default: answers ``"echo: <text of the last message>"`` with usage computed from sizes;
- ``script``: a queue of canned replies (``{"tool_calls": [...]}`` or ``{"content": ...}``) used in order;
- faults by model name: ``error-<status>``, ``slow-<seconds>``, ``malformed`` (bad JSON), ``cut`` (stream ends
  mid-way without [DONE]), ``badshape`` (JSON without choices).
Every request body is kept in ``received``.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections import deque
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route


def _text(content: Any) -> str:
    if isinstance(content, list):
        return " ".join(p.get("text", "") for p in content if isinstance(p, dict))
    return content or ""


class FakeUpstream:
    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.script: deque[dict[str, Any]] = deque()
        self.app = Starlette(routes=[Route("/v1/chat/completions", self.chat, methods=["POST"]),
                                     Route("/v1/models", self.models, methods=["GET"])])

    def reset(self) -> None:
        self.received.clear()
        self.headers.clear()
        self.script.clear()

    async def models(self, request: Request) -> Response:
        return JSONResponse({"object": "list", "data": [{"id": "fake-model", "object": "model"}]})

    async def chat(self, request: Request) -> Response:
        body = await request.json()
        self.received.append(body)
        self.headers.append(dict(request.headers))
        model = str(body.get("model", ""))
        if model.startswith("error-"):
            status = int(model.split("-", 1)[1])
            return JSONResponse({"error": {"message": f"fake upstream error {status}", "type": "fake",
                                           "code": None}}, status_code=status)
        if model.startswith("slow-"):
            await asyncio.sleep(float(model.split("-", 1)[1]))
        if model == "malformed":
            return Response(b"{not json", media_type="application/json")
        if model == "badshape":
            return JSONResponse({"hello": "world"})
        reply = self.script.popleft() if self.script else {"content": "echo: " + _text(body["messages"][-1].get("content"))}
        message: dict[str, Any] = {"role": "assistant", "content": reply.get("content")}
        finish = "stop"
        if reply.get("tool_calls"):
            message["tool_calls"] = [
                {"id": "call_" + uuid.uuid4().hex[:8], "type": "function",
                 "function": {"name": c["name"], "arguments": json.dumps(c.get("arguments", {}))}}
                for c in reply["tool_calls"]]
            finish = "tool_calls"
        prompt_tokens = max(1, len(json.dumps(body["messages"])) // 4)
        completion_tokens = max(1, len(message["content"] or "") // 4)
        usage = {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                 "total_tokens": prompt_tokens + completion_tokens}
        cid, created = "chatcmpl-" + uuid.uuid4().hex[:12], int(time.time())
        if not body.get("stream"):
            return JSONResponse({"id": cid, "object": "chat.completion", "created": created, "model": model,
                                 "choices": [{"index": 0, "message": message, "finish_reason": finish}],
                                 "usage": usage})
        want_usage = bool((body.get("stream_options") or {}).get("include_usage"))
        return StreamingResponse(self._stream(cid, created, model, message, finish, usage, want_usage),
                                 media_type="text/event-stream")

    async def _stream(self, cid: str, created: int, model: str, message: dict[str, Any], finish: str,
                      usage: dict[str, int], want_usage: bool) -> Any:
        def event(choices: list[dict[str, Any]], **extra: Any) -> bytes:
            data = {"id": cid, "object": "chat.completion.chunk", "created": created, "model": model,
                    "choices": choices, **extra}
            return b"data: " + json.dumps(data).encode() + b"\n\n"

        yield event([{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}])
        words = (message["content"] or "").split(" ")
        for i, word in enumerate(words):
            if model == "cut" and i == len(words) // 2:
                return
            yield event([{"index": 0, "delta": {"content": word if i == 0 else " " + word}, "finish_reason": None}])
        for i, call in enumerate(message.get("tool_calls") or []):
            yield event([{"index": 0, "delta": {"tool_calls": [{**call, "index": i}]}, "finish_reason": None}])
        yield event([{"index": 0, "delta": {}, "finish_reason": finish}])
        if want_usage:
            yield event([], usage=usage)
        yield b"data: [DONE]\n\n"
