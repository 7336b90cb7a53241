"""Values from outside the user's words: earlier tool results, a profile in the system message,
schema defaults."""

from __future__ import annotations

import re
from typing import Any

from router.args.conversation import tool_outputs
from router.args.params import split_words
from router.args.validate import SchemaCheck, coerce


def from_tool_outputs(
    schema: dict[str, Any], messages: list[dict[str, Any]], check: SchemaCheck
) -> dict[str, Any]:
    """Values of same-named keys in earlier tool results (e.g. a ``token`` from a login tool)."""
    found: dict[str, Any] = {}
    properties = schema.get("properties") or {}
    for output in tool_outputs(messages):
        for name, sub in properties.items():
            if name in found or name not in output or not isinstance(sub, dict):
                continue
            value = coerce(output[name], sub)
            if check.is_valid(value, sub):
                found[name] = value
    return found


def fill_from_facts(
    schema: dict[str, Any],
    facts: dict[str, Any],
    arguments: dict[str, Any],
    sources: dict[str, str],
    check: SchemaCheck,
) -> None:
    """Required values still missing, from a profile in the system message whose key names match."""
    if not facts:
        return
    keyed = {_key(k): v for k, v in facts.items()}
    worded = [(set(split_words(k)), v) for k, v in facts.items()]
    properties = schema.get("properties") or {}
    for name in schema.get("required") or []:
        sub = properties.get(name)
        if name in arguments or not isinstance(sub, dict):
            continue
        if _key(name) in keyed:
            options = [keyed[_key(name)]]
        elif "home_location" in facts and set(split_words(name)) & _HOME_PLACES:
            options = [facts["home_location"]]  # book_flight(origin, ...) for a user "based in Chicago"
        else:
            words = set(split_words(name)) - {"user", "my"}
            options = [v for key_words, v in worded if words and words <= key_words]
        if len(options) == 1:
            value = coerce(options[0], sub)
            if check.is_valid(value, sub):
                arguments[name] = value
                sources[name] = "context"


_HOME_PLACES = frozenset({"origin", "location", "city", "home", "departure", "from", "current", "start"})


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def fill_defaults(schema: dict[str, Any], arguments: dict[str, Any], sources: dict[str, str]) -> None:
    for name, sub in (schema.get("properties") or {}).items():
        if name not in arguments and isinstance(sub, dict) and "default" in sub:
            arguments[name] = sub["default"]
            sources[name] = "default"
