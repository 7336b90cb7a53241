"""Interception end to end: the openai SDK → a real proxy (real model) → a real local upstream."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest

from tests.conftest import base_config
from tests.fakes.upstream import FakeUpstream
from tests.proxy.test_passthrough import exchange, exchanges, steps
from tests.servers import serve_in_thread

WEATHER = {
    "name": "get_weather",
    "description": "Get the current weather (temperature, sky) for a city.",
    "parameters": {"type": "object", "properties": {
        "city": {"type": "string", "description": "City name, e.g. Paris"},
        "unit": {"type": "string", "enum": ["celsius", "fahrenheit"], "default": "celsius"}},
        "required": ["city"]},
    "examples": ["what's the weather like in Berlin?", "is it cold in Oslo today?"],
    "executor": {"type": "python", "callable": "tests.fixtures.tools:get_weather", "timeout_s": 5},
}
STOCK_TOOL = {"type": "function", "function": {
    "name": "get_stock_price", "description": "Get the latest stock price for a ticker symbol.",
    "parameters": {"type": "object", "properties": {"symbol": {"type": "string", "description": "Ticker symbol"}},
                   "required": ["symbol"]}}}
EMAIL_TOOL = {"type": "function", "function": {
    "name": "send_email", "description": "Send an e-mail message to a recipient.",
    "parameters": {"type": "object", "properties": {"to": {"type": "string", "description": "Recipient address"},
                                                    "body": {"type": "string", "description": "Message text"}},
                   "required": ["to", "body"]}}}
MCP_SERVER = str(Path(__file__).resolve().parents[1] / "fixtures" / "mcp_server.py")


@pytest.fixture(scope="module")
def fake() -> Iterator[tuple[FakeUpstream, str]]:
    up = FakeUpstream()
    with serve_in_thread(up.app) as url:
        yield up, url


@pytest.fixture(scope="module")
def proxy(fake: tuple[FakeUpstream, str], tmp_path_factory: Any) -> Iterator[tuple[str, str, FakeUpstream]]:
    from proxy.app import create_app
    from proxy.config import parse_config
    from storage.db import upgrade
    from tests.conftest import _wait_ready

    up, url = fake
    db = f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'e2e.db'}"
    cfg = parse_config(base_config(
        url, db, router={"mode": "intercept", "reload_poll_s": None},
        tools=[WEATHER, {"executor": {"type": "mcp", "command": [sys.executable, MCP_SERVER], "include": ["add"]}}],
        rules=[{"name": "hamlet-no-tool", "pattern": r"\bhamlet\b", "tool": None},
               {"name": "forecast-kw", "pattern": r"^forecast:", "tool": "get_weather"}]))
    upgrade(db)
    with serve_in_thread(create_app(cfg)) as base:
        _wait_ready(base)
        yield base, db, up


def client(base: str, mode: str | None = None) -> openai.OpenAI:
    headers = {"x-toolproxy-mode": mode} if mode else None
    return openai.OpenAI(base_url=base + "/v1", api_key="x", max_retries=0, default_headers=headers)


def user(text: str) -> list[dict[str, Any]]:
    return [{"role": "user", "content": text}]


def ask(base: str, messages: list[dict[str, Any]], mode: str | None = None, **kw: Any) -> Any:
    return client(base, mode).chat.completions.with_raw_response.create(model="fake-model", messages=messages, **kw)


def stream_text(base: str, messages: list[dict[str, Any]], **kw: Any) -> tuple[str, httpx.Headers, list[Any]]:
    with client(base).chat.completions.with_streaming_response.create(
            model="fake-model", messages=messages, stream=True, **kw) as resp:
        chunks = list(resp.parse())
    text = "".join((c.choices[0].delta.content or "") for c in chunks if c.choices)
    return text, resp.headers, chunks


def system_texts(body: dict[str, Any]) -> str:
    return "\n".join(m["content"] for m in body["messages"] if m["role"] == "system")


def test_managed_tool_routed_locally(proxy: Any) -> None:
    base, db, up = proxy
    up.reset()
    raw = ask(base, user("What's the weather in Paris right now?"))
    assert raw.headers["x-toolproxy-route"] == "local:get_weather"
    assert 0.0 < float(raw.headers["x-toolproxy-confidence"]) <= 1.0
    sent = up.received[-1]
    assert "tools" not in sent and "tool_choice" not in sent
    assert '"city":"Paris"' in system_texts(sent) and "18.0" in system_texts(sent)
    assert raw.parse().choices[0].message.content.startswith("echo: ")
    # with client-sent tools too: still local, still no schema upstream
    raw = ask(base, user("What's the weather in Paris right now?"), tools=[STOCK_TOOL])
    assert raw.headers["x-toolproxy-route"] == "local:get_weather"
    assert "tools" not in up.received[-1]
    trace_id = raw.headers["x-toolproxy-trace-id"]
    row = exchange(db, trace_id)
    assert row.route == "local:get_weather" and row.route_tool == "get_weather" and row.tokens_saved
    kinds = {s.kind: s for s in steps(db, trace_id)}
    assert set(kinds) >= {"decision", "arguments", "tool_run", "upstream"}
    assert kinds["decision"].payload["scores"]["get_weather"] > 0
    assert kinds["arguments"].payload["arguments"]["city"] == "Paris"
    assert kinds["tool_run"].status == "ok" and "18.0" in kinds["tool_run"].payload["output"]


def test_unrelated_question_goes_without_tools(proxy: Any) -> None:
    base, db, up = proxy
    up.reset()
    raw = ask(base, user("Can you write a two-line poem about autumn leaves?"), tools=[STOCK_TOOL])
    assert raw.headers["x-toolproxy-route"] == "none"
    assert "tools" not in up.received[-1]
    assert up.received[-1]["messages"] == user("Can you write a two-line poem about autumn leaves?")
    row = exchange(db, raw.headers["x-toolproxy-trace-id"])
    assert row.route == "none" and row.confidence is not None


def test_follow_up_uses_previous_turns(proxy: Any) -> None:
    base, _, up = proxy
    up.reset()
    convo = [*user("What's the weather in Paris in fahrenheit?"),
             {"role": "assistant", "content": "It is 64.4F and clear in Paris."}, *user("and in Boston?")]
    raw = ask(base, convo)
    assert raw.headers["x-toolproxy-route"] == "local:get_weather"
    text = system_texts(up.received[-1])
    assert '"city":"Boston"' in text and "fahrenheit" in text


def test_fallback_executes_llm_tool_calls_and_records_label(proxy: Any) -> None:
    base, db, up = proxy
    up.reset()
    up.script.extend([{"tool_calls": [{"name": "get_weather", "arguments": {"city": "Tokyo"}}]},
                      {"content": "It is 22C in Tokyo."}])
    # the tool is forced but its required argument cannot be found locally → fallback
    raw = ask(base, user("Tell me about the conditions over there"),
              tool_choice={"type": "function", "function": {"name": "get_weather"}})
    assert raw.headers["x-toolproxy-route"] == "fallback"
    assert raw.parse().choices[0].message.content == "It is 22C in Tokyo."
    first, second = up.received[-2], up.received[-1]
    assert [t["function"]["name"] for t in first["tools"]] == ["get_weather", "add"]
    assert second["messages"][-1]["role"] == "tool" and "22.0" in second["messages"][-1]["content"]
    row = exchange(db, raw.headers["x-toolproxy-trace-id"])
    assert row.route == "fallback" and row.llm_tool == "get_weather"


def test_a_lookup_for_several_values_runs_once_per_value(proxy: Any) -> None:
    """ "Paris and London": one call would answer half the question. Names go to the LLM (one name or two?),
    which makes the calls (run here); codes and numbers run once per value locally."""
    base, db, up = proxy
    up.reset()
    up.script.extend([{"tool_calls": [{"name": "get_weather", "arguments": {"city": "Paris"}},
                                      {"name": "get_weather", "arguments": {"city": "London"}}]},
                      {"content": "Paris 18C, London 18C."}])
    raw = ask(base, user("What's the weather in Paris and London?"))
    assert raw.headers["x-toolproxy-route"] == "fallback"
    assert raw.parse().choices[0].message.content == "Paris 18C, London 18C."
    assert [m["role"] for m in up.received[-1]["messages"][-2:]] == ["tool", "tool"]  # both calls ran here
    trace_id = raw.headers["x-toolproxy-trace-id"]
    assert exchange(db, trace_id).route == "fallback"  # waits for the trace to be written
    filled = next(s for s in steps(db, trace_id) if s.kind == "arguments")
    assert filled.status == "several" and filled.payload is not None
    assert filled.payload["several"] == {"city": ["Paris", "London"]}
    # a client's lookup tool: one reply with a call per value (OpenAI's parallel tool calls)
    raw = ask(base, user("Get the stock price of AAPL and MSFT"), tools=[STOCK_TOOL])
    assert raw.headers["x-toolproxy-route"] == "client_tool:get_stock_price"
    calls = raw.parse().choices[0].message.tool_calls
    assert [json.loads(c.function.arguments) for c in calls] == [{"symbol": "AAPL"}, {"symbol": "MSFT"}]
    assert len({c.id for c in calls}) == 2
    # streamed: the two calls arrive as indexed tool-call deltas, as a provider streams parallel calls
    _, headers, chunks = stream_text(base, user("Get the stock price of AAPL and MSFT"), tools=[STOCK_TOOL])
    assert headers["x-toolproxy-route"] == "client_tool:get_stock_price"
    deltas = [tc for c in chunks if c.choices for tc in (c.choices[0].delta.tool_calls or [])]
    assert [(d.index, json.loads(d.function.arguments)["symbol"]) for d in deltas] == [(0, "AAPL"), (1, "MSFT")]


def test_a_managed_lookup_runs_once_per_code(make_proxy: Any, upstream: Any) -> None:
    """Codes are values of their own: a managed lookup runs for each, and both results go upstream."""
    stock = {**STOCK_TOOL["function"], "executor": {"type": "python", "callable": "tests.fixtures.tools:get_stock_price"}}
    with make_proxy(router={"mode": "intercept"}, tools=[stock]) as base:
        raw = ask(base, user("Get the stock price of AAPL and MSFT"))
        assert raw.headers["x-toolproxy-route"] == "local:get_stock_price"
        sent = upstream.received[-1]
        assert "tools" not in sent
        results = [m["content"] for m in sent["messages"] if m["role"] == "system" and "Tool result" in m["content"]]
        assert len(results) == 2 and '"AAPL"' in results[0] and '"MSFT"' in results[1]


def test_a_change_for_several_values_is_the_llms_call(proxy: Any) -> None:
    """One e-mail to two people, or two e-mails? A tool that changes something is not run per value."""
    base, db, up = proxy
    up.reset()
    up.script.append({"content": "Which would you prefer: one e-mail to both, or one each?"})
    raw = ask(base, user("Email bob@corp.com and amy@corp.com that the report is ready"), tools=[EMAIL_TOOL],
              tool_choice={"type": "function", "function": {"name": "send_email"}})  # the tool is settled
    assert raw.headers["x-toolproxy-route"] == "fallback"
    assert [t["function"]["name"] for t in up.received[-1]["tools"]][0] == "send_email"  # the LLM got the tools
    trace_id = raw.headers["x-toolproxy-trace-id"]
    assert exchange(db, trace_id).route == "fallback"
    filled = next(s for s in steps(db, trace_id) if s.kind == "arguments")
    assert filled.status == "several"
    assert filled.payload is not None and filled.payload["several"] == {"to": ["bob@corp.com", "amy@corp.com"]}


def test_low_confidence_falls_back(fake: Any, tmp_path: Any) -> None:
    from proxy.app import create_app
    from proxy.config import parse_config
    from storage.db import upgrade
    from tests.conftest import _wait_ready

    up, url = fake
    up.reset()
    db = f"sqlite:///{tmp_path / 'fb.db'}"
    cfg = parse_config(base_config(url, db, router={"mode": "intercept", "threshold": 1.0, "reload_poll_s": None}))
    upgrade(db)
    with serve_in_thread(create_app(cfg)) as base:
        _wait_ready(base)
        up.script.append({"tool_calls": [{"name": "get_stock_price", "arguments": {"symbol": "ACME"}}]})
        raw = ask(base, user("how is ACME doing on the market?"), tools=[STOCK_TOOL])
        assert raw.headers["x-toolproxy-route"] == "fallback"
        msg = raw.parse().choices[0].message
        assert msg.tool_calls[0].function.name == "get_stock_price"  # client tool: handed back to the client
        assert up.received[-1]["tools"] == [STOCK_TOOL]
    assert exchanges(db)[0].llm_tool == "get_stock_price"


def test_client_executed_tool_round_trip(proxy: Any) -> None:
    base, db, up = proxy
    up.reset()
    raw = ask(base, user("What is the stock price of NVDA?"), tools=[STOCK_TOOL])
    assert raw.headers["x-toolproxy-route"] == "client_tool:get_stock_price"
    msg = raw.parse().choices[0]
    assert msg.finish_reason == "tool_calls" and up.received == []
    call = msg.message.tool_calls[0]
    assert json.loads(call.function.arguments) == {"symbol": "NVDA"}
    follow = [*user("What is the stock price of NVDA?"), msg.message.model_dump(exclude_none=True),
              {"role": "tool", "tool_call_id": call.id, "content": "NVDA: 131.2 USD"}]
    raw2 = ask(base, follow, tools=[STOCK_TOOL])
    assert raw2.headers["x-toolproxy-route"] == "none"
    sent = up.received[-1]
    assert "tools" not in sent and all(m["role"] != "tool" for m in sent["messages"])
    assert "131.2 USD" in system_texts(sent)


def test_request_for_several_actions_chains_after_the_local_call(proxy: Any) -> None:
    """A managed tool runs locally for the first step; the LLM then gets the tools, the call and its
    result, so it can make the next call (run here too) instead of answering from one result."""
    base, db, up = proxy
    up.reset()
    up.script.extend([{"tool_calls": [{"name": "get_weather", "arguments": {"city": "Boston"}}]},
                      {"content": "Paris 18C, Boston 18C."}])
    raw = ask(base, user("What's the weather in Paris right now, and then check Boston too?"))
    assert raw.headers["x-toolproxy-route"] == "local:get_weather"
    assert raw.parse().choices[0].message.content == "Paris 18C, Boston 18C."
    first, second = up.received[-2], up.received[-1]
    assert [t["function"]["name"] for t in first["tools"]] == ["get_weather", "add"]
    call, result = first["messages"][-2:]
    assert call["tool_calls"][0]["function"]["name"] == "get_weather"
    assert json.loads(call["tool_calls"][0]["function"]["arguments"])["city"] == "Paris"
    assert result["role"] == "tool" and result["tool_call_id"] == call["tool_calls"][0]["id"]
    assert "18.0" in result["content"]
    assert second["messages"][-1]["role"] == "tool"  # the LLM's own call ran here as well
    trace_id = raw.headers["x-toolproxy-trace-id"]
    row = exchange(db, trace_id)
    assert row.route == "local:get_weather" and row.llm_tool is None  # the second step is not a label
    kinds = [s.kind for s in steps(db, trace_id)]
    assert kinds.count("tool_run") == 2 and "chain" in kinds


def test_result_of_own_call_for_several_actions_goes_back_with_tools(proxy: Any) -> None:
    base, db, up = proxy
    up.reset()
    ask_text = "Get the latest stock price for NVDA, and then email it to my broker."
    raw = ask(base, user(ask_text), tools=[STOCK_TOOL])
    assert raw.headers["x-toolproxy-route"] == "client_tool:get_stock_price"
    msg = raw.parse().choices[0].message
    call = msg.tool_calls[0]
    follow = [*user(ask_text), msg.model_dump(exclude_none=True),
              {"role": "tool", "tool_call_id": call.id, "content": "NVDA: 131.2 USD"}]
    up.script.append({"tool_calls": [{"name": "get_stock_price", "arguments": {"symbol": "AMD"}}]})
    raw2 = ask(base, follow, tools=[STOCK_TOOL])
    assert raw2.headers["x-toolproxy-route"] == "fallback"
    assert up.received[-1]["tools"][0] == STOCK_TOOL
    assert raw2.parse().choices[0].message.tool_calls[0].function.name == "get_stock_price"


def test_client_calls_after_server_side_runs_carry_their_results(proxy: Any) -> None:
    """When the LLM, after tools ran here, asks the client to run one, the message it gets says what ran
    here: the client keeps that message, so the LLM sees those results on the next turn."""
    base, db, up = proxy
    up.reset()
    up.script.extend([{"tool_calls": [{"name": "get_weather", "arguments": {"city": "Paris"}}]},
                      {"tool_calls": [{"name": "get_stock_price", "arguments": {"symbol": "NVDA"}}]}])
    raw = ask(base, user("Paris and NVDA please"), tools=[STOCK_TOOL])  # no tool stands out: fallback
    assert raw.headers["x-toolproxy-route"] == "fallback"
    msg = raw.parse().choices[0].message
    assert [c.function.name for c in msg.tool_calls] == ["get_stock_price"]
    assert msg.content.startswith("[toolproxy ran these tools for this request]")
    assert "get_weather" in msg.content and '"Paris"' in msg.content and "18.0" in msg.content
    # one reply with a call of ours and one of the client's: ours runs here, the client gets only its own
    up.reset()
    up.script.append({"tool_calls": [{"name": "get_weather", "arguments": {"city": "Oslo"}},
                                     {"name": "get_stock_price", "arguments": {"symbol": "AMD"}}]})
    raw = ask(base, user("Paris and NVDA please"), tools=[STOCK_TOOL])  # no tool stands out: fallback
    assert raw.headers["x-toolproxy-route"] == "fallback"
    msg = raw.parse().choices[0].message
    assert [c.function.name for c in msg.tool_calls] == ["get_stock_price"]
    assert "get_weather" in msg.content and '"Oslo"' in msg.content
    trace_id = raw.headers["x-toolproxy-trace-id"]
    assert exchange(db, trace_id).route == "fallback"  # waits for the trace to be written
    assert [s.kind for s in steps(db, trace_id)].count("tool_run") == 1


TOKEN_TOOLS = [
    {"type": "function", "function": {
        "name": "GetUserToken", "description": "Get the user token by username and password.",
        "parameters": {"type": "object", "properties": {"username": {"type": "string"}, "password": {"type": "string"}},
                       "required": ["username", "password"]}}},
    {"type": "function", "function": {
        "name": "DeleteAccount", "description": "Delete the user's account.",
        "parameters": {"type": "object", "properties": {"token": {"type": "string", "description": "User's token."}},
                       "required": ["token"]}}},
]


def test_a_first_step_runs_here_and_the_llm_takes_the_next(proxy: Any) -> None:
    """DeleteAccount needs a token the user did not give; GetUserToken gets one from what they gave: the proxy
    asks the client to run it, and with its result the LLM gets the tools back to make the next call."""
    base, db, up = proxy
    up.reset()
    text = "Please delete my account. My username is jdoe and my password is hunter2."
    raw = ask(base, user(text), tools=TOKEN_TOOLS)
    assert raw.headers["x-toolproxy-route"] == "client_tool:GetUserToken"
    assert not up.received  # no upstream call for the first step
    msg = raw.parse().choices[0].message
    call = msg.tool_calls[0]
    assert json.loads(call.function.arguments) == {"username": "jdoe", "password": "hunter2"}
    trace_id = raw.headers["x-toolproxy-trace-id"]
    assert exchange(db, trace_id).route == "client_tool:GetUserToken"  # waits for the trace to be written
    decision = next(s for s in steps(db, trace_id) if s.kind == "decision")
    assert "DeleteAccount needs token" in decision.payload["reason"]
    up.script.append({"tool_calls": [{"name": "DeleteAccount", "arguments": {"token": "tk-42"}}]})
    follow = [*user(text), msg.model_dump(exclude_none=True),
              {"role": "tool", "tool_call_id": call.id, "content": '{"token": "tk-42"}'}]
    raw2 = ask(base, follow, tools=TOKEN_TOOLS)
    assert raw2.headers["x-toolproxy-route"] == "fallback"
    assert [t["function"]["name"] for t in up.received[-1]["tools"]][:2] == ["GetUserToken", "DeleteAccount"]
    assert raw2.parse().choices[0].message.tool_calls[0].function.name == "DeleteAccount"


def test_chain_setting() -> None:
    from proxy.chat import ChatFlow

    several = user("Book the flight and then email me the receipt")
    one = user("What is the stock price of NVDA?")
    flows = {mode: ChatFlow(None, None, None, {}, None, "intercept", 5, {}, chain=mode)  # type: ignore[arg-type]
             for mode in ("auto", "always", "never")}
    assert [flows["auto"]._chains(several), flows["auto"]._chains(one)] == [True, False]
    assert [flows["always"]._chains(several), flows["always"]._chains(one)] == [True, True]
    assert [flows["never"]._chains(several), flows["never"]._chains(one)] == [False, False]


def test_result_of_an_llm_tool_call_goes_back_with_tools(proxy: Any) -> None:
    """The LLM made the call (not toolproxy): it may chain another, so it sees the tools again."""
    base, db, up = proxy
    up.reset()
    convo = [*user("What is the stock price of NVDA?"),
             {"role": "assistant", "content": None, "tool_calls": [
                 {"id": "call_upstream_1", "type": "function",
                  "function": {"name": "get_stock_price", "arguments": '{"symbol": "NVDA"}'}}]},
             {"role": "tool", "tool_call_id": "call_upstream_1", "content": "NVDA: 131.2 USD"}]
    raw = ask(base, convo, tools=[STOCK_TOOL])
    assert raw.headers["x-toolproxy-route"] == "fallback"
    assert [t["function"]["name"] for t in up.received[-1]["tools"]] == ["get_stock_price", "get_weather", "add"]
    assert up.received[-1]["messages"][-1]["content"] == "NVDA: 131.2 USD"


def test_rules_win_first(proxy: Any) -> None:
    base, _, up = proxy
    up.reset()
    assert ask(base, user("Who wrote Hamlet?")).headers["x-toolproxy-route"] == "rule:none"
    raw = ask(base, user("forecast: weather in Tokyo"))
    assert raw.headers["x-toolproxy-route"] == "rule:get_weather"
    assert '"city":"Tokyo"' in system_texts(up.received[-1])


def test_mcp_tool_discovered_routed_and_run(proxy: Any) -> None:
    base, _, up = proxy
    up.reset()
    raw = ask(base, user("add 19 and 23"))
    assert raw.headers["x-toolproxy-route"] == "local:add"
    assert "42" in system_texts(up.received[-1])


def test_observe_and_shadow_modes(proxy: Any) -> None:
    base, db, up = proxy
    up.reset()
    raw = ask(base, user("What's the weather in Paris right now?"), mode="observe", tools=[STOCK_TOOL])
    assert raw.headers["x-toolproxy-route"] == "passthrough"
    assert up.received[-1]["tools"] == [STOCK_TOOL]
    raw = ask(base, user("What's the weather in Paris right now?"), mode="shadow", tools=[STOCK_TOOL])
    assert raw.headers["x-toolproxy-route"] == "passthrough"
    row = exchange(db, raw.headers["x-toolproxy-trace-id"])
    assert row.mode == "shadow" and row.route == "passthrough"
    decision = [s for s in steps(db, row.id) if s.kind == "decision"]
    assert decision and decision[0].tool == "get_weather"
    bad = httpx.post(base + "/v1/chat/completions", headers={"x-toolproxy-mode": "yolo"},
                     json={"model": "fake-model", "messages": user("hi")})
    assert bad.status_code == 400 and bad.json()["error"]["param"] == "x-toolproxy-mode"


def test_streaming_on_every_branch(proxy: Any) -> None:
    base, _, up = proxy
    up.reset()
    text, headers, _ = stream_text(base, user("What's the weather in Paris right now?"))
    assert headers["x-toolproxy-route"] == "local:get_weather" and text.startswith("echo: ")
    text, headers, _ = stream_text(base, user("Can you write a two-line poem about autumn leaves?"))
    assert headers["x-toolproxy-route"] == "none" and text.startswith("echo: Can you write")
    text, headers, chunks = stream_text(base, user("What is the stock price of NVDA?"), tools=[STOCK_TOOL])
    assert headers["x-toolproxy-route"] == "client_tool:get_stock_price"
    calls = [tc for c in chunks if c.choices for tc in (c.choices[0].delta.tool_calls or [])]
    assert calls and calls[0].function.name == "get_stock_price"
    assert chunks[-1].choices[0].finish_reason == "tool_calls"
    up.script.extend([{"tool_calls": [{"name": "get_weather", "arguments": {"city": "Tokyo"}}]},
                      {"content": "Sunny in Tokyo."}])
    text, headers, _ = stream_text(base, user("Tell me about the conditions over there"),
                                   tool_choice={"type": "function", "function": {"name": "get_weather"}})
    assert headers["x-toolproxy-route"] == "fallback" and text == "Sunny in Tokyo."
    text, headers, _ = stream_text(base, user("Who wrote Hamlet?"))
    assert headers["x-toolproxy-route"] == "rule:none"
    up.script.append({"content": "Paris and Boston: 18C."})  # a chain after the local call
    text, headers, _ = stream_text(base, user("What's the weather in Paris right now, and then check Boston too?"))
    assert headers["x-toolproxy-route"] == "local:get_weather" and text == "Paris and Boston: 18C."
    assert up.received[-1]["messages"][-1]["role"] == "tool" and "tools" in up.received[-1]


def test_a_managed_first_step_runs_here_then_the_llm_calls_the_next_tool(make_proxy: Any, upstream: Any) -> None:
    """GetUserToken is managed: the proxy runs it, then the upstream gets the tools plus the call and its result,
    and its DeleteAccount call (a client tool) goes back to the client."""
    token_tool = {**TOKEN_TOOLS[0]["function"],
                  "executor": {"type": "python", "callable": "tests.fixtures.tools:get_user_token"}}
    up = upstream
    up.script.append({"tool_calls": [{"name": "DeleteAccount", "arguments": {"token": "tk-jdoe-42"}}]})
    with make_proxy(router={"mode": "intercept"}, tools=[token_tool]) as base:
        raw = ask(base, user("Please delete my account. My username is jdoe and my password is hunter2."),
                  tools=[TOKEN_TOOLS[1]])
        assert raw.headers["x-toolproxy-route"] == "local:GetUserToken"
        sent = up.received[-1]
        assert [t["function"]["name"] for t in sent["tools"]] == ["DeleteAccount", "GetUserToken"]
        call, result = sent["messages"][-2:]
        assert call["tool_calls"][0]["function"]["name"] == "GetUserToken"
        assert call["tool_calls"][0]["id"].startswith("call_tp_first_")
        assert result["role"] == "tool" and "tk-jdoe-42" in result["content"]
        msg = raw.parse().choices[0].message
        assert [c.function.name for c in msg.tool_calls] == ["DeleteAccount"]
