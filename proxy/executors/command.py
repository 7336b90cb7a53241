"""``command`` executor: run a program with argv filled from the arguments; never a shell.

Each argv item has its ``{param}`` placeholders replaced by the argument's text and stays *one*
argv item whatever the value holds (``; rm -rf /``, ``$(...)``, newlines, ``--flag=...``): there
is no shell to interpret it. A value may still look like an option to the program itself; put
``--`` before user-filled items in ``argv`` when the program supports it.

The child gets a minimal environment (``PATH``, ``HOME``, locale, ``TMPDIR``...) plus the
config's ``env``, so provider keys held by the proxy never leak into tool output. It runs in
its own process group, which is killed on timeout, on output overflow and when it exits.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import time
from typing import Any

from proxy.executors.base import Executor, ToolResult
from proxy.executors.config import CommandExecutorConfig
from proxy.executors.errors import ExecutorConfigError
from proxy.executors.output import (
    PLACEHOLDER,
    TRUNCATION_MARKER,
    argument_text,
    elapsed_ms,
    error_result,
    exception_result,
    resolve_env,
)

INHERITED_ENV = (
    "PATH",
    "HOME",
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
    "TZ",
    "TMPDIR",
    "USER",
    "LOGNAME",
    "SYSTEMROOT",
)
READ_CHUNK = 64 * 1024
EXIT_POLL_S = 0.02
SETTLE_S = 2.0


def fill_item(item: str, arguments: dict[str, Any]) -> str:
    """One argv item with each ``{param}`` replaced by ``argument_text(value)``; KeyError if missing."""
    return PLACEHOLDER.sub(lambda m: argument_text(arguments[m.group(1)]), item)


def child_env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: os.environ[k] for k in INHERITED_ENV if k in os.environ}
    env.update({k: resolve_env(v, f"command env {k!r}") for k, v in extra.items()})
    return env


async def _until_exit_or_done(proc: asyncio.subprocess.Process, reader: asyncio.Task[None]) -> None:
    """Return when the reader is done (EOF or cap) or the program has exited.

    ``proc.wait()`` is not enough: it also waits for EOF, which a background child that
    inherited the pipe would delay until it exits.
    """
    while not reader.done() and proc.returncode is None:
        await asyncio.wait({reader}, timeout=EXIT_POLL_S)


async def _settle(proc: asyncio.subprocess.Process, reader: asyncio.Task[None]) -> None:
    """After the kill: let the reader drain what is buffered, and reap the process."""
    for awaitable in (reader, proc.wait()):
        try:
            async with asyncio.timeout(SETTLE_S):
                await awaitable
        except TimeoutError:  # something outside the group holds the pipe: give up on it
            reader.cancel()
    # asyncio closes the transport only once every pipe saw EOF; one that did not would be closed by
    # the garbage collector, perhaps after its event loop is gone ("Event loop is closed")
    transport = getattr(proc, "_transport", None)
    if transport is not None:
        transport.close()


def kill_group(pid: int) -> None:
    """SIGKILL the child's process group (it leads its own session); gone already is fine."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


class CommandExecutor(Executor):
    def __init__(self, cfg: CommandExecutorConfig) -> None:
        self.cfg = cfg
        self.timeout_s = cfg.timeout_s
        self.max_output_bytes = cfg.max_output_bytes
        if PLACEHOLDER.search(cfg.argv[0]):
            raise ExecutorConfigError(
                f"command argv[0] {cfg.argv[0]!r}: the program must be fixed, not a {{param}}"
            )
        if cfg.cwd is not None and not os.path.isdir(cfg.cwd):
            raise ExecutorConfigError(f"command cwd {cfg.cwd!r} is not a directory")
        self.env = child_env(cfg.env)
        program = cfg.argv[0]
        if os.sep not in program:
            found = shutil.which(program, path=self.env.get("PATH"))
            if found is None:
                raise ExecutorConfigError(f"command argv[0] {program!r}: not found on PATH")
            program = found
        elif not os.access(os.path.join(cfg.cwd or "", program), os.X_OK):
            raise ExecutorConfigError(f"command argv[0] {program!r}: not an executable file")
        self.program = program

    async def run(self, arguments: dict[str, Any]) -> ToolResult:
        started = time.perf_counter()
        limit = self.max_output_bytes
        try:
            argv = [self.program] + [fill_item(item, arguments) for item in self.cfg.argv[1:]]
        except KeyError as exc:
            return error_result(f"missing argument {exc.args[0]!r} for argv", started, limit)
        try:
            proc = await asyncio.create_subprocess_exec(
                *argv,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
                cwd=self.cfg.cwd,
                env=self.env,
                start_new_session=True,
            )
        except (OSError, ValueError) as exc:  # ValueError: a NUL byte in an argument
            return exception_result(exc, started, limit)

        buf = bytearray()
        reader = asyncio.create_task(self._read(proc, buf))
        timed_out = False
        try:
            async with asyncio.timeout(self.timeout_s):
                await _until_exit_or_done(proc, reader)
                if reader.done() and len(buf) <= limit:
                    await proc.wait()  # EOF: the program is exiting; don't kill it on the way out
        except TimeoutError:
            timed_out = True
        finally:
            # Timeout, overflow, cancellation, or background children left by a normal exit:
            # kill the group, so nothing keeps the pipe open, then drain and reap (bounded).
            kill_group(proc.pid)
            await _settle(proc, reader)

        truncated = len(buf) > limit
        text = bytes(buf[:limit]).decode("utf-8", errors="ignore" if truncated else "replace")
        if truncated:
            text += TRUNCATION_MARKER
        if timed_out:
            return self._failure(f"timeout after {self.timeout_s:g}s", text, truncated, started)
        if truncated:  # killed because it wrote too much: its output up to the cap is the result
            return ToolResult(output=text, ok=True, duration_ms=elapsed_ms(started), truncated=True)
        code = proc.returncode
        if code:
            reason = f"killed by signal {-code}" if code < 0 else f"exit code {code}"
            return self._failure(reason, text, truncated, started)
        return ToolResult(output=text, ok=True, duration_ms=elapsed_ms(started))

    async def _read(self, proc: asyncio.subprocess.Process, buf: bytearray) -> None:
        """Read stdout+stderr until EOF or one byte past the cap."""
        assert proc.stdout is not None
        while len(buf) <= self.max_output_bytes:
            chunk = await proc.stdout.read(READ_CHUNK)
            if not chunk:
                return
            buf += chunk

    def _failure(self, reason: str, text: str, truncated: bool, started: float) -> ToolResult:
        """``error: <reason>`` then the (already capped) output."""
        output = f"error: {reason}" + (f"\n{text}" if text else "")
        return ToolResult(
            output=output, ok=False, duration_ms=elapsed_ms(started), error=reason, truncated=truncated
        )
