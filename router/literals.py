"""A literal that only one offered tool takes: an IP address, a URL, a file path, an e-mail address.

Sentence embeddings read "Where is 203.0.113.42 located?" as a question about a place, far from
``lookup_ip`` ("Geolocate an IP address", cosine 0.16), and the head answered a confident NONE: the proxy
would have stripped the one tool that answers it. A request that carries such a literal, next to exactly one
offered tool with a required parameter of that kind, is therefore never a confident NONE: it stays NONE but
unsure, so the LLM decides with the tools (it costs tokens, never a wrong tool run).
"""

from __future__ import annotations

import re
from typing import Any

from router.args.mentions import EMAIL_RE, IP_RE, URL_RE
from router.args.params import split_words
from router.types import ToolSpec

# kind: (the literal in the request, JSON-schema formats, parameter name words)
KINDS: dict[str, tuple[re.Pattern[str], frozenset[str], frozenset[str]]] = {
    "an IP address": (IP_RE, frozenset({"ipv4", "ipv6"}), frozenset({"ip"})),
    "a URL": (URL_RE, frozenset({"uri", "url", "iri", "uri-reference"}), frozenset({"url", "uri", "link", "website"})),
    "an e-mail address": (EMAIL_RE, frozenset({"email", "idn-email"}), frozenset({"email"})),
    "a file path": (re.compile(r"(?<![\w/])(?:~|\.{1,2})?(?:/[\w.-]+){2,}|\b[A-Za-z]:\\[\w\\. -]+"), frozenset(),
                    frozenset({"path", "file", "filename", "filepath"})),
}


def _takes(tool: ToolSpec, formats: frozenset[str], words: frozenset[str]) -> bool:
    """The tool has a required string parameter of this kind (by its format, or its name's words)."""
    schema: dict[str, Any] = tool.parameters if isinstance(tool.parameters, dict) else {}
    properties = schema.get("properties") or {}
    for name in schema.get("required") or []:
        prop = properties.get(name) if isinstance(name, str) else None
        if not isinstance(prop, dict) or prop.get("type", "string") != "string":
            continue
        if prop.get("format") in formats or words & set(split_words(name)):
            return True
    return False


def literal_taker(text: str, tools: list[ToolSpec]) -> tuple[str, str] | None:
    """(the kind of literal, the tool) when ``text`` carries a literal that exactly one offered tool takes."""
    for kind, (pattern, formats, words) in KINDS.items():
        if not pattern.search(text):
            continue
        takers = [t.name for t in tools if _takes(t, formats, words)]
        if len(takers) == 1:
            return kind, takers[0]
    return None
