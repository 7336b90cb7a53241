"""Pure transformations of OpenAI chat payloads: strip tool schemas, inject tool output, build replies.

How tool output reaches the upstream without tool schemas: every assistant ``tool_calls`` message and
every ``tool`` message is rewritten as text (an assistant line saying which tool was called with which
arguments, then a ``system`` message carrying the result), and a tool toolproxy ran itself is injected
the same way right after the last user message. No provider sees a ``tool`` role without tool
definitions, so providers that reject that (Anthropic, Gemini through litellm) work unchanged.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import orjson

from router.types import FIRST_STEP_ID_PREFIX, OWN_CALL_ID_PREFIX

TOOL_KEYS = ("tools", "tool_choice", "parallel_tool_calls", "functions", "function_call")


def estimate_tokens(obj: Any) -> int:
    """Rough token count of a JSON payload (~4 characters per token)."""
    return len(orjson.dumps(obj)) // 4 if obj else 0


def text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(str(p.get("text", "")) for p in content if isinstance(p, dict) and p.get("type") == "text")
    return ""


def result_message(tool: str, arguments: dict[str, Any], output: str) -> dict[str, Any]:
    args = orjson.dumps(arguments).decode()
    return {
        "role": "system",
        "content": f"Tool result: `{tool}` was run with arguments {args} and returned:\n{output}\n"
        "Use this result to answer the user's last message.",
    }


def flatten_tool_messages(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rewrite assistant tool_calls and tool results as plain text messages."""
    out: list[dict[str, Any]] = []
    names: dict[str, tuple[str, dict[str, Any]]] = {}
    for m in messages:
        role = m.get("role")
        if role == "assistant" and m.get("tool_calls"):
            lines = [text_of(m.get("content"))] if m.get("content") else []
            for call in m["tool_calls"]:
                fn = call.get("function") or {}
                name = str(fn.get("name"))
                args = _parse_args(fn.get("arguments"))
                names[str(call.get("id"))] = (name, args)
                lines.append(f"(calling tool `{name}` with {orjson.dumps(args).decode()})")
            out.append({"role": "assistant", "content": "\n".join(lines)})
        elif role in ("tool", "function"):
            name, args = names.get(str(m.get("tool_call_id")), (str(m.get("name") or "tool"), {}))
            out.append(result_message(name, args, text_of(m.get("content"))))
        else:
            out.append(m)
    return out


def _parse_args(raw: Any) -> dict[str, Any]:
    if isinstance(raw, dict):
        return raw
    try:
        val = orjson.loads(raw or "{}")
    except (orjson.JSONDecodeError, TypeError):
        return {"_raw": str(raw)}
    return val if isinstance(val, dict) else {"_value": val}


def parse_arguments(raw: Any) -> dict[str, Any]:
    return _parse_args(raw)


def stripped_body(body: dict[str, Any], extra: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The request without any tool schema; tool history flattened; ``extra`` appended after the last user turn."""
    out = {k: v for k, v in body.items() if k not in TOOL_KEYS}
    messages = flatten_tool_messages(list(body["messages"]))
    if extra:
        last_user = max((i for i, m in enumerate(messages) if m.get("role") == "user"), default=len(messages) - 1)
        messages = messages[: last_user + 1] + extra + messages[last_user + 1 :]
    out["messages"] = messages
    return out


def own_tool_call(tool: str, arguments: dict[str, Any], first_step: bool = False) -> dict[str, Any]:
    """One OpenAI tool call issued by toolproxy (its id marks it as ours, and as a first step the LLM
    continues from, ``RouteDecision.then``)."""
    return {
        "id": (FIRST_STEP_ID_PREFIX if first_step else OWN_CALL_ID_PREFIX) + uuid.uuid4().hex[:20],
        "type": "function",
        "function": {"name": tool, "arguments": orjson.dumps(arguments).decode()},
    }


def tool_call_completion(model: str, tool: str, arguments: list[dict[str, Any]], first_step: bool = False
                         ) -> dict[str, Any]:
    """An assistant reply asking the client to run ``tool``, once per arguments (client-executed tools;
    several calls are OpenAI's parallel tool calls)."""
    calls = [own_tool_call(tool, args, first_step) for args in arguments]
    return {
        "id": "chatcmpl-tp" + uuid.uuid4().hex[:24],
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": None, "tool_calls": calls},
                     "finish_reason": "tool_calls", "logprobs": None}],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
    }


def first_tool_call(completion: dict[str, Any]) -> str | None:
    try:
        calls = completion["choices"][0]["message"].get("tool_calls") or []
    except (KeyError, IndexError, TypeError, AttributeError):
        return None
    return str(calls[0]["function"]["name"]) if calls else None


NOTE_OUTPUT_CHARS = 2000  # per tool output, in the note handed back with a client's tool calls


def server_side_note(added: list[dict[str, Any]]) -> str:
    """What toolproxy ran for this request, for the assistant message that hands tool calls to the
    client: the client keeps that message in its history, so the LLM sees these results next turn.
    ``added``: the assistant tool calls and tool results toolproxy put after the client's messages."""
    calls = {c["id"]: c["function"] for m in added if m.get("role") == "assistant" for c in m.get("tool_calls") or []}
    lines = []
    for m in added:
        fn = calls.get(str(m.get("tool_call_id"))) if m.get("role") == "tool" else None
        if fn is not None:
            output = text_of(m.get("content"))[:NOTE_OUTPUT_CHARS]
            lines.append(f"- {fn['name']}({fn.get('arguments') or '{}'}) returned: {output}")
    return "[toolproxy ran these tools for this request]\n" + "\n".join(lines) if lines else ""
