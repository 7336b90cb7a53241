"""Fuzzing the HTTP API of a real proxy (observe mode): never a 500, always an OpenAI-shaped error
or a valid completion; pathological inputs are refused early with a 400 or 413."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.proxy.test_passthrough import exchanges

MAX_BODY = 256 * 1024
ROLES = ["system", "developer", "user", "assistant", "tool", "function"]

scalars = (st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
           | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=40))
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=12)
part = st.fixed_dictionaries({"type": st.sampled_from(["text", "image_url", "x"]) | st.text(max_size=8)},
                             optional={"text": st.text(max_size=60), "junk": json_values})
content = st.none() | st.text(max_size=200) | st.lists(part, max_size=3) | json_values
message = st.fixed_dictionaries(
    {"role": st.sampled_from(ROLES) | st.text(max_size=8) | json_values},
    optional={"content": content, "tool_call_id": st.text(max_size=10) | json_values, "name": st.text(max_size=10),
              "tool_calls": st.lists(st.fixed_dictionaries(
                  {"id": st.text(max_size=8), "type": st.just("function"),
                   "function": st.fixed_dictionaries({"name": st.text(max_size=10)},
                                                     optional={"arguments": st.text(max_size=30)})}), max_size=2)
              | json_values})
tool = st.fixed_dictionaries(
    {"type": st.just("function"),
     "function": st.fixed_dictionaries({"name": st.text(min_size=1, max_size=12)},
                                       optional={"description": st.text(max_size=40) | json_values,
                                                 "parameters": json_values})}) | json_values
good_message = st.fixed_dictionaries(
    {"role": st.sampled_from(["system", "user", "assistant"]),
     "content": st.text(max_size=200) | st.lists(st.fixed_dictionaries({"type": st.just("text"),
                                                                        "text": st.text(max_size=50)}), max_size=2)})
good_tool: st.SearchStrategy[dict[str, Any]] = st.fixed_dictionaries(
    {"type": st.just("function"),
     "function": st.fixed_dictionaries({"name": st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E),
                                                        min_size=1, max_size=12)},
                                       optional={"description": st.text(max_size=40),
                                                 "parameters": st.dictionaries(st.text(max_size=8), json_values,
                                                                               max_size=3)})})
# Near-valid bodies reach the upstream and the recorder; random ones exercise validation.
required: dict[str, st.SearchStrategy[Any]] = {"model": st.just("fake-model"),
                                               "messages": st.lists(good_message, min_size=1, max_size=5)}
near_valid = st.fixed_dictionaries(
    required,
    optional={"stream": st.booleans(), "stream_options": st.fixed_dictionaries({"include_usage": st.booleans()}),
              "tools": st.lists(good_tool, max_size=3, unique_by=lambda t: str(t["function"]["name"])),
              "tool_choice": st.sampled_from(["auto", "none"]),
              "temperature": st.floats(min_value=0, max_value=2), "max_tokens": st.integers(1, 2**31),
              "user": st.text(max_size=20), "metadata": json_values, "seed": st.integers(-(2**63), 2**63 - 1)})
random_body = st.fixed_dictionaries(
    {},
    optional={"model": st.sampled_from(["fake-model", "gpt-nope", ""]) | json_values,
              "messages": st.lists(message, max_size=6) | json_values,
              "stream": st.booleans() | json_values,
              "stream_options": st.fixed_dictionaries({}, optional={"include_usage": st.booleans()}) | json_values,
              "tools": st.lists(tool, max_size=3) | json_values,
              "tool_choice": st.sampled_from(["auto", "none", "required"]) | json_values,
              "temperature": st.floats(allow_nan=False, allow_infinity=False) | json_values,
              "n": st.integers(min_value=-5, max_value=5) | json_values,
              "max_tokens": st.integers(min_value=-(2**40), max_value=2**40) | json_values,
              "parallel_tool_calls": st.booleans() | json_values,
              "extra": json_values})
body = near_valid | random_body
KEY = "tp-fuzz-key-42"
header_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40).map(str.strip)
good_auth = st.just(f"Bearer {KEY}")
auth = st.one_of(good_auth, good_auth, good_auth, good_auth, header_text,
                 header_text.map(lambda s: ("Bearer " + s).strip()))
headers = st.fixed_dictionaries({"authorization": auth}, optional={
    "x-toolproxy-mode": st.sampled_from(["observe", "shadow", "intercept", "OBSERVE", ""]) | header_text,
    "content-type": st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded"]),
})


def check_response(r: httpx.Response) -> None:
    """A valid completion (JSON or SSE) or an OpenAI-shaped error; never a 500."""
    assert r.status_code != 500 and r.status_code < 600, r.text[:500]
    assert "Traceback" not in r.text
    if r.status_code == 200:
        if r.headers["content-type"].startswith("text/event-stream"):
            # SSE lines end in \r\n, \n or \r only (str.splitlines also breaks on \x85, \u2028, ...)
            events = [line[6:] for line in re.split(r"\r\n|\r|\n", r.text) if line.startswith("data: ")]
            assert events[-1] == "[DONE]"
            for raw in events[:-1]:
                chunk = json.loads(raw)
                assert "choices" in chunk or "error" in chunk
        else:
            completion = r.json()
            assert completion["object"] == "chat.completion" and isinstance(completion["choices"], list)
        assert len(r.headers["x-toolproxy-trace-id"]) == 32
        return
    assert 400 <= r.status_code < 600
    err = r.json()
    assert set(err) == {"error"}, err
    assert set(err["error"]) == {"message", "type", "param", "code"}
    assert isinstance(err["error"]["message"], str) and err["error"]["message"]


def test_structured_fuzz_never_500(make_proxy: Any, upstream: Any) -> None:
    seen: dict[int, int] = {}
    with make_proxy(server={"max_body_bytes": MAX_BODY, "upstream_timeout_s": 10, "api_keys": [KEY]}) as base, \
            httpx.Client(base_url=base, timeout=30) as client:

        @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        @given(payload=body, hdrs=headers)
        def run(payload: dict[str, Any], hdrs: dict[str, str]) -> None:
            r = client.post("/v1/chat/completions", content=json.dumps(payload).encode(), headers=hdrs)
            seen[r.status_code] = seen.get(r.status_code, 0) + 1
            check_response(r)

        run()
    # the generator reaches validation, auth and the upstream
    assert seen.get(400, 0) > 20 and seen.get(200, 0) > 20 and seen.get(401, 0) > 0, seen


def test_raw_bytes_fuzz_never_500(make_proxy: Any, upstream: Any) -> None:
    with make_proxy(server={"max_body_bytes": 4096}) as base, httpx.Client(base_url=base, timeout=30) as client:

        @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        @given(raw=st.binary(max_size=6000) | st.text(max_size=300).map(str.encode),
               path=st.sampled_from(["/v1/chat/completions", "/chat/completions", "/admin/reload"]))
        def run(raw: bytes, path: str) -> None:
            check_response(client.post(path, content=raw))

        run()
    assert upstream.received == []


def user(text: str) -> dict[str, Any]:
    return {"model": "fake-model", "messages": [{"role": "user", "content": text}]}


def nested(depth: int) -> Any:
    value: Any = "leaf"
    for _ in range(depth):
        value = {"a": [value]}
    return value


def test_pathological_messages_refused_early(make_proxy: Any, upstream: Any, tmp_path: Any) -> None:
    db = f"sqlite:///{tmp_path / 'p.db'}"
    with make_proxy(db_url=db, server={"max_body_bytes": 2_000_000, "max_messages": 2048}) as base, \
            httpx.Client(base_url=base, timeout=30) as c:
        def post(payload: Any = None, raw: bytes | None = None) -> httpx.Response:
            r = c.post("/v1/chat/completions", content=raw if raw is not None else json.dumps(payload).encode())
            check_response(r)
            return r

        refused = {
            "json nested 5000 deep": (b"[" * 5000 + b"]" * 5000, 400),
            "message nested 300 deep": (json.dumps({**user("hi"), "metadata": nested(300)}).encode(), 400),
            "10k messages": (json.dumps({"model": "fake-model",
                                         "messages": [{"role": "user", "content": "x"}] * 10_000}).encode(), 400),
            "lone surrogate": (b'{"model": "fake-model", "messages": [{"role": "user", "content": "\\ud800"}]}', 400),
            "invalid utf-8": (b'{"model": "fake-model", "messages": [{"role": "user", "content": "\xff\xfe"}]}', 400),
            "number overflowing a double": (b'{"model": "fake-model", "temperature": 1e400, "messages": []}', 400),
            "NaN literal": (b'{"model": "fake-model", "temperature": NaN, "messages": []}', 400),
            "over the body limit": (json.dumps(user("x" * 2_100_000)).encode(), 413),
        }
        for name, (raw, status) in refused.items():
            r = post(raw=raw)
            assert r.status_code == status, (name, r.status_code, r.text[:300])
        assert upstream.received == []  # refused before any upstream call

        accepted = [
            user("nul \x00 byte inside"),
            user("emoji 🦜 and RTL \u202e text and \ufeff BOM"),
            {**user("giant integers"), "metadata": {"n": 10**30, "m": -(2**63)}, "seed": 2**62},
            {**user("nested but fine"), "metadata": nested(40)},
            {"model": "fake-model", "messages": [{"role": "user", "content": "m"}] * 2000},
        ]
        for payload in accepted:
            r = post(payload)
            assert r.status_code == 200, r.text[:300]
        ids = [r.headers["x-toolproxy-trace-id"] for r in [post(user("last \x00"))]]
    rows = exchanges(db)
    assert {ids[0]} <= {row.id for row in rows}
    stored = next(row for row in rows if row.id == ids[0])
    assert stored.request is not None and stored.request["messages"][0]["content"] == "last \ufffd"


schema = st.recursive(
    st.fixed_dictionaries({}, optional={"type": st.sampled_from(["string", "number", "integer", "boolean", "array",
                                                                 "object", "null", "nope"]) | json_values,
                                        "enum": st.lists(scalars, max_size=3) | json_values,
                                        "description": st.text(max_size=30) | json_values,
                                        "default": json_values, "format": st.sampled_from(["date", "email", "uri"])}),
    lambda inner: st.fixed_dictionaries({"type": st.just("object")}, optional={
        "properties": st.dictionaries(st.text(max_size=8), inner, max_size=3) | json_values,
        "required": st.lists(st.text(max_size=8), max_size=2) | json_values, "items": inner}),
    max_leaves=6)
routed_tool: st.SearchStrategy[dict[str, Any]] = st.fixed_dictionaries(
    {"type": st.just("function"),
     "function": st.fixed_dictionaries({"name": st.sampled_from(["get_weather", "log_run", "send_mail"])
                                        | st.text(min_size=1, max_size=10)},
                                       optional={"description": st.text(max_size=40) | json_values,
                                                 "parameters": schema})})
intercept_required: dict[str, st.SearchStrategy[Any]] = {
    "model": st.just("fake-model"),
    "messages": st.tuples(st.lists(good_message | message, max_size=3), st.sampled_from([
         "run it: weather in Paris on 2024-05-01, 3 times", "weather in 'Paris' tomorrow at 5pm in celsius",
         "send 3 mails to ada@example.com about \"the plan\" with priority high", "hello"])).map(
         lambda p: [*p[0], {"role": "user", "content": p[1]}])}
intercept_body = st.fixed_dictionaries(
    intercept_required,
    optional={"tools": st.lists(routed_tool, max_size=3, unique_by=lambda t: str(t["function"]["name"])),
              "tool_choice": st.sampled_from(["auto", "none", "required"])
              | st.builds(lambda n: {"type": "function", "function": {"name": n}},
                          st.sampled_from(["get_weather", "log_run", "send_mail", "missing"])) | json_values,
              "stream": st.booleans()})


# tool_choice names a client tool with a random schema: argument filling runs on whatever it is given
forced_body = st.builds(
    lambda base, params, text: {**base, "tools": [{"type": "function", "function": {
        "name": "get_weather", "description": "Weather for a city", "parameters": params}}],
        "tool_choice": {"type": "function", "function": {"name": "get_weather"}},
        "messages": [{"role": "user", "content": text}]},
    intercept_body, schema, st.text(max_size=80) | st.sampled_from(["weather in 'Paris' tomorrow at 5pm",
                                                                    "3 times, celsius, 2024-05-01"]))


def test_intercept_fuzz_never_500(upstream_server: Any, upstream: Any, tmp_path: Any) -> None:
    """Random tool schemas and tool_choice through rules, argument filling, managed tools and fallback."""
    from tests.proxy.test_metrics import rule_proxy

    _, url = upstream_server
    seen: dict[str, int] = {}
    with rule_proxy(url, tmp_path) as (base, _), httpx.Client(base_url=base, timeout=30) as client:

        @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        @given(payload=intercept_body | forced_body | near_valid)
        @example(payload={"model": "fake-model", "stream": True,  # NEL inside streamed content (found by CI)
                          "messages": [{"role": "system", "content": [{"type": "text", "text": "\x85"}]}]})
        def run(payload: dict[str, Any]) -> None:
            r = client.post("/v1/chat/completions", content=json.dumps(payload).encode())
            route = r.headers.get("x-toolproxy-route", str(r.status_code))
            seen[route] = seen.get(route, 0) + 1
            check_response(r)

        run()
    assert len(seen) >= 3 and any(k.startswith("client_tool") for k in seen), seen  # branches reached


def test_malformed_client_schema_falls_back(upstream_server: Any, upstream: Any, tmp_path: Any) -> None:
    """router.args raised on ``"properties": true`` (a 500); now the upstream gets to choose."""
    from tests.proxy.test_metrics import rule_proxy
    from tests.proxy.test_passthrough import exchange, steps

    _, url = upstream_server
    body = {"model": "fake-model", "messages": [{"role": "user", "content": "weather in Paris"}],
            "tools": [{"type": "function", "function": {"name": "get_weather",
                                                        "parameters": {"type": "object", "properties": True}}}],
            "tool_choice": {"type": "function", "function": {"name": "get_weather"}}}
    with rule_proxy(url, tmp_path) as (base, db):
        r = httpx.post(base + "/v1/chat/completions", json=body)
        assert r.status_code == 200 and r.headers["x-toolproxy-route"] == "fallback"
        assert upstream.received[-1]["tools"][0]["function"]["name"] == "get_weather"
        trace_id = r.headers["x-toolproxy-trace-id"]
        exchange(db, trace_id)
    args = [s for s in steps(db, trace_id) if s.kind == "arguments"]
    assert args[0].status == "incomplete" and "argument filling failed" in str(args[0].payload)


def test_oversized_bodies_refused_before_they_are_read(make_proxy: Any, upstream: Any) -> None:
    import socket
    from urllib.parse import urlparse

    with make_proxy(server={"max_body_bytes": 10_000}) as base:
        # a declared size over the limit: answered from the headers alone, the body never sent
        port = urlparse(base).port
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
                         b"content-length: 1000000000\r\n\r\n")
            head = sock.recv(65536).decode(errors="replace")
        assert head.startswith("HTTP/1.1 413") and '"request_too_large"' in head

        def chunks() -> Iterator[bytes]:  # chunked upload, no content-length: cut off once over the limit
            yield b'{"model": "fake-model", "messages": [{"role": "user", "content": "'
            for _ in range(100):
                yield b"x" * 1000
            yield b'"}]}'

        r = httpx.post(base + "/v1/chat/completions", content=chunks())
        check_response(r)
        assert r.status_code == 413
    assert upstream.received == []
