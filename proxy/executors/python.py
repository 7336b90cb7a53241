"""``python`` executor: call ``package.module:function`` with the arguments as keyword arguments."""

from __future__ import annotations

import asyncio
import contextvars
import functools
import importlib
import inspect
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from proxy.executors.base import Executor, ToolResult
from proxy.executors.config import PythonExecutorConfig
from proxy.executors.errors import ExecutorConfigError
from proxy.executors.output import error_result, exception_result, ok_result, to_text

POOL_THREADS = 8  # concurrent runs of one sync tool; more wait for a free thread


def import_callable(path: str) -> Callable[..., Any]:
    """Resolve ``"pkg.module:function"`` (attributes may be dotted: ``"pkg.mod:Class.method"``)."""
    module_name, sep, attr_path = path.partition(":")
    if not sep or not module_name or not attr_path:
        raise ExecutorConfigError(f"python callable {path!r}: expected 'package.module:function'")
    try:
        obj: Any = importlib.import_module(module_name)
    except Exception as exc:  # ImportError, or anything the module raises while importing
        raise ExecutorConfigError(f"python callable {path!r}: cannot import {module_name!r}: {exc}") from exc
    for attr in attr_path.split("."):
        try:
            obj = getattr(obj, attr)
        except AttributeError:
            raise ExecutorConfigError(
                f"python callable {path!r}: {module_name!r} has no {attr_path!r}"
            ) from None
    if not callable(obj):
        raise ExecutorConfigError(f"python callable {path!r}: {type(obj).__name__} is not callable")
    return obj  # type: ignore[no-any-return]


class PythonExecutor(Executor):
    """Sync functions run in a worker thread, async ones are awaited; both under ``timeout_s``.

    Sync functions get this tool's own small thread pool, not the event loop's default one,
    so a tool that hangs cannot starve DNS lookups or other tools. A sync function that
    overruns its timeout is abandoned, not killed (threads cannot be): it keeps its thread
    until it returns, and its result is discarded.
    """

    def __init__(self, cfg: PythonExecutorConfig) -> None:
        self.function = import_callable(cfg.callable)
        self.is_async = inspect.iscoroutinefunction(self.function)
        self.timeout_s = cfg.timeout_s
        self.max_output_bytes = cfg.max_output_bytes
        self._pool: ThreadPoolExecutor | None = None

    async def aclose(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    async def run(self, arguments: dict[str, Any]) -> ToolResult:
        started = time.perf_counter()
        deadline = asyncio.timeout(self.timeout_s)
        try:
            async with deadline:
                value = await self._call(arguments)
            text = to_text(value)
        except TimeoutError as exc:
            if deadline.expired():
                return error_result(f"timeout after {self.timeout_s:g}s", started, self.max_output_bytes)
            return exception_result(exc, started, self.max_output_bytes)
        except Exception as exc:
            return exception_result(exc, started, self.max_output_bytes)
        return ok_result(text, started, self.max_output_bytes)

    async def _call(self, arguments: dict[str, Any]) -> Any:
        if self.is_async:
            return await self.function(**arguments)
        if self._pool is None:
            self._pool = ThreadPoolExecutor(
                POOL_THREADS, thread_name_prefix=f"tool:{getattr(self.function, '__name__', 'python')}"
            )
        call = functools.partial(contextvars.copy_context().run, self.function, **arguments)
        value = await asyncio.get_running_loop().run_in_executor(self._pool, call)
        if inspect.isawaitable(value):  # e.g. a sync wrapper returning a coroutine
            value = await value
        return value
