"""The step an assistant has just announced, read before the head.

A conversation that ends with an assistant turn without a tool call has the model mid-turn, and agents
that narrate say what they will do next: "Now I will call the DeleteAccount API to delete your account.",
"Sure, let me search for the relevant tool." Two announcements decide the route outright:

- the turn names exactly one offered tool by its identifier ("the CancelTimedSwitch API",
  "[ToolSearcher(keywords='alarm')]"): that tool. Only names of two words or more count
  (``CancelTimedSwitch``, ``get_weather``): a one-word name ("search", "calculator") is an ordinary word;
- the turn says it will look for a tool ("let me search for the relevant tool", "let me check if we have
  an API for that") and one offered tool is a tool search: its description says it searches for or finds
  tools, APIs or functions ("Searches for relevant tools in library based on the keywords."). That tool.

Anything else (no closing assistant turn, a tool named that is not offered, two tools named) is left to
the head.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from router.encoder import split_identifier
from router.types import ToolSpec

ANNOUNCED_CONFIDENCE = 0.99  # the assistant said which call comes next

_TOOL_WORDS = r"(?:tools?|apis?|functions?|plugins?)"
# "let me search for the relevant tool", "let me check if I can find the API for that"
_LOOKS_FOR_TOOL = re.compile(rf"\b(?:search|look|check|find|see)\b[^.?!]{{0,40}}\b{_TOOL_WORDS}\b", re.I)
# a description that says the tool finds tools: "Searches for relevant tools in library"
_FINDS_TOOLS = re.compile(
    r"\b(?:search(?:es)?|finds?|looks? up|discovers?|retrieves?)\b(?: for)?(?: [\w-]+){0,2} "
    r"(?:tools|apis|functions|plugins)\b",
    re.I,
)
_QUOTED = re.compile(r"\"[^\"]*\"")  # 'Endpoint "Web Search API" of the Search API "Bing Search APIs"': names


def is_tool_search(tool: ToolSpec) -> bool:
    """The tool finds other tools (its description says so, outside quoted names)."""
    return _finds_tools(tool.description or "")


@lru_cache(maxsize=16384)
def _finds_tools(description: str) -> bool:
    return bool(_FINDS_TOOLS.search(_QUOTED.sub(" ", description)))


def _named(text: str, tools: Sequence[ToolSpec]) -> list[str]:
    names = []
    for tool in tools:
        if len(split_identifier(tool.name).split()) < 2:
            continue
        if re.search(rf"(?<![\w.]){re.escape(tool.name)}(?![\w])", text):
            names.append(tool.name)
    return names


def announced_tool(text: str, tools: Sequence[ToolSpec]) -> tuple[str, str] | None:
    """``(tool name, why)`` when the closing assistant turn ``text`` announces one of ``tools``."""
    if not text:
        return None
    named = _named(text, tools)
    if len(named) == 1:
        return named[0], f"the assistant's last turn names {named[0]}"
    if named or not _LOOKS_FOR_TOOL.search(text):
        return None
    searchers = [t.name for t in tools if is_tool_search(t)]
    if len(searchers) == 1:
        return searchers[0], f"the assistant looks for a tool and {searchers[0]} finds tools"
    return None
