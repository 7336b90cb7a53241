"""compare_with_llm on hand-made trace rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from router.evaluate import compare_with_llm, route_path

ROWS: list[dict[str, Any]] = [
    # shadow/fallback exchanges: the LLM saw the tools, the router decided too
    {
        "route": "fallback",
        "router_tool": "weather",
        "router_confidence": 0.6,
        "threshold": 0.8,
        "llm_tool": "weather",
        "prompt_tokens": 900,
        "latency_ms": 1200.0,
    },
    {
        "route": "fallback",
        "router_tool": "search",
        "router_confidence": 0.5,
        "threshold": 0.8,
        "llm_tool": "weather",
        "prompt_tokens": 1100,
        "latency_ms": 1400.0,
    },
    {
        "route": "passthrough",
        "router_tool": None,
        "confident": True,
        "llm_tool": None,
        "prompt_tokens": 1000,
        "latency_ms": 1000.0,
    },
    {
        "route": "passthrough",
        "router_tool": "none",
        "confident": True,
        "llm_tool": "email",
        "prompt_tokens": 1000,
        "latency_ms": 800.0,
    },
    # local routes: no LLM choice to compare with; cheaper prompts
    {
        "route": "local:weather",
        "router_tool": "weather",
        "router_confidence": 0.97,
        "threshold": 0.8,
        "prompt_tokens": 200,
        "latency_ms": 300.0,
    },
    {"route": "none", "router_tool": None, "prompt_tokens": 100, "latency_ms": 500.0},
    {"route": "rule:calc", "prompt_tokens": None, "latency_ms": 10.0},
]


def test_agreement_only_where_both_choices_exist() -> None:
    report = compare_with_llm(ROWS)
    assert report["n"] == 7
    assert report["n_compared"] == 4
    assert report["agreement"] == pytest.approx(2 / 4)  # weather=weather, NONE=NONE
    # confident: the two passthrough rows (explicit flag); fallbacks are below threshold
    assert report["n_confident"] == 2
    assert report["agreement_when_confident"] == pytest.approx(1 / 2)
    assert report["disagreements"] == [
        {"router": "none", "llm": "email", "count": 1},
        {"router": "search", "llm": "weather", "count": 1},
    ]


def test_costs_per_path() -> None:
    paths = compare_with_llm(ROWS)["paths"]
    assert paths["llm"]["n"] == 4 and paths["local"]["n"] == 3
    assert paths["llm"]["prompt_tokens_mean"] == pytest.approx(1000.0)
    assert paths["local"]["prompt_tokens_mean"] == pytest.approx(150.0)  # None is skipped
    assert paths["llm"]["latency_ms_mean"] == pytest.approx(1100.0)
    assert paths["local"]["latency_ms_mean"] == pytest.approx(810 / 3)
    assert compare_with_llm(ROWS)["prompt_tokens_saved_mean"] == pytest.approx(850.0)


def test_empty_and_one_sided_inputs() -> None:
    empty = compare_with_llm([])
    assert empty["n"] == 0 and empty["agreement"] is None and empty["prompt_tokens_saved_mean"] is None
    local_only = compare_with_llm([{"route": "local:x", "router_tool": "x"}])
    assert local_only["n_compared"] == 0 and local_only["paths"]["llm"]["n"] == 0


def test_route_path() -> None:
    assert route_path({"route": "client_tool:get_weather"}) == "local"
    assert route_path({"route": "none"}) == "local"
    assert route_path({"route": "fallback"}) == "llm"
    assert route_path({"route": "local:x", "path": "llm"}) == "llm"


def test_compare_with_llm_reads_the_storage_comparison_rows(tmp_path: Path) -> None:
    """The rows storage.queries.comparison_rows returns from a real SQLite database fit this function."""
    from storage.db import make_engine, upgrade
    from storage.queries import comparison_rows
    from storage.recorder import Recorder
    from storage.records import StepRecord, TraceRecord

    url = f"sqlite:///{tmp_path / 'traces.db'}"
    upgrade(url)

    def trace(route: str, llm_tool: str | None, decided: str | None, status: str, **kw: Any) -> TraceRecord:
        kind = "shadow_decision" if route == "passthrough" else "decision"
        return TraceRecord(
            route=route,
            llm_tool=llm_tool,
            steps=[StepRecord(kind=kind, tool=decided, status=status)],
            **kw,
        )

    recorder = Recorder(url)
    recorder.start()
    for record in (
        trace("fallback", "get_weather", "get_weather", "unsure", prompt_tokens=900, latency_ms=1000.0),
        trace("fallback", "web_search", "get_weather", "unsure", prompt_tokens=1100, latency_ms=1400.0),
        trace("passthrough", None, None, "confident", mode="shadow", prompt_tokens=1000, latency_ms=1200.0),
        trace(
            "local:get_weather", None, "get_weather", "confident", route_tool="get_weather", prompt_tokens=80
        ),
    ):
        recorder.record(record)
    recorder.close()

    rows = comparison_rows(make_engine(url))
    report = compare_with_llm(rows)
    assert report["n_compared"] == 3  # the local route has no LLM choice
    assert report["agreement"] == pytest.approx(2 / 3)
    assert report["n_confident"] == 1 and report["agreement_when_confident"] == 1.0
    assert report["disagreements"] == [{"router": "get_weather", "llm": "web_search", "count": 1}]
    assert report["paths"]["llm"]["n"] == 3
    assert report["paths"]["llm"]["prompt_tokens_mean"] == pytest.approx(1000.0)
