"""Build the managed tools of a config: one executor per entry, MCP servers expanded per tool."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TextIO

from proxy.executors.base import Executor
from proxy.executors.command import CommandExecutor
from proxy.executors.config import (
    CommandExecutorConfig,
    ExecutorConfig,
    HttpExecutorConfig,
    McpExecutorConfig,
    PythonExecutorConfig,
)
from proxy.executors.errors import ExecutorConfigError
from proxy.executors.http import HttpExecutor
from proxy.executors.mcp import McpConnection, McpToolExecutor
from proxy.executors.python import PythonExecutor
from router.types import ToolSpec

log = logging.getLogger(__name__)


class ToolEntry(Protocol):
    """What a ``tools:`` config entry offers (``proxy.config.ToolEntry`` fits)."""

    @property
    def name(self) -> str | None: ...
    @property
    def description(self) -> str: ...
    @property
    def parameters(self) -> dict[str, Any]: ...
    @property
    def examples(self) -> list[str]: ...
    @property
    def executor(self) -> ExecutorConfig: ...


@dataclass
class ManagedTool:
    """A tool toolproxy runs itself."""

    name: str
    description: str
    parameters: dict[str, Any]
    executor: Executor
    examples: tuple[str, ...] = ()
    threshold: float | None = None  # per-tool confidence threshold from config, if any
    source: str = ""  # executor type, "mcp:<server>" for discovered tools

    def spec(self) -> ToolSpec:
        """The router's view of this tool."""
        return ToolSpec(self.name, self.description, self.parameters, self.examples)

    def openai_tool(self) -> dict[str, Any]:
        """OpenAI ``tools`` entry, for the fallback path that forwards managed tools upstream."""
        return {
            "type": "function",
            "function": {"name": self.name, "description": self.description, "parameters": self.parameters},
        }


@dataclass
class ManagedTools(Mapping[str, ManagedTool]):
    """Managed tools by name, plus the MCP connections they share. Close with ``aclose``."""

    tools: dict[str, ManagedTool] = field(default_factory=dict)
    connections: list[McpConnection] = field(default_factory=list)

    def __getitem__(self, name: str) -> ManagedTool:
        return self.tools[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.tools)

    def __len__(self) -> int:
        return len(self.tools)

    def specs(self) -> list[ToolSpec]:
        return [tool.spec() for tool in self.tools.values()]

    def add(self, tool: ManagedTool) -> None:
        if tool.name in self.tools:
            raise ExecutorConfigError(
                f"tool {tool.name!r} is defined twice ({self.tools[tool.name].source} and {tool.source})"
            )
        self.tools[tool.name] = tool

    async def aclose(self) -> None:
        """Close every executor and MCP connection (errors while closing are not raised)."""
        for tool in self.tools.values():
            try:
                await tool.executor.aclose()
            except Exception as exc:  # closing must reach every executor
                log.warning("tool %r: error while closing its executor: %s", tool.name, exc)
        for conn in self.connections:
            await conn.aclose()
        self.tools.clear()
        self.connections.clear()


def build_executor(cfg: ExecutorConfig) -> Executor:
    """One executor for a python, http or command config (MCP needs ``build_executors``)."""
    if isinstance(cfg, PythonExecutorConfig):
        return PythonExecutor(cfg)
    if isinstance(cfg, HttpExecutorConfig):
        return HttpExecutor(cfg)
    if isinstance(cfg, CommandExecutorConfig):
        return CommandExecutor(cfg)
    raise ExecutorConfigError(f"executor type {cfg.type!r} needs a connection: use build_executors")


async def build_executors(entries: Sequence[ToolEntry], errlog: TextIO | None = None) -> ManagedTools:
    """Build every entry; MCP servers are started and each discovered tool (``include`` filters) added.

    Raises ``ExecutorConfigError`` (after closing whatever was already built) when an entry
    cannot work: bad import path, unknown program, unset env var, unreachable MCP server,
    an ``include`` naming a tool the server lacks, or two tools with one name.
    """
    managed = ManagedTools()
    try:
        for i, entry in enumerate(entries):
            cfg = entry.executor
            threshold = getattr(entry, "threshold", None)
            if isinstance(cfg, McpExecutorConfig):
                await _add_mcp(managed, cfg, threshold, errlog)
                continue
            if not entry.name:
                raise ExecutorConfigError(f"tools[{i}]: a {cfg.type} tool needs a name")
            try:
                executor = build_executor(cfg)
            except ExecutorConfigError as exc:
                raise ExecutorConfigError(f"tool {entry.name!r}: {exc}") from exc
            managed.add(
                ManagedTool(
                    name=entry.name,
                    description=entry.description,
                    parameters=entry.parameters,
                    executor=executor,
                    examples=tuple(entry.examples),
                    threshold=threshold,
                    source=cfg.type,
                )
            )
    except BaseException:
        await managed.aclose()
        raise
    return managed


async def _add_mcp(
    managed: ManagedTools, cfg: McpExecutorConfig, threshold: float | None, errlog: TextIO | None
) -> None:
    conn = McpConnection(cfg, errlog=errlog)
    managed.connections.append(conn)
    await conn.start()
    try:
        listed = await conn.list_tools()
    except Exception as exc:
        raise ExecutorConfigError(f"mcp server {conn.label!r}: cannot list tools: {exc}") from exc
    names = {tool["name"] for tool in listed}
    unknown = sorted(set(cfg.include or ()) - names)
    if unknown:
        raise ExecutorConfigError(f"mcp server {conn.label!r}: include names unknown tools {unknown}")
    for tool in listed:
        if cfg.include is not None and tool["name"] not in cfg.include:
            continue
        managed.add(
            ManagedTool(
                name=function_name(tool["name"]),
                description=tool["description"],
                parameters=tool["parameters"],
                executor=McpToolExecutor(conn, tool["name"]),
                threshold=threshold,
                source=f"mcp:{conn.label}",
            )
        )


def function_name(name: str) -> str:
    """An MCP tool name as an OpenAI function name (``[A-Za-z0-9_-]{1,64}``): ``files.read`` → ``files_read``."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", name)[:64] or "tool"


async def aclose_all(tools: ManagedTools) -> None:
    """Close every executor and MCP connection of ``tools``."""
    await tools.aclose()
