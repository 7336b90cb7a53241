"""The README's SQL recipes run unchanged on SQLite and PostgreSQL and answer correctly."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, text

from storage.recipes import RECIPES, as_markdown, recipe
from storage.records import StepRecord
from storage.rows import Redactor, insert_rows, trace_to_row
from tests.storage.traces import make_trace


def run(engine: Engine, name: str) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(text(recipe(name).sql))]


@pytest.fixture
def filled(engine: Engine) -> Engine:
    traces = [
        make_trace(1, route="fallback", llm_tool="search_web", decision="get_weather"),
        make_trace(2, route="fallback", llm_tool="search_web", decision="search_web"),
        make_trace(3, route="local:get_weather", route_tool="get_weather", decision="get_weather"),
        make_trace(
            4, route="local:get_weather", route_tool="get_weather", decision="get_weather", status_code=502
        ),
    ]
    traces[2].tokens_saved = 150
    traces[2].steps.append(StepRecord(kind="tool_run", tool="get_weather", status="ok", duration_ms=30.0))
    traces[3].steps.append(
        StepRecord(kind="tool_run", tool="get_weather", status="timeout", duration_ms=90.0)
    )
    traces[3].error = "tool timed out"
    with engine.begin() as conn:
        insert_rows(conn, [trace_to_row(t, Redactor()) for t in traces])
    return engine


def test_every_recipe_runs(filled: Engine) -> None:
    for item in RECIPES:
        run(filled, item.name)


def test_recipes_answer_correctly(filled: Engine) -> None:
    routes = {r["route"]: r["exchanges"] for r in run(filled, "routes")}
    assert routes == {"fallback": 2, "local:get_weather": 2}
    tools = {r["tool"]: (r["local"], r["by_llm"]) for r in run(filled, "tools")}
    assert tools == {"get_weather": (2, 0), "search_web": (0, 2)}
    (day,) = run(filled, "fallback_rate")
    assert (day["exchanges"], day["fallbacks"], float(day["fallback_rate"])) == (4, 2, 0.5)
    (tokens,) = run(filled, "tokens_saved")
    assert (tokens["prompt_tokens"], tokens["tokens_saved"]) == (400, 150)
    (slow,) = run(filled, "slowest_tools")
    assert (slow["tool"], slow["runs"], float(slow["avg_ms"]), slow["errors"]) == ("get_weather", 2, 60.0, 1)
    assert run(filled, "disagreements") == [
        {"router_tool": "get_weather", "llm_tool": "search_web", "exchanges": 1}
    ]
    (error,) = run(filled, "errors")
    assert (error["status_code"], error["error"]) == (502, "tool timed out")


def test_markdown_lists_every_recipe() -> None:
    markdown = as_markdown()
    assert markdown.count("```sql") == len(RECIPES)
