"""The read side, against real SQLite and PostgreSQL databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select

from storage import queries
from storage.models import Exchange, Feedback, Step
from storage.records import TraceRecord
from storage.rows import Redactor, insert_rows, trace_to_row
from tests.storage.traces import make_trace


def store(engine: Engine, *traces: TraceRecord) -> None:
    with engine.begin() as conn:
        insert_rows(conn, [trace_to_row(t, Redactor()) for t in traces])


def count(engine: Engine, model: type) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(model)).scalar_one())


def test_recent_and_get_exchange(engine: Engine) -> None:
    now = datetime.now(UTC)
    traces = [make_trace(i, created_at=now - timedelta(minutes=i)) for i in range(5)]
    store(engine, *traces)
    recent = queries.recent_exchanges(engine, 3)
    assert [r["id"] for r in recent] == [t.id for t in traces[:3]]
    assert "request" not in recent[0]
    assert recent[0]["created_at"].tzinfo is not None
    assert abs(recent[0]["created_at"] - traces[0].created_at) < timedelta(milliseconds=1)
    assert recent[0]["total_tokens"] == 120
    with_bodies = queries.recent_exchanges(engine, 1, bodies=True)
    assert with_bodies[0]["request"]["messages"][0]["content"] == "question number 0"

    queries.add_feedback(engine, traces[1].id, "get_weather", note="it was weather")
    got = queries.get_exchange(engine, traces[1].id)
    assert got is not None
    assert got["model"] == "fake-model"
    assert [s["kind"] for s in got["steps"]] == ["upstream"]
    assert got["steps"][0]["payload"] == {"n": 1}
    assert got["feedback"][0]["correct_tool"] == "get_weather"
    assert queries.get_exchange(engine, "0" * 32) is None
    assert queries.count_exchanges(engine) == 5


def test_training_examples_labels_and_sources(engine: Engine) -> None:
    fallback = make_trace(1, route="fallback", llm_tool="search_web", decision="get_weather")
    fallback_no_tool = make_trace(2, route="fallback", llm_tool=None, decision="get_weather")
    local = make_trace(3, route="local:get_weather", route_tool="get_weather", decision="get_weather")
    corrected = make_trace(4, route="local:get_weather", route_tool="get_weather", decision="get_weather")
    rule = make_trace(5, route="rule:search_web", route_tool="search_web")
    none_route = make_trace(6, route="none", decision=None)
    failed = make_trace(7, route="fallback", llm_tool="search_web", status_code=502)
    plain_chat = make_trace(8, route="passthrough", tools=())
    shadow = make_trace(9, route="passthrough", mode="shadow", llm_tool="get_weather", decision="get_weather")
    store(engine, fallback, fallback_no_tool, local, corrected, rule, none_route, failed, plain_chat, shadow)
    queries.add_feedback(engine, corrected.id, "search_web")
    queries.add_feedback(engine, corrected.id, "none")  # the latest correction wins

    examples = {e["id"]: e for e in queries.training_examples(engine)}
    assert set(examples) == {
        fallback.id,
        fallback_no_tool.id,
        local.id,
        corrected.id,
        rule.id,
        none_route.id,
        shadow.id,
    }
    assert (examples[fallback.id]["label"], examples[fallback.id]["source"]) == ("search_web", "llm")
    assert (examples[fallback_no_tool.id]["label"], examples[fallback_no_tool.id]["source"]) == (None, "llm")
    assert (examples[local.id]["label"], examples[local.id]["source"]) == ("get_weather", "router")
    assert (examples[corrected.id]["label"], examples[corrected.id]["source"]) == (None, "feedback")
    assert (examples[rule.id]["label"], examples[rule.id]["source"]) == ("search_web", "rule")
    assert (examples[none_route.id]["label"], examples[none_route.id]["source"]) == (None, "router")
    assert (examples[shadow.id]["label"], examples[shadow.id]["source"]) == ("get_weather", "llm")
    assert examples[fallback.id]["messages"] == [{"role": "user", "content": "question number 1"}]
    assert [t["function"]["name"] for t in examples[fallback.id]["tools"]] == ["get_weather", "search_web"]

    only_llm = queries.training_examples(engine, sources=["llm", "feedback"])
    assert {e["source"] for e in only_llm} == {"llm", "feedback"}
    assert len(only_llm) == 4


def test_training_examples_skip_exchanges_without_bodies(engine: Engine) -> None:
    trace = make_trace(1, route="fallback", llm_tool="search_web")
    with engine.begin() as conn:
        insert_rows(conn, [trace_to_row(trace, Redactor(), store_bodies=False)])
    assert queries.training_examples(engine) == []


def test_router_vs_llm(engine: Engine) -> None:
    store(
        engine,
        make_trace(1, route="fallback", llm_tool="search_web", decision="search_web", prompt_tokens=300),
        make_trace(2, route="fallback", llm_tool="search_web", decision="get_weather", prompt_tokens=300),
        make_trace(3, route="fallback", llm_tool=None, decision=None, prompt_tokens=300),
        make_trace(
            4,
            route="passthrough",
            mode="shadow",
            llm_tool="get_weather",
            decision="get_weather",
            decision_status="confident",
            prompt_tokens=300,
        ),  # fmt: skip
        make_trace(
            5, route="local:get_weather", route_tool="get_weather", decision="get_weather", prompt_tokens=50
        ),
        make_trace(6, route="passthrough", tools=(), prompt_tokens=None),  # no decision: not compared
    )
    result = queries.router_vs_llm(engine)
    assert result["n_compared"] == 4
    assert result["agreements"] == 3
    assert result["agreement_rate"] == pytest.approx(0.75)
    assert result["n_confident"] == 1
    assert result["agreement_when_confident"] == 1.0
    assert result["disagreements"] == [{"router": "get_weather", "llm": "search_web", "count": 1}]
    paths = result["paths"]
    assert paths["local"]["n"] == 1
    assert paths["local"]["prompt_tokens_mean"] == pytest.approx(50.0)
    assert paths["llm"]["n"] == 5
    assert paths["llm"]["prompt_tokens_mean"] == pytest.approx(300.0)
    rows = queries.comparison_rows(engine)
    assert {r["router_tool"] for r in rows} == {"search_web", "get_weather", None}
    assert all("llm_tool" in r and "route" in r for r in rows)


def test_router_vs_llm_on_empty_database(engine: Engine) -> None:
    result = queries.router_vs_llm(engine)
    assert result["n_compared"] == 0
    assert result["agreement_rate"] is None
    assert result["paths"]["local"]["n"] == 0


def test_checkpoints_register_activate(engine: Engine) -> None:
    assert queries.active_checkpoint(engine) is None
    first = queries.register_checkpoint(
        engine, "v1", "/ckpt/v1", {"top1": 0.8}, {"base": "minilm"}, activate=True
    )
    assert first["active"] is True
    queries.register_checkpoint(engine, "v2", "/ckpt/v2", {"top1": 0.85})
    active = queries.active_checkpoint(engine)
    assert active is not None and active["version"] == "v1"
    assert queries.activate_checkpoint(engine, "v2")
    active = queries.active_checkpoint(engine)
    assert active is not None and active["version"] == "v2"
    assert active["metrics"] == {"top1": 0.85}
    assert [c["active"] for c in queries.list_checkpoints(engine)].count(True) == 1
    assert not queries.activate_checkpoint(engine, "v9")
    again = queries.register_checkpoint(engine, "v1", "/ckpt/v1b", {"top1": 0.81}, activate=True)
    assert again["path"] == "/ckpt/v1b"
    assert len(queries.list_checkpoints(engine)) == 2
    active = queries.active_checkpoint(engine)
    assert active is not None and active["version"] == "v1"


def test_retention_deletes_old_exchanges_with_steps_and_feedback(engine: Engine) -> None:
    now = datetime.now(UTC)
    old = [make_trace(i, created_at=now - timedelta(days=40 + i)) for i in range(3)]
    new = [make_trace(10 + i, created_at=now - timedelta(days=i)) for i in range(2)]
    store(engine, *old, *new)
    queries.add_feedback(engine, old[0].id, "get_weather")
    queries.add_feedback(engine, new[0].id, "get_weather")
    assert queries.delete_older_than(engine, 30) == 3
    assert count(engine, Exchange) == 2
    assert count(engine, Step) == 2
    assert count(engine, Feedback) == 1
    assert {r["id"] for r in queries.recent_exchanges(engine, 10)} == {t.id for t in new}
    assert queries.delete_older_than(engine, 30) == 0
    with pytest.raises(ValueError):
        queries.delete_older_than(engine, -1)
