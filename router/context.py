"""Routing text from a conversation: the last user turn plus a short window of earlier ones.

The router embeds the last user message; when earlier user turns exist it also embeds the window
(earlier turns + last) so a follow-up such as "and in Paris?" keeps the topic of the question
before it, and the assistant's turn right before the last user turn, so that a bare answer ("John
Smith" to "And finally, what is your full name?") keeps the task it answers for. System prompts are
ignored (they describe the assistant, not the request). When the conversation ends with a tool result the model's next move is to answer from it, so the router
reports that and usually answers NONE.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from router.types import FIRST_STEP_ID_PREFIX, OWN_CALL_ID_PREFIX

FOLLOW_UP_WORDS = 6  # a last turn this short leans on the window more
FOLLOW_UP_WEIGHT = 4.0  # the window outweighs a short follow-up ("and in Boston?") that names no topic


def message_text(message: dict[str, Any]) -> str:
    """The plain text of one OpenAI message (string content or a list of text parts)."""
    content = message.get("content")
    if isinstance(content, str):
        return content.strip()
    if isinstance(content, list):
        parts = [
            str(part.get("text", ""))
            for part in content
            if isinstance(part, dict) and part.get("type", "text") == "text"
        ]
        return " ".join(p.strip() for p in parts if p.strip())
    return ""


@dataclass(frozen=True)
class RoutingContext:
    """What the router reads from a conversation."""

    last: str  # the last user message ("" when there is none)
    previous: tuple[str, ...]  # earlier user turns inside the window, oldest first, then the assistant's question
    after_tool_result: bool  # the conversation ends with a tool result
    after_own_tool_result: bool = False  # ... of a call toolproxy issued (OWN_CALL_ID_PREFIX), not a first step
    request: str = ""  # the last user message alone (``last`` also holds a closing assistant turn)
    announced: str = ""  # a closing assistant turn without a tool call ("Let me call the X API.")

    @property
    def window(self) -> str:
        """Earlier turns and the last one as one text, for follow-ups."""
        return " ".join([*self.previous, self.last]).strip()

    @property
    def is_follow_up(self) -> bool:
        """A short last turn with earlier turns to lean on ("and in Paris?")."""
        return bool(self.previous) and len(self.last.split()) <= FOLLOW_UP_WORDS

    @property
    def window_weight(self) -> float:
        """How much the window's embedding counts next to the last turn's."""
        if not self.previous:
            return 0.0
        return FOLLOW_UP_WEIGHT if self.is_follow_up else 0.25


def _last_result_id(messages: list[dict[str, Any]]) -> str | None:
    """The ``tool_call_id`` of the tool result that ends the conversation, if it ends with one."""
    last = messages[-1] if messages else {}
    return str(last.get("tool_call_id") or "") if last.get("role") == "tool" else None


def last_is_own_tool_result(messages: list[dict[str, Any]]) -> bool:
    """True when the conversation ends with the result of a tool call toolproxy itself issued."""
    return (_last_result_id(messages) or "").startswith(OWN_CALL_ID_PREFIX)


def last_is_first_step_result(messages: list[dict[str, Any]]) -> bool:
    """True when that call was a first step (``RouteDecision.then``): the LLM takes the next one."""
    return (_last_result_id(messages) or "").startswith(FIRST_STEP_ID_PREFIX)


def _assistant_text(message: dict[str, Any]) -> str:
    """The text of an assistant message that calls no tool; "" for any other message."""
    if message.get("role") != "assistant" or message.get("tool_calls") or message.get("function_call"):
        return ""
    return message_text(message)


def _trailing_assistant_text(messages: list[dict[str, Any]]) -> str:
    """The text of an assistant message that ends the conversation without a tool call.

    The model is mid-turn there, and what it has just said ("Now let me add that to your agenda")
    names the step it is about to take; "" when the conversation ends otherwise.
    """
    return _assistant_text(messages[-1]) if messages else ""


def _asked_before_last_user(messages: list[dict[str, Any]]) -> str:
    """The text of the assistant turn right before the last user turn: what that turn answers
    ("And finally, what is your full name?" -> "John Smith"); "" when there is none."""
    users = [i for i, m in enumerate(messages) if m.get("role") == "user"]
    return _assistant_text(messages[users[-1] - 1]) if users and users[-1] > 0 else ""


def build_context(messages: list[dict[str, Any]], turns: int = 3) -> RoutingContext:
    """Read the routing context from OpenAI-shaped ``messages``.

    ``turns`` bounds how many user turns (the last one included) are kept; the window also holds the
    assistant turn the last user turn answers, so a bare answer keeps the task it belongs to.
    """
    after_tool = bool(messages) and messages[-1].get("role") in ("tool", "function")
    own = last_is_own_tool_result(messages) and not last_is_first_step_result(messages)
    user_texts = [message_text(m) for m in messages if m.get("role") == "user"]
    user_texts = [t for t in user_texts if t]
    if not user_texts:
        return RoutingContext(last="", previous=(), after_tool_result=after_tool, after_own_tool_result=own)
    keep = max(1, turns)
    window = user_texts[-keep:]
    request = window[-1]
    asked = _asked_before_last_user(messages)
    announced = _trailing_assistant_text(messages)
    if announced:
        window[-1] = f"{request} {announced}"
    if asked:
        window.insert(len(window) - 1, asked)
    return RoutingContext(
        last=window[-1], previous=tuple(window[:-1]), after_tool_result=after_tool, after_own_tool_result=own,
        request=request, announced=announced,
    )
