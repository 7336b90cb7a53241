"""The spool file: append/read/commit, torn lines, one writer per file, adoption of leftovers."""

from __future__ import annotations

import os
from pathlib import Path

from storage.rows import Redactor, Row, row_to_json, trace_to_row
from storage.spool import Spool
from tests.storage.traces import make_trace


def rows(n: int, start: int = 0) -> list[Row]:
    return [trace_to_row(make_trace(start + i), Redactor()) for i in range(n)]


def test_append_read_commit_truncates_when_drained(tmp_path: Path) -> None:
    path = tmp_path / "spool.jsonl"
    spool = Spool(path)
    written = rows(5)
    spool.append(written)
    assert spool.pending == 5
    batch, end, consumed = spool.read(3)
    assert [r["id"] for r in batch] == [r["id"] for r in written[:3]]
    assert batch[0]["created_at"] == written[0]["created_at"]
    assert batch[0]["steps"][0]["created_at"].tzinfo is not None
    spool.commit(end, consumed)
    assert spool.pending == 2
    assert path.stat().st_size > 0
    more = rows(2, start=10)
    spool.append(more)  # appended while part of the file is consumed
    batch, end, consumed = spool.read(10)
    assert [r["id"] for r in batch] == [r["id"] for r in written[3:] + more]
    spool.commit(end, consumed)
    assert spool.pending == 0
    assert path.stat().st_size == 0
    spool.close()


def test_close_keeps_only_unconsumed_rows(tmp_path: Path) -> None:
    path = tmp_path / "spool.jsonl"
    spool = Spool(path)
    written = rows(4)
    spool.append(written)
    _, end, consumed = spool.read(3)
    spool.commit(end, consumed)
    spool.close()
    reopened = Spool(path)
    assert reopened.pending == 1
    batch, _, _ = reopened.read(10)
    assert [r["id"] for r in batch] == [written[3]["id"]]
    reopened.close()


def test_torn_last_line_is_skipped_and_later_appends_stay_readable(tmp_path: Path) -> None:
    path = tmp_path / "spool.jsonl"
    good = rows(2)
    path.write_bytes(b"".join(row_to_json(r) + b"\n" for r in good) + row_to_json(rows(1, 5)[0])[:40])
    spool = Spool(path)
    assert spool.pending == 3
    later = rows(1, start=9)
    spool.append(later)
    batch, end, consumed = spool.read(10)
    assert consumed == 4
    assert [r["id"] for r in batch] == [good[0]["id"], good[1]["id"], later[0]["id"]]
    spool.commit(end, consumed)
    assert spool.pending == 0
    spool.close()


def test_second_spool_on_same_path_uses_its_own_file_and_orphans_are_adopted(tmp_path: Path) -> None:
    path = tmp_path / "spool.jsonl"
    first = Spool(path)
    second = Spool(path)  # e.g. another worker process with the same config
    assert first.path == path
    assert second.path == tmp_path / f"spool.jsonl.{os.getpid()}"
    second.append(rows(3))
    second.close()  # that worker stops with rows left: its file stays, unlocked
    first.close()

    orphan = tmp_path / "spool.jsonl.999999"
    orphan.write_bytes(b"".join(row_to_json(r) + b"\n" for r in rows(2, start=20)))
    adopter = Spool(path)
    assert adopter.pending == 5
    assert not orphan.exists() and not second.path.exists()
    batch, end, consumed = adopter.read(10)
    assert len(batch) == 5
    adopter.commit(end, consumed)
    adopter.close()
