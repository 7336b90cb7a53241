"""The LLM layer's request and response handling (no model: responses are written by hand)."""

from __future__ import annotations

from typing import Any

from router.args import fill_arguments
from router.args.llm import args_request, arguments_from_response
from router.types import ToolSpec

TRANSFER = ToolSpec(
    "transfer",
    "Send money",
    {
        "type": "object",
        "properties": {
            "amount": {"type": "number"},
            "iban": {"type": "string", "pattern": "^[A-Z]{2}[0-9]{6,}$"},
        },
        "required": ["amount", "iban"],
    },
)


def completion(tool_calls: list[dict[str, Any]] | None = None, content: str | None = None) -> dict[str, Any]:
    return {"choices": [{"message": {"role": "assistant", "content": content, "tool_calls": tool_calls}}]}


def call(name: str, arguments: str) -> dict[str, Any]:
    return {"id": "c1", "type": "function", "function": {"name": name, "arguments": arguments}}


def test_request_carries_only_the_chosen_tool_and_forces_it() -> None:
    messages: list[dict[str, Any]] = [
        {"role": "user", "content": "send 20 to my landlord"},
        {"role": "assistant", "content": None, "tool_calls": [call("lookup", '{"who": "landlord"}')]},
        {"role": "tool", "tool_call_id": "c1", "content": '{"iban": "DE12345678"}'},
    ]
    request = args_request(TRANSFER, messages)
    assert [t["function"]["name"] for t in request["tools"]] == ["transfer"]
    assert request["tools"][0]["function"]["parameters"] == TRANSFER.parameters
    assert request["tool_choice"] == {"type": "function", "function": {"name": "transfer"}}
    roles = [m["role"] for m in request["messages"]]
    assert roles == ["system", "user", "assistant", "user"]  # no tool messages, no tool_calls left
    assert all("tool_calls" not in m for m in request["messages"])
    assert "DE12345678" in request["messages"][-1]["content"]
    assert 'lookup({"who": "landlord"})' in request["messages"][2]["content"]


def test_arguments_from_tool_call_or_json_content() -> None:
    assert arguments_from_response(completion([call("transfer", '{"amount": 20}')])) == {"amount": 20}
    assert arguments_from_response(completion([call("other", '{"x": 1}')]), "transfer") is None
    assert arguments_from_response(completion(content='```json\n{"amount": 5}\n```')) == {"amount": 5}
    assert arguments_from_response(completion([call("transfer", "not json")])) is None
    assert arguments_from_response({"choices": []}) is None


def test_round_trip_through_fill_arguments() -> None:
    seen: list[dict[str, Any]] = []

    def fake_model(tool: ToolSpec, messages: list[dict[str, Any]]) -> dict[str, Any] | None:
        request = args_request(tool, messages)
        seen.append(request)
        return arguments_from_response(completion([call(tool.name, '{"amount": 99, "iban": "DE12345678"}')]))

    result = fill_arguments([{"role": "user", "content": "send 20 euros to DE12345678 please"}], TRANSFER)
    assert result.arguments == {"amount": 20, "iban": "DE12345678"}  # extraction alone suffices

    result = fill_arguments(
        [{"role": "user", "content": "send 20 euros to my landlord"}], TRANSFER, llm=fake_model
    )
    assert result.arguments == {"amount": 20, "iban": "DE12345678"}  # extracted amount kept
    assert result.sources == {"amount": "number", "iban": "llm"}
    assert len(seen) == 1


def test_llm_value_violating_the_schema_is_dropped() -> None:
    def bad_model(tool: ToolSpec, messages: list[dict[str, Any]]) -> dict[str, Any] | None:
        return {"iban": "my landlord"}

    result = fill_arguments(
        [{"role": "user", "content": "send 20 euros to my landlord"}], TRANSFER, llm=bad_model
    )
    assert result.missing == ["iban"]
    assert not result.complete
