"""In-process measurements: router decision latency, and what recording costs per exchange.

``python -m bench.inprocess router N`` prints the router latency as JSON: ``bench.run`` runs it in a
child process so that OpenMP settings (``OMP_WAIT_POLICY``), which only apply before torch loads, can be
compared in one run.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.stats import summary

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "metatool"
SHARED_DATA = [DATA, Path("/work/shared/data/metatool")]


def _metatool() -> tuple[dict[str, str], list[str]]:
    for root in SHARED_DATA:
        if (root / "metatool_tools.json").exists():
            tools = json.loads((root / "metatool_tools.json").read_text())
            queries = [json.loads(line)["query"] for line in (root / "metatool_train.jsonl").open()]
            return tools, queries
    raise FileNotFoundError("MetaTool corpus not found under ../shared/data/metatool")


def router_latency(sizes: tuple[int, ...] = (5, 20, 200), n: int = 200, seed: int = 0,
                   backend: str = "auto") -> dict[str, Any]:
    """p50/p99 of ``Router.decide`` with ``size`` tools offered, each call on a query never seen before
    (no query-cache hits); tool embeddings are warmed first, as the server does at start-up.
    ``backend``: the encoder backend (``router.encoder_backend``)."""
    from router.router import Router
    from router.types import RouterOptions, ToolSpec

    catalogue, queries = _metatool()
    rng = random.Random(seed)
    rng.shuffle(queries)
    names = sorted(catalogue)
    rng.shuffle(names)
    t0 = time.perf_counter()
    router = Router(RouterOptions(encoder_backend=backend))
    load_s = time.perf_counter() - t0
    out: dict[str, Any] = {"router_load_s": load_s, "backend": backend, "sizes": {}}
    used = 0
    for size in sizes:
        tools = [ToolSpec(name=nm, description=catalogue[nm],
                          parameters={"type": "object", "properties": {"query": {"type": "string"}}})
                 for nm in names[:size]]
        router.warmup(tools)
        for q in queries[used:used + 5]:  # warm the code path
            router.decide([{"role": "user", "content": q}], tools)
        used += 5
        lat: list[float] = []
        cpu: list[float] = []
        for q in queries[used:used + n]:
            s, c = time.perf_counter(), time.process_time()
            router.decide([{"role": "user", "content": q}], tools)
            lat.append((time.perf_counter() - s) * 1000)
            cpu.append((time.process_time() - c) * 1000)
        used += n
        cached: list[float] = []
        for q in queries[used - 50:used]:  # the same queries again: query embedding cached
            s = time.perf_counter()
            router.decide([{"role": "user", "content": q}], tools)
            cached.append((time.perf_counter() - s) * 1000)
        out["sizes"][str(size)] = {**summary(lat), "cpu_p50": summary(cpu)["p50"],
                                   "cached_query_p50": summary(cached)["p50"]}
    return out


def _trace(i: int) -> Any:
    from storage.records import StepRecord, TraceRecord

    t = TraceRecord(model="bench-model", mode="intercept", route="local:calculate", route_tool="calculate",
                    confidence=0.97, router_version="bench", prompt_tokens=20, completion_tokens=5,
                    tokens_saved=60, latency_ms=12.0, upstream_ms=2.0)
    t.request = {"model": "bench-model", "messages": [{"role": "user", "content": f"what is 12 * {i}?"}]}
    t.response = {"choices": [{"index": 0, "message": {"role": "assistant", "content": "The answer is 84."},
                               "finish_reason": "stop"}], "usage": {"prompt_tokens": 20, "completion_tokens": 5}}
    t.steps = [StepRecord(kind="decision", tool="calculate", status="confident", duration_ms=9.0,
                          payload={"tool": "calculate", "confidence": 0.97, "scores": {"calculate": 0.97, "none": 0.03}}),
               StepRecord(kind="tool_run", tool="calculate", status="ok", duration_ms=0.1,
                          payload={"arguments": {"expression": f"12*{i}"}, "output": "84"}),
               StepRecord(kind="upstream", status="ok", duration_ms=2.0, payload={"tools_sent": 0})]
    return t


def recording_cost(n: int = 3000) -> dict[str, float]:
    """Cost of recording one exchange: the ``record()`` call on the request path, and the writer's
    CPU per exchange (serialise + SQLite insert, in its background thread) measured over a flush."""
    import psutil

    from storage.db import upgrade
    from storage.recorder import Recorder

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'rec.db'}"
        upgrade(url)
        rec = Recorder(url, spool_path=str(Path(tmp) / "rec.spool.jsonl"), max_buffer=n * 2, batch_size=200)
        traces = [_trace(i) for i in range(n)]
        calls: list[float] = []
        for t in traces:  # before start(): pure hot-path cost, no writer competing
            s = time.perf_counter()
            rec.record(t)
            calls.append((time.perf_counter() - s) * 1000)
        proc = psutil.Process()
        c0, w0 = sum(proc.cpu_times()[:2]), time.perf_counter()
        rec.start()
        ok = rec.flush(timeout=120)
        c1, w1 = sum(proc.cpu_times()[:2]), time.perf_counter()
        rec.close()
        written = rec.written_total
    st = summary(calls)
    return {"record_call_p50_ms": st["p50"], "record_call_p99_ms": st["p99"], "record_call_mean_ms": st["mean"],
            "writer_cpu_ms_per_trace": (c1 - c0) * 1000 / n, "writer_wall_ms_per_trace": (w1 - w0) * 1000 / n,
            "written": float(written), "flushed": float(ok)}


def router_latency_subprocess(n: int, env: dict[str, str], sizes: tuple[int, ...] = (5, 20, 200),
                              backend: str = "auto") -> dict[str, Any]:
    """``router_latency`` in a fresh interpreter with ``env`` applied (an empty value unsets the variable;
    torch reads OpenMP settings once, at load)."""
    child = {k: v for k, v in {**os.environ, **env}.items() if v != ""}
    proc = subprocess.run([sys.executable, "-m", "bench.inprocess", "router", str(n), ",".join(map(str, sizes)),
                           backend],
                          env=child,
                          capture_output=True, text=True, timeout=600, check=True,
                          cwd=Path(__file__).resolve().parents[1])
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    result["env"] = env
    return result


if __name__ == "__main__":
    if sys.argv[1:2] == ["router"]:
        backend = sys.argv[4] if len(sys.argv) > 4 else "auto"
        print(json.dumps(router_latency(tuple(int(x) for x in sys.argv[3].split(",")), n=int(sys.argv[2]),
                                        backend=backend)))
