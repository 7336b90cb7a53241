"""The benchmark's fast upstream speaks OpenAI's protocol (checked with the openai SDK), so the numbers
the benchmark reports are for real, parseable exchanges."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest

from bench.procs import Service, free_port, python_service
from bench.report import render, targets

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def upstream(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    port = free_port()
    svc = python_service("upstream", ["-m", "bench.upstream", "--port", str(port)], port,
                         tmp_path_factory.mktemp("bench"))
    svc.start(ROOT)
    try:
        svc.wait_ready("/health", timeout=30)
        yield svc
    finally:
        svc.stop()


def client(svc: Service) -> openai.OpenAI:
    return openai.OpenAI(base_url=svc.base + "/v1", api_key="x", max_retries=0)


def test_text_answer_and_stream_parse_with_the_sdk(upstream: Service) -> None:
    msgs: Any = [{"role": "user", "content": "hi"}]
    done = client(upstream).chat.completions.create(model="bench-model", messages=msgs)
    assert done.choices[0].message.content == "The answer is 84."
    assert done.choices[0].finish_reason == "stop" and done.usage is not None and done.usage.total_tokens == 25
    chunks = list(client(upstream).chat.completions.create(
        model="bench-model", messages=msgs, stream=True, stream_options={"include_usage": True}))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "The answer is 84."
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens == 5


def test_tools_get_a_tool_call_until_a_tool_result_arrives(upstream: Service) -> None:
    tool: Any = {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}
    msgs: Any = [{"role": "user", "content": "weather in Paris?"}]
    first = client(upstream).chat.completions.create(model="bench-model", messages=msgs, tools=[tool])
    calls = first.choices[0].message.tool_calls
    assert first.choices[0].finish_reason == "tool_calls" and calls is not None
    assert calls[0].function.name == "get_weather"  # type: ignore[union-attr]
    assert json.loads(calls[0].function.arguments) == {"city": "Paris"}  # type: ignore[union-attr]
    msgs += [{"role": "assistant", "content": None, "tool_calls": [calls[0].model_dump()]},
             {"role": "tool", "tool_call_id": calls[0].id, "content": "18 degrees"}]
    final = client(upstream).chat.completions.create(model="bench-model", messages=msgs, tools=[tool])
    assert final.choices[0].message.content == "The answer is 84."
    stats = httpx.get(upstream.base + "/stats").json()
    assert stats["with_tools"] >= 2 and stats["requests"] >= stats["with_tools"]


def test_bad_json_is_a_400_not_a_crash(upstream: Service) -> None:
    resp = httpx.post(upstream.base + "/v1/chat/completions", content=b"{nope")
    assert resp.status_code == 400 and "error" in resp.json()
    assert httpx.get(upstream.base + "/health").json() == {"status": "ok"}  # still serving


def test_report_flags_a_missed_target() -> None:
    def cell(p50: float, ttft: float = 0.0, rps: float = 0.0) -> dict[str, object]:
        return {"p50": p50, "p99": p50 * 2, "errors": 0, "rps": rps, "cpu_ms_per_req": 1.0, "ttft": {"p50": ttft, "p99": ttft}}

    result = {
        "passthrough": {n: {"c1": cell(p), "c16": cell(p, rps=r), "stream": cell(p, ttft=t)}
                        for n, p, r, t in (("direct", 1.0, 500, 1.0), ("litellm", 17.0, 80, 30.0),
                                           ("toolproxy", 3.0, 200, 4.0))},
        "startup": {n: {"ready_s": 2.0, "first_ok_s": 2.1} for n in ("litellm", "toolproxy", "toolproxy_routed")},
        "rss_mib": {"litellm": 380.0, "toolproxy": 90.0},
    }
    met = {t["target"].split("  ")[0]: t["met"] for t in targets(result)}
    assert met["pass-through added p50 (c=1) / LiteLLM's"] is True  # 2 / 16
    assert met["req/s at concurrency 16 / LiteLLM's"] is False  # 200 / 80 = 2.5 < 3
    assert "| **req/s c=16** | 500 | 80 | 200 | 2.50 |" in render({**result, "targets": targets(result)})
