"""SIGTERM under load: ``toolproxy serve`` as a real process finishes what it accepted, refuses the rest,
and every answered request's trace is in SQLite (or the spool) after it exits."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import yaml

from tests.conftest import base_config
from tests.proxy.test_passthrough import exchanges
from tests.servers import free_port

CLI = [sys.executable, "-c", "from proxy.cli import main; main()"]  # what the `toolproxy` script runs
ROOT = Path(__file__).resolve().parents[2]  # on PYTHONPATH, so configs can name tests.fixtures tools


@dataclass
class ServeProcess:
    base: str
    proc: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_ready(self, path: str = "/health", timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"toolproxy serve exited with {self.proc.returncode}:\n{self.log()[-3000:]}")
            try:
                if httpx.get(self.base + path, timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"toolproxy serve not ready:\n{self.log()[-3000:]}")
            time.sleep(0.1)

    def terminate(self, timeout: float = 60) -> int:
        """SIGTERM (graceful shutdown); SIGKILL if it has not exited within ``timeout``."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise


def start_serve(config: dict[str, Any], workdir: Path, *, args: tuple[str, ...] = (), log_level: str = "info",
                env: dict[str, str] | None = None) -> ServeProcess:
    """Start ``toolproxy serve --config <workdir>/config.yaml`` on a free port (does not wait)."""
    workdir.mkdir(parents=True, exist_ok=True)
    config_path = workdir / "config.yaml"
    config_path.write_text(yaml.safe_dump(config))
    port = free_port()
    log_path = workdir / f"serve-{port}.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen([*CLI, "serve", "--config", str(config_path), "--host", "127.0.0.1",
                                 "--port", str(port), "--log-level", log_level, *args],
                                stdout=log, stderr=subprocess.STDOUT, cwd=workdir,
                                env={**os.environ, "PYTHONPATH": os.pathsep.join(
                                    p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p), **(env or {})})
    return ServeProcess(f"http://127.0.0.1:{port}", proc, log_path)


@contextmanager
def serve_process(config: dict[str, Any], workdir: Path, *, args: tuple[str, ...] = (), log_level: str = "info",
                  ready_path: str = "/health", startup_timeout: float = 90,
                  env: dict[str, str] | None = None) -> Iterator[ServeProcess]:
    """A running ``toolproxy serve`` process, ready; SIGTERMed on exit."""
    server = start_serve(config, workdir, args=args, log_level=log_level, env=env)
    try:
        server.wait_ready(ready_path, startup_timeout)
        yield server
    finally:
        if server.proc.poll() is None:
            server.terminate()


@dataclass
class Outcome:
    slow: bool
    started: float = 0.0
    ended: float = 0.0
    status: int | None = None
    trace_id: str | None = None
    failure: str | None = None  # "refused" (never accepted) or the transport error's name


def test_sigterm_mid_load_loses_nothing(upstream_server: Any, upstream: Any, tmp_path: Path) -> None:
    _, url = upstream_server
    db = f"sqlite:///{tmp_path / 'shutdown.db'}"
    spool = tmp_path / "shutdown.spool.jsonl"
    cfg = base_config(url, db, server={"upstream_timeout_s": 30, "upstream_retries": 0},
                      storage={"spool_path": str(spool)})
    cfg["model_list"].append({"model_name": "slow-1", "litellm_params": {
        "model": "openai/slow-1", "api_base": url + "/v1", "api_key": "sk-upstream-secret-123"}})
    total, workers = 200, 16
    outcomes = [Outcome(slow=i % 4 == 1) for i in range(total)]

    # no keep-alive: a fresh connection per request, so a refusal means "never accepted"
    with serve_process(cfg, tmp_path) as server, \
            httpx.Client(timeout=60, limits=httpx.Limits(max_keepalive_connections=0)) as client:
        def one(i: int, o: Outcome) -> None:
            body = {"model": "slow-1" if o.slow else "fake-model", "messages": [{"role": "user", "content": f"r{i}"}]}
            o.started = time.monotonic()
            try:
                r = client.post(server.base + "/v1/chat/completions", json=body)
                o.status, o.trace_id = r.status_code, r.headers.get("x-toolproxy-trace-id")
            except httpx.ConnectError:
                o.failure = "refused"
            except httpx.TransportError as exc:
                o.failure = type(exc).__name__
            o.ended = time.monotonic()

        with ThreadPoolExecutor(workers) as pool:
            futures = [pool.submit(one, i, o) for i, o in enumerate(outcomes)]
            deadline = time.monotonic() + 60
            while True:  # SIGTERM once the load is well under way with slow requests surely in flight
                now = time.monotonic()
                # in flight for sure: the proxy already forwarded it to the (slow) upstream
                reached = {m["messages"][-1]["content"] for m in list(upstream.received)}
                in_flight = [o for i, o in enumerate(outcomes) if o.slow and not o.ended and f"r{i}" in reached]
                if sum(1 for o in outcomes if o.ended) >= 40 and len(in_flight) >= 4:
                    break
                assert now < deadline, "load never got going"
                time.sleep(0.01)
            server.proc.send_signal(signal.SIGTERM)
            term_at = time.monotonic()
            for f in futures:
                f.result()
        # uvicorn re-raises the signal once its graceful shutdown is complete
        assert server.proc.wait(60) in (0, -signal.SIGTERM), server.log()[-2000:]
        assert "Application shutdown complete" in server.log()

    answered = [o for o in outcomes if o.status is not None]
    refused = [o for o in outcomes if o.failure == "refused"]
    other = [o for o in outcomes if o.failure not in (None, "refused")]
    print(f"\nSIGTERM with {len(in_flight)} slow requests in flight: {len(answered)} answered, "
          f"{len(refused)} refused, {len(other)} dropped before being read ({[o.failure for o in other]})")
    assert all(o.status == 200 for o in in_flight), [(o.status or o.failure, round(o.started - term_at, 3),
                                                      round(o.ended - term_at, 3)) for o in in_flight]
    assert all(o.status == 200 for o in answered), sorted({o.status or 0 for o in answered})
    assert len(refused) > 0  # the listener closed while clients still came
    assert len(answered) + len(refused) + len(other) == total
    assert len(other) <= workers  # at most the connections caught between accept and shutdown
    reached = {m["messages"][-1]["content"] for m in upstream.received}
    assert not [i for i, o in enumerate(outcomes) if o.failure and f"r{i}" in reached]  # none was processed
    rows = exchanges(db)
    stored = {r.id for r in rows}
    spooled = spool.read_text() if spool.exists() else ""
    lost = [o.trace_id for o in answered if o.trace_id not in stored and str(o.trace_id) not in spooled]
    assert lost == [], f"{len(lost)} answered requests have no trace"
    assert len(rows) == len(answered)  # no trace for a request nobody answered, none twice
    assert all(r.status_code == 200 for r in rows)
    assert not spooled.strip()  # a clean shutdown flushed everything to SQLite
    assert "Traceback" not in server.log()
