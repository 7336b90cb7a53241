"""The recorder on real databases: nothing lost, nothing duplicated, redaction and bodies honoured."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import Engine, func, select, text

from storage import queries
from storage.models import Exchange, Step
from storage.recorder import Recorder
from storage.records import StepRecord, TraceRecord
from storage.rows import Redactor, row_to_json, trace_to_row
from tests.storage.traces import make_trace


def counts(engine: Engine) -> tuple[int, int, int]:
    with engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(Exchange)).scalar_one()
        distinct = conn.execute(select(func.count(func.distinct(Exchange.id)))).scalar_one()
        steps = conn.execute(select(func.count()).select_from(Step)).scalar_one()
    return int(total), int(distinct), int(steps)


def stored_ids(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(select(Exchange.id)).scalars())


def test_writes_every_trace_with_steps_once(db_url: str, engine: Engine) -> None:
    recorder = Recorder(db_url, batch_size=50, flush_interval_s=0.02)
    recorder.start()
    traces = [
        make_trace(i, route="fallback", llm_tool="search_web", decision="get_weather") for i in range(1000)
    ]
    for trace in traces:
        recorder.record(trace)
    assert recorder.flush(30)
    recorder.close()
    assert counts(engine) == (1000, 1000, 2000)
    assert stored_ids(engine) == {t.id for t in traces}
    assert recorder.written_total == 1000
    assert recorder.queue_depth == 0
    assert recorder.dropped_total == 0
    stored = queries.get_exchange(engine, traces[7].id)
    assert stored is not None
    assert [s["seq"] for s in stored["steps"]] == [0, 1]
    assert [s["kind"] for s in stored["steps"]] == ["decision", "upstream"]
    assert stored["steps"][0]["tool"] == "get_weather"
    assert stored["route"] == "fallback"
    assert stored["response"]["choices"][0]["message"]["content"] == "answer 7"


def test_recording_the_same_trace_again_is_idempotent(db_url: str, engine: Engine) -> None:
    traces = [make_trace(i) for i in range(20)]
    first = Recorder(db_url, flush_interval_s=0.02)
    first.start()
    for trace in traces:
        first.record(trace)
    first.record(traces[0])  # a duplicate inside one batch
    assert first.flush(10)
    first.close()
    second = Recorder(db_url, flush_interval_s=0.02)
    second.start()
    for trace in traces[:10]:
        second.record(trace)
    assert second.flush(10)
    second.close()
    assert counts(engine) == (20, 20, 20)
    assert first.written_total == 20 and first.duplicates_total == 1
    assert second.written_total == 0 and second.duplicates_total == 10


def test_replaying_a_spool_twice_never_duplicates(db_url: str, engine: Engine, tmp_path: Path) -> None:
    traces = [make_trace(i) for i in range(30)]
    lines = b"".join(row_to_json(trace_to_row(t, Redactor())) + b"\n" for t in traces)
    spool = tmp_path / "spool.jsonl"
    for _ in range(2):
        spool.write_bytes(lines + lines[: len(lines) // 2])  # the same rows, some twice
        recorder = Recorder(db_url, flush_interval_s=0.02, spool_path=str(spool))
        recorder.start()
        assert recorder.flush(10)
        recorder.close()
        assert recorder.spool_size == 0
        assert spool.read_bytes() == b""
    assert counts(engine) == (30, 30, 30)


def test_redaction_patterns_apply_to_stored_strings(db_url: str, engine: Engine) -> None:
    secret = "sk-live-0123456789abcdef"
    trace = make_trace(1, content=f"my key is {secret} and my mail is bob@example.com")
    trace.response = {"choices": [{"message": {"content": f"noted {secret}"}}]}
    trace.steps.append(
        StepRecord(kind="tool_run", tool="t", payload={"arguments": {"key": secret}}, error=secret)
    )
    trace.error = f"upstream refused {secret}"
    recorder = Recorder(db_url, flush_interval_s=0.02, redact=[r"sk-[\w-]+", r"[\w.]+@[\w.]+"])
    recorder.start()
    recorder.record(trace)
    assert recorder.flush(10)
    recorder.close()
    stored = queries.get_exchange(engine, trace.id)
    assert stored is not None
    dumped = json.dumps(stored, default=str)
    assert secret not in dumped
    assert "bob@example.com" not in dumped
    assert stored["request"]["messages"][0]["content"] == "my key is [REDACTED] and my mail is [REDACTED]"
    assert stored["response"]["choices"][0]["message"]["content"] == "noted [REDACTED]"
    assert stored["error"] == "upstream refused [REDACTED]"
    assert stored["steps"][-1]["payload"] == {"arguments": {"key": "[REDACTED]"}}


def test_store_bodies_false_keeps_everything_but_bodies(db_url: str, engine: Engine) -> None:
    trace = make_trace(3, route="local:get_weather", route_tool="get_weather", decision="get_weather")
    recorder = Recorder(db_url, flush_interval_s=0.02, store_bodies=False)
    recorder.start()
    recorder.record(trace)
    assert recorder.flush(10)
    recorder.close()
    stored = queries.get_exchange(engine, trace.id)
    assert stored is not None
    assert stored["request"] is None and stored["response"] is None
    assert stored["route_tool"] == "get_weather"
    assert stored["prompt_tokens"] == 100 and stored["latency_ms"] == 12.5
    assert len(stored["steps"]) == 2


def test_awkward_values_are_stored_not_lost(db_url: str, engine: Engine) -> None:
    """NUL characters, NaN, non-JSON objects and over-long names must not poison a batch."""
    odd = TraceRecord(
        model="m" * 1000,
        route="local:" + "x" * 400,
        request={
            "messages": [{"role": "user", "content": "nul \x00 here"}],
            "n": float("nan"),
            "o": object(),
        },
        latency_ms=float("inf"),
        steps=[StepRecord(kind="decision", payload={"set": {1, 2}, "v": float("-inf")})],
    )
    normal = [make_trace(i) for i in range(5)]
    recorder = Recorder(db_url, flush_interval_s=0.02)
    recorder.start()
    recorder.record(odd)
    for trace in normal:
        recorder.record(trace)
    assert recorder.flush(10)
    recorder.close()
    assert stored_ids(engine) == {odd.id} | {t.id for t in normal}
    stored = queries.get_exchange(engine, odd.id)
    assert stored is not None
    assert stored["request"]["messages"][0]["content"] == "nul \ufffd here"
    assert stored["request"]["n"] is None
    assert len(stored["model"]) == 255
    assert stored["steps"][0]["payload"] == {"set": "{1, 2}", "v": None}
    assert recorder.rejected_total == 0


def test_a_row_the_database_refuses_is_rejected_alone(db_url: str, engine: Engine) -> None:
    bad = make_trace(0)
    bad.id = "x" * 40  # longer than the id column: PostgreSQL refuses it (SQLite stores it)
    good = [make_trace(i) for i in range(1, 6)]
    recorder = Recorder(db_url, flush_interval_s=0.02)
    recorder.start()
    for trace in [bad, *good]:
        recorder.record(trace)
    assert recorder.flush(10)
    recorder.close()
    ids = stored_ids(engine)
    assert {t.id for t in good} <= ids
    if engine.dialect.name == "postgresql":
        assert bad.id not in ids and recorder.rejected_total == 1
    else:
        assert bad.id in ids and recorder.rejected_total == 0


def test_records_before_start_and_close_without_start_are_written(db_url: str, engine: Engine) -> None:
    recorder = Recorder(db_url, flush_interval_s=0.02)
    traces = [make_trace(i) for i in range(7)]
    for trace in traces:
        recorder.record(trace)
    recorder.close()
    assert stored_ids(engine) == {t.id for t in traces}
    recorder.record(make_trace(99))  # after close: counted, never silently queued
    assert recorder.dropped_total == 1


def test_record_only_queues(tmp_path: Path) -> None:
    """Without start(), record() must only queue: it works with an unreachable database."""
    recorder = Recorder(f"sqlite:///{tmp_path}/missing/dir/x.db", max_buffer=100_000)
    traces = [make_trace(i) for i in range(10_000)]
    for trace in traces:
        recorder.record(trace)
    assert recorder.queue_depth == 10_000
    assert not (tmp_path / "missing").exists()


def test_replicas_writing_overlapping_traces_store_each_once(db_url: str, engine: Engine) -> None:
    """Several recorders (replicas) on one database, some traces recorded by all of them."""
    shared = [make_trace(i) for i in range(200)]
    own = [[make_trace(1000 * r + i) for i in range(300)] for r in range(3)]
    recorders = [Recorder(db_url, batch_size=25, flush_interval_s=0.01) for _ in own]
    for recorder in recorders:
        recorder.start()
    for i in range(300):
        for recorder, traces in zip(recorders, own, strict=True):
            recorder.record(traces[i])
            if i < len(shared):
                recorder.record(shared[i])
    for recorder in recorders:
        assert recorder.flush(30), recorder.stats()
        recorder.close()
    expected = {t.id for t in shared} | {t.id for traces in own for t in traces}
    assert stored_ids(engine) == expected
    assert counts(engine) == (len(expected), len(expected), len(expected))
    assert sum(r.written_total for r in recorders) == len(expected)
    assert sum(r.duplicates_total for r in recorders) == 2 * len(shared)
    assert sum(r.rejected_total for r in recorders) == 0


def test_non_ascii_text_is_stored_readable_for_sql(db_url: str, engine: Engine) -> None:
    trace = make_trace(1, content="météo à Zürich? 東京の天気")
    recorder = Recorder(db_url, flush_interval_s=0.02)
    recorder.start()
    recorder.record(trace)
    assert recorder.flush(10)
    recorder.close()
    column = "CAST(request AS TEXT)" if engine.dialect.name == "postgresql" else "request"
    with engine.connect() as conn:
        sql = text(f"SELECT id FROM exchanges WHERE {column} LIKE :pattern")
        found = conn.execute(sql, {"pattern": "%Zürich? 東京%"}).scalars().all()
    assert found == [trace.id]
