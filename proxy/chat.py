"""One chat completion request, end to end (see DESIGN.md "One request, end to end").

``ChatFlow.handle`` returns a ``Reply`` (JSON or an SSE stream, plus headers) and hands exactly one
``TraceRecord`` to the recorder per exchange, whatever branch it took and however it ended.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import orjson

from proxy.conversation import (
    estimate_tokens,
    first_tool_call,
    own_tool_call,
    parse_arguments,
    result_message,
    server_side_note,
    stripped_body,
    text_of,
    tool_call_completion,
)
from proxy.errors import InvalidRequest, ProxyError
from proxy.metrics import Metrics
from proxy.routing import Routing
from proxy.streaming import DONE, Accumulator, chunks_from_completion, relay, sse
from proxy.upstream import Upstream
from router.actions import reads_only
from router.args.several import describe as describe_several
from router.args.several import one_call_per_value
from router.compound import conversation_asks_for_several
from router.context import last_is_first_step_result, last_is_own_tool_result
from router.types import RouteDecision, ToolSpec
from storage.records import StepRecord, TraceRecord

log = logging.getLogger("toolproxy.chat")


@dataclass
class Reply:
    headers: dict[str, str]
    json: dict[str, Any] | None = None
    stream: AsyncIterator[bytes] | None = None
    status: int = 200


@dataclass
class ManagedTool:
    spec: ToolSpec
    executor: Any  # proxy.executors.base.Executor


@dataclass
class Exchange:
    """State of one request while it is handled."""

    body: dict[str, Any]
    trace: TraceRecord
    client_tools: list[dict[str, Any]] = field(default_factory=list)
    decision: RouteDecision | None = None

    @property
    def wants_stream(self) -> bool:
        return bool(self.body.get("stream"))

    @property
    def wants_usage(self) -> bool:
        opts = self.body.get("stream_options")
        return bool(isinstance(opts, dict) and opts.get("include_usage"))


class ChatFlow:
    def __init__(self, upstream: Upstream, recorder: Any, routing: Routing | None,
                 managed: dict[str, ManagedTool], metrics: Metrics, default_mode: str, max_steps: int,
                 tool_thresholds: dict[str, float], chain: str = "auto") -> None:
        self.upstream = upstream
        self.recorder = recorder
        self.routing = routing
        self.managed = managed
        self.metrics = metrics
        self.default_mode = default_mode
        self.max_steps = max_steps
        self.tool_thresholds = tool_thresholds
        self.chain = chain  # auto | always | never: after a local call, the LLM continues with the tools

    # ------------------------------------------------------------------ entry
    async def handle(self, body: dict[str, Any], trace: TraceRecord, mode: str | None) -> Reply:
        trace.mode = mode or self.default_mode
        trace.model, trace.stream = body["model"], bool(body.get("stream"))
        self.upstream.deployment(body["model"])  # unknown model → 404 before any work
        ex = Exchange(body=body, trace=trace, client_tools=list(body.get("tools") or []))
        try:
            reply = await self._route(ex)
        except ProxyError as exc:
            self._finish(ex, status=exc.status_code, error=exc.message)
            raise
        except Exception as exc:
            self._finish(ex, status=500, error=f"{type(exc).__name__}: {exc}")
            raise
        reply.headers.update(trace_headers(trace))
        return reply

    async def _route(self, ex: Exchange) -> Reply:
        body, trace = ex.body, ex.trace
        specs = self._offered(ex)
        if trace.mode == "observe" or not specs or self.routing is None:
            trace.route = "passthrough"
            return await self._forward(ex, body)
        if trace.mode == "shadow":
            trace.route = "passthrough"
            return await self._shadow(ex, specs)
        if last_is_own_tool_result(body["messages"]):
            if last_is_first_step_result(body["messages"]) and self.chain != "never":
                return await self._fallback(ex, "first step done: the LLM continues with the tools")
            if self._chains(body["messages"]):  # the request asked for more than the call we made
                return await self._fallback(ex, "several calls: the LLM continues the chain")
            trace.route = "none"
            return await self._forward(ex, stripped_body(body), saved=self._schema_tokens(ex))
        if body["messages"][-1].get("role") in ("tool", "function"):
            # a result of a call the LLM made: it may need to chain another call, so it decides
            return await self._fallback(ex, "tool result of an upstream call")
        forced, require = _tool_choice(body.get("tool_choice"))
        if forced not in (None, "none") and forced not in {s.name for s in specs}:
            raise InvalidRequest(f"tool_choice names {forced!r}, which is not among the tools.", param="tool_choice")
        if forced == "none":
            trace.route = "none"
            return await self._forward(ex, stripped_body(body), saved=self._schema_tokens(ex))
        decision = await self.routing.decide(body["messages"], specs, forced=forced, require_tool=require)
        self._note_decision(ex, decision, "decision")
        threshold = self.tool_thresholds.get(decision.tool or "", decision.threshold)
        if decision.rule is None and (decision.confidence < threshold or threshold >= 1.0):  # 1.0 = never act
            return await self._fallback(ex, "low confidence")
        if decision.tool is None:
            trace.route = "none" if decision.rule is None else "rule:none"
            return await self._forward(ex, stripped_body(body), saved=self._schema_tokens(ex))
        spec = next(s for s in specs if s.name == decision.tool)
        args = await self.routing.fill(body["messages"], spec)
        ex.trace.steps.append(StepRecord(
            kind="arguments", tool=spec.name,
            status="several" if args.several else "complete" if args.complete else "incomplete",
            payload={"arguments": args.arguments, "sources": args.sources, "missing": args.missing,
                     "errors": args.errors, "several": args.several}))
        calls = [args.arguments]
        if args.several:  # "Paris and London": one call would answer part of the request
            per_value = one_call_per_value(args)
            if per_value is None or not reads_only(spec.name):  # a change per value is the LLM's decision
                return await self._fallback(ex, describe_several(args.several))
            calls = per_value  # a lookup per value, as the LLM would make them
        elif not args.complete:
            return await self._fallback(ex, "arguments incomplete")
        prefix = "local" if decision.rule is None else "rule"
        first_step = decision.then is not None and self.chain != "never"  # the LLM takes the next step
        if spec.name in self.managed:
            trace.route, trace.route_tool = f"{prefix}:{spec.name}", spec.name
            outputs = [await self._run_tool(ex, spec.name, arguments) for arguments in calls]
            if first_step or self._chains(body["messages"]):
                own = [own_tool_call(spec.name, arguments, first_step) for arguments in calls]
                results = [{"role": "tool", "tool_call_id": c["id"], "content": o}
                           for c, o in zip(own, outputs, strict=True)]
                done = [{"role": "assistant", "content": None, "tool_calls": own}, *results]
                why = f"first step for {decision.then}" if first_step else "several calls"
                return await self._with_tools(ex, [*body["messages"], *done], "chain",
                                              f"{why}: the LLM continues the chain")
            extra = [result_message(spec.name, a, o) for a, o in zip(calls, outputs, strict=True)]
            return await self._forward(ex, stripped_body(body, extra), saved=self._schema_tokens(ex))
        trace.route, trace.route_tool = f"client_tool:{spec.name}", spec.name
        completion = tool_call_completion(body["model"], spec.name, calls, first_step)
        trace.tokens_saved = self._schema_tokens(ex)
        return self._complete_reply(ex, completion)

    # ------------------------------------------------------------------ branches
    def _offered(self, ex: Exchange) -> list[ToolSpec]:
        specs = [ToolSpec.from_openai(t) for t in ex.client_tools]
        seen = {s.name for s in specs}
        specs = [self.managed[s.name].spec if s.name in self.managed else s for s in specs]
        return specs + [m.spec for name, m in self.managed.items() if name not in seen]

    def _tool_defs(self, ex: Exchange) -> list[dict[str, Any]]:
        names = {t["function"]["name"] for t in ex.client_tools}
        managed = [{"type": "function", "function": {"name": m.spec.name, "description": m.spec.description,
                                                      "parameters": m.spec.parameters}}
                   for n, m in self.managed.items() if n not in names]
        return ex.client_tools + managed

    def _schema_tokens(self, ex: Exchange) -> int:
        return estimate_tokens(self._tool_defs(ex))

    def _note_decision(self, ex: Exchange, d: RouteDecision, kind: str) -> None:
        ex.decision = d
        ex.trace.confidence, ex.trace.router_version = d.confidence, d.version
        ex.trace.steps.append(StepRecord(
            kind=kind, tool=d.tool, status="confident" if d.confident or d.rule else "unsure",
            duration_ms=d.latency_ms,
            payload={"tool": d.tool, "confidence": d.confidence, "threshold": d.threshold,
                     "scores": dict(list(d.scores.items())[:10]), "reason": d.reason, "version": d.version,
                     "rule": d.rule}))

    async def _shadow(self, ex: Exchange, specs: list[ToolSpec]) -> Reply:
        assert self.routing is not None
        task = asyncio.ensure_future(self.routing.decide(ex.body["messages"], specs))
        try:
            reply = await self._forward(ex, ex.body)
        finally:
            try:
                self._note_decision(ex, await task, "decision")
                ex.trace.route_tool = None
            except Exception as exc:  # a router failure must not fail a pass-through request
                log.warning("shadow decision failed: %s", exc)
        return reply

    async def _run_tool(self, ex: Exchange, name: str, arguments: dict[str, Any]) -> str:
        result = await self.managed[name].executor.run(arguments)
        self.metrics.tool_runs.labels(tool=name, status="ok" if result.ok else "error").inc()
        ex.trace.steps.append(StepRecord(
            kind="tool_run", tool=name, status="ok" if result.ok else "error", duration_ms=result.duration_ms,
            payload={"arguments": arguments, "output": result.output[:20_000], "truncated": result.truncated},
            error=result.error))
        return result.output

    def _chains(self, messages: list[dict[str, Any]]) -> bool:
        """After a local call: should the LLM go on with the tools (``router.chain``)?"""
        if self.chain != "auto":
            return self.chain == "always"
        return conversation_asks_for_several(messages)

    async def _fallback(self, ex: Exchange, why: str) -> Reply:
        """Unsure: let the upstream choose, with every tool; run managed tools it calls, loop."""
        ex.trace.route = "fallback"
        self.metrics.fallbacks.inc()
        return await self._with_tools(ex, list(ex.body["messages"]), "fallback", why)

    async def _with_tools(self, ex: Exchange, messages: list[dict[str, Any]], kind: str, why: str) -> Reply:
        """The upstream with every tool, from ``messages``; managed tools it calls run here, in a loop.
        Only a fallback's first upstream choice is the label for the request (``llm_tool``); a chain
        continues after a local call, so its first call is the request's second step."""
        body = {**ex.body, "tools": self._tool_defs(ex), "stream": False}
        body.pop("stream_options", None)
        if kind == "chain":
            body.pop("tool_choice", None)  # the forced tool, if any, has run
        completion: dict[str, Any] = {}
        start = len(ex.body["messages"])  # what follows is what toolproxy ran for this request
        for step in range(self.max_steps):
            completion = await self._call(ex, {**body, "messages": messages})
            called = first_tool_call(completion)
            if step == 0 and kind == "fallback":
                ex.trace.llm_tool = called
            msg = completion["choices"][0]["message"]
            calls = msg.get("tool_calls") or []
            ours = [c for c in calls if c["function"]["name"] in self.managed]
            if not ours:
                break
            messages.append({"role": "assistant", "content": msg.get("content"), "tool_calls": ours})
            for call in ours:
                args = parse_arguments(call["function"].get("arguments"))
                output = await self._run_tool(ex, call["function"]["name"], args)
                messages.append({"role": "tool", "tool_call_id": call["id"], "content": output})
            if len(ours) < len(calls):  # the rest are the client's: hand them over, ours done
                msg["tool_calls"] = [c for c in calls if c["function"]["name"] not in self.managed]
                break
        else:
            log.warning("fallback stopped after max_steps=%d", self.max_steps)
        final = completion["choices"][0]["message"]
        note = server_side_note(messages[start:]) if final.get("tool_calls") else ""
        if note:  # the client keeps this message; the LLM then sees what ran here
            final["content"] = "\n\n".join(x for x in (text_of(final.get("content")), note) if x)
        ex.trace.steps.append(StepRecord(kind=kind, status=why, payload={"llm_tool": ex.trace.llm_tool}))
        return self._complete_reply(ex, completion)

    # ------------------------------------------------------------------ upstream
    async def _upstream(self, ex: Exchange, call: Any) -> Any:
        """Await one upstream call; a failure is recorded as an upstream step before it propagates."""
        t0 = time.perf_counter()
        try:
            return await call
        except ProxyError as exc:
            ex.trace.steps.append(StepRecord(kind="upstream", status="error", error=exc.message,
                                             duration_ms=(time.perf_counter() - t0) * 1000))
            raise

    async def _call(self, ex: Exchange, body: dict[str, Any]) -> dict[str, Any]:
        t0 = time.perf_counter()
        completion: dict[str, Any] = await self._upstream(ex, self.upstream.complete(body))
        ms = (time.perf_counter() - t0) * 1000
        ex.trace.upstream_ms = (ex.trace.upstream_ms or 0) + ms
        usage = completion.get("usage") or {}
        ex.trace.prompt_tokens = (ex.trace.prompt_tokens or 0) + int(usage.get("prompt_tokens") or 0)
        ex.trace.completion_tokens = (ex.trace.completion_tokens or 0) + int(usage.get("completion_tokens") or 0)
        ex.trace.steps.append(StepRecord(
            kind="upstream", status="ok", duration_ms=ms, tool=first_tool_call(completion),
            payload={"tools_sent": len(body.get("tools") or []), "usage": usage,
                     "finish_reason": (completion.get("choices") or [{}])[0].get("finish_reason")}))
        return completion

    async def _forward(self, ex: Exchange, body: dict[str, Any], saved: int | None = None) -> Reply:
        if saved:
            ex.trace.tokens_saved = saved
        if not ex.wants_stream:
            completion = await self._call(ex, body)
            if ex.trace.route == "passthrough" and ex.trace.llm_tool is None:
                ex.trace.llm_tool = first_tool_call(completion)
            return self._complete_reply(ex, completion)
        up = dict(body)
        up["stream_options"] = {**(body.get("stream_options") or {}), "include_usage": True}
        t0 = time.perf_counter()
        chunks = await self._upstream(ex, self.upstream.stream(up))
        return Reply(headers={}, stream=self._stream_out(ex, chunks, t0))

    async def _stream_out(self, ex: Exchange, chunks: AsyncIterator[Any], t0: float) -> AsyncIterator[bytes]:
        acc = Accumulator()
        status, error = 200, None
        try:
            async for event in relay(chunks, acc, ex.wants_usage):
                yield event
            yield DONE
        except ProxyError as exc:
            status, error = exc.status_code, exc.message
            yield sse(orjson.dumps(exc.body()))
            yield DONE
        except BaseException as exc:  # client went away (CancelledError) or a bug: record, re-raise
            status, error = 499, f"stream aborted: {type(exc).__name__}"
            raise
        finally:
            ms = (time.perf_counter() - t0) * 1000
            record = acc.record()
            usage = acc.usage or {}
            ex.trace.upstream_ms = ms
            ex.trace.prompt_tokens = usage.get("prompt_tokens")
            ex.trace.completion_tokens = usage.get("completion_tokens")
            if ex.trace.route == "passthrough":
                ex.trace.llm_tool = first_tool_call(record)
            ex.trace.steps.append(StepRecord(kind="upstream", status="ok" if status == 200 else "error",
                                             duration_ms=ms, error=error, tool=first_tool_call(record),
                                             payload={"stream": True, "usage": usage,
                                                      "finish_reason": acc.finish_reason}))
            self._finish(ex, status=status, error=error, response=record)

    def _complete_reply(self, ex: Exchange, completion: dict[str, Any]) -> Reply:
        if not ex.wants_stream:
            self._finish(ex, status=200, response=completion)
            return Reply(headers={}, json=completion)
        events = chunks_from_completion(completion, ex.wants_usage)

        async def gen() -> AsyncIterator[bytes]:
            try:
                for raw in events:
                    yield sse(raw)
                yield DONE
            finally:
                self._finish(ex, status=200, response=completion)

        return Reply(headers={}, stream=gen())

    # ------------------------------------------------------------------ record
    def reject(self, trace: TraceRecord, exc: ProxyError) -> None:
        """Record a request refused before routing (auth, body, validation); its body is not stored."""
        if getattr(trace, "_finished", False):
            return
        trace.route, trace.request = "rejected", None
        self._finish(Exchange(body={}, trace=trace), status=exc.status_code, error=exc.message)

    def _finish(self, ex: Exchange, status: int, error: str | None = None,
                response: dict[str, Any] | None = None) -> None:
        trace = ex.trace
        if getattr(trace, "_finished", False):
            return
        trace._finished = True  # type: ignore[attr-defined]
        trace.status_code, trace.error, trace.response = status, error, response
        trace.latency_ms = (time.perf_counter() - trace.started) * 1000
        if trace.route is None:
            trace.route = "error"
        self.metrics.observe(trace)
        self.recorder.record(trace)
        if status >= 500:
            log.warning("exchange failed", extra={"status": status, "route": trace.route, "error": error})
        elif log.isEnabledFor(logging.DEBUG):
            log.debug("exchange finished", extra={"status": status, "route": trace.route, "error": error,
                                                  "latency_ms": round(trace.latency_ms, 2)})


def trace_headers(trace: TraceRecord) -> dict[str, str]:
    """What the client is told about the route taken (also on error responses)."""
    h = {"x-toolproxy-trace-id": trace.id}
    if trace.route:
        h["x-toolproxy-route"] = trace.route
    if trace.confidence is not None:
        h["x-toolproxy-confidence"] = f"{trace.confidence:.4f}"
    if trace.router_version:
        h["x-toolproxy-router-version"] = trace.router_version
    return h


def _tool_choice(choice: Any) -> tuple[str | None, bool]:
    """(forced tool name or "none", whether some tool is required)."""
    if choice == "none":
        return "none", False
    if choice == "required":
        return None, True
    if isinstance(choice, dict):
        name = (choice.get("function") or {}).get("name")
        if isinstance(name, str):
            return name, True
    return None, False

