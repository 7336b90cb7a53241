"""The one exception executors raise: a tool's configuration cannot work.

Tool *failures* never raise: they come back as ``ToolResult(ok=False)`` (see ``base.py``).
"""

from __future__ import annotations


class ExecutorConfigError(ValueError):
    """An executor cannot be built from its config (bad import path, unknown program, unset env var...)."""
