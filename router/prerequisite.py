"""A first step the chosen tool needs: an identifier that only another offered tool can provide.

"Delete my account, I'm jdoe, password hunter2" offered ``DeleteAccount(token)`` and
``GetUserToken(username, password)``: the head picks ``DeleteAccount``, but it cannot run without a token
the user never gave, and ``GetUserToken`` gets one from what the user did give. The first call is the
provider; the proxy runs it locally and the LLM, given its result, takes the next step.

The rule, after the head has chosen a tool:
- a required parameter of the chosen tool that names an identifier or secret (``token``, ``accountId``,
  ``doctor_id``: values a user does not know by heart) is not in the conversation;
- another offered tool reads (its name opens with get / fetch / retrieve / find / lookup / search / query)
  and its name holds every word of that parameter (``token`` -> ``GetUserToken``, ``doctorId`` ->
  ``getDoctorIdFromName``);
- that tool's own required parameters are all in the conversation, so it can run now.

Only then is the provider chosen. The argument filler is called only when some offered tool's name
matches, so most decisions pay nothing.
"""

from __future__ import annotations

import re
from typing import Any

from router.args.fill import fill_arguments
from router.args.params import describe_object, singular, split_words
from router.args.validate import standard_schema
from router.types import ToolSpec

READS = frozenset({"get", "fetch", "retrieve", "find", "lookup", "search", "query", "obtain", "request"})
ID_ROLES = ("ident", "secret")


def _words(name: str) -> set[str]:
    return {singular(w) for w in split_words(name)}


def _reads(name: str) -> bool:
    """The name opens with a read verb, after any namespace ("bank__getAccountId")."""
    words = split_words(re.split(r"__|\.", name)[-1])
    return bool(words) and words[0] in READS


def provider(messages: list[dict[str, Any]], tools: list[ToolSpec], chosen: ToolSpec) -> tuple[ToolSpec, str] | None:
    """The offered tool to call before ``chosen``, and the parameter it provides; None when ``chosen`` can run."""
    schema = standard_schema(chosen.parameters) if isinstance(chosen.parameters, dict) else {}
    required = [r for r in schema.get("required") or [] if isinstance(r, str)]
    if not required:
        return None
    others = [(t, _words(t.name)) for t in tools if t.name != chosen.name]
    matches = [
        (param, tool)
        for param in required
        for tool, words in others
        if _reads(tool.name) and (needed := _words(param)) and needed <= words
    ]
    if not matches:
        return None
    roles = {p.name: p.role for p in describe_object(schema)}
    missing = set(fill_arguments(messages, chosen).missing)
    for param, tool in matches:
        if param in missing and roles.get(param) in ID_ROLES and not fill_arguments(messages, tool).missing:
            return tool, param
    return None
