"""Asynchronous batched trace writer that survives its database.

``Recorder.record`` is called on the event loop: it appends to a deque and returns (no I/O, no
serialisation). Two daemon threads do the rest:

- the *writer* takes batches (``batch_size`` records, or whatever arrived within
  ``flush_interval_s``), redacts them into rows and inserts them in one transaction, skipping ids
  already stored. On a database error the batch is kept and retried with exponential backoff.
  Between fresh batches it replays the spool.
- the *spiller* watches the buffer: above ``max_buffer`` records it moves the oldest half to the
  spool file (JSON lines, fsync'd), so memory stays bounded while the database is down or slow.

``close()`` (or ``await aclose()``) writes what it can within the timeout and spools the rest; the
next ``start()`` replays a leftover spool. Inserts are idempotent on the trace id, so a record that
is both written and spooled (a crash or timeout at the wrong moment) is still stored exactly once.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import deque
from collections.abc import Iterable

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, SQLAlchemyError, StatementError

from storage.db import make_engine
from storage.records import TraceRecord
from storage.rows import Redactor, Row, insert_rows, trace_to_row
from storage.spool import Spool

log = logging.getLogger("toolproxy.storage")


def _is_bad_data(exc: BaseException) -> bool:
    """Errors caused by a row's content (retrying the same rows cannot help)."""
    if isinstance(exc, IntegrityError | DataError):
        return True
    return isinstance(exc, StatementError) and not isinstance(exc, DBAPIError)


class Recorder:
    """Buffered, batched, retrying writer of ``TraceRecord``s (see the module docstring)."""

    def __init__(
        self,
        url: str,
        *,
        batch_size: int = 200,
        flush_interval_s: float = 0.2,
        max_buffer: int = 10_000,
        spool_path: str | None = None,
        redact: Iterable[str] = (),
        store_bodies: bool = True,
        retry_initial_s: float = 0.05,
        retry_max_s: float = 2.0,
        engine: Engine | None = None,
    ) -> None:
        if batch_size < 1 or max_buffer < 1:
            raise ValueError("batch_size and max_buffer must be positive")
        batch_size = min(batch_size, max_buffer)
        self.url = url
        self.batch_size = batch_size
        self.flush_interval_s = flush_interval_s
        self.max_buffer = max_buffer
        self.spool_path = spool_path
        self.store_bodies = store_bodies
        self.retry_initial_s = retry_initial_s
        self.retry_max_s = retry_max_s
        self._redactor = Redactor(redact)
        self._engine = engine
        self._owns_engine = engine is None
        self._buffer: deque[TraceRecord] = deque()
        self._pending: list[Row] = []  # the batch being written (or retried)
        self._pending_spool: tuple[int, int] | None = None  # (end_offset, lines) when from the spool
        self._move_lock = threading.Lock()  # held while records move buffer -> pending/spool
        self._stats_lock = threading.Lock()
        self._wake = threading.Event()
        self._spill_wake = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._spool: Spool | None = None
        self._close_deadline = float("inf")
        self._prefer_spool = False
        self._closed = False
        self._abandoned = False  # close() returned while the writer was stuck in a database call
        self._last_write_ok = True
        self.written_total = 0  # exchanges inserted
        self.duplicates_total = 0  # exchanges skipped because their id was already stored
        self.failed_batches = 0  # batch writes that failed and will be retried
        self.spooled_total = 0  # records moved to the spool file
        self.rejected_total = 0  # records the database refused for their content (logged)
        self.dropped_total = 0  # records lost: overflow or shutdown without a spool path

    # -- hot path -------------------------------------------------------------------------------

    def record(self, trace: TraceRecord) -> None:
        """Queue ``trace`` for writing. Costs an append; safe to call before ``start()``."""
        if self._closed:
            self.dropped_total += 1
            return
        buffer = self._buffer
        buffer.append(trace)
        size = len(buffer)
        if size >= self.batch_size and not self._wake.is_set():
            self._wake.set()
        if size > self.max_buffer and not self._spill_wake.is_set():
            self._spill_wake.set()

    # -- metrics --------------------------------------------------------------------------------

    @property
    def queue_depth(self) -> int:
        """Records in memory, not yet written."""
        return len(self._buffer) + len(self._pending)

    @property
    def spool_size(self) -> int:
        """Records in the spool file, not yet written."""
        return self._spool.pending if self._spool is not None else 0

    @property
    def healthy(self) -> bool:
        """False while writes are failing (database down, locked or refusing); True once one succeeds."""
        return self._last_write_ok

    @property
    def running(self) -> bool:
        """True while a worker thread is alive (after ``close()`` only if it was stuck in a call)."""
        return any(thread.is_alive() for thread in self._threads)

    def stats(self) -> dict[str, int]:
        return {
            "queue_depth": self.queue_depth,
            "spool_size": self.spool_size,
            "written_total": self.written_total,
            "duplicates_total": self.duplicates_total,
            "failed_batches": self.failed_batches,
            "spooled_total": self.spooled_total,
            "rejected_total": self.rejected_total,
            "dropped_total": self.dropped_total,
        }

    # -- life cycle -----------------------------------------------------------------------------

    def start(self) -> None:
        """Open the spool (replaying leftovers) and start the worker threads."""
        if self._threads:
            return
        if self._engine is None:
            self._engine = make_engine(self.url)
        if self.spool_path:
            self._spool = Spool(self.spool_path)
            if self._spool.pending:
                log.info("replaying %d spooled traces from %s", self._spool.pending, self._spool.path)
        self._threads = [
            threading.Thread(target=self._run_writer, name="toolproxy-recorder", daemon=True),
            threading.Thread(target=self._run_spiller, name="toolproxy-spiller", daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything recorded so far (spool included) is in the database."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with self._move_lock:
                done = not self._buffer and not self._pending and self.spool_size == 0
            if done:
                return True
            self._wake.set()
            time.sleep(0.01)
        return False

    def close(self, timeout: float = 10.0) -> None:
        """Stop: write what can be written within ``timeout``, spool the rest."""
        if self._closed:
            return
        if not self._threads:
            self.start()
        self._closed = True
        start = time.monotonic()
        self._close_deadline = start + timeout * 0.8
        self._stop.set()
        self._wake.set()
        self._spill_wake.set()
        for thread in self._threads:
            thread.join(max(0.0, start + timeout - time.monotonic()))
        if any(thread.is_alive() for thread in self._threads):
            # The writer is stuck in a database call: spool what is in memory. If that call still
            # succeeds, the spooled copies are skipped as duplicates on replay.
            with self._move_lock:
                rows = [] if self._pending_spool else list(self._pending)
                rows += self._take_rows(len(self._buffer))
                self._spool_or_drop(rows, "shutdown")
                self._abandoned = True  # the writer closes the spool when its call returns
        else:
            if self._engine is not None and self._owns_engine:
                self._engine.dispose()
            if self._spool is not None:
                self._spool.close()
        if self.queue_depth or self.spool_size:
            log.warning("recorder closed with %d traces spooled in %s", self.spool_size, self.spool_path)

    async def aclose(self, timeout: float = 10.0) -> None:
        await asyncio.to_thread(self.close, timeout)

    # -- worker threads -------------------------------------------------------------------------

    def _take_rows(self, limit: int) -> list[Row]:
        """Pop up to ``limit`` oldest records and build their rows (caller holds ``_move_lock``)."""
        rows: list[Row] = []
        buffer = self._buffer
        for _ in range(min(limit, len(buffer))):
            trace = buffer.popleft()
            try:
                rows.append(trace_to_row(trace, self._redactor, store_bodies=self.store_bodies))
            except Exception:  # a record that cannot even be turned into a row
                log.exception("rejected trace %s: cannot build its row", getattr(trace, "id", "?"))
                self._count("rejected_total", 1)
        return rows

    def _count(self, name: str, n: int) -> None:
        with self._stats_lock:
            setattr(self, name, getattr(self, name) + n)

    def _spool_or_drop(self, rows: list[Row], why: str) -> None:
        if not rows:
            return
        if self._spool is not None:
            try:
                self._spool.append(rows)
                self._count("spooled_total", len(rows))
                return
            except OSError:
                log.exception("cannot write spool file %s", self._spool.path)
        self._count("dropped_total", len(rows))
        log.error("dropped %d traces (%s) : no usable spool file", len(rows), why)

    def _next_batch(self) -> bool:
        """Fill ``_pending`` from the buffer or the spool (alternating when both have rows)."""
        spool = self._spool
        use_spool = spool is not None and spool.pending > 0 and (self._prefer_spool or not self._buffer)
        self._prefer_spool = not self._prefer_spool
        with self._move_lock:
            if use_spool and spool is not None:
                rows, end, lines = spool.read(self.batch_size)
                self._pending, self._pending_spool = rows, (end, lines)
                return bool(rows or lines)
            self._pending = self._take_rows(self.batch_size)
            self._pending_spool = None
            return bool(self._pending)

    def _finish_batch(self) -> None:
        with self._move_lock:
            if self._pending_spool is not None and self._spool is not None:
                self._spool.commit(*self._pending_spool)
            self._pending, self._pending_spool = [], None

    def _write(self, rows: list[Row]) -> None:
        """Insert ``rows`` in one transaction; raises on database errors."""
        assert self._engine is not None
        with self._engine.begin() as conn:
            inserted = insert_rows(conn, rows)
        self._count("written_total", inserted)
        self._count("duplicates_total", len(rows) - inserted)

    def _write_one_by_one(self, rows: list[Row]) -> None:
        """After a content error: write rows singly so one bad row does not block the others."""
        for row in rows:
            try:
                self._write([row])
            except SQLAlchemyError as exc:
                if not _is_bad_data(exc):
                    raise
                self._count("rejected_total", 1)
                log.error("rejected trace %s: %s", row.get("id"), exc.__class__.__name__, exc_info=exc)

    def _try_pending(self) -> bool:
        """Write the pending batch. True on success (or nothing to do), False to retry later."""
        try:
            if self._pending:
                try:
                    self._write(self._pending)
                except SQLAlchemyError as exc:
                    if not _is_bad_data(exc):
                        raise
                    self._write_one_by_one(self._pending)
        except (SQLAlchemyError, OSError) as exc:
            self._count("failed_batches", 1)
            if self.failed_batches == 1 or self.failed_batches % 20 == 0:
                log.warning(
                    "trace write failed (%d so far, %d buffered): %s",
                    self.failed_batches,
                    self.queue_depth,
                    str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__,
                )
            if self._engine is not None:
                self._engine.dispose()  # drop connections a restarted server has closed
            self._last_write_ok = False
            return False
        self._last_write_ok = True
        self._finish_batch()
        return True

    def _run_writer(self) -> None:
        delay = 0.0
        while not self._stop.is_set():
            try:
                delay = self._writer_step(delay)
            except Exception:  # a bug must not kill the writer: keep the batch, back off, go on
                log.exception("trace writer error")
                self._count("failed_batches", 1)
                delay = min(max(delay * 2, self.retry_initial_s), self.retry_max_s)
                self._stop.wait(delay)
        try:
            self._final_flush()
        except Exception:
            log.exception("trace writer error during shutdown")
        with self._move_lock:
            if self._abandoned and self._spool is not None:
                self._spool.close()

    def _writer_step(self, delay: float) -> float:
        """Write one batch (taking a new one if none is pending); returns the next retry delay."""
        if not self._pending and not self._pending_spool:
            if len(self._buffer) < self.batch_size and not self.spool_size:
                self._wake.wait(self.flush_interval_s)
                self._wake.clear()
                if self._stop.is_set():
                    return delay
            if not self._next_batch():
                self._wake.wait(self.flush_interval_s)
                self._wake.clear()
                return delay
        if self._try_pending():
            if delay:
                log.info("trace writes recovered; %d buffered, %d spooled", self.queue_depth, self.spool_size)
            return 0.0
        delay = min(max(delay * 2, self.retry_initial_s), self.retry_max_s)
        self._stop.wait(delay)
        return delay

    def _final_flush(self) -> None:
        """On close: write the buffer while the database answers and time allows; spool the rest."""
        ok = True
        while ok and time.monotonic() < self._close_deadline:
            if not self._pending and not self._pending_spool:
                with self._move_lock:
                    self._pending = self._take_rows(self.batch_size)
                if not self._pending:
                    return
            ok = self._try_pending()
        with self._move_lock:
            rows = [] if self._pending_spool else self._pending
            rows = rows + self._take_rows(len(self._buffer))
            self._pending, self._pending_spool = [], None
            self._spool_or_drop(rows, "shutdown")

    def _run_spiller(self) -> None:
        while not self._stop.is_set():
            self._spill_wake.wait(self.flush_interval_s)
            self._spill_wake.clear()
            if len(self._buffer) <= self.max_buffer:
                continue
            with self._move_lock:
                excess = len(self._buffer) - self.max_buffer // 2
                rows = self._take_rows(excess)
                self._spool_or_drop(rows, "buffer full")
            if self._spool is not None:
                log.warning("trace buffer full: spooled %d traces to %s", len(rows), self._spool.path)
