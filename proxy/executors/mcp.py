"""``mcp`` executor: tools of an MCP server (stdio command or streamable-HTTP URL).

One ``McpConnection`` per configured server keeps one session open for the process lifetime;
if the server dies, the next call starts it again (at most every ``RETRY_S`` seconds).
The transport and session context managers are entered *and exited* by a background task
that owns them, so ``aclose()`` works from any task (anyio cancel scopes must exit in the task
that entered them). Each discovered tool becomes an ``McpToolExecutor`` sharing the connection.

Written against the official ``mcp`` SDK (2.x; the attribute names of 1.x are accepted too).
The package is imported lazily: it costs about half a second at start-up.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sys
import time
from typing import TYPE_CHECKING, Any, TextIO

import anyio

from proxy.executors.base import Executor, ToolResult
from proxy.executors.config import McpExecutorConfig
from proxy.executors.errors import ExecutorConfigError
from proxy.executors.output import error_result, ok_result, resolve_env

if TYPE_CHECKING:
    from mcp import ClientSession

log = logging.getLogger(__name__)
CLOSE_TIMEOUT_S = 10.0
CONNECTION_CLOSED = -32000  # JSON-RPC error code the SDK uses for a closed connection
RETRY_S = 5.0  # a server that died is restarted on the next call, at most this often


def _field(obj: Any, snake: str, camel: str, default: Any = None) -> Any:
    """Read a field under its mcp 2.x (snake_case) or 1.x (camelCase) attribute name."""
    value = getattr(obj, snake, None)
    return getattr(obj, camel, default) if value is None else value


def content_text(result: Any) -> str:
    """A ``CallToolResult`` as text: text blocks joined, other blocks and structured content as JSON."""
    parts: list[str] = []
    for block in getattr(result, "content", None) or []:
        text = getattr(block, "text", None)
        if getattr(block, "type", None) == "text" and isinstance(text, str):
            parts.append(text)
        else:
            parts.append(json.dumps(block.model_dump(mode="json", exclude_none=True), ensure_ascii=False))
    structured = _field(result, "structured_content", "structuredContent")
    if not parts and structured is not None:
        parts.append(json.dumps(structured, ensure_ascii=False, default=str))
    return "\n".join(parts)


class McpConnection:
    """One MCP server and one open session to it."""

    def __init__(self, cfg: McpExecutorConfig, errlog: TextIO | None = None) -> None:
        if (cfg.command is None) == (cfg.url is None):
            raise ExecutorConfigError("mcp executor: set exactly one of 'command' (stdio) or 'url' (HTTP)")
        if cfg.command is not None and not cfg.command:
            raise ExecutorConfigError("mcp executor: 'command' must not be empty")
        self.cfg = cfg
        self.label = " ".join(cfg.command) if cfg.command else str(cfg.url)
        self.env = {k: resolve_env(v, f"mcp env {k!r}") for k, v in cfg.env.items()}
        self.errlog = errlog
        self._session: ClientSession | None = None
        self._task: asyncio.Task[None] | None = None
        self._closing = asyncio.Event()
        self._closed = False
        self._reconnecting = asyncio.Lock()
        self._retry_at = 0.0

    @property
    def connected(self) -> bool:
        return self._session is not None

    async def start(self) -> None:
        """Spawn/connect and initialise; raises ``ExecutorConfigError`` if the server cannot be reached."""
        if self._closed:
            raise ExecutorConfigError(f"mcp server {self.label!r}: the connection is closed")
        if self._task is not None and not self._task.done():
            return
        self._closing = asyncio.Event()
        ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._task = asyncio.create_task(self._serve(ready), name=f"mcp:{self.label}")
        try:
            async with asyncio.timeout(self.cfg.start_timeout_s):
                await asyncio.shield(ready)
        except Exception as exc:
            await self._stop()
            if ready.done() and not ready.cancelled():
                ready.exception()  # retrieved: no "never retrieved" warning
            raise ExecutorConfigError(f"mcp server {self.label!r}: cannot start: {_describe(exc)}") from exc

    async def _reconnect(self) -> ClientSession:
        """The server went away: start it again (one attempt at a time, at most every RETRY_S)."""
        if self._closed:
            raise ConnectionError(f"mcp server {self.label!r}: the connection is closed")
        async with self._reconnecting:
            if self._session is None:
                wait = self._retry_at - time.monotonic()
                if wait > 0:
                    raise ConnectionError(f"mcp server {self.label!r} is down (next retry in {wait:.0f}s)")
                self._retry_at = time.monotonic() + RETRY_S
                log.warning("mcp server %r: reconnecting", self.label)
                await self._stop()
                await self.start()
        return self._require()

    async def _serve(self, ready: asyncio.Future[None]) -> None:
        """Own the transport and session for the connection's lifetime."""
        from mcp import ClientSession

        try:
            async with contextlib.AsyncExitStack() as stack:
                streams = await stack.enter_async_context(self._transport())
                session = await stack.enter_async_context(ClientSession(streams[0], streams[1]))
                await session.initialize()
                self._session = session
                ready.set_result(None)
                await self._closing.wait()
        except BaseException as exc:
            if not ready.done():
                ready.set_exception(exc if isinstance(exc, Exception) else RuntimeError(repr(exc)))
            elif not self._closing.is_set():
                log.error("mcp server %r: connection lost: %s", self.label, _describe(exc))
            if not isinstance(exc, Exception):
                raise
        finally:
            self._session = None

    def _transport(self) -> contextlib.AbstractAsyncContextManager[Any]:
        if self.cfg.command:
            from mcp.client.stdio import StdioServerParameters, stdio_client

            params = StdioServerParameters(
                command=self.cfg.command[0], args=self.cfg.command[1:], env=self.env
            )
            return stdio_client(params, errlog=self.errlog or _stderr())
        from mcp.client import streamable_http

        # 2.x name first; 1.x called it ``streamablehttp_client`` (and yields a third item, ignored).
        connect = getattr(streamable_http, "streamable_http_client", None)
        if connect is None:
            connect = getattr(streamable_http, "streamablehttp_client")  # noqa: B009 - absent in 2.x stubs
        return connect(str(self.cfg.url))  # type: ignore[no-any-return]

    def _require(self) -> ClientSession:
        if self._session is None:
            raise ConnectionError(f"mcp server {self.label!r} is not connected")
        return self._session

    async def list_tools(self) -> list[dict[str, Any]]:
        """``[{"name", "description", "parameters"}]`` for every tool the server lists (all pages)."""
        session = self._require()
        tools: list[dict[str, Any]] = []
        cursor: str | None = None
        async with asyncio.timeout(self.cfg.start_timeout_s):
            while True:
                if cursor is None:
                    page = await session.list_tools()
                else:
                    from mcp.types import PaginatedRequestParams

                    page = await session.list_tools(params=PaginatedRequestParams(cursor=cursor))
                for tool in page.tools:
                    schema = _field(tool, "input_schema", "inputSchema") or {
                        "type": "object",
                        "properties": {},
                    }
                    tools.append(
                        {"name": tool.name, "description": tool.description or "", "parameters": schema}
                    )
                cursor = _field(page, "next_cursor", "nextCursor")
                if not cursor:
                    return tools

    async def call(self, name: str, arguments: dict[str, Any]) -> ToolResult:
        """Call one tool; protocol errors, timeouts and ``isError`` results become ``ok=False``."""
        started = time.perf_counter()
        limit = self.cfg.max_output_bytes
        session: ClientSession | None = None
        try:
            session = self._session or await self._reconnect()
            async with asyncio.timeout(self.cfg.timeout_s):
                result = await session.call_tool(name, arguments)
        except TimeoutError:
            return error_result(f"timeout after {self.cfg.timeout_s:g}s", started, limit)
        except Exception as exc:
            if session is not None and session is self._session and _connection_lost(exc):
                self._session = None  # the next call restarts the server
            return error_result(_describe(exc), started, limit)
        text = content_text(result)
        if _field(result, "is_error", "isError", False):
            return error_result(text or "the tool reported an error", started, limit)
        return ok_result(text, started, limit)

    async def aclose(self) -> None:
        """End the session and stop the server for good; safe to call twice and from any task."""
        self._closed = True
        await self._stop()

    async def _stop(self) -> None:
        task, self._task = self._task, None
        if task is None:
            return
        self._closing.set()
        try:
            async with asyncio.timeout(CLOSE_TIMEOUT_S):
                await asyncio.shield(task)
        except TimeoutError:
            task.cancel()
            with contextlib.suppress(BaseException):
                await task
        except Exception as exc:
            log.warning("mcp server %r: error while closing: %s", self.label, _describe(exc))


class McpToolExecutor(Executor):
    """One tool of an ``McpConnection``; closing the connection is its owner's job."""

    def __init__(self, connection: McpConnection, tool_name: str) -> None:
        self.connection = connection
        self.tool_name = tool_name
        self.timeout_s = connection.cfg.timeout_s
        self.max_output_bytes = connection.cfg.max_output_bytes

    async def run(self, arguments: dict[str, Any]) -> ToolResult:
        return await self.connection.call(self.tool_name, arguments)


def _connection_lost(exc: BaseException) -> bool:
    """The transport is gone (server exited, pipe or socket closed), as opposed to a tool error."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    if isinstance(exc, ConnectionError | EOFError | anyio.ClosedResourceError | anyio.BrokenResourceError):
        return True
    return getattr(getattr(exc, "error", None), "code", None) == CONNECTION_CLOSED


def _stderr() -> TextIO:
    """Where the server's stderr goes: ours, or the original one when ours has no file descriptor
    (a test runner capturing output, for instance)."""
    try:
        sys.stderr.fileno()
        return sys.stderr
    except (AttributeError, OSError, ValueError):
        return sys.__stderr__ or sys.stderr


def _describe(exc: BaseException) -> str:
    """Unwrap exception groups (anyio task groups) down to the first real error."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    return f"{type(exc).__name__}: {exc}"
