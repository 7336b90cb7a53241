"""Does a request ask for more than one tool call? ("get my balance and then transfer 50 to Bob")

The router picks one tool and the argument filler fills one call, which is the right first step of
such a request but not all of it. The proxy asks this module after a local call whether the LLM
should continue with the tools (chain the next call) instead of answering from the one result.

A marker pattern, not a model: a second action joined by "and" / "then" / "also", or a sentence
that opens with "Also," / "Finally," and the like. A learned detector (logistic regression over
the sentence embedding and lexical counts, trained on the corpora's call counts) did not transfer
to a held-out corpus: AUC 0.74-0.91 but recall 0.02-0.05 at its own 0.5 bar.

``python evals/compound_report.py`` prints recall (requests with several gold calls that match)
and false-positive rate (single-call requests that match) per corpus. A false positive costs one
upstream call with the tool schemas; a miss cuts the chain after the first call.
"""

from __future__ import annotations

import re
from typing import Any

from router.context import build_context

# verbs that start a second action ("... and book it"); reporting verbs ("and tell me") often only
# describe the answer, yet requests like "check X and send it" need them: they stay in. "tell him / her /
# them / us" is what a message says ("email Bob and tell him I'm late"), not a second action
ACTIONS = (
    r"get|check|update|book|file|provide|show|tell(?!\s+(?:him|her|them|us)\b)|give|set|send|make|schedule|cancel|create|add|"
    "delete|remove|find|calculate|compute|convert|enroll|register|request|purchase|buy|apply|submit|"
    "track|retrieve|process|order|redeem|transfer|pay|list|estimate|search|look|fetch|translate|play|"
    "open|close|change|modify|reset|generate|analy[sz]e|compare|recommend|suggest|notify|email|call|"
    "text|post|share|upload|download|save|record|log|start|stop|turn|enable|disable|block|unblock|"
    "renew|extend|verify|validate|confirm|report|summari[sz]e|display|let me know|see|view|print|"
    "reserve|arrange|plan|assign|approve|reject|issue|activate|deactivate|increase|decrease|raise|"
    "lower|identify|determine|measure|predict|forecast"
)
MARKERS = re.compile(
    r"\b(?:and then|then|and also|after that|afterwards|followed by|as well as)\b"
    r"|(?:^|[.?!;]\s+)(?:also|additionally|furthermore|moreover|in addition|lastly|finally|next|plus|besides)\b"
    r"|(?:,|\band\b)\s+(?:please\s+|also\s+|can you\s+|could you\s+|help me\s+|"
    r"i(?:'d| would)? (?:also )?(?:like|want|need) to\s+|then\s+)?(?:" + ACTIONS + r")\b",
    re.IGNORECASE,
)


_ACTION = re.compile(r"\b(?:" + ACTIONS + r")\b", re.IGNORECASE)


def asks_for_several(text: str) -> bool:
    """True when ``text`` reads like a request for more than one action."""
    return bool(MARKERS.search(text))


def first_request(text: str) -> str | None:
    """The first of several requested actions ("check my balance" of "check my balance and then pay
    Bob"), or None when ``text`` asks for one (or its first part is too short to stand alone)."""
    match = MARKERS.search(text)
    if match is None:
        return None
    head = text[: match.start()].strip(" ,;.")
    # "My user ID is J46801 and I want to check ...": a statement first, not an action
    return head if len(head.split()) >= 3 and _ACTION.search(head) else None


def conversation_asks_for_several(messages: list[dict[str, Any]]) -> bool:
    """``asks_for_several`` on the conversation's last user message."""
    return asks_for_several(build_context(messages).last)
