"""The executor interface: every managed tool runs through one of these."""

from __future__ import annotations

import abc
from dataclasses import dataclass
from typing import Any


@dataclass
class ToolResult:
    """Outcome of one tool run. ``output`` is always a string the LLM can read."""

    output: str
    ok: bool
    duration_ms: float
    error: str | None = None
    truncated: bool = False


class Executor(abc.ABC):
    """Runs one tool. Never raises for tool failures: returns ``ToolResult(ok=False)``."""

    timeout_s: float = 30.0
    max_output_bytes: int = 64_000

    @abc.abstractmethod
    async def run(self, arguments: dict[str, Any]) -> ToolResult: ...

    async def aclose(self) -> None:  # noqa: B027 - optional hook
        """Release resources (subprocesses, sessions)."""
