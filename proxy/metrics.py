"""Prometheus metrics, one registry per app (no module-level state)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter("toolproxy_requests", "Chat requests by route and status", ["route", "status"],
                                registry=r)
        self.fallbacks = Counter("toolproxy_fallbacks", "Requests handed to the upstream to choose a tool",
                                 registry=r)
        self.tool_runs = Counter("toolproxy_tool_runs", "Managed tool runs", ["tool", "status"], registry=r)
        self.latency = Histogram("toolproxy_request_seconds", "End-to-end request latency", ["route"],
                                 buckets=_BUCKETS, registry=r)
        self.upstream_latency = Histogram("toolproxy_upstream_seconds", "Upstream call time", buckets=_BUCKETS,
                                          registry=r)
        self.queue_depth = Gauge("toolproxy_recorder_queue_depth", "Traces waiting to be written", registry=r)
        self.spool_size = Gauge("toolproxy_recorder_spool_size", "Traces spooled to disk", registry=r)
        self.written = Gauge("toolproxy_recorder_written", "Traces written to SQL since start", registry=r)

    def bind_recorder(self, recorder: Any) -> None:
        def getter(name: str) -> Callable[[], float]:
            return lambda: float(getattr(recorder, name, 0) or 0)

        self.queue_depth.set_function(getter("queue_depth"))
        self.spool_size.set_function(getter("spool_size"))
        self.written.set_function(getter("written_total"))

    def observe(self, trace: Any) -> None:
        route = str(trace.route or "error").split(":", 1)[0]
        self.requests.labels(route=route, status=str(trace.status_code)).inc()
        if trace.latency_ms is not None:
            self.latency.labels(route=route).observe(trace.latency_ms / 1000)
        if trace.upstream_ms:
            self.upstream_latency.observe(trace.upstream_ms / 1000)

    def render(self) -> bytes:
        return generate_latest(self.registry)
