"""Reading a chat conversation: which turns to search for argument values, and today's date."""

from __future__ import annotations

import ast
import datetime as dt
import json
import re
from collections.abc import Iterator
from typing import Any

_TODAY_RE = re.compile(
    r"\b(?:today is|current (?:date|time) is|the date is|now is)\s*:?\s*(\d{4})-(\d{2})-(\d{2})",
    re.IGNORECASE,
)


def content_text(message: dict[str, Any]) -> str:
    """The plain text of a message (string content or the text parts of a content list)."""
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [
            str(part.get("text", ""))
            for part in content
            if isinstance(part, dict) and part.get("type") in ("text", "input_text")
        ]
        return " ".join(p for p in parts if p)
    return ""


def user_turns(messages: list[dict[str, Any]]) -> list[str]:
    """User message texts, newest first (the last user turn is the primary source)."""
    return [content_text(m) for m in reversed(messages) if m.get("role") == "user" and content_text(m)]


def questions_before_users(messages: list[dict[str, Any]]) -> list[str]:
    """For each user turn, newest first (as :func:`user_turns`), the assistant text right before it ("Which
    city?"), or "" when another kind of message precedes it."""
    questions = []
    for i, message in enumerate(messages):
        if message.get("role") == "user" and content_text(message):
            before = messages[i - 1] if i > 0 else {}
            questions.append(content_text(before) if before.get("role") == "assistant" else "")
    return questions[::-1]


def tool_outputs(messages: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """JSON objects found in tool results, newest first (flattened one level: {"output": {...}})."""
    for message in reversed(messages):
        if message.get("role") != "tool":
            continue
        try:
            data = json.loads(content_text(message))
        except (ValueError, TypeError):
            continue
        if not isinstance(data, dict):
            continue
        yield data
        for value in data.values():
            if isinstance(value, dict):
                yield value


def _flatten(data: dict[str, Any], into: dict[str, Any]) -> dict[str, Any]:
    for key, value in data.items():
        if isinstance(value, dict):
            _flatten(value, into)
        elif isinstance(value, str | int | float | bool) and str(key) not in into:
            into[str(key)] = value
    return into


_HOME_RE = re.compile(r"\b(?:lives|living|is based|based|is located|located|resides)\s+in\s+"
                      r"([A-Z][\w'-]*(?:[ -][A-Z][\w'-]*)*)")


def system_facts(messages: list[dict[str, Any]]) -> dict[str, Any]:
    """Scalar key/values of a dict written in a system message ("User profile: {'UserName': ...}"), and
    ``home_location`` where it says where the user lives ("The user is based in Chicago.")."""
    facts: dict[str, Any] = {}
    for message in messages:
        if message.get("role") not in ("system", "developer"):
            continue
        text = content_text(message)
        home = _HOME_RE.search(text)  # "The user lives in Reykjavik": where the user is, for a place left unsaid
        if home:
            facts.setdefault("home_location", home.group(1).strip())
        start, end = text.find("{"), text.rfind("}")
        if start < 0 or end <= start:
            continue
        literal = text[start : end + 1]
        try:
            data = json.loads(literal)
        except ValueError:
            try:
                data = ast.literal_eval(literal)
            except (ValueError, SyntaxError, MemoryError, RecursionError):
                continue
        if isinstance(data, dict):
            _flatten(data, facts)
    return facts


def reference_date(messages: list[dict[str, Any]], today: dt.date | None) -> dt.date:
    """The date relative expressions resolve against: ``today``, else a system message's date."""
    if today is not None:
        return today
    for message in messages:
        if message.get("role") in ("system", "developer"):
            match = _TODAY_RE.search(content_text(message))
            if match:
                try:
                    return dt.date(int(match[1]), int(match[2]), int(match[3]))
                except ValueError:
                    continue
    return dt.date.today()
