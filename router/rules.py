"""Deterministic routing rules, applied before the model: a regex on part of the conversation -> a tool.

Config shape (``rules:`` in the toolproxy config)::

    rules:
      - name: weather-keyword
        pattern: "\\b(weather|forecast)\\b"   # case-insensitive unless case_sensitive: true
        tool: get_weather                      # omit, null or "none" -> answer without a tool
        field: last_user                       # last_user (default) | any_user | conversation | system

The first matching rule wins.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from router.types import NONE

FIELDS = ("last_user", "any_user", "conversation", "system")


class RuleError(ValueError):
    """A rule in the configuration is malformed (bad regex, unknown field, missing pattern)."""


def _text(message: dict[str, Any]) -> str:
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(
            str(p.get("text", "")) for p in content if isinstance(p, dict) and p.get("type") == "text"
        )
    return ""


@dataclass(frozen=True)
class Rule:
    """``pattern`` (a regex) searched in ``field`` of the conversation; ``tool`` None means NONE."""

    name: str
    pattern: str
    tool: str | None = None
    field: str = "last_user"
    case_sensitive: bool = False
    regex: re.Pattern[str] = dataclasses.field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.pattern:
            raise RuleError(f"rule {self.name!r}: pattern is empty")
        if self.field not in FIELDS:
            raise RuleError(
                f"rule {self.name!r}: field must be one of {', '.join(FIELDS)}, got {self.field!r}"
            )
        if self.tool is not None and (not isinstance(self.tool, str) or not self.tool.strip()):
            raise RuleError(f"rule {self.name!r}: tool must be a tool name, 'none' or null")
        try:
            compiled = re.compile(self.pattern, 0 if self.case_sensitive else re.IGNORECASE)
        except re.error as exc:
            raise RuleError(f"rule {self.name!r}: invalid regex {self.pattern!r}: {exc}") from exc
        object.__setattr__(self, "regex", compiled)
        if self.tool is not None and self.tool.lower() == NONE:
            object.__setattr__(self, "tool", None)

    def texts(self, messages: Sequence[dict[str, Any]]) -> list[str]:
        """The texts this rule looks at."""
        if self.field == "last_user":
            last = next((m for m in reversed(messages) if m.get("role") == "user"), None)
            return [_text(last)] if last is not None else []
        if self.field == "any_user":
            return [_text(m) for m in messages if m.get("role") == "user"]
        if self.field == "system":
            return [_text(m) for m in messages if m.get("role") in ("system", "developer")]
        return [_text(m) for m in messages]

    def matches(self, messages: Sequence[dict[str, Any]]) -> re.Match[str] | None:
        for text in self.texts(messages):
            found = self.regex.search(text)
            if found:
                return found
        return None


@dataclass(frozen=True)
class RuleMatch:
    """The rule that decided: ``tool`` None means NONE (answer without a tool)."""

    rule: str
    tool: str | None
    matched: str  # the matched text

    @property
    def is_none(self) -> bool:
        return self.tool is None


@dataclass(frozen=True)
class RuleSet:
    """Ordered rules; :meth:`match` returns the first that matches."""

    rules: tuple[Rule, ...] = ()

    @classmethod
    def from_config(cls, entries: Iterable[dict[str, Any]] | None) -> RuleSet:
        """Build from config dicts, with a clear :class:`RuleError` naming the faulty rule."""
        rules: list[Rule] = []
        names: set[str] = set()
        for position, entry in enumerate(entries or []):
            if not isinstance(entry, dict):
                raise RuleError(f"rule #{position + 1}: expected a mapping, got {type(entry).__name__}")
            unknown = set(entry) - {"name", "pattern", "tool", "field", "case_sensitive"}
            name = str(entry.get("name") or f"rule-{position + 1}")
            if unknown:
                raise RuleError(f"rule {name!r}: unknown keys {sorted(unknown)}")
            if "pattern" not in entry:
                raise RuleError(f"rule {name!r}: missing 'pattern'")
            if name in names:
                raise RuleError(f"rule {name!r}: duplicate rule name")
            names.add(name)
            rules.append(
                Rule(
                    name=name,
                    pattern=str(entry["pattern"]),
                    tool=entry.get("tool"),
                    field=str(entry.get("field") or "last_user"),
                    case_sensitive=bool(entry.get("case_sensitive", False)),
                )
            )
        return cls(tuple(rules))

    def match(
        self, messages: Sequence[dict[str, Any]], tools: Iterable[str] | None = None
    ) -> RuleMatch | None:
        """The first matching rule; with ``tools`` given, rules naming a tool not offered are skipped."""
        offered = set(tools) if tools is not None else None
        for rule in self.rules:
            if rule.tool is not None and offered is not None and rule.tool not in offered:
                continue
            found = rule.matches(messages)
            if found is not None:
                return RuleMatch(rule=rule.name, tool=rule.tool, matched=found.group(0))
        return None

    def __len__(self) -> int:
        return len(self.rules)
