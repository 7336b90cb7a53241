"""A fast OpenAI-compatible upstream for benchmarks: raw asyncio + httptools, canned answers.

It must never be the bottleneck, so there is no framework: one ``asyncio.Protocol`` per connection,
keep-alive, responses pre-serialised where possible.

Behaviour:
- ``POST /v1/chat/completions``: a request carrying ``tools`` whose last message is not a ``tool``
  result is answered with a call of the first tool (arguments from ``CANNED_ARGS`` or ``{}``), like
  an LLM choosing a tool; anything else gets a short text answer. ``stream: true`` answers in SSE
  chunks (role, three content pieces, finish, usage when asked), all written at once.
- ``GET /v1/models``, ``GET /health``; ``GET /stats`` counts requests and requests that carried tools.

Run: ``python -m bench.upstream --port 9000``.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from typing import Any

import httptools
import orjson

CANNED_ARGS: dict[str, dict[str, Any]] = {"get_weather": {"city": "Paris"}, "calculate": {"expression": "12*7"}}
USAGE = {"prompt_tokens": 20, "completion_tokens": 5, "total_tokens": 25}
PIECES = ["The ", "answer ", "is 84."]


def completion(body: dict[str, Any], n: int) -> dict[str, Any]:
    messages = body.get("messages") or [{}]
    tools = body.get("tools") or []
    base = {"id": f"chatcmpl-bench{n}", "object": "chat.completion", "created": int(time.time()),
            "model": str(body.get("model", "bench-model"))}
    if tools and messages[-1].get("role") != "tool":
        name = str((tools[0].get("function") or {}).get("name", "tool"))
        call = {"id": f"call_{n}", "type": "function",
                "function": {"name": name, "arguments": orjson.dumps(CANNED_ARGS.get(name, {})).decode()}}
        message: dict[str, Any] = {"role": "assistant", "content": None, "tool_calls": [call]}
        finish = "tool_calls"
    else:
        message, finish = {"role": "assistant", "content": "".join(PIECES)}, "stop"
    return {**base, "choices": [{"index": 0, "message": message, "finish_reason": finish}], "usage": USAGE}


def stream_events(body: dict[str, Any], n: int) -> bytes:
    base = {"id": f"chatcmpl-bench{n}", "object": "chat.completion.chunk", "created": int(time.time()),
            "model": str(body.get("model", "bench-model"))}
    chunks: list[dict[str, Any]] = [{**base, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""},
                                                          "finish_reason": None}]}]
    chunks += [{**base, "choices": [{"index": 0, "delta": {"content": p}, "finish_reason": None}]} for p in PIECES]
    chunks.append({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
    opts = body.get("stream_options")
    if isinstance(opts, dict) and opts.get("include_usage"):
        chunks.append({**base, "choices": [], "usage": USAGE})
    out = b"".join(b"data: " + orjson.dumps(c) + b"\n\n" for c in chunks)
    return out + b"data: [DONE]\n\n"


class Stats:
    def __init__(self) -> None:
        self.requests = 0
        self.with_tools = 0


def response(status: bytes, body: bytes, content_type: bytes = b"application/json") -> bytes:
    return (b"HTTP/1.1 " + status + b"\r\ncontent-type: " + content_type + b"\r\ncontent-length: "
            + str(len(body)).encode() + b"\r\nconnection: keep-alive\r\n\r\n" + body)


class UpstreamProtocol(asyncio.Protocol):
    def __init__(self, stats: Stats) -> None:
        self.stats = stats
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpRequestParser(self)
        self.url = b""
        self.body: list[bytes] = []

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's TCPTransport is not a subclass

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError:
            assert self.transport is not None
            self.transport.write(response(b"400 Bad Request", b'{"error":{"message":"bad request"}}'))
            self.transport.close()

    # httptools callbacks
    def on_message_begin(self) -> None:
        self.url, self.body = b"", []

    def on_url(self, url: bytes) -> None:
        self.url += url

    def on_body(self, body: bytes) -> None:
        self.body.append(body)

    def on_message_complete(self) -> None:
        assert self.transport is not None
        method = self.parser.get_method()
        path = self.url.split(b"?", 1)[0]
        if method == b"POST" and path in (b"/v1/chat/completions", b"/chat/completions"):
            self.transport.write(self.chat(b"".join(self.body)))
        elif path in (b"/v1/models", b"/models"):
            self.transport.write(response(b"200 OK", b'{"object":"list","data":[{"id":"bench-model","object":"model"}]}'))
        elif path == b"/health":
            self.transport.write(response(b"200 OK", b'{"status":"ok"}'))
        elif path == b"/stats":
            self.transport.write(response(b"200 OK", orjson.dumps(
                {"requests": self.stats.requests, "with_tools": self.stats.with_tools})))
        else:
            self.transport.write(response(b"404 Not Found", b'{"error":{"message":"not found"}}'))
        if not self.parser.should_keep_alive():
            self.transport.close()

    def chat(self, raw: bytes) -> bytes:
        try:
            body = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return response(b"400 Bad Request", b'{"error":{"message":"malformed JSON"}}')
        if not isinstance(body, dict):
            return response(b"400 Bad Request", b'{"error":{"message":"body must be an object"}}')
        self.stats.requests += 1
        n = self.stats.requests
        if body.get("tools"):
            self.stats.with_tools += 1
        if body.get("stream"):
            return response(b"200 OK", stream_events(body, n), b"text/event-stream")
        return response(b"200 OK", orjson.dumps(completion(body, n)))


async def serve(host: str, port: int) -> None:
    stats = Stats()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: UpstreamProtocol(stats), host, port, backlog=1024)
    async with server:
        await server.serve_forever()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=9000)
    args = ap.parse_args()
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    asyncio.run(serve(args.host, args.port))


if __name__ == "__main__":
    main()
