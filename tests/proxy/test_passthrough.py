"""The foundation: an unchanged OpenAI client through the proxy, every exchange in SQL."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import openai
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.db import make_engine
from storage.models import Exchange, Step

MESSAGES = [{"role": "system", "content": "You are terse."}, {"role": "user", "content": "Say hello to Ada"}]


def exchanges(db_url: str) -> list[Exchange]:
    engine = make_engine(db_url)
    with Session(engine) as s:
        rows = list(s.scalars(select(Exchange).order_by(Exchange.created_at)))
        for r in rows:
            s.expunge(r)
    engine.dispose()
    return rows


def exchange(db_url: str, trace_id: str, timeout: float = 15.0) -> Exchange:
    """The row for one trace, waiting for the asynchronous recorder to write it."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        found = [r for r in exchanges(db_url) if r.id == trace_id]
        if found:
            return found[0]
        if time.monotonic() > deadline:
            raise AssertionError(f"trace {trace_id} never reached the database")
        time.sleep(0.05)


def steps(db_url: str, exchange_id: str) -> list[Step]:
    engine = make_engine(db_url)
    with Session(engine) as s:
        rows = list(s.scalars(select(Step).where(Step.exchange_id == exchange_id).order_by(Step.seq)))
        for r in rows:
            s.expunge(r)
    engine.dispose()
    return rows


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: Any, tmp_path: Any) -> Iterator[str]:
    """Each test runs on a SQLite file and on a fresh database on the PostgreSQL server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'traces.db'}"
        return
    from tests.pg import temp_database

    with temp_database("tp_proxy") as url:
        yield url


def test_sync_stream_and_async_through_sdk(make_proxy: Any, upstream: Any, db_url: str) -> None:
    with make_proxy(db_url=db_url) as base:
        client = openai.OpenAI(base_url=base + "/v1", api_key="unused", max_retries=0)
        resp = client.chat.completions.create(model="fake-model", messages=MESSAGES, temperature=0.2, seed=7,
                                              user="u-1")
        assert resp.choices[0].message.content == "echo: Say hello to Ada"
        assert resp.usage is not None and resp.usage.prompt_tokens > 0
        sent = upstream.received[-1]
        assert sent["messages"] == MESSAGES
        assert sent["temperature"] == 0.2 and sent["seed"] == 7 and sent["user"] == "u-1"
        assert sent["model"] == "fake-model"
        assert upstream.headers[-1]["authorization"] == "Bearer sk-upstream-secret-123"

        raw = client.chat.completions.with_raw_response.create(model="fake-model", messages=MESSAGES)
        assert raw.headers["x-toolproxy-route"] == "passthrough"
        assert len(raw.headers["x-toolproxy-trace-id"]) == 32

        stream = client.chat.completions.create(model="fake-model", messages=MESSAGES, stream=True)
        pieces = [c.choices[0].delta.content or "" for c in stream if c.choices]
        assert "".join(pieces) == "echo: Say hello to Ada"
        assert upstream.received[-1]["stream"] is True

        usage_chunks = [c for c in client.chat.completions.create(
            model="fake-model", messages=MESSAGES, stream=True, stream_options={"include_usage": True}) if c.usage]
        assert len(usage_chunks) == 1 and usage_chunks[0].usage.completion_tokens > 0

        async def go() -> str:
            aclient = openai.AsyncOpenAI(base_url=base + "/v1", api_key="unused", max_retries=0)
            r = await aclient.chat.completions.create(model="fake-model", messages=MESSAGES)
            out = []
            async for c in await aclient.chat.completions.create(model="fake-model", messages=MESSAGES, stream=True):
                if c.choices:
                    out.append(c.choices[0].delta.content or "")
            await aclient.close()
            return str(r.choices[0].message.content) + "|" + "".join(out)

        assert asyncio.run(go()) == "echo: Say hello to Ada|echo: Say hello to Ada"
        models = client.models.list()
        assert "fake-model" in [m.id for m in models.data]

    rows = exchanges(db_url)
    assert len(rows) == 6
    assert [r.stream for r in rows] == [False, False, True, True, False, True]
    for r in rows:
        assert r.status_code == 200 and r.route == "passthrough" and r.mode == "observe"
        assert r.prompt_tokens and r.prompt_tokens > 0 and r.completion_tokens and r.completion_tokens > 0
        assert r.latency_ms is not None and r.latency_ms > 0
        assert r.request is not None and r.request["messages"] == MESSAGES
        assert r.response is not None
        kinds = [s.kind for s in steps(db_url, r.id)]
        assert kinds == ["upstream"]
    assert rows[2].response["choices"][0]["message"]["content"] == "echo: Say hello to Ada"


def test_api_keys_hashed_and_checked(make_proxy: Any, upstream: Any, db_url: str) -> None:
    with make_proxy(db_url=db_url, server={"api_keys": ["tp-key-alpha"]}) as base:
        bad = openai.OpenAI(base_url=base + "/v1", api_key="wrong", max_retries=0)
        with pytest.raises(openai.AuthenticationError) as err:
            bad.chat.completions.create(model="fake-model", messages=MESSAGES)
        assert err.value.status_code == 401
        good = openai.OpenAI(base_url=base + "/v1", api_key="tp-key-alpha", max_retries=0)
        assert good.chat.completions.create(model="fake-model", messages=MESSAGES).choices[0].message.content
    rows = exchanges(db_url)
    assert [(r.route, r.status_code) for r in rows] == [("rejected", 401), ("passthrough", 200)]
    assert rows[0].client_key_id is None and rows[0].request is None
    assert rows[1].client_key_id is not None and rows[1].client_key_id.startswith("key_")
    assert all("tp-key-alpha" not in repr(r.__dict__) for r in rows)
