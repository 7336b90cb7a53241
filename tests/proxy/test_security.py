"""Secrets stay secret: provider and proxy keys never reach a trace, the spool, a log line or a response;
redaction and ``store_bodies: false`` hold in SQL; retention deletes old rows."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from click.testing import CliRunner
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from proxy.cli import main
from tests.conftest import base_config
from tests.e2e.test_shutdown import serve_process
from tests.proxy.test_passthrough import exchanges, steps
from tests.servers import serve_in_thread

PROVIDER_KEY = "sk-upstream-secret-123"
PROXY_KEY = "tp-proxy-key-SECRET-777"
SECRETS = (PROVIDER_KEY, PROXY_KEY)


class LeakyUpstream:
    """An upstream that echoes the Authorization header it got into its errors, as real providers do."""

    def __init__(self) -> None:
        self.app = Starlette(routes=[Route("/v1/chat/completions", self.chat, methods=["POST"])])

    async def chat(self, request: Request) -> Response:
        body = await request.json()
        auth = request.headers.get("authorization", "")
        model = body.get("model")
        if model == "leak-401":
            return JSONResponse({"error": {"message": f"Incorrect API key provided: {auth}", "type": "auth",
                                           "code": "invalid_api_key"}}, status_code=401)
        if model == "leak-text":
            return PlainTextResponse(f"upstream crashed while using {auth}", status_code=503)
        base = {"id": "chatcmpl-x", "created": 0, "model": model}
        if not body.get("stream"):
            return JSONResponse({**base, "object": "chat.completion", "choices": [
                {"index": 0, "message": {"role": "assistant", "content": "all good"}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}})

        async def events() -> Any:
            chunk = {**base, "object": "chat.completion.chunk",
                     "choices": [{"index": 0, "delta": {"role": "assistant", "content": "partial"},
                                  "finish_reason": None}]}
            yield f"data: {json.dumps(chunk)}\n\n".encode()
            if model == "leak-stream":
                yield f"data: {json.dumps({'error': {'message': f'quota exceeded for {auth}'}})}\n\n".encode()
                return
            done = {**base, "object": "chat.completion.chunk",
                    "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
            yield f"data: {json.dumps(done)}\n\ndata: [DONE]\n\n".encode()

        return StreamingResponse(events(), media_type="text/event-stream")


@pytest.fixture(scope="module")
def leaky() -> Iterator[str]:
    with serve_in_thread(LeakyUpstream().app) as url:
        yield url


def model(name: str, api_base: str, **extra: Any) -> dict[str, Any]:
    return {"model_name": name, "litellm_params": {"model": f"openai/{name}", "api_base": api_base,
                                                   "api_key": PROVIDER_KEY, **extra}}


def test_keys_never_reach_traces_spool_logs_or_responses(leaky: str, tmp_path: Path) -> None:
    db_path, spool = tmp_path / "sec.db", tmp_path / "sec.spool.jsonl"
    cfg = base_config(leaky, f"sqlite:///{db_path}", server={"api_keys": [PROXY_KEY], "upstream_retries": 1},
                      storage={"spool_path": str(spool), "max_buffer": 2, "batch_size": 1})
    v1 = leaky + "/v1"
    # "litellm-*" carry a param the httpx fast path does not handle, so they go through litellm
    cfg["model_list"] = [model("ok", v1), model("leak-401", v1), model("leak-text", v1), model("leak-stream", v1),
                         {**model("leak-401", v1, organization="org-test"), "model_name": "litellm-401"},
                         {**model("ok", v1, organization="org-test"), "model_name": "litellm-ok"}]
    good = {"authorization": f"Bearer {PROXY_KEY}"}
    bodies: list[str] = []
    statuses: list[int] = []

    with serve_process(cfg, tmp_path, log_level="debug") as server, \
            httpx.Client(base_url=server.base, timeout=30) as c:
        def chat(model_name: str, headers: dict[str, str] | None = None, **extra: Any) -> httpx.Response:
            r = c.post("/v1/chat/completions", headers=good if headers is None else headers,
                       json={"model": model_name, "messages": [{"role": "user", "content": "hello"}], **extra})
            bodies.append(r.text + "\n" + json.dumps(dict(r.headers)))
            statuses.append(r.status_code)
            return r

        assert chat("ok").status_code == 200
        assert "partial" in chat("ok", stream=True).text
        assert chat("litellm-ok").status_code == 200
        assert chat("leak-401").status_code == 401
        assert chat("leak-text").status_code == 503
        assert "quota exceeded for Bearer ***" in chat("leak-stream", stream=True).text
        assert chat("litellm-401").status_code == 401
        for bad in ({}, {"authorization": "Bearer wrong"}, {"authorization": PROXY_KEY},
                    {"authorization": f"Bearer {PROVIDER_KEY}"}, {"authorization": f"Bearer {PROXY_KEY}x"},
                    {"authorization": f"Basic {PROXY_KEY}"}):
            assert chat("ok", headers=bad).status_code == 401
        assert chat("nope").status_code == 404
        for path in ("/v1/models", "/metrics", "/health/ready"):
            r = c.get(path, headers=good)
            bodies.append(r.text)
            assert r.status_code == 200
        r = c.post("/admin/reload", headers={"authorization": f"Bearer {PROVIDER_KEY}"})
        bodies.append(r.text)
        assert r.status_code == 401
        assert server.terminate() in (0, -15)

    every = exchanges(f"sqlite:///{db_path}")
    rejected = [r for r in every if r.route == "rejected"]  # refused before routing: traced without a body
    assert [(r.status_code, r.request) for r in rejected] == [(401, None)] * 6 + [(404, None)]
    rows = [r for r in every if r.route != "rejected"]
    assert len(rows) == 7  # every valid, authenticated request, upstream failures included
    assert all(r.client_key_id and r.client_key_id.startswith("key_") for r in rows)
    leaked_errors = [r.error for r in rows if r.error and "***" in r.error]
    assert len(leaked_errors) >= 3  # the upstream did try to leak, and was scrubbed
    written = {"response bodies": "\n".join(bodies), "log": server.log()}
    for file in tmp_path.iterdir():
        if file.name.startswith(("sec.db", "sec.spool")):
            written[file.name] = file.read_bytes().decode("latin-1")
    assert "sec.db" in written
    logged = [json.loads(line) for line in written["log"].splitlines() if line.startswith("{")]
    finished = [line for line in logged if line["msg"] in ("exchange failed", "exchange finished")]
    assert sorted(line["trace_id"] for line in finished) == sorted(r.id for r in every)  # one line each
    assert {line["status"] for line in finished} == {200, 401, 404, 502, 503}
    assert sum("***" in (line.get("error") or "") for line in finished) >= 3  # scrubbed errors were logged
    with sqlite3.connect(db_path) as conn:  # the rows themselves, decoded, not only the raw pages
        written["sql dump"] = "\n".join(conn.iterdump())
    for name, text in written.items():
        for secret in SECRETS:
            assert secret not in text, f"{secret[:6]}... found in {name}"


def test_redaction_and_store_bodies_hold_in_sql(make_proxy: Any, upstream: Any, tmp_path: Path) -> None:
    card, email = "4111-1111-1111-1111", "ada@example.com"
    text = f"charge card {card} and mail {email}"
    redacted_db = tmp_path / "redacted.db"
    with make_proxy(db_url=f"sqlite:///{redacted_db}",
                    storage={"redact": [r"\b\d{4}-\d{4}-\d{4}-\d{4}\b", r"[\w.]+@[\w.]+"]}) as base:
        r = httpx.post(base + "/v1/chat/completions",
                       json={"model": "fake-model", "messages": [{"role": "user", "content": text}]})
        assert r.json()["choices"][0]["message"]["content"] == "echo: " + text  # the client sees it all
        httpx.post(base + "/v1/chat/completions", json={"model": "error-400", "messages": [
            {"role": "user", "content": text}]})
    rows = exchanges(f"sqlite:///{redacted_db}")
    assert len(rows) == 2
    assert rows[0].request is not None and rows[0].response is not None
    assert rows[0].request["messages"][0]["content"] == "charge card [REDACTED] and mail [REDACTED]"
    assert rows[0].response["choices"][0]["message"]["content"] == "echo: charge card [REDACTED] and mail [REDACTED]"
    raw = redacted_db.read_bytes() + Path(str(redacted_db) + "-wal").read_bytes() if Path(
        str(redacted_db) + "-wal").exists() else redacted_db.read_bytes()
    assert card.encode() not in raw and email.encode() not in raw

    bare_db = tmp_path / "bare.db"
    with make_proxy(db_url=f"sqlite:///{bare_db}", storage={"store_bodies": False}) as base:
        for stream in (False, True):
            r = httpx.post(base + "/v1/chat/completions", json={
                "model": "fake-model", "stream": stream, "messages": [{"role": "user", "content": text}]})
            assert card in r.text
    rows = exchanges(f"sqlite:///{bare_db}")
    assert len(rows) == 2 and all(r.request is None and r.response is None for r in rows)
    assert all(r.prompt_tokens and r.status_code == 200 for r in rows)  # the metadata is still there
    assert [s.kind for s in steps(f"sqlite:///{bare_db}", rows[0].id)] == ["upstream"]
    with sqlite3.connect(bare_db) as conn:
        dump = "\n".join(conn.iterdump())
    assert card not in dump and email not in dump and "charge card" not in dump


def test_retention_prune_deletes_old_rows(make_proxy: Any, upstream: Any, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'ret.db'}"
    with make_proxy(db_url=db) as base:
        ids = [httpx.post(base + "/v1/chat/completions", json={
            "model": "fake-model", "messages": [{"role": "user", "content": f"q{i}"}]}).headers["x-toolproxy-trace-id"]
            for i in range(5)]
    old_ids = ids[:3]
    with sqlite3.connect(tmp_path / "ret.db") as conn:
        old = (datetime.now(UTC) - timedelta(days=40)).strftime("%Y-%m-%d %H:%M:%S.%f")
        conn.executemany("UPDATE exchanges SET created_at = ? WHERE id = ?", [(old, i) for i in old_ids])
    config = tmp_path / "ret.yaml"
    config.write_text(yaml.safe_dump({"storage": {"url": db}}))
    runner = CliRunner()

    refused = runner.invoke(main, ["db", "prune", "--config", str(config)])
    assert refused.exit_code != 0 and "retention" in refused.output

    result = runner.invoke(main, ["db", "prune", "--config", str(config), "--days", "30"])
    assert result.exit_code == 0, result.output
    assert "deleted 3 exchanges" in result.output
    assert sorted(r.id for r in exchanges(db)) == sorted(ids[3:])
    with sqlite3.connect(tmp_path / "ret.db") as conn:
        orphans = conn.execute("SELECT count(*) FROM steps WHERE exchange_id NOT IN (SELECT id FROM exchanges)")
        assert orphans.fetchone()[0] == 0

    with sqlite3.connect(tmp_path / "ret.db") as conn:
        two_days = (datetime.now(UTC) - timedelta(days=2)).strftime("%Y-%m-%d %H:%M:%S.%f")
        conn.execute("UPDATE exchanges SET created_at = ?", (two_days,))
    config.write_text(yaml.safe_dump({"storage": {"url": db, "retention_days": 1}}))
    result = runner.invoke(main, ["db", "prune", "--config", str(config)])  # storage.retention_days applies
    assert result.exit_code == 0 and "deleted 2 exchanges" in result.output
    assert exchanges(db) == []


def test_proxy_keys_are_held_only_as_digests() -> None:
    from proxy.app import create_app
    from proxy.config import parse_config

    app = create_app(parse_config({"server": {"api_keys": [PROXY_KEY]}, "router": {"mode": "observe"}}))
    keys = app.state.proxy.keys
    held = repr(vars(keys))
    assert PROXY_KEY not in held and PROXY_KEY.encode().hex() not in held
    assert keys.check(f"Bearer {PROXY_KEY}") is not None and keys.check(f"Bearer {PROXY_KEY}").startswith("key_")
