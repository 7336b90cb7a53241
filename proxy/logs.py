"""Structured logs: one JSON object per line, with the trace id when there is one."""

from __future__ import annotations

import logging
import sys
from contextvars import ContextVar

import orjson

_STD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}

# The trace id of the request being handled; asyncio tasks and ``asyncio.to_thread`` copy it.
TRACE_ID: ContextVar[str | None] = ContextVar("toolproxy_trace_id", default=None)


class TraceIdFilter(logging.Filter):
    """Adds ``trace_id`` to every record emitted while a request is handled."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "trace_id"):
            trace_id = TRACE_ID.get()
            if trace_id is not None:
                record.trace_id = trace_id
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out = {"ts": round(record.created, 3), "level": record.levelname.lower(), "logger": record.name,
               "msg": record.getMessage()}
        out.update({k: v for k, v in record.__dict__.items() if k not in _STD})
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return orjson.dumps(out, default=str).decode()


def setup_logging(level: str = "info") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(TraceIdFilter())
    root = logging.getLogger("toolproxy")
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    root.propagate = False
