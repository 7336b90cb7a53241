"""Plain data types shared by the router and its callers.

The router package imports neither ``proxy`` nor ``storage``: callers hand it these types and
get these types back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

NONE = "none"  # the name the router uses for "no tool is needed"
OWN_CALL_ID_PREFIX = "call_tp_"  # ids of the tool calls toolproxy issues itself (proxy.conversation)
FIRST_STEP_ID_PREFIX = OWN_CALL_ID_PREFIX + "first_"  # ... for a first step the LLM continues (router.prerequisite)


@dataclass(frozen=True)
class ToolSpec:
    """A tool the router may choose: OpenAI function shape plus optional example queries."""

    name: str
    description: str = ""
    parameters: dict[str, Any] = field(default_factory=dict)
    examples: tuple[str, ...] = ()

    @classmethod
    def from_openai(cls, tool: dict[str, Any]) -> ToolSpec:
        """Build from an OpenAI ``{"type": "function", "function": {...}}`` definition."""
        fn = tool.get("function", tool)
        return cls(
            name=str(fn["name"]),
            description=str(fn.get("description") or ""),
            parameters=dict(fn.get("parameters") or {}),
        )


@dataclass(frozen=True)
class RouterOptions:
    """Router settings, filled by the proxy from the ``router:`` config section."""

    encoder: str | None = None  # sentence-transformers model path; None = shipped MiniLM
    checkpoint: str | None = None  # checkpoint dir; None = shipped default checkpoint
    threshold: float | None = None  # None = calibrated threshold from the checkpoint
    tool_thresholds: dict[str, float] = field(default_factory=dict)
    context_turns: int = 3  # user turns kept as routing context (plus the assistant turn the last one answers)
    device: str = "cpu"
    encoder_backend: str = "auto"  # auto (ONNX Runtime when it works, else torch) | onnx | onnx-int8 | torch
    action_check: bool = True  # a best tool whose action contradicts the request: NONE, unsure (router.actions)
    prerequisites: bool = True  # a tool that gets an identifier the chosen one lacks goes first (router.prerequisite)


@dataclass
class RouteDecision:
    """What the router decided for one conversation."""

    tool: str | None  # chosen tool name, or None for NONE
    confidence: float  # calibrated probability that ``tool`` (or NONE) is right
    threshold: float  # confidence needed to act locally
    scores: dict[str, float]  # per-tool scores (and "none"), best first
    reason: str  # short human-readable reason, e.g. "head p=0.97 (knn 4/5, cos 0.71)"
    version: str  # router/checkpoint version that decided
    latency_ms: float = 0.0
    rule: str | None = None  # name/pattern of the config rule that decided, if any
    then: str | None = None  # ``tool`` is a first step: it gets an identifier this chosen tool needs

    @property
    def confident(self) -> bool:
        return self.confidence >= self.threshold

    @property
    def is_none(self) -> bool:
        return self.tool is None


@dataclass
class ArgsResult:
    """Arguments filled for one tool call, and how."""

    arguments: dict[str, Any]
    missing: list[str]  # required parameters that could not be filled
    errors: list[str]  # jsonschema validation errors (empty when valid)
    sources: dict[str, str]  # param -> how it was filled ("enum", "number", "default", "llm", ...)
    # param -> the values the request lists where the schema takes one ("Paris and London"): not one call
    several: dict[str, list[Any]] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """Every required value filled, valid, and one call's worth (nothing ``several``)."""
        return not self.missing and not self.errors and not self.several
