"""Upstream faults: retried where safe (connect errors, 502/503 before any output), never by running
a managed tool twice: once a tool ran, an upstream failure is returned to the client as is."""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from tests.conftest import base_config
from tests.proxy.test_errors import assert_openai_error
from tests.proxy.test_passthrough import exchanges, steps
from tests.servers import free_port, serve_in_thread

RETRIES = 2
RUNS: list[dict[str, Any]] = []  # calls of record_run, the managed tool below


def record_run() -> str:
    """A managed tool with a side effect the test can count."""
    RUNS.append({"at": time.time()})
    return "run recorded"


class FlakyUpstream:
    """An OpenAI-compatible upstream following a plan: ("fail", status) | ("tool", name) | ("cut", None)
    (streams only) | ("ok", None)."""

    def __init__(self) -> None:
        self.hits = 0
        self.plan: deque[tuple[str, Any]] = deque()
        self.app = Starlette(routes=[Route("/v1/chat/completions", self.chat, methods=["POST"])])

    async def chat(self, request: Request) -> Response:
        body = await request.json()
        self.hits += 1
        kind, arg = self.plan.popleft() if self.plan else ("ok", 0)
        if kind == "fail":
            return JSONResponse({"error": {"message": f"flaky {arg}", "type": "x"}}, status_code=int(arg))
        message: dict[str, Any] = {"role": "assistant", "content": "fine"}
        finish = "stop"
        if kind == "tool":
            message = {"role": "assistant", "content": None, "tool_calls": [
                {"id": "call_" + uuid.uuid4().hex[:6], "type": "function",
                 "function": {"name": arg, "arguments": "{}"}}]}
            finish = "tool_calls"
        base = {"id": "chatcmpl-1", "created": 0, "model": body["model"]}
        if not body.get("stream"):
            return JSONResponse({**base, "object": "chat.completion", "usage": {"prompt_tokens": 1,
                                 "completion_tokens": 1, "total_tokens": 2},
                                 "choices": [{"index": 0, "message": message, "finish_reason": finish}]})

        async def events() -> Any:
            for delta, fin in (({"role": "assistant", "content": "fine"}, None), ({}, "stop")):
                chunk = {**base, "object": "chat.completion.chunk",
                         "choices": [{"index": 0, "delta": delta, "finish_reason": fin}]}
                yield f"data: {json.dumps(chunk)}\n\n".encode()
                if kind == "cut":  # the connection ends after the first chunk, without [DONE]
                    return
            yield b"data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")


class DroppingServer:
    """Accepts TCP connections and closes them at once, counting them (a connect-level fault)."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            conn.close()

    def close(self) -> None:
        self.sock.close()


@pytest.fixture(scope="module")
def setup(tmp_path_factory: Any) -> Iterator[tuple[str, str, FlakyUpstream, DroppingServer]]:
    from proxy.app import create_app
    from proxy.config import parse_config
    from storage.db import upgrade

    flaky, dropper = FlakyUpstream(), DroppingServer()
    db = f"sqlite:///{tmp_path_factory.mktemp('retries') / 'r.db'}"
    with serve_in_thread(flaky.app) as up:
        def model(name: str, api_base: str) -> dict[str, Any]:
            return {"model_name": name, "litellm_params": {"model": f"openai/{name}", "api_base": api_base}}

        cfg = base_config(up, db, server={"upstream_timeout_s": 5, "upstream_retries": RETRIES},
                          router={"mode": "intercept", "reload_poll_s": None,
                                  "encoder": str(Path(str(tmp_path_factory.getbasetemp())) / "no-such-encoder")},
                          tools=[{"name": "record_run", "description": "Record that a run happened.",
                                  "executor": {"type": "python", "timeout_s": 5,
                                               "callable": "tests.proxy.test_fuzz_retries:record_run"}}],
                          rules=[{"name": "run", "pattern": "^run it", "tool": "record_run"}])
        cfg["model_list"] = [model("flaky", up + "/v1"), model("drop", f"http://127.0.0.1:{dropper.port}/v1"),
                             model("dead", f"http://127.0.0.1:{free_port()}/v1")]
        config = parse_config(cfg)
        upgrade(db)
        # The encoder path does not exist: the router never loads, so routing is rules, else fallback.
        with serve_in_thread(create_app(config)) as base:
            yield base, db, flaky, dropper
    dropper.close()


def post(base: str, model: str, text: str = "hello", *, stream: bool = False, observe: bool = True,
         tools: bool = False) -> httpx.Response:
    body: dict[str, Any] = {"model": model, "messages": [{"role": "user", "content": text}], "stream": stream}
    headers = {"x-toolproxy-mode": "observe"} if observe else {}
    return httpx.post(base + "/v1/chat/completions", json=body, headers=headers, timeout=30)


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize("status", [502, 503])
def test_retried_before_output(setup: Any, status: int, stream: bool) -> None:
    base, _, flaky, _ = setup
    flaky.hits, flaky.plan = 0, deque([("fail", status)] * RETRIES)
    r = post(base, "flaky", stream=stream)
    assert r.status_code == 200, r.text
    assert "fine" in r.text
    assert flaky.hits == RETRIES + 1

    flaky.hits, flaky.plan = 0, deque([("fail", status)] * (RETRIES + 1))
    assert_openai_error(post(base, "flaky", stream=stream), status)
    assert flaky.hits == RETRIES + 1


def test_stream_cut_after_output_not_retried(setup: Any) -> None:
    base, _, flaky, _ = setup
    flaky.hits, flaky.plan = 0, deque([("cut", None)])
    r = post(base, "flaky", stream=True)
    assert r.status_code == 200  # the first chunk was already relayed: the error comes as an event
    assert '"fine"' in r.text and '"upstream_stream_cut"' in r.text and r.text.rstrip().endswith("[DONE]")
    assert flaky.hits == 1


@pytest.mark.parametrize("status", [400, 401, 429, 500])
def test_not_retried_when_retrying_cannot_help(setup: Any, status: int) -> None:
    base, _, flaky, _ = setup
    flaky.hits, flaky.plan = 0, deque([("fail", status)])
    err = assert_openai_error(post(base, "flaky"), status)
    assert f"flaky {status}" in err["message"]
    assert flaky.hits == 1


def test_connect_errors_retried(setup: Any) -> None:
    base, _, _, dropper = setup
    dropper.accepted = 0
    err = assert_openai_error(post(base, "drop"), 502)
    assert dropper.accepted == RETRIES + 1, err
    assert_openai_error(post(base, "dead"), 502)


def test_upstream_failure_after_a_rule_routed_tool_ran(setup: Any) -> None:
    base, db, flaky, _ = setup
    RUNS.clear()
    flaky.hits, flaky.plan = 0, deque([("fail", 503)] * 10)
    r = post(base, "flaky", "run it please", observe=False)
    assert_openai_error(r, 503)
    assert len(RUNS) == 1  # the tool ran once; the failure is the client's to retry
    assert flaky.hits == RETRIES + 1  # the LLM call itself (no side effects) was retried
    trace_id = r.headers["x-toolproxy-trace-id"]
    flaky.plan.clear()
    _assert_recorded_failure(db, trace_id)


def test_upstream_failure_after_a_fallback_tool_ran(setup: Any) -> None:
    base, db, flaky, _ = setup
    RUNS.clear()
    flaky.hits, flaky.plan = 0, deque([("tool", "record_run")] + [("fail", 502)] * 10)
    r = post(base, "flaky", "whatever you think is best", observe=False)
    assert_openai_error(r, 502)
    assert len(RUNS) == 1
    assert flaky.hits == 1 + RETRIES + 1
    flaky.plan.clear()
    _assert_recorded_failure(db, r.headers["x-toolproxy-trace-id"])


def _assert_recorded_failure(db: str, trace_id: str) -> None:
    deadline = time.monotonic() + 10
    while not [row for row in exchanges(db) if row.id == trace_id]:
        assert time.monotonic() < deadline, "trace never written"
        time.sleep(0.1)
    row = next(row for row in exchanges(db) if row.id == trace_id)
    assert row.status_code >= 500 and row.error
    kinds = [(s.kind, s.status) for s in steps(db, trace_id)]
    assert kinds.count(("tool_run", "ok")) == 1, kinds
    assert ("upstream", "error") in kinds, kinds
