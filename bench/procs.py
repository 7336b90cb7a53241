"""Start, watch and stop the benchmarked servers (child processes, stopped by PID)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def bench_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(LITELLM_LOCAL_MODEL_COST_MAP="True", HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false",
               PYTHONUNBUFFERED="1")
    return env


@dataclass
class Service:
    """One server process: its command, port, log file, and when it became ready."""

    name: str
    argv: list[str]
    port: int
    log_path: Path
    proc: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    ready_s: float | None = None  # seconds from spawn to ready
    first_ok_s: float | None = None  # seconds from spawn to the first successful chat request
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, cwd: Path) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("wb")
        self.started_at = time.perf_counter()
        self.proc = subprocess.Popen(self.argv, cwd=cwd, env=bench_env(), stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        log.close()

    def wait_ready(self, path: str, timeout: float = 120.0) -> float:
        """Poll ``path`` until it answers 200; return seconds since spawn."""
        deadline = time.monotonic() + timeout
        if self._poll_until_ok(deadline, 2.0, lambda c: c.get(self.base + path)):
            self.ready_s = time.perf_counter() - self.started_at
            return self.ready_s
        raise TimeoutError(f"{self.name} not ready after {timeout}s; see {self.log_path}")

    def wait_first_ok(self, path: str, body: dict[str, object], headers: dict[str, str],
                      timeout: float = 120.0) -> float:
        deadline = time.monotonic() + timeout
        if self._poll_until_ok(deadline, 10.0, lambda c: c.post(self.base + path, json=body, headers=headers)):
            self.first_ok_s = time.perf_counter() - self.started_at
            return self.first_ok_s
        raise TimeoutError(f"{self.name}: no successful request after {timeout}s; see {self.log_path}")

    def _poll_until_ok(self, deadline: float, client_timeout: float,
                       send: Callable[[httpx.Client], httpx.Response]) -> bool:
        """Send until a 200 (True) or the deadline (False); fails fast if the process died."""
        with httpx.Client(timeout=client_timeout) as client:
            while time.monotonic() < deadline:
                self._check_alive()
                try:
                    if send(client).status_code == 200:
                        return True
                except httpx.HTTPError:
                    pass
                time.sleep(0.02)
        return False

    def _check_alive(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            tail = self.log_path.read_text(errors="replace")[-3000:] if self.log_path.exists() else ""
            raise RuntimeError(f"{self.name} exited during start-up:\n{tail}")

    def _tree(self) -> list[psutil.Process]:
        assert self.proc is not None
        root = psutil.Process(self.proc.pid)
        return [root, *root.children(recursive=True)]

    def cpu_s(self) -> float:
        """User + system CPU seconds of the process and its children so far."""
        total = 0.0
        for p in self._tree():
            with contextlib.suppress(psutil.NoSuchProcess):
                t = p.cpu_times()
                total += t.user + t.system
        return total

    def rss_mib(self) -> float:
        total = 0
        for p in self._tree():
            with contextlib.suppress(psutil.NoSuchProcess):
                total += p.memory_info().rss
        return total / 2**20

    def stop(self, timeout: float = 20.0) -> None:
        """SIGTERM this service's process group (it is its own session), then SIGKILL if it lingers."""
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, 15)
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, 9)
            self.proc.wait(5)
        except ProcessLookupError:
            pass


def python_service(name: str, module_args: list[str], port: int, log_dir: Path) -> Service:
    return Service(name, [sys.executable, *module_args], port, log_dir / f"{name}.log")
