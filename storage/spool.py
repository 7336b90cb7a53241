"""A local append-only file of rows that could not be written to the database yet.

One JSON row per line, fsync'd per append. Rows are consumed from the front by advancing a read
offset (``read`` then ``commit``); when everything has been consumed the file is truncated. A crash
between a database write and ``commit`` only means the rows are written again later, which the
idempotent insert turns into a no-op.

The file is locked (``flock``) while a ``Spool`` has it open: a second process configured with the
same path spools into ``<path>.<pid>`` instead, and on start a spool adopts the leftovers of such
sibling files whose process is gone.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from pathlib import Path
from typing import BinaryIO

from storage.rows import Row, row_from_json, row_to_json

log = logging.getLogger("toolproxy.storage")


def _try_lock(path: Path) -> BinaryIO | None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+b")  # noqa: SIM115 - held open for the spool's lifetime
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    return handle


def _count_lines(handle: BinaryIO) -> int:
    handle.seek(0)
    count = 0
    last = b"\n"
    while chunk := handle.read(1 << 20):
        count += chunk.count(b"\n")
        last = chunk[-1:]
    if last != b"\n":  # a torn last line from a crash: terminate it so appends start clean
        handle.write(b"\n")
        handle.flush()
        count += 1
    return count


class Spool:
    """Thread-safe spool file; ``pending`` is the number of rows not yet consumed."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        base = Path(path)
        self._lock = threading.Lock()
        handle = _try_lock(base)
        if handle is None:
            base = base.with_name(f"{base.name}.{os.getpid()}")
            handle = _try_lock(base)
            if handle is None:
                raise RuntimeError(f"spool file {base} is locked by another process")
        self.path = base
        self._file = handle
        self._offset = 0
        self.pending = _count_lines(handle)
        self._adopt_orphans(Path(path))

    def _adopt_orphans(self, base: Path) -> None:
        """Move rows left in unlocked sibling spools (``<path>`` or ``<path>.<pid>``) into ours."""
        siblings = [p for p in base.parent.glob(f"{base.name}.*") if p.suffix.lstrip(".").isdigit()]
        candidates = [base, *siblings]
        for candidate in candidates:
            if candidate == self.path or not candidate.is_file():
                continue
            handle = _try_lock(candidate)
            if handle is None:
                continue
            try:
                handle.seek(0)
                lines = [line for line in handle.read().split(b"\n") if line.strip()]
                if lines:
                    self._append_lines(lines)
                    log.info("adopted %d spooled traces from %s", len(lines), candidate)
                if candidate != base:
                    candidate.unlink()
                else:
                    handle.truncate(0)
            finally:
                handle.close()

    def _append_lines(self, lines: list[bytes]) -> None:
        if self._file.closed:
            raise OSError(f"spool {self.path} is closed")
        self._file.seek(0, os.SEEK_END)
        self._file.write(b"".join(line + b"\n" for line in lines))
        self._file.flush()
        os.fsync(self._file.fileno())
        self.pending += len(lines)

    def append(self, rows: list[Row]) -> None:
        """Append ``rows`` and fsync before returning."""
        if not rows:
            return
        lines = [row_to_json(row) for row in rows]
        with self._lock:
            self._append_lines(lines)

    def read(self, limit: int) -> tuple[list[Row], int, int]:
        """Up to ``limit`` rows from the front: ``(rows, end_offset, lines_consumed)``.

        Nothing is consumed until ``commit(end_offset, lines_consumed)``. Unreadable lines (a torn
        write) are skipped and counted as consumed.
        """
        with self._lock:
            self._file.seek(self._offset)
            rows: list[Row] = []
            consumed = 0
            offset = self._offset
            while consumed < limit:
                line = self._file.readline()
                if not line.endswith(b"\n"):
                    break
                offset += len(line)
                consumed += 1
                if not line.strip():
                    continue
                try:
                    rows.append(row_from_json(line))
                except (ValueError, KeyError, TypeError):
                    log.error(
                        "skipping unreadable spool line at offset %d in %s", offset - len(line), self.path
                    )
            return rows, offset, consumed

    def commit(self, end_offset: int, consumed: int) -> None:
        """Mark rows up to ``end_offset`` as written; truncate the file once it is all consumed."""
        with self._lock:
            self._offset = max(self._offset, end_offset)
            self.pending = max(0, self.pending - consumed)
            size = self._file.seek(0, os.SEEK_END)
            if self._offset >= size:
                self._file.truncate(0)
                self._file.flush()
                os.fsync(self._file.fileno())
                self._offset = 0
                self.pending = 0

    def close(self) -> None:
        """Drop consumed rows from the file (atomically) and release it."""
        with self._lock:
            if self._file.closed:
                return
            size = self._file.seek(0, os.SEEK_END)
            if 0 < self._offset < size:
                self._file.seek(self._offset)
                tail = self._file.read()
                tmp = self.path.with_name(f".{self.path.name}.compact")
                with open(tmp, "wb") as out:
                    out.write(tail)
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(tmp, self.path)
                size = len(tail)
            self._file.close()  # releases the flock
            if size == 0 and self.path.suffix.lstrip(".").isdigit():
                self.path.unlink(missing_ok=True)
