"""The load client: httpx (async), bounded request counts, fixed concurrency."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson


@dataclass
class CellResult:
    """Latencies (ms) of one batch of requests against one target."""

    latencies_ms: list[float] = field(default_factory=list)
    ttft_ms: list[float] = field(default_factory=list)
    errors: int = 0
    wall_s: float = 0.0
    routes: Counter[str] = field(default_factory=Counter)

    def extend(self, other: CellResult) -> None:
        self.latencies_ms += other.latencies_ms
        self.ttft_ms += other.ttft_ms
        self.errors += other.errors
        self.wall_s += other.wall_s
        self.routes.update(other.routes)

    @property
    def ok(self) -> int:
        return len(self.latencies_ms)


def new_client(concurrency: int) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    return httpx.AsyncClient(limits=limits, timeout=httpx.Timeout(60.0))


async def _one(client: httpx.AsyncClient, url: str, content: bytes, headers: dict[str, str], out: CellResult) -> None:
    t0 = time.perf_counter()
    try:
        resp = await client.post(url, content=content, headers=headers)
        ms = (time.perf_counter() - t0) * 1000
        if resp.status_code == 200 and orjson.loads(resp.content).get("choices"):
            out.latencies_ms.append(ms)
            out.routes[resp.headers.get("x-toolproxy-route", "-")] += 1
        else:
            out.errors += 1
    except httpx.HTTPError:
        out.errors += 1


async def _one_stream(client: httpx.AsyncClient, url: str, content: bytes, headers: dict[str, str],
                      out: CellResult) -> None:
    """Time to the first SSE event carrying content, and to the end of the stream."""
    t0 = time.perf_counter()
    first: float | None = None
    done = False
    try:
        async with client.stream("POST", url, content=content, headers=headers) as resp:
            if resp.status_code != 200:
                await resp.aread()
                out.errors += 1
                return
            async for line in resp.aiter_lines():
                if not line.startswith("data:"):
                    continue
                raw = line[5:].strip()
                if raw == "[DONE]":
                    done = True
                    continue
                if first is None:
                    chunk = orjson.loads(raw)
                    choices = chunk.get("choices") or [{}]
                    if (choices[0].get("delta") or {}).get("content"):
                        first = time.perf_counter()
            out.routes[resp.headers.get("x-toolproxy-route", "-")] += 1
    except httpx.HTTPError:
        out.errors += 1
        return
    if first is None or not done:
        out.errors += 1
        return
    out.ttft_ms.append((first - t0) * 1000)
    out.latencies_ms.append((time.perf_counter() - t0) * 1000)


async def run_cell(client: httpx.AsyncClient, url: str, body: dict[str, Any] | list[dict[str, Any]],
                   headers: dict[str, str], n: int, concurrency: int) -> CellResult:
    """Send ``n`` requests with ``concurrency`` workers; return latencies and wall time.

    ``body`` may be a list: request i sends ``body[i % len(body)]``."""
    out = CellResult()
    bodies = body if isinstance(body, list) else [body]
    contents = [orjson.dumps(b) for b in bodies]
    hdrs = {"content-type": "application/json", **headers}
    one = _one_stream if bodies[0].get("stream") else _one
    sent = 0

    async def worker() -> None:
        nonlocal sent
        while sent < n:
            i, sent = sent, sent + 1
            await one(client, url, contents[i % len(contents)], hdrs, out)

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    out.wall_s = time.perf_counter() - t0
    return out
