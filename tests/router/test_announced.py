"""router.announced: a closing assistant turn that names the next call, or says it will look for a tool."""

from __future__ import annotations

import os
from typing import Any

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from router.announced import ANNOUNCED_CONFIDENCE, announced_tool, is_tool_search  # noqa: E402
from router.context import build_context  # noqa: E402
from router.router import Router  # noqa: E402
from router.types import NONE, RouterOptions, ToolSpec  # noqa: E402

SEARCHER = ToolSpec("ToolSearcher", "Searches for relevant tools in library based on the keywords.",
                    {"type": "object", "properties": {"keywords": {"type": "string"}}, "required": ["keywords"]})
TOOLS = [
    ToolSpec("SearchEngine", "This API searches for a given keyword for search engine."),
    ToolSpec("QueryMeeting", "The API for retrieving the meeting details for the user."),
    ToolSpec("ModifyMeeting", "The API for modifying a meeting."),
    SEARCHER,
]


def test_tool_search_tools_are_told_by_their_description() -> None:
    assert is_tool_search(SEARCHER)
    assert not is_tool_search(TOOLS[0])  # searches, but not for tools
    assert is_tool_search(ToolSpec("find_apis", "Finds APIs that match a task description."))
    # a quoted name is not what the tool does
    assert not is_tool_search(ToolSpec("web_search_api_for_bing_search_apis",
                                       'Endpoint "Web Search API" of the Search API "Bing Search APIs".'))


@pytest.mark.parametrize(
    ("text", "tool"),
    [
        ("Authenticated. Now, I will call the QueryMeeting API to check the reservation.", "QueryMeeting"),
        ("Sure, let me check first. [ToolSearcher(keywords='set reminder')]", "ToolSearcher"),
        ("Sure, let me search for the relevant tool.", "ToolSearcher"),
        ("Understood, let me check if we have an API for querying alarm.", "ToolSearcher"),
        ("First, let me check if I have the alarm setting tool.", "ToolSearcher"),
    ],
)
def test_an_announced_step_is_read(text: str, tool: str) -> None:
    found = announced_tool(text, TOOLS)
    assert found is not None and found[0] == tool, found


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Sure, let me check.",  # no tool named, no tool looked for
        "I have found the tool that can help us book a hotel room.",  # found: the search is done
        "Let me call the RegisterUser API to register your account.",  # a tool that is not offered
        "I'll compare QueryMeeting and ModifyMeeting first.",  # two named
        "Let me make the API call to record your health data.",  # not a search
    ],
)
def test_other_closing_turns_are_left_to_the_head(text: str) -> None:
    assert announced_tool(text, TOOLS) is None


def test_a_one_word_name_is_an_ordinary_word() -> None:
    tools = [ToolSpec("search", "Search the web"), ToolSpec("calculator", "Evaluate arithmetic")]
    assert announced_tool("Let me search that for you with the calculator.", tools) is None
    # no tool-search tool offered: a search for tools finds nothing to route to
    assert announced_tool("Sure, let me search for the relevant tool.", TOOLS[:3]) is None


def test_the_router_routes_the_announced_call() -> None:
    router = Router(RouterOptions())
    messages: list[dict[str, Any]] = [
        {"role": "user", "content": "Can you help me set an alarm for 9:00 am on 7-15?"},
        {"role": "assistant", "content": "Sure. Let me search for the appropriate tool first."},
    ]
    assert build_context(messages).announced == messages[-1]["content"]
    decision = router.decide(messages, TOOLS)
    assert decision.tool == "ToolSearcher" and decision.confident, decision
    assert decision.confidence == ANNOUNCED_CONFIDENCE and decision.scores[NONE] < 0.05
    assert decision.reason.startswith("announced:")
    # without the closing turn the head decides: none of these tools sets an alarm, so at most the tool
    # search is a guess, left to the LLM (router.actionable)
    alone = router.decide(messages[:1], TOOLS)
    assert not alone.confident and not alone.reason.startswith("announced:"), alone
