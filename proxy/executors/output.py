"""Helpers every executor shares: turning values into tool output, capping it, error results."""

from __future__ import annotations

import json
import os
import re
import time
from typing import Any

from proxy.executors.base import ToolResult
from proxy.executors.errors import ExecutorConfigError

TRUNCATION_MARKER = "\n[output truncated]"
ENV_PREFIX = "os.environ/"
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_\-]*)\}")


def to_text(value: Any) -> str:
    """A tool's return value as text: strings as they are, anything else JSON (``str`` as last resort)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return json.dumps(value, ensure_ascii=False, default=str)


def cap_bytes(data: bytes, max_bytes: int) -> tuple[str, bool]:
    """Decode at most ``max_bytes`` of ``data``; a cut output ends with the truncation marker."""
    if len(data) <= max_bytes:
        return data.decode("utf-8", errors="replace"), False
    # errors="ignore" drops a multi-byte character split by the cut instead of showing U+FFFD.
    return data[:max_bytes].decode("utf-8", errors="ignore") + TRUNCATION_MARKER, True


def cap_text(text: str, max_bytes: int) -> tuple[str, bool]:
    """``text`` limited to ``max_bytes`` UTF-8 bytes (plus the marker when cut)."""
    return cap_bytes(text.encode("utf-8", errors="replace"), max_bytes)


def elapsed_ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000.0


def ok_result(text: str, started: float, max_bytes: int) -> ToolResult:
    output, truncated = cap_text(text, max_bytes)
    return ToolResult(output=output, ok=True, duration_ms=elapsed_ms(started), truncated=truncated)


def error_result(error: str, started: float, max_bytes: int, detail: str = "") -> ToolResult:
    """``output`` is ``"error: <error>"`` (plus ``detail`` on the next line) so the LLM can read it."""
    text = f"error: {error}" + (f"\n{detail}" if detail else "")
    output, truncated = cap_text(text, max_bytes)
    return ToolResult(
        output=output, ok=False, duration_ms=elapsed_ms(started), error=error, truncated=truncated
    )


def exception_result(exc: BaseException, started: float, max_bytes: int) -> ToolResult:
    return error_result(f"{type(exc).__name__}: {exc}", started, max_bytes)


def resolve_env(value: str, what: str) -> str:
    """``os.environ/NAME`` → the variable's value; an unset variable is a config error."""
    if not value.startswith(ENV_PREFIX):
        return value
    name = value[len(ENV_PREFIX) :]
    if name not in os.environ:
        raise ExecutorConfigError(f"{what}: environment variable {name!r} is not set")
    return os.environ[name]


def argument_text(value: Any) -> str:
    """How one argument is written into a URL or an argv item: JSON for containers, true/false, '' for null."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
