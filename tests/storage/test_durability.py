"""The recorder survives its database (issue 6 item 3): every trace is counted, none lost or doubled.

(a) a private PostgreSQL server stopped mid-load and restarted;
(b) a SQLite file held under an exclusive lock by another connection;
(c) close() with the database down spools everything, and the next recorder replays it.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from sqlalchemy import delete, func, select

from storage.db import make_engine, upgrade
from storage.models import Exchange, Step
from storage.recorder import Recorder
from tests.pg import LocalPostgres, free_port
from tests.storage.traces import make_trace


def assert_exactly_once(url: str, ids: list[str], steps_per_trace: int = 1) -> None:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            stored = list(conn.execute(select(Exchange.id)).scalars())
            steps = conn.execute(select(func.count()).select_from(Step)).scalar_one()
    finally:
        engine.dispose()
    assert len(stored) == len(set(stored)), "a trace was written twice"
    missing = set(ids) - set(stored)
    assert not missing, f"{len(missing)} of {len(ids)} traces lost"
    assert len(stored) == len(ids)
    assert steps == len(ids) * steps_per_trace


def wait_for(condition, timeout: float = 20.0) -> bool:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_postgres_stopped_mid_load_loses_nothing(local_pg: LocalPostgres, tmp_path: Path) -> None:
    upgrade(local_pg.url)
    recorder = Recorder(
        local_pg.url,
        batch_size=50,
        flush_interval_s=0.05,
        max_buffer=300,
        spool_path=str(tmp_path / "spool.jsonl"),
        retry_initial_s=0.05,
        retry_max_s=0.3,
    )
    recorder.start()
    ids: list[str] = []

    def produce(n: int) -> None:
        for i in range(n):
            trace = make_trace(len(ids), decision="get_weather", route="fallback", llm_tool="get_weather")
            ids.append(trace.id)
            recorder.record(trace)
            if i % 25 == 0:
                time.sleep(0.005)

    produce(800)  # load while the server is up: some batches are written
    assert wait_for(lambda: recorder.written_total > 0)
    local_pg.stop("immediate")  # a crash, mid-load
    produce(1500)  # keep serving: buffer, then spool
    assert wait_for(lambda: recorder.failed_batches > 0)
    assert wait_for(lambda: recorder.spooled_total > 0)
    assert not recorder.healthy
    assert recorder.queue_depth <= 300 + 50 + 800  # memory stays bounded (buffer + one batch + slack)
    local_pg.start()
    produce(700)  # load continues after the restart
    assert recorder.flush(60), recorder.stats()
    assert recorder.healthy
    recorder.close()
    assert recorder.dropped_total == 0 and recorder.rejected_total == 0
    assert_exactly_once(local_pg.url, ids, steps_per_trace=2)


def test_locked_sqlite_file_delays_but_loses_nothing(tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    locker = sqlite3.connect(path, isolation_level=None, timeout=0)
    locker.execute("BEGIN EXCLUSIVE")
    recorder = Recorder(
        url,
        batch_size=20,
        flush_interval_s=0.02,
        max_buffer=100,
        spool_path=str(tmp_path / "spool.jsonl"),
        retry_initial_s=0.05,
        retry_max_s=0.2,
        engine=make_engine(url, busy_timeout_s=0.2),  # short busy timeout: exercise the retry path
    )
    recorder.start()
    traces = [make_trace(i) for i in range(500)]
    try:
        for trace in traces:
            recorder.record(trace)
        assert wait_for(lambda: recorder.failed_batches >= 2)
        assert wait_for(lambda: recorder.spooled_total > 0)
        assert locker.execute("SELECT count(*) FROM exchanges").fetchone() == (0,)
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    assert recorder.flush(30), recorder.stats()
    recorder.close()
    assert recorder.dropped_total == 0
    assert_exactly_once(url, [t.id for t in traces])


def test_slow_sqlite_lock_within_busy_timeout_is_waited_out(tmp_path: Path) -> None:
    path = tmp_path / "slow.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    locker = sqlite3.connect(path, isolation_level=None, timeout=0, check_same_thread=False)
    locker.execute("BEGIN EXCLUSIVE")
    release = threading.Timer(0.5, lambda: locker.execute("COMMIT"))
    recorder = Recorder(url, batch_size=10, flush_interval_s=0.02)  # default busy timeout (5 s)
    recorder.start()
    traces = [make_trace(i) for i in range(50)]
    release.start()
    for trace in traces:
        recorder.record(trace)
    assert recorder.flush(30), recorder.stats()
    recorder.close()
    release.join()
    locker.close()
    assert_exactly_once(url, [t.id for t in traces])


def test_close_with_database_down_spools_and_next_start_replays(pg_migrated: str, tmp_path: Path) -> None:
    spool = tmp_path / "spool.jsonl"
    down = f"postgresql://postgres@127.0.0.1:{free_port()}/nothing_listens_here"
    recorder = Recorder(
        down, flush_interval_s=0.02, spool_path=str(spool), retry_initial_s=0.05, retry_max_s=0.2
    )
    recorder.start()
    traces = [make_trace(i) for i in range(400)]
    for trace in traces:
        recorder.record(trace)
    assert wait_for(lambda: recorder.failed_batches > 0)
    recorder.close(timeout=5)
    assert recorder.written_total == 0 and recorder.dropped_total == 0
    assert len(spool.read_bytes().splitlines()) == 400

    engine = make_engine(pg_migrated)
    with engine.begin() as conn:
        conn.execute(delete(Step))
        conn.execute(delete(Exchange))
    engine.dispose()
    replay = Recorder(pg_migrated, flush_interval_s=0.02, spool_path=str(spool))
    assert replay.spool_size == 0  # not opened before start()
    replay.start()
    assert replay.spool_size > 0 or replay.written_total > 0
    assert replay.flush(30), replay.stats()
    replay.close()
    assert replay.written_total == 400
    assert spool.read_bytes() == b""
    assert_exactly_once(pg_migrated, [t.id for t in traces])


def test_close_without_spool_path_counts_what_it_drops(tmp_path: Path) -> None:
    down = f"sqlite:///{tmp_path}/no/such/dir/x.db"
    recorder = Recorder(down, flush_interval_s=0.02, retry_initial_s=0.05)
    recorder.start()
    for i in range(30):
        recorder.record(make_trace(i))
    assert wait_for(lambda: recorder.failed_batches > 0)
    recorder.close(timeout=2)
    assert recorder.dropped_total == 30
    assert recorder.written_total == 0


def test_close_while_the_writer_is_stuck_spools_and_replay_stays_exactly_once(tmp_path: Path) -> None:
    path = tmp_path / "stuck.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    spool = tmp_path / "spool.jsonl"
    locker = sqlite3.connect(path, isolation_level=None, timeout=0)
    locker.execute("BEGIN EXCLUSIVE")
    recorder = Recorder(url, batch_size=10, flush_interval_s=0.02, spool_path=str(spool))  # busy timeout 5 s
    recorder.start()
    traces = [make_trace(i) for i in range(60)]
    for trace in traces:
        recorder.record(trace)
    time.sleep(0.2)  # let the writer take a batch and block on the lock
    recorder.close(timeout=0.5)  # returns although the writer is blocked
    assert len(spool.read_bytes().splitlines()) == 60  # the blocked batch is spooled too
    assert recorder.running
    locker.execute("COMMIT")  # the blocked write now goes through: its rows exist twice (DB + spool)
    locker.close()
    assert wait_for(lambda: not recorder.running)  # it then releases the spool file
    replay = Recorder(url, flush_interval_s=0.02, spool_path=str(spool))
    replay.start()
    assert replay.flush(30), replay.stats()
    replay.close()
    assert replay.duplicates_total > 0  # the copies of the batch that went through were skipped
    assert_exactly_once(url, [t.id for t in traces])
