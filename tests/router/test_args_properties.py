"""Properties of fill_arguments on arbitrary text: it never raises, never invents free text,
and what it returns as complete validates against the schema."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from router.args import fill_arguments
from router.types import ToolSpec

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "city": {"type": "string", "description": "City name"},
        "query": {"type": "string", "description": "Search query"},
        "title": {"type": "string"},
        "count": {"type": "integer", "minimum": 0, "maximum": 1000},
        "price": {"type": "number"},
        "when": {"type": "string", "format": "date"},
        "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
        "email": {"type": "string", "format": "email"},
        "include_images": {"type": "boolean"},
        "tags": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["city", "query", "count"],
}
TOOL = ToolSpec("search", "Search things", SCHEMA)
WORDS = [
    "weather", "in", "Paris", "New", "York", "for", "two", "people", "tomorrow", "at", "3pm", "$20", "5 km",
    '"Hello World"', "'quoted'", "a@b.io", "https://x.org/a", "without", "images", "celsius", "title", "is",
    "Dune", "count", "42", "3.5%", "next", "friday", "June", "3rd", "and", ",", ".", "?", "search", "tags",
    "are", "red", "blue", "{", "[", "]", "}", "ID", "AB-12", "no", "please", "query", ":", "=",
]  # fmt: skip
texts = st.lists(st.sampled_from(WORDS) | st.text(max_size=12), min_size=0, max_size=25).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(turns=st.lists(texts, min_size=1, max_size=3))
def test_never_raises_never_invents_and_complete_means_valid(turns: list[str]) -> None:
    messages = [{"role": "user" if i % 2 == 0 else "assistant", "content": t} for i, t in enumerate(turns)]
    result = fill_arguments(messages, TOOL, today=dt.date(2024, 5, 8))
    conversation = " ".join(turns)
    for name, value in result.arguments.items():
        assert name in SCHEMA["properties"]
        if result.sources[name] in ("span", "quoted", "email", "url") and isinstance(value, str):
            assert value in conversation, (name, value)
        if isinstance(value, list):
            assert all(str(v) in conversation for v in value if result.sources[name] in ("span", "quoted"))
    assert set(result.missing) <= set(SCHEMA["required"])
    assert not set(result.missing) & set(result.arguments)
    if result.complete:
        assert list(Draft202012Validator(SCHEMA).iter_errors(result.arguments)) == []


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=200))
def test_arbitrary_unicode_is_handled(text: str) -> None:
    result = fill_arguments([{"role": "user", "content": text}], TOOL)
    assert isinstance(result.arguments, dict)
    assert set(result.sources) == set(result.arguments)
