"""The command executor: argv templating without a shell, injection corpus, timeouts, output cap."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from proxy.executors import TRUNCATION_MARKER, ExecutorConfigError
from proxy.executors.command import CommandExecutor
from proxy.executors.config import CommandExecutorConfig

pytestmark = [
    pytest.mark.anyio,
    # a subprocess transport left open is closed by the garbage collector, sometimes after its loop is gone
    pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning"),
]

PRINT_ARGV = "import json, sys; print(json.dumps(sys.argv[1:]))"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def make(argv: list[str], **kw: Any) -> CommandExecutor:
    return CommandExecutor(CommandExecutorConfig(type="command", argv=argv, **kw))


def py(code: str, *items: str, **kw: Any) -> CommandExecutor:
    return make([sys.executable, "-c", code, *items], **kw)


def injection_corpus(canary: Path) -> list[str]:
    c = str(canary)
    return [
        f"; touch {c}",
        f"; rm -rf {c}",
        f"$(touch {c})",
        f"`touch {c}`",
        f"| touch {c}",
        f"|| touch {c}",
        f"&& touch {c}",
        f"& touch {c} &",
        f"x\ntouch {c}",
        f"x\r\ntouch {c}",
        f"> {c}",
        f"< /etc/passwd > {c}",
        "| cat /etc/passwd",
        "&& echo hi",
        "--flag=evil",
        "-rf",
        "--",
        "-",
        "'single' \"double\" \\backslash",
        "${HOME} $HOME %PATH%",
        "*",
        "../../../../etc/passwd",
        "{other}",
        "{{}}",
        "  leading and trailing spaces  ",
        "",
        "tab\there",
        "unicode: é 中文 🙂 \u202e rtl",
        "\x1b[31mansi\x1b[0m",
        f'$({sys.executable} -c \'open("{c}", "w")\')',
    ]


async def test_each_value_arrives_as_one_literal_argv_item(tmp_path: Path) -> None:
    canary = tmp_path / "pwned"
    ex = py(PRINT_ARGV, "--value", "{value}", "fixed")
    for value in injection_corpus(canary):
        result = await ex.run({"value": value})
        assert result.ok, (value, result.output)
        assert json.loads(result.output) == ["--value", value, "fixed"], value
    assert not canary.exists()


async def test_placeholders_inside_an_item_stay_inside_it(tmp_path: Path) -> None:
    canary = tmp_path / "pwned"
    ex = py(PRINT_ARGV, "--city={city}", "{a}-{b}")
    result = await ex.run({"city": f"x; touch {canary}", "a": "$(id)", "b": "`id`"})
    assert json.loads(result.output) == [f"--city=x; touch {canary}", "$(id)-`id`"]
    assert not canary.exists()


async def test_values_are_not_re_expanded() -> None:
    # A value that looks like another placeholder is not filled a second time.
    result = await py(PRINT_ARGV, "{a}", "{b}").run({"a": "{b}", "b": "B"})
    assert json.loads(result.output) == ["{b}", "B"]


async def test_non_string_values_and_unused_parameters() -> None:
    ex = py(PRINT_ARGV, "{n}", "{f}", "{flag}", "{items}", "{obj}", "{nothing}")
    result = await ex.run(
        {
            "n": 3,
            "f": 2.5,
            "flag": False,
            "items": ["a", "b c"],
            "obj": {"k": "v"},
            "nothing": None,
            "extra": "x",
        }
    )
    assert json.loads(result.output) == ["3", "2.5", "false", '["a", "b c"]', '{"k": "v"}', ""]


async def test_nul_byte_is_an_error_result_not_a_crash() -> None:
    result = await py(PRINT_ARGV, "{v}").run({"v": "a\x00b"})
    assert not result.ok and "null byte" in result.output


async def test_missing_argument_is_an_error_result() -> None:
    result = await py(PRINT_ARGV, "{city}").run({})
    assert not result.ok and result.output == "error: missing argument 'city' for argv"


async def test_stdin_is_closed() -> None:
    result = await py("import sys; print(repr(sys.stdin.read()))").run({})
    assert result.ok and result.output.strip() == "''"


async def test_stderr_is_merged_and_nonzero_exit_is_an_error() -> None:
    code = "import sys; print('out'); print('err', file=sys.stderr); sys.exit(3)"
    result = await py(code).run({})
    assert not result.ok
    assert result.error == "exit code 3"
    assert result.output.startswith("error: exit code 3\n")
    assert "out" in result.output and "err" in result.output


async def test_timeout_kills_the_whole_process_group() -> None:
    # The child starts a grandchild, prints its pid, then both sleep.
    code = (
        "import subprocess, sys, time;"
        "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']);"
        "print(p.pid, flush=True); time.sleep(60)"
    )
    result = await py(code, timeout_s=1.0).run({})
    assert not result.ok and result.error == "timeout after 1s"
    grandchild = int(result.output.splitlines()[1])
    await _wait_gone(grandchild)


async def test_leftover_background_children_are_killed_after_a_normal_exit() -> None:
    code = (
        "import subprocess, sys;"
        "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'], stdout=subprocess.DEVNULL);"
        "print(p.pid)"
    )
    result = await py(code).run({})
    assert result.ok
    await _wait_gone(int(result.output))


async def _wait_gone(pid: int) -> None:
    """Wait until ``pid`` is dead (gone, or a zombie waiting for an init that does not reap)."""
    for _ in range(100):
        try:
            with open(f"/proc/{pid}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                    return
        except FileNotFoundError:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"process {pid} still running")


async def test_output_cap_kills_a_chatty_process() -> None:
    code = "import sys\nwhile True: sys.stdout.write('x' * 1000)"
    result = await py(code, max_output_bytes=5000, timeout_s=20).run({})
    assert result.ok and result.truncated
    assert result.output == "x" * 5000 + TRUNCATION_MARKER


async def test_output_cap_on_failure_keeps_the_error_line() -> None:
    code = "import sys; sys.stdout.write('e' * 3000); sys.exit(1)"
    result = await py(code, max_output_bytes=100_000).run({})
    assert not result.ok and result.output == "error: exit code 1\n" + "e" * 3000


async def test_environment_is_minimal_plus_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-should-not-leak")
    monkeypatch.setenv("TOOLPROXY_TEST_SECRET", "from-env")
    code = "import json, os; print(json.dumps(dict(os.environ)))"
    ex = py(code, env={"GREETING": "hi", "TOKEN": "os.environ/TOOLPROXY_TEST_SECRET"})
    env = json.loads((await ex.run({})).output)
    assert "OPENAI_API_KEY" not in env
    assert env["GREETING"] == "hi" and env["TOKEN"] == "from-env"
    assert env["PATH"] == os.environ["PATH"]


async def test_cwd(tmp_path: Path) -> None:
    result = await py("import os; print(os.getcwd())", cwd=str(tmp_path)).run({})
    assert result.output.strip() == str(tmp_path.resolve())


async def test_quick_exits_are_never_killed_on_the_way_out() -> None:
    # Regression: killing the group as soon as stdout hit EOF raced with the program's own exit.
    ex = make(["echo", "{n}"])
    results = await asyncio.gather(*(ex.run({"n": i}) for i in range(40)))
    assert [(r.ok, r.output) for r in results] == [(True, f"{i}\n") for i in range(40)]


async def test_program_is_resolved_on_path() -> None:
    result = await make(["echo", "{word}"]).run({"word": "$(hi)"})
    assert result.ok and result.output == "$(hi)\n"


@pytest.mark.parametrize(
    ("argv", "kw", "message"),
    [
        (["{program}", "x"], {}, "the program must be fixed"),
        (["no-such-program-toolproxy"], {}, "not found on PATH"),
        (["/nonexistent/bin/tool"], {}, "not an executable file"),
        (["echo"], {"cwd": "/nonexistent-dir"}, "is not a directory"),
        (["echo"], {"env": {"K": "os.environ/TOOLPROXY_TEST_UNSET"}}, "TOOLPROXY_TEST_UNSET"),
    ],
)
def test_config_errors(
    argv: list[str], kw: dict[str, Any], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TOOLPROXY_TEST_UNSET", raising=False)
    with pytest.raises(ExecutorConfigError) as info:
        make(argv, **kw)
    assert message in str(info.value)
