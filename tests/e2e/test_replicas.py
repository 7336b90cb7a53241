"""Scale out: two ``toolproxy serve`` replicas on one PostgreSQL database (a fresh one, dropped after).

No trace lost or duplicated under load on both, and a checkpoint activated in SQL reaches every
replica (each polls ``router.reload_poll_s`` for the active checkpoint)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from storage.db import make_engine
from tests.conftest import base_config
from tests.e2e.test_intercept import WEATHER
from tests.e2e.test_shutdown import ServeProcess, start_serve
from tests.pg import temp_database

POLL_S = 0.5


@pytest.fixture(scope="module")
def replicas(upstream_server: Any, tmp_path_factory: Any) -> Iterator[tuple[list[ServeProcess], str]]:
    """Two replicas in intercept mode (real model), started at once on a fresh database."""
    _, url = upstream_server
    with temp_database("tp_test_replicas") as db:
        cfg = base_config(url, db, server={"upstream_timeout_s": 10},
                          router={"mode": "intercept", "reload_poll_s": POLL_S}, tools=[WEATHER])
        root = tmp_path_factory.mktemp("replicas")
        servers = [start_serve({**cfg, "storage": {**cfg["storage"], "spool_path": str(root / f"r{i}.spool")}},
                               root / f"r{i}") for i in range(2)]
        try:
            for s in servers:
                s.wait_ready("/health/ready", timeout=180)
            yield servers, db
        finally:
            for s in servers:
                if s.proc.poll() is None:
                    s.terminate()
            make_engine(db).dispose()


def ask(base: str, content: str, *, observe: bool = False, stream: bool = False) -> httpx.Response:
    headers = {"x-toolproxy-mode": "observe"} if observe else {}
    return httpx.post(base + "/v1/chat/completions", headers=headers, timeout=60, json={
        "model": "fake-model", "stream": stream, "messages": [{"role": "user", "content": content}]})


def test_no_trace_lost_or_duplicated_across_replicas(replicas: Any) -> None:
    servers, db = replicas
    n = 120

    def one(i: int) -> str:
        r = ask(servers[i % 2].base, f"load {i}", observe=True, stream=i % 3 == 0)
        assert r.status_code == 200, r.text
        return str(r.headers["x-toolproxy-trace-id"])

    with ThreadPoolExecutor(8) as pool:
        ids = list(pool.map(one, range(n)))
    assert len(set(ids)) == n
    engine = make_engine(db)
    try:
        import time

        deadline = time.monotonic() + 20
        while True:
            with engine.connect() as conn:
                rows = conn.execute(text("SELECT id FROM exchanges WHERE mode = 'observe'")).scalars().all()
            if len(rows) >= n or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        with engine.connect() as conn:
            steps = conn.execute(text("SELECT count(*) FROM steps s JOIN exchanges e ON e.id = s.exchange_id "
                                      "WHERE e.mode = 'observe'")).scalar_one()
    finally:
        engine.dispose()
    assert len(rows) == n and set(rows) == set(ids)
    assert steps == n  # one upstream step each, none written twice


def test_checkpoint_activation_reaches_every_replica(replicas: Any, tmp_path: Path) -> None:
    import time

    from router.checkpoint import load_checkpoint
    from storage.queries import register_checkpoint

    servers, db = replicas
    weather = "what's the weather like in Paris today?"
    before = {ask(s.base, weather).headers["x-toolproxy-router-version"] for s in servers}
    assert len(before) == 1

    ckpt = load_checkpoint(None)  # the shipped default (or zero-shot), under a new version
    ckpt.version = f"replica-test-{uuid.uuid4().hex[:8]}"
    path = ckpt.save(tmp_path / ckpt.version)
    engine = make_engine(db)
    try:
        register_checkpoint(engine, ckpt.version, str(path), activate=True)
    finally:
        engine.dispose()

    seen: dict[str, float] = {}
    start = time.monotonic()
    while len(seen) < len(servers) and time.monotonic() - start < 30 * POLL_S:
        for s in servers:
            if s.base not in seen and ask(s.base, weather).headers["x-toolproxy-router-version"] == ckpt.version:
                seen[s.base] = time.monotonic() - start
        time.sleep(POLL_S / 5)
    assert len(seen) == len(servers), f"activated {ckpt.version} reached only {seen} (was {before})"
    assert ckpt.version not in before
    for s in servers:
        ready = httpx.get(s.base + "/health/ready").json()
        assert ready["router"] == ckpt.version


def test_replicas_migrating_a_fresh_database_at_once() -> None:
    """Without the migration lock, all but one of these failed on CREATE TABLE alembic_version."""
    import subprocess

    from storage.db import current_revision, head_revision
    from tests.e2e.test_shutdown import CLI

    with temp_database("tp_test_migrate") as db:
        procs = [subprocess.Popen([*CLI, "db", "upgrade", "--db", db], stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT) for _ in range(3)]
        outputs = [p.communicate(timeout=120)[0].decode(errors="replace") for p in procs]
        assert [p.returncode for p in procs] == [0, 0, 0], outputs
        assert current_revision(db) == head_revision()


def test_one_server_with_two_workers_on_postgresql(upstream_server: Any, tmp_path: Path) -> None:
    """``serve --workers 2`` (uvicorn workers built by ``proxy.cli:app_factory``): every trace stored once."""
    _, url = upstream_server
    with temp_database("tp_test_workers") as db:
        cfg = base_config(url, db, storage={"url": db, "spool_path": str(tmp_path / "w.spool")})
        server = start_serve(cfg, tmp_path / "w", args=("--workers", "2"))
        try:
            server.wait_ready("/health/ready", timeout=120)
            with httpx.Client(timeout=30, limits=httpx.Limits(max_keepalive_connections=0)) as client, \
                    ThreadPoolExecutor(8) as pool:
                def one(i: int) -> str:
                    r = client.post(server.base + "/v1/chat/completions", json={
                        "model": "fake-model", "stream": i % 2 == 0, "messages": [{"role": "user", "content": f"w{i}"}]})
                    assert r.status_code == 200, r.text
                    return str(r.headers["x-toolproxy-trace-id"])

                ids = list(pool.map(one, range(80)))
        finally:
            server.terminate()
        engine = make_engine(db)
        try:
            with engine.connect() as conn:
                rows = conn.execute(text("SELECT id FROM exchanges")).scalars().all()
        finally:
            engine.dispose()
    assert len(rows) == len(ids) == 80 and set(rows) == set(ids)  # flushed at shutdown, none twice
    assert "Traceback" not in server.log()
