"""The proxy's side of routing: rules first, then the (hot-swappable) router, then argument filling.

The router and the argument filler are CPU work; they run in worker threads so the event loop keeps
serving. ``RouterHolder`` swaps in a new router atomically (hot reload): in-flight decisions finish on
the router they started with.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from router.types import ArgsResult, RouteDecision, RouterOptions, ToolSpec

log = logging.getLogger("toolproxy.routing")


@dataclass
class RouterHolder:
    """Owns the current router; ``None`` until loaded (readiness)."""

    options: RouterOptions
    router: Any = None
    error: str | None = None
    examples: dict[str, list[str]] = field(default_factory=dict)
    loaded_at: float | None = None

    def load(self, checkpoint: str | None = None) -> Any:
        """Build a router (slow: model load) and swap it in. Safe to call from any thread."""
        from router.router import Router

        opts = self.options if checkpoint is None else dataclasses.replace(self.options, checkpoint=checkpoint)
        old = self.router
        new = Router.load(opts, encoder=old.encoder) if old is not None else Router(opts)
        for tool, queries in self.examples.items():
            if queries:
                new.add_examples(tool, queries)
        self.router, self.options, self.error, self.loaded_at = new, opts, None, time.time()
        log.info("router loaded", extra={"router_version": getattr(new, "version", "?")})
        return new

    @property
    def version(self) -> str | None:
        return getattr(self.router, "version", None) if self.router is not None else None



class Routing:
    def __init__(self, holder: RouterHolder, rules: Any, args_llm: Callable[..., Any] | None = None) -> None:
        self.holder = holder
        self.rules = rules
        self.args_llm = args_llm

    async def decide(self, messages: list[dict[str, Any]], tools: list[ToolSpec],
                     forced: str | None = None, require_tool: bool = False) -> RouteDecision:
        """The route; if the router or a rule raises, an unsure decision (the upstream chooses)."""
        try:
            return await self._decide(messages, tools, forced, require_tool)
        except Exception as exc:
            log.warning("routing failed, falling back: %s: %s", type(exc).__name__, exc, exc_info=True)
            return RouteDecision(tool=None, confidence=0.0, threshold=1.0, scores={},
                                 reason=f"router error: {type(exc).__name__}", version=self.holder.version or "-")

    async def _decide(self, messages: list[dict[str, Any]], tools: list[ToolSpec],
                      forced: str | None, require_tool: bool) -> RouteDecision:
        names = {t.name for t in tools}
        if forced is not None:
            return RouteDecision(tool=forced, confidence=1.0, threshold=0.0, scores={forced: 1.0},
                                 reason="tool_choice names this tool", version=self.holder.version or "-",
                                 rule="tool_choice")
        if self.rules is not None:
            hit = self.rules.match(messages, names)
            if hit is not None:
                return RouteDecision(tool=hit.tool, confidence=1.0, threshold=0.0,
                                     scores={hit.tool or "none": 1.0}, reason=f"rule {hit.rule}",
                                     version=self.holder.version or "-", rule=hit.rule)
        router = self.holder.router
        if router is None:
            return RouteDecision(tool=None, confidence=0.0, threshold=1.0, scores={},
                                 reason="router not loaded", version="-")
        decision: RouteDecision = await asyncio.to_thread(router.decide, messages, tools)
        if require_tool and decision.tool is None:
            best = next((k for k in decision.scores if k != "none" and k in names), None)
            decision.tool, decision.confidence = best, 0.0  # a forced tool with no confidence → fallback
            decision.reason += "; tool_choice=required"
        return decision

    async def fill(self, messages: list[dict[str, Any]], tool: ToolSpec) -> ArgsResult:
        """Arguments for ``tool``; if the filler raises (e.g. on a malformed client schema), an
        incomplete result, so the request falls back to the upstream instead of failing."""
        from router.args import fill_arguments

        try:
            if self.args_llm is None:
                return await asyncio.to_thread(fill_arguments, messages, tool)
            return await asyncio.to_thread(fill_arguments, messages, tool, llm=self.args_llm)
        except Exception as exc:
            log.warning("argument filling failed for %s, falling back: %s: %s", tool.name, type(exc).__name__, exc,
                        exc_info=True)
            return ArgsResult(arguments={}, missing=[], sources={},
                              errors=[f"argument filling failed: {type(exc).__name__}: {exc}"])
