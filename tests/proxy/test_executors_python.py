"""The python executor against the real functions in tests/fixtures/tools.py."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from proxy.executors import TRUNCATION_MARKER, ExecutorConfigError
from proxy.executors.config import PythonExecutorConfig
from proxy.executors.python import PythonExecutor

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(autouse=True)
def importable_tests(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(ROOT))


def make(function: str, **kw: float) -> PythonExecutor:
    return PythonExecutor(
        PythonExecutorConfig(type="python", callable=f"tests.fixtures.tools:{function}", **kw)
    )


async def test_sync_function_returns_json_for_non_strings() -> None:
    result = await make("get_weather").run({"city": "Paris", "unit": "fahrenheit"})
    assert result.ok and result.error is None and not result.truncated
    assert json.loads(result.output) == {
        "city": "Paris",
        "temperature": 64.4,
        "unit": "fahrenheit",
        "sky": "clear",
    }
    assert result.duration_ms >= 0


async def test_string_result_is_returned_verbatim_and_numbers_as_json() -> None:
    assert (await make("shout").run({"text": "héllo"})).output == "HÉLLO"
    assert (await make("add").run({"a": 2, "b": 3.5})).output == "5.5"


async def test_async_function_is_awaited() -> None:
    result = await make("async_echo").run({"text": "hi", "delay_s": 0.01})
    assert result.ok and result.output == "echo: hi"


async def test_exception_becomes_error_result() -> None:
    result = await make("fail").run({"message": "bad city"})
    assert not result.ok
    assert result.output == "error: ValueError: bad city"
    assert result.error == "ValueError: bad city"


async def test_wrong_arguments_become_error_result() -> None:
    result = await make("add").run({"a": 1, "c": 2})
    assert not result.ok and result.output.startswith("error: TypeError: ")
    assert "'c'" in result.output


async def test_sync_timeout_does_not_block_the_event_loop() -> None:
    started = time.perf_counter()
    result = await make("sleep_for", timeout_s=0.2).run({"seconds": 1.5})
    elapsed = time.perf_counter() - started
    assert not result.ok and result.output == "error: timeout after 0.2s"
    assert elapsed < 1.4  # came back at the timeout, not when the thread finished


async def test_async_timeout() -> None:
    result = await make("async_sleep_for", timeout_s=0.1).run({"seconds": 5})
    assert not result.ok and result.error == "timeout after 0.1s"


async def test_timeout_error_raised_by_the_tool_is_reported_as_its_own_error() -> None:
    result = await make("raises_timeout").run({})
    assert not result.ok and result.output == "error: TimeoutError: upstream service timed out"


async def test_output_is_capped_with_marker() -> None:
    result = await make("big_output", max_output_bytes=100).run({"size": 10_000})
    assert result.ok and result.truncated
    assert result.output == "x" * 100 + TRUNCATION_MARKER


async def test_output_under_the_cap_is_untouched() -> None:
    result = await make("big_output", max_output_bytes=100).run({"size": 100})
    assert result.output == "x" * 100 and not result.truncated


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("tests.fixtures.no_such_module:f", "cannot import 'tests.fixtures.no_such_module'"),
        ("tests.fixtures.tools:nope", "has no 'nope'"),
        ("tests.fixtures.tools:NOT_CALLABLE", "int is not callable"),
        ("tests.fixtures.tools", "expected 'package.module:function'"),
        (":add", "expected 'package.module:function'"),
    ],
)
async def test_bad_import_paths_are_config_errors(path: str, message: str) -> None:
    with pytest.raises(ExecutorConfigError, match="python callable") as info:
        PythonExecutor(PythonExecutorConfig(type="python", callable=path))
    assert message in str(info.value)


async def test_dotted_attribute_path() -> None:
    ex = PythonExecutor(PythonExecutorConfig(type="python", callable="json:JSONDecoder.decode"))
    assert ex.function is json.JSONDecoder.decode
    assert not ex.is_async


async def test_sync_tools_run_in_their_own_pool_closed_by_aclose() -> None:
    ex = make("thread_name")
    result = await ex.run({})
    assert result.output.startswith("tool:thread_name")
    await ex.aclose()
    assert ex._pool is None
