"""build_executors: config entries (as parsed by proxy.config) to managed tools, and cleanup."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

import pytest

from proxy.config import parse_config
from proxy.executors import (
    ExecutorConfigError,
    ManagedTools,
    aclose_all,
    build_executor,
    build_executors,
)
from proxy.executors.command import CommandExecutor
from proxy.executors.config import McpExecutorConfig
from proxy.executors.http import HttpExecutor
from proxy.executors.python import PythonExecutor
from router.types import ToolSpec

ROOT = Path(__file__).resolve().parents[2]
MCP_SERVER = str(ROOT / "tests" / "fixtures" / "mcp_server.py")
pytestmark = pytest.mark.anyio

WEATHER: dict[str, Any] = {
    "name": "get_weather",
    "description": "Current weather for a city.",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    "examples": ["weather in Paris?", "is it cold in Oslo"],
    "threshold": 0.7,
    "executor": {"type": "python", "callable": "tests.fixtures.tools:get_weather", "timeout_s": 5},
}
ECHO = {
    "name": "echo",
    "description": "Echo words.",
    "executor": {"type": "command", "argv": ["echo", "{text}"]},
}
LOOKUP = {
    "name": "lookup",
    "description": "Look a word up.",
    "executor": {"type": "http", "url": "http://127.0.0.1:9/words/{word}", "allowed_hosts": ["127.0.0.1"]},
}
MCP = {"executor": {"type": "mcp", "command": [sys.executable, MCP_SERVER], "include": ["add"]}}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(autouse=True)
def importable_tests(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(ROOT))


@pytest.fixture
def devnull() -> Iterator[TextIO]:
    with open(os.devnull, "w") as f:
        yield f


def entries(*tools: dict[str, Any]) -> list[Any]:
    return list(parse_config({"tools": list(tools)}).tools)


async def test_builds_each_executor_type_with_its_metadata(devnull: TextIO) -> None:
    managed = await build_executors(entries(WEATHER, ECHO, LOOKUP, MCP), errlog=devnull)
    try:
        assert list(managed) == ["get_weather", "echo", "lookup", "add"]
        assert isinstance(managed["get_weather"].executor, PythonExecutor)
        assert isinstance(managed["echo"].executor, CommandExecutor)
        assert isinstance(managed["lookup"].executor, HttpExecutor)
        weather = managed["get_weather"]
        assert weather.examples == ("weather in Paris?", "is it cold in Oslo")
        assert weather.threshold == 0.7 and weather.source == "python"
        assert weather.executor.timeout_s == 5
        assert weather.spec() == ToolSpec(
            "get_weather", WEATHER["description"], WEATHER["parameters"], tuple(WEATHER["examples"])
        )
        assert managed.specs()[3].name == "add"
        assert len(managed.connections) == 1
        result = await managed["get_weather"].executor.run({"city": "Paris"})
        assert json.loads(result.output)["temperature"] == 18.0
        assert (await managed["echo"].executor.run({"text": "hi there"})).output == "hi there\n"
        assert (await managed["add"].executor.run({"a": 1, "b": 2})).output == "3"
    finally:
        await aclose_all(managed)
    assert len(managed) == 0 and not managed.connections
    assert isinstance(managed, ManagedTools)


async def test_bad_entry_is_a_config_error_naming_the_tool(devnull: TextIO) -> None:
    broken = {
        **ECHO,
        "name": "broken",
        "executor": {"type": "python", "callable": "tests.fixtures.tools:nope"},
    }
    with pytest.raises(ExecutorConfigError, match=r"tool 'broken': python callable"):
        await build_executors(entries(WEATHER, broken), errlog=devnull)


async def test_failure_after_an_mcp_server_started_closes_it(devnull: TextIO) -> None:
    # The MCP tool "add" collides with a configured tool named "add": the started server must be closed.
    add = {**ECHO, "name": "add"}
    with pytest.raises(ExecutorConfigError, match="tool 'add' is defined twice"):
        await build_executors(entries(add, MCP), errlog=devnull)


async def test_nameless_entry_is_refused() -> None:
    class Entry:
        name = None
        description = ""
        parameters: dict[str, Any] = {}
        examples: list[str] = []
        executor = parse_config({"tools": [ECHO]}).tools[0].executor

    with pytest.raises(ExecutorConfigError, match="needs a name"):
        await build_executors([Entry()])


def test_build_executor_refuses_mcp() -> None:
    with pytest.raises(ExecutorConfigError, match="use build_executors"):
        build_executor(McpExecutorConfig(type="mcp", command=["x"]))


async def test_empty_config_builds_nothing() -> None:
    managed = await build_executors([])
    assert len(managed) == 0
    await managed.aclose()
