"""Validation of a chat completion request body: precise 400s that name the bad field."""

from __future__ import annotations

from typing import Any

import orjson

from proxy.errors import BodyTooLarge, InvalidRequest

ROLES = {"system", "developer", "user", "assistant", "tool", "function"}
MAX_DEPTH = 128  # JSON nesting; deeper bodies break orjson.dumps (255) and recursive cleaners


def parse_body(raw: bytes, max_bytes: int) -> dict[str, Any]:
    if len(raw) > max_bytes:
        raise BodyTooLarge(f"Request body is {len(raw)} bytes; the limit is {max_bytes}.")
    if not raw.strip():
        raise InvalidRequest("Request body is empty; expected a JSON object.", code="invalid_json")
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise InvalidRequest(f"Request body is not valid JSON: {exc}.", code="invalid_json") from None
    if not isinstance(body, dict):
        raise InvalidRequest(f"Request body must be a JSON object, got {_kind(body)}.", code="invalid_json")
    if raw.count(b"{") + raw.count(b"[") > MAX_DEPTH and not _depth_within(body, MAX_DEPTH):
        raise InvalidRequest(f"Request body is nested deeper than {MAX_DEPTH} levels.", code="invalid_json")
    return body


def _depth_within(value: Any, limit: int) -> bool:
    """Whether no container in ``value`` sits deeper than ``limit`` (iterative: no recursion limit)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return False
        for child in node.values() if isinstance(node, dict) else node:
            if isinstance(child, dict | list):
                stack.append((child, depth + 1))
    return True


def _kind(v: Any) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}.get(
        type(v), "number" if isinstance(v, int | float) else type(v).__name__
    )


def _expect(cond: bool, message: str, param: str) -> None:
    if not cond:
        raise InvalidRequest(message, param=param, code="invalid_value")


def validate_chat(body: dict[str, Any], max_messages: int) -> None:
    model = body.get("model")
    _expect(isinstance(model, str) and model != "", "'model' is required and must be a non-empty string.", "model")
    messages = body.get("messages")
    if messages is None:
        raise InvalidRequest("'messages' is required.", param="messages", code="missing_required_parameter")
    _expect(isinstance(messages, list), f"'messages' must be an array, got {_kind(messages)}.", "messages")
    _expect(len(messages) > 0, "'messages' must contain at least one message.", "messages")
    _expect(len(messages) <= max_messages, f"'messages' has {len(messages)} items; the limit is {max_messages}.",
            "messages")
    for i, m in enumerate(messages):
        p = f"messages[{i}]"
        _expect(isinstance(m, dict), f"'{p}' must be an object, got {_kind(m)}.", p)
        role = m.get("role")
        _expect(isinstance(role, str) and role in ROLES,
                f"'{p}.role' must be one of {sorted(ROLES)}, got {role!r}."[:300], f"{p}.role")
        content = m.get("content")
        _expect(content is None or isinstance(content, str | list),
                f"'{p}.content' must be a string, an array of parts or null, got {_kind(content)}.", f"{p}.content")
        if isinstance(content, list):
            for j, part in enumerate(content):
                _expect(isinstance(part, dict) and isinstance(part.get("type"), str),
                        f"'{p}.content[{j}]' must be an object with a 'type'.", f"{p}.content[{j}]")
        if role == "tool":
            _expect(isinstance(m.get("tool_call_id"), str), f"'{p}.tool_call_id' is required for tool messages.",
                    f"{p}.tool_call_id")
        calls = m.get("tool_calls")
        if calls is not None:
            _expect(isinstance(calls, list), f"'{p}.tool_calls' must be an array.", f"{p}.tool_calls")
            for j, c in enumerate(calls):
                fn = c.get("function") if isinstance(c, dict) else None
                _expect(isinstance(fn, dict) and isinstance(fn.get("name"), str),
                        f"'{p}.tool_calls[{j}]' must have function.name.", f"{p}.tool_calls[{j}]")
    tools = body.get("tools")
    if tools is not None:
        _expect(isinstance(tools, list), f"'tools' must be an array, got {_kind(tools)}.", "tools")
        names: set[str] = set()
        for i, t in enumerate(tools):
            fn = t.get("function") if isinstance(t, dict) else None
            _expect(isinstance(fn, dict) and isinstance(fn.get("name"), str) and fn["name"] != "",
                    f"'tools[{i}]' must be {{'type': 'function', 'function': {{'name': ...}}}}.", f"tools[{i}]")
            assert isinstance(fn, dict)
            params = fn.get("parameters")
            _expect(params is None or isinstance(params, dict), f"'tools[{i}].function.parameters' must be an object.",
                    f"tools[{i}].function.parameters")
            _expect(fn["name"] not in names, f"'tools[{i}]': duplicate tool name {fn['name']!r}.", f"tools[{i}]")
            names.add(fn["name"])
    for key, kinds in (("stream", bool), ("n", int), ("temperature", int | float), ("max_tokens", int),
                       ("stream_options", dict), ("tool_choice", str | dict), ("parallel_tool_calls", bool)):
        v = body.get(key)
        if v is not None:
            _expect(isinstance(v, kinds) and not (kinds is not bool and isinstance(v, bool)),
                    f"'{key}' has the wrong type ({_kind(v)}).", key)
