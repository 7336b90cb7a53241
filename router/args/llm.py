"""The optional LLM layer's wire format, without any client: build the request, read the answer.

The proxy owns the client (litellm). A typical ``llm`` callable for :func:`fill_arguments`::

    def ask(tool: ToolSpec, messages: list[dict]) -> dict | None:
        response = litellm.completion(model=args_model, **args_request(tool, messages))
        return arguments_from_response(response.model_dump())

The model sees only the chosen tool's schema, and is forced to call it.
"""

from __future__ import annotations

import json
from typing import Any

from router.args.conversation import content_text
from router.types import ToolSpec

INSTRUCTIONS = (
    "Fill the arguments of the function `{name}` from the conversation. Use only values the user "
    "stated or that earlier tool results contain; leave out any argument the conversation does not "
    "give. Never invent values."
)


def _plain(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Text-only turns: tool calls and tool results become text, so no provider rejects them
    for lacking the tool definitions they refer to."""
    plain: list[dict[str, Any]] = []
    for message in messages:
        role = message.get("role")
        text = content_text(message)
        if role == "tool":
            plain.append({"role": "user", "content": f"(tool result) {text}"})
            continue
        if role == "assistant" and message.get("tool_calls"):
            calls = "; ".join(
                f"{c.get('function', {}).get('name')}({c.get('function', {}).get('arguments', '')})"
                for c in message["tool_calls"]
                if isinstance(c, dict)
            )
            text = f"{text}\n(called {calls})".strip()
        if role in ("system", "developer", "user", "assistant") and text:
            plain.append({"role": "system" if role == "developer" else role, "content": text})
    return plain


def args_request(tool: ToolSpec, messages: list[dict[str, Any]]) -> dict[str, Any]:
    """Chat-completion request fields (no ``model``) that force a call of ``tool`` alone."""
    return {
        "messages": [{"role": "system", "content": INSTRUCTIONS.format(name=tool.name)}, *_plain(messages)],
        "tools": [
            {
                "type": "function",
                "function": {
                    "name": tool.name,
                    "description": tool.description,
                    "parameters": tool.parameters or {"type": "object", "properties": {}},
                },
            }
        ],
        "tool_choice": {"type": "function", "function": {"name": tool.name}},
        "temperature": 0,
    }


def arguments_from_response(response: dict[str, Any], tool_name: str | None = None) -> dict[str, Any] | None:
    """The arguments of the first tool call (for ``tool_name`` when given) in an OpenAI-shaped
    chat completion; a JSON object in the text content is accepted too. None when there is none."""
    choices = response.get("choices") or []
    if not choices or not isinstance(choices[0], dict):
        return None
    message = choices[0].get("message") or {}
    for call in message.get("tool_calls") or []:
        function = call.get("function") or {} if isinstance(call, dict) else {}
        if tool_name is not None and function.get("name") != tool_name:
            continue
        parsed = _json_object(function.get("arguments"))
        if parsed is not None:
            return parsed
    return _json_object(message.get("content"))


def _json_object(raw: Any) -> dict[str, Any] | None:
    if isinstance(raw, dict):
        return raw
    if not isinstance(raw, str) or not raw.strip():
        return None
    text = raw.strip()
    if text.startswith("```"):
        text = text.strip("`").removeprefix("json").strip()
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
