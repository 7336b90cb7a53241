"""Every bad input and upstream fault gets an OpenAI-shaped error with the right status, never a 500."""

from __future__ import annotations

from typing import Any

import httpx
import openai
import pytest

from tests.proxy.test_passthrough import exchanges
from tests.servers import free_port

OK = [{"role": "user", "content": "hi"}]

BAD_INPUTS: list[tuple[str, Any, int, str | None]] = [
    ("malformed json", b"{\"model\": ", 400, None),
    ("empty body", b"", 400, None),
    ("array body", b"[1, 2]", 400, None),
    ("string body", b"\"hello\"", 400, None),
    ("missing messages", {"model": "fake-model"}, 400, "messages"),
    ("empty messages", {"model": "fake-model", "messages": []}, 400, "messages"),
    ("messages not a list", {"model": "fake-model", "messages": "hi"}, 400, "messages"),
    ("message not an object", {"model": "fake-model", "messages": ["hi"]}, 400, "messages[0]"),
    ("bad role", {"model": "fake-model", "messages": [{"role": "wizard", "content": "x"}]}, 400, "messages[0].role"),
    ("content wrong type", {"model": "fake-model", "messages": [{"role": "user", "content": 5}]}, 400,
     "messages[0].content"),
    ("tool message without id", {"model": "fake-model", "messages": [{"role": "tool", "content": "x"}]}, 400,
     "messages[0].tool_call_id"),
    ("missing model", {"messages": OK}, 400, "model"),
    ("model wrong type", {"model": 3, "messages": OK}, 400, "model"),
    ("stream wrong type", {"model": "fake-model", "messages": OK, "stream": "yes"}, 400, "stream"),
    ("tools wrong type", {"model": "fake-model", "messages": OK, "tools": {"a": 1}}, 400, "tools"),
    ("tool without name", {"model": "fake-model", "messages": OK, "tools": [{"type": "function", "function": {}}]},
     400, "tools[0]"),
    ("unknown model", {"model": "gpt-nope", "messages": OK}, 404, "model"),
]


def assert_openai_error(r: httpx.Response, status: int, param: str | None = None) -> dict[str, Any]:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error"}
    err = body["error"]
    assert set(err) == {"message", "type", "param", "code"}
    assert isinstance(err["message"], str) and err["message"]
    if param is not None:
        assert err["param"] == param
    assert "Traceback" not in r.text
    return dict(err)


def test_bad_inputs(make_proxy: Any, upstream: Any, tmp_path: Any) -> None:
    db = f"sqlite:///{tmp_path / 'bad.db'}"
    with make_proxy(db_url=db, server={"max_body_bytes": 2000}) as base, httpx.Client(base_url=base) as c:
        for name, body, status, param in BAD_INPUTS:
            kw = {"content": body} if isinstance(body, bytes) else {"json": body}
            r = c.post("/v1/chat/completions", headers={"content-type": "application/json"}, **kw)
            assert_openai_error(r, status, param), name
        big = {"model": "fake-model", "messages": [{"role": "user", "content": "x" * 5000}]}
        assert_openai_error(c.post("/v1/chat/completions", json=big), 413)
        assert_openai_error(c.get("/v1/nowhere"), 404)
        assert_openai_error(c.get("/v1/chat/completions"), 405)
    assert upstream.received == []
    rows = exchanges(db)  # every refused request is traced, without its body
    assert sorted(r.status_code for r in rows) == sorted([s for _, _, s, _ in BAD_INPUTS] + [413])
    assert all(r.request is None for r in rows if r.status_code != 404)


@pytest.mark.parametrize("model,status", [("error-400", 400), ("error-401", 401), ("error-429", 429),
                                          ("error-500", 500), ("error-503", 503), ("slow-3", 504),
                                          ("malformed", 502), ("badshape", 502)])
def test_upstream_faults(make_proxy: Any, upstream: Any, tmp_path: Any, model: str, status: int) -> None:
    db = f"sqlite:///{tmp_path / 'f.db'}"
    with make_proxy(db_url=db) as base, httpx.Client(base_url=base, timeout=30) as c:
        r = c.post("/v1/chat/completions", json={"model": model, "messages": OK})
        err = assert_openai_error(r, status)
        assert r.headers["x-toolproxy-route"] == "passthrough"  # the client learns the route on errors too
        assert "sk-upstream-secret-123" not in r.text
        if status < 500 or status in (500, 503):
            assert "fake upstream error" in err["message"]
        s = c.post("/v1/chat/completions", json={"model": model, "messages": OK, "stream": True})
        assert_openai_error(s, status)
    rows = exchanges(db)
    assert [row.status_code for row in rows] == [status, status]
    assert all(row.error for row in rows)


def test_refused_connection_is_502(make_proxy: Any, upstream: Any) -> None:
    dead = f"http://127.0.0.1:{free_port()}/v1"
    model_list = [{"model_name": "dead", "litellm_params": {"model": "openai/dead", "api_base": dead}}]
    with make_proxy(model_list=model_list) as base:
        client = openai.OpenAI(base_url=base + "/v1", api_key="x", max_retries=0)
        with pytest.raises(openai.APIStatusError) as e:
            client.chat.completions.create(model="dead", messages=OK)
        assert e.value.status_code == 502


def test_stream_cut_midway_ends_with_error_event(make_proxy: Any, upstream: Any, tmp_path: Any) -> None:
    db = f"sqlite:///{tmp_path / 'c.db'}"
    with make_proxy(db_url=db) as base, httpx.Client(base_url=base) as c:
        body = {"model": "cut", "messages": [{"role": "user", "content": "one two three four five six"}],
                "stream": True}
        with c.stream("POST", "/v1/chat/completions", json=body) as r:
            assert r.status_code == 200
            text = "".join(r.iter_text())
        assert '"upstream_stream_cut"' in text and text.rstrip().endswith("data: [DONE]")
    rows = exchanges(db)
    assert rows[0].status_code == 502 and "without [DONE]" in (rows[0].error or "")
