"""Deterministic routing rules: first match wins, NONE rules, fields, clear config errors."""

from __future__ import annotations

from typing import Any

import pytest

from router.rules import Rule, RuleError, RuleMatch, RuleSet

CONFIG: list[dict[str, Any]] = [
    {"name": "smalltalk", "pattern": r"^\s*(hi|hello|thanks)\b", "tool": None},
    {"name": "weather", "pattern": r"\b(weather|forecast)\b", "tool": "get_weather"},
    {"name": "any-forecast", "pattern": r"forecast", "tool": "get_forecast"},
]


def convo(*turns: tuple[str, str]) -> list[dict[str, Any]]:
    return [{"role": role, "content": text} for role, text in turns]


def test_first_matching_rule_wins() -> None:
    rules = RuleSet.from_config(CONFIG)
    match = rules.match(convo(("user", "What's the FORECAST for Oslo?")))
    assert match == RuleMatch(rule="weather", tool="get_weather", matched="FORECAST")


def test_none_rule_returns_no_tool() -> None:
    match = RuleSet.from_config(CONFIG).match(convo(("user", "Hello there, weather?")))
    assert match is not None
    assert match.rule == "smalltalk" and match.tool is None and match.is_none


def test_tool_none_string_means_no_tool() -> None:
    rules = RuleSet.from_config([{"name": "n", "pattern": "joke", "tool": "none"}])
    match = rules.match(convo(("user", "tell me a joke")))
    assert match is not None and match.tool is None


def test_no_match() -> None:
    assert RuleSet.from_config(CONFIG).match(convo(("user", "translate this"))) is None


def test_last_user_field_ignores_earlier_turns() -> None:
    rules = RuleSet.from_config([{"name": "w", "pattern": "weather", "tool": "get_weather"}])
    messages = convo(("user", "weather in Rome?"), ("assistant", "Sunny."), ("user", "thanks, bye"))
    assert rules.match(messages) is None


def test_any_user_and_system_fields() -> None:
    config: list[dict[str, Any]] = [
        {"name": "sys", "pattern": "internal-mode", "tool": "audit", "field": "system"},
        {"name": "any", "pattern": "weather", "tool": "get_weather", "field": "any_user"},
    ]
    rules = RuleSet.from_config(config)
    messages = convo(("user", "weather in Rome?"), ("assistant", "Sunny."), ("user", "and tomorrow?"))
    assert rules.match(messages) == RuleMatch("any", "get_weather", "weather")
    with_system = [{"role": "system", "content": "internal-mode on"}, *messages]
    assert rules.match(with_system) == RuleMatch("sys", "audit", "internal-mode")


def test_case_sensitive_rule() -> None:
    rules = RuleSet.from_config(
        [{"name": "cs", "pattern": "SKU-\\d+", "tool": "lookup", "case_sensitive": True}]
    )
    assert rules.match(convo(("user", "find sku-12"))) is None
    assert rules.match(convo(("user", "find SKU-12"))) == RuleMatch("cs", "lookup", "SKU-12")


def test_rules_for_tools_not_offered_are_skipped() -> None:
    rules = RuleSet.from_config(CONFIG)
    match = rules.match(convo(("user", "forecast please")), tools=["get_forecast"])
    assert match == RuleMatch("any-forecast", "get_forecast", "forecast")


def test_content_parts_are_matched() -> None:
    rules = RuleSet.from_config(CONFIG)
    messages = [{"role": "user", "content": [{"type": "text", "text": "weather now"}]}]
    assert rules.match(messages) == RuleMatch("weather", "get_weather", "weather")


def test_empty_config() -> None:
    assert len(RuleSet.from_config(None)) == 0
    assert RuleSet.from_config([]).match(convo(("user", "hi"))) is None


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"name": "bad", "pattern": "(unclosed", "tool": "x"}, "rule 'bad': invalid regex '(unclosed'"),
        ({"name": "nopat", "tool": "x"}, "rule 'nopat': missing 'pattern'"),
        ({"name": "empty", "pattern": "", "tool": "x"}, "rule 'empty': pattern is empty"),
        ({"name": "f", "pattern": "a", "field": "assistant"}, "rule 'f': field must be one of"),
        ({"name": "k", "pattern": "a", "tools": "x"}, "rule 'k': unknown keys ['tools']"),
        ({"name": "t", "pattern": "a", "tool": ""}, "rule 't': tool must be a tool name"),
    ],
)
def test_bad_rules_raise_clear_errors(entry: dict[str, Any], message: str) -> None:
    with pytest.raises(RuleError) as excinfo:
        RuleSet.from_config([entry])
    assert str(excinfo.value).startswith(message)


def test_unnamed_rules_are_numbered_and_duplicates_rejected() -> None:
    with pytest.raises(RuleError, match="rule #2: expected a mapping"):
        not_a_mapping: list[Any] = [{"pattern": "a"}, "not a mapping"]
        RuleSet.from_config(not_a_mapping)
    assert RuleSet.from_config([{"pattern": "a"}]).rules[0].name == "rule-1"
    with pytest.raises(RuleError, match="duplicate rule name"):
        RuleSet.from_config([{"name": "x", "pattern": "a"}, {"name": "x", "pattern": "b"}])


def test_rule_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        Rule(name="r", pattern="[")
