"""Executors run managed tools: ``python``, ``http``, ``command`` and ``mcp``.

Build them from config with ``build_executors`` and close them with ``aclose_all``. Every
executor has a timeout and an output cap; tool failures come back as ``ToolResult(ok=False)``
with a readable ``output``, and only configuration problems raise (``ExecutorConfigError``).
"""

from proxy.executors.base import Executor, ToolResult
from proxy.executors.errors import ExecutorConfigError
from proxy.executors.output import TRUNCATION_MARKER
from proxy.executors.registry import (
    ManagedTool,
    ManagedTools,
    ToolEntry,
    aclose_all,
    build_executor,
    build_executors,
)

__all__ = [
    "TRUNCATION_MARKER",
    "Executor",
    "ExecutorConfigError",
    "ManagedTool",
    "ManagedTools",
    "ToolEntry",
    "ToolResult",
    "aclose_all",
    "build_executor",
    "build_executors",
]
