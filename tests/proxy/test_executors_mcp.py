"""MCP executors against tests/fixtures/mcp_server.py, over stdio and streamable HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any, TextIO

import pytest

from proxy.executors import TRUNCATION_MARKER, ExecutorConfigError, ManagedTools, build_executors
from proxy.executors.config import McpExecutorConfig
from proxy.executors.mcp import McpConnection, McpToolExecutor

pytestmark = pytest.mark.anyio

SERVER = str(Path(__file__).resolve().parents[1] / "fixtures" / "mcp_server.py")
TOOLS = {"add", "get_weather", "fail", "slow", "env_var", "crash", "text_reverse"}


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


class Entry:
    """A ``tools:`` entry as the registry sees it (``proxy.config.ToolEntry`` has the same fields)."""

    def __init__(self, executor: McpExecutorConfig) -> None:
        self.name = None
        self.description = ""
        self.parameters: dict[str, Any] = {}
        self.examples: list[str] = []
        self.executor = executor


def stdio_cfg(**kw: Any) -> McpExecutorConfig:
    return McpExecutorConfig(type="mcp", command=[sys.executable, SERVER], **kw)


@pytest.fixture(scope="module")
def devnull() -> Iterator[TextIO]:
    """The test servers' log lines (tracebacks of the failing tools) would only be noise."""
    with open(os.devnull, "w") as f:
        yield f


@pytest.fixture(scope="module")
async def tools(devnull: TextIO) -> AsyncIterator[ManagedTools]:
    """One stdio server for the module: starting one costs about a second."""
    managed = await build_executors([Entry(stdio_cfg(timeout_s=2.0, max_output_bytes=2000))], errlog=devnull)
    yield managed
    await managed.aclose()
    assert not managed.connections and not managed.tools


async def test_tools_are_discovered_with_schemas(tools: ManagedTools) -> None:
    assert set(tools) == TOOLS
    add = tools["add"]
    assert add.description == "Add two integers."
    assert add.parameters["properties"].keys() == {"a", "b"}
    assert add.parameters["required"] == ["a", "b"]
    assert add.source == f"mcp:{sys.executable} {SERVER}"
    assert isinstance(add.executor, McpToolExecutor)
    assert add.spec().name == "add" and add.openai_tool()["function"]["parameters"] == add.parameters


async def test_call_returns_the_tool_output(tools: ManagedTools) -> None:
    result = await tools["add"].executor.run({"a": 2, "b": 40})
    assert result.ok and result.output == "42"
    weather = await tools["get_weather"].executor.run({"city": "Paris"})
    assert weather.ok and weather.output == "Paris: 18 degrees celsius, clear"


async def test_names_invalid_for_openai_are_rewritten_but_call_the_original(tools: ManagedTools) -> None:
    tool = tools["text_reverse"]
    assert isinstance(tool.executor, McpToolExecutor) and tool.executor.tool_name == "text.reverse"
    assert (await tool.executor.run({"text": "abc"})).output == "cba"


async def test_tool_error_comes_back_as_error_result(tools: ManagedTools) -> None:
    result = await tools["fail"].executor.run({"message": "no such city"})
    assert not result.ok
    assert result.output.startswith("error: ") and result.output.endswith("no such city")


async def test_invalid_arguments_come_back_as_error_result(tools: ManagedTools) -> None:
    result = await tools["add"].executor.run({"a": "not a number"})
    assert not result.ok and result.output.startswith("error: ")
    assert "validation error" in result.output


async def test_timeout_then_the_session_still_works(tools: ManagedTools) -> None:
    result = await tools["slow"].executor.run({"seconds": 30})
    assert not result.ok and result.output == "error: timeout after 2s"
    again = await tools["add"].executor.run({"a": 1, "b": 1})
    assert again.ok and again.output == "2"


async def test_concurrent_calls_share_the_session(tools: ManagedTools) -> None:
    results = await asyncio.gather(*(tools["add"].executor.run({"a": i, "b": i}) for i in range(10)))
    assert [r.output for r in results] == [str(2 * i) for i in range(10)]


async def test_output_cap(tools: ManagedTools) -> None:
    result = await tools["get_weather"].executor.run({"city": "x" * 5000})
    assert result.ok and result.truncated
    assert result.output == "x" * 2000 + TRUNCATION_MARKER


async def test_server_gets_a_minimal_environment_plus_configured(
    monkeypatch: pytest.MonkeyPatch, devnull: TextIO
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-should-not-leak")
    monkeypatch.setenv("TOOLPROXY_TEST_SECRET", "from-env")
    conn = McpConnection(
        stdio_cfg(env={"GREETING": "hi", "TOKEN": "os.environ/TOOLPROXY_TEST_SECRET"}), devnull
    )
    await conn.start()
    try:
        assert (await conn.call("env_var", {"name": "GREETING"})).output == "hi"
        assert (await conn.call("env_var", {"name": "TOKEN"})).output == "from-env"
        assert (await conn.call("env_var", {"name": "OPENAI_API_KEY"})).output == ""
    finally:
        await conn.aclose()


async def test_include_filters_discovered_tools(devnull: TextIO) -> None:
    managed = await build_executors([Entry(stdio_cfg(include=["add", "fail"]))], errlog=devnull)
    try:
        assert set(managed) == {"add", "fail"}
        assert (await managed["add"].executor.run({"a": 1, "b": 2})).output == "3"
    finally:
        await managed.aclose()


async def test_include_naming_an_unknown_tool_is_a_config_error(devnull: TextIO) -> None:
    with pytest.raises(ExecutorConfigError, match=r"include names unknown tools \['nope'\]"):
        await build_executors([Entry(stdio_cfg(include=["add", "nope"]))], errlog=devnull)


@pytest.mark.parametrize(
    "command",
    [
        ["toolproxy-no-such-mcp-server"],
        [sys.executable, "-c", "pass"],
        [sys.executable, "-c", "print('junk')"],
    ],
)
async def test_a_server_that_cannot_start_is_a_config_error(command: list[str], devnull: TextIO) -> None:
    cfg = McpExecutorConfig(type="mcp", command=command, start_timeout_s=10)
    with pytest.raises(ExecutorConfigError, match="cannot start"):
        await build_executors([Entry(cfg)], errlog=devnull)


def test_exactly_one_of_command_or_url() -> None:
    with pytest.raises(ExecutorConfigError, match="exactly one"):
        McpConnection(McpExecutorConfig(type="mcp"))
    with pytest.raises(ExecutorConfigError, match="exactly one"):
        McpConnection(McpExecutorConfig(type="mcp", command=["x"], url="http://127.0.0.1:1/mcp"))


async def test_close_from_another_task_and_twice(devnull: TextIO) -> None:
    conn = McpConnection(stdio_cfg(), devnull)
    await asyncio.create_task(conn.start())  # started in one task...
    assert conn.connected
    await asyncio.create_task(conn.aclose())  # ...closed from another
    assert not conn.connected
    await conn.aclose()
    result = await conn.call("add", {"a": 1, "b": 2})
    assert not result.ok and "the connection is closed" in result.output


async def test_a_server_dying_mid_session_gives_an_error_then_is_restarted(devnull: TextIO) -> None:
    conn = McpConnection(stdio_cfg(timeout_s=5), devnull)
    await conn.start()
    try:
        crashed = await conn.call("crash", {})
        assert not crashed.ok and crashed.output.startswith("error: ")
        for _ in range(200):  # the session notices the closed pipe on its own task
            if not conn.connected:
                break
            await asyncio.sleep(0.01)
        assert not conn.connected
        after = await conn.call("add", {"a": 1, "b": 2})
        assert after.ok and after.output == "3"
        assert conn.connected
    finally:
        await conn.aclose()


async def test_a_server_that_cannot_restart_is_not_retried_on_every_call(
    devnull: TextIO, tmp_path: Path
) -> None:
    # A wrapper script that serves once; after the crash it exits at once, so restarts fail.
    flag = tmp_path / "served"
    script = tmp_path / "once.py"
    script.write_text(
        "import os, runpy, sys\n"
        f"flag = {str(flag)!r}\n"
        "if os.path.exists(flag):\n    sys.exit(1)\n"
        "open(flag, 'w').close()\n"
        f"sys.argv = [{SERVER!r}]\n"
        f"runpy.run_path({SERVER!r}, run_name='__main__')\n"
    )
    conn = McpConnection(McpExecutorConfig(type="mcp", command=[sys.executable, str(script)]), devnull)
    await conn.start()
    try:
        await conn.call("crash", {})
        for _ in range(200):
            if not conn.connected:
                break
            await asyncio.sleep(0.01)
        first = await conn.call("add", {"a": 1, "b": 2})
        assert not first.ok and "cannot start" in first.output
        second = await conn.call("add", {"a": 1, "b": 2})
        assert not second.ok and "is down (next retry in" in second.output
    finally:
        await conn.aclose()


# --- streamable HTTP -------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def http_server() -> Iterator[str]:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, SERVER, "--http", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        for _ in range(200):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.1):
                break
            if proc.poll() is not None:
                raise RuntimeError("the MCP HTTP test server exited")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


async def test_streamable_http_server(http_server: str) -> None:
    cfg = McpExecutorConfig(type="mcp", url=http_server, include=["add", "fail"], timeout_s=5)
    managed = await build_executors([Entry(cfg)])
    try:
        assert set(managed) == {"add", "fail"}
        assert managed["add"].source == f"mcp:{http_server}"
        ok = await managed["add"].executor.run({"a": 20, "b": 22})
        assert ok.ok and ok.output == "42"
        bad = await managed["fail"].executor.run({"message": "over http"})
        assert not bad.ok and bad.output.startswith("error: ") and bad.output.endswith("over http")
    finally:
        await managed.aclose()


async def test_unreachable_http_server_is_a_config_error() -> None:
    cfg = McpExecutorConfig(type="mcp", url=f"http://127.0.0.1:{_free_port()}/mcp", timeout_s=5)
    with pytest.raises(ExecutorConfigError, match="cannot start"):
        await build_executors([Entry(cfg)])


def test_content_blocks_and_structured_content_to_text() -> None:
    from mcp.types import CallToolResult, ImageContent, TextContent

    from proxy.executors.mcp import content_text

    mixed = CallToolResult(
        content=[
            TextContent(type="text", text="a"),
            ImageContent(type="image", data="AAA", mime_type="image/png"),
        ]
    )
    lines = content_text(mixed).split("\n")
    assert lines[0] == "a" and json.loads(lines[1])["type"] == "image"
    structured = CallToolResult(content=[], structured_content={"t": 1})
    assert content_text(structured) == '{"t": 1}'
