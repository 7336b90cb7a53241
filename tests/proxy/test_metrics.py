"""Operations: ``GET /metrics`` in Prometheus format after real traffic, and JSON logs carrying the
trace id of the request that emitted them."""

from __future__ import annotations

import io
import json
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

from proxy.logs import JsonFormatter, TraceIdFilter
from tests.conftest import base_config
from tests.servers import serve_in_thread

TOOL_LOGGER = "toolproxy.tests.tool"


def log_run() -> str:
    """A managed tool that logs (from the executor's thread)."""
    logging.getLogger(TOOL_LOGGER).info("tool ran")
    return "ok"


Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(base: str) -> Samples:
    r = httpx.get(base + "/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    out: Samples = {}
    for family in text_string_to_metric_families(r.text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples[(name, tuple(sorted(labels.items())))]


@contextmanager
def captured_logs() -> Iterator[io.StringIO]:
    """The proxy's JSON log lines, as ``setup_logging`` formats and filters them."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(TraceIdFilter())
    logger = logging.getLogger("toolproxy")
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)


@contextmanager
def rule_proxy(upstream_url: str, tmp_path: Path, migrate: bool = True, **storage: Any) -> Iterator[tuple[str, str]]:
    """Intercept mode without a model (its path does not exist): rules route, everything else falls back."""
    from proxy.app import create_app
    from proxy.config import parse_config
    from storage.db import upgrade

    db = f"sqlite:///{tmp_path / 'm.db'}"
    cfg = parse_config(base_config(
        upstream_url, db, storage=storage,
        router={"mode": "intercept", "reload_poll_s": None, "max_steps": 2, "encoder": str(tmp_path / "no-model")},
        tools=[{"name": "log_run", "description": "Log a run.",
                "executor": {"type": "python", "callable": "tests.proxy.test_metrics:log_run", "timeout_s": 5}}],
        rules=[{"name": "run", "pattern": "^run it", "tool": "log_run"}]))
    if migrate:
        upgrade(db)
    with serve_in_thread(create_app(cfg)) as base:
        yield base, db


def chat(base: str, text: str, model: str = "fake-model", observe: bool = False) -> httpx.Response:
    headers = {"x-toolproxy-mode": "observe"} if observe else {}
    return httpx.post(base + "/v1/chat/completions", headers=headers, timeout=30,
                      json={"model": model, "messages": [{"role": "user", "content": text}]})


def test_metrics_after_traffic(upstream_server: Any, upstream: Any, tmp_path: Path) -> None:
    _, url = upstream_server
    with rule_proxy(url, tmp_path) as (base, _), captured_logs() as logs:
        for i in range(3):
            assert chat(base, f"plain {i}", observe=True).status_code == 200
        assert chat(base, "boom", model="error-500", observe=True).status_code == 500
        ruled = chat(base, "run it now")
        assert ruled.headers["x-toolproxy-route"] == "rule:log_run"
        upstream.script.extend([{"tool_calls": [{"name": "log_run"}]}] * 2)
        fell = chat(base, "do whatever you like")
        assert fell.headers["x-toolproxy-route"] == "fallback"

        deadline = time.monotonic() + 10
        while value(m := scrape(base), "toolproxy_recorder_written") < 6:
            assert time.monotonic() < deadline, "recorder never wrote the traces"
            time.sleep(0.1)

    requests = "toolproxy_requests_total"
    assert value(m, requests, route="passthrough", status="200") == 3
    assert value(m, requests, route="passthrough", status="500") == 1
    assert value(m, requests, route="rule", status="200") == 1
    assert value(m, requests, route="fallback", status="200") == 1
    assert value(m, "toolproxy_fallbacks_total") == 1
    assert value(m, "toolproxy_tool_runs_total", tool="log_run", status="ok") == 3  # 1 by rule + 2 in fallback
    assert value(m, "toolproxy_request_seconds_count", route="passthrough") == 4
    buckets = sorted((float(dict(labels)["le"]), v) for (name, labels), v in m.items()
                     if name == "toolproxy_request_seconds_bucket" and dict(labels)["route"] == "passthrough")
    assert [v for _, v in buckets] == sorted(v for _, v in buckets) and buckets[-1] == (float("inf"), 4)
    assert value(m, "toolproxy_request_seconds_sum", route="passthrough") > 0
    assert value(m, "toolproxy_upstream_seconds_count") == 5  # per answered exchange (its calls summed)
    assert value(m, "toolproxy_recorder_queue_depth") == 0
    assert value(m, "toolproxy_recorder_spool_size") == 0

    lines = [json.loads(line) for line in logs.getvalue().splitlines()]
    by_trace: dict[str | None, list[str]] = {}
    for line in lines:
        by_trace.setdefault(line.get("trace_id"), []).append(line["msg"])
    ruled_id, fell_id = ruled.headers["x-toolproxy-trace-id"], fell.headers["x-toolproxy-trace-id"]
    assert by_trace[ruled_id] == ["tool ran"]
    assert by_trace[fell_id].count("tool ran") == 2
    assert "fallback stopped after max_steps=2" in by_trace[fell_id]
    outside = [line for line in lines if line.get("trace_id") is None]
    assert all(line["msg"] != "tool ran" for line in outside)


def test_metrics_show_queue_and_spool_while_the_database_is_unusable(upstream_server: Any, upstream: Any,
                                                                      tmp_path: Path) -> None:
    """No tables yet: writes fail, traces queue, overflow goes to the spool; once migrated, all drain."""
    from storage.db import upgrade

    _, url = upstream_server
    spool = tmp_path / "spool.jsonl"
    with rule_proxy(url, tmp_path, migrate=False, max_buffer=3, batch_size=2, spool_path=str(spool)) as (base, db):
        ids = [chat(base, f"q{i}", observe=True).headers["x-toolproxy-trace-id"] for i in range(12)]
        deadline = time.monotonic() + 10
        while True:  # settled: the overflow spooled, every trace either in memory or in the spool
            m = scrape(base)
            spooled, queued = value(m, "toolproxy_recorder_spool_size"), value(m, "toolproxy_recorder_queue_depth")
            if spooled > 0 and spooled + queued == 12:
                break
            assert time.monotonic() < deadline, f"spool {spooled}, queue {queued}"
            time.sleep(0.1)
        assert value(m, "toolproxy_recorder_written") == 0
        upgrade(db)
        deadline = time.monotonic() + 20
        while True:  # drained: all written, nothing left in memory or in the spool
            m = scrape(base)
            if (value(m, "toolproxy_recorder_written") >= 12 and value(m, "toolproxy_recorder_spool_size") == 0
                    and value(m, "toolproxy_recorder_queue_depth") == 0):
                break
            assert time.monotonic() < deadline, f"not drained: {m}"
            time.sleep(0.1)
        assert value(m, "toolproxy_recorder_written") == 12
    from tests.proxy.test_passthrough import exchanges

    assert sorted(r.id for r in exchanges(db)) == sorted(ids)
