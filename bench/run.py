"""One command for the whole benchmark: ``python -m bench`` (``--quick`` for a smoke run).

Starts a fast local upstream, the LiteLLM proxy and toolproxy against it, measures them interleaved
(direct → LiteLLM → toolproxy, repeated, so that only same-run ratios count), then the router and the
recorder in-process. Prints a table and writes ``bench/results/latest.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import sqlite3
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson

from bench import configs
from bench.load import CellResult, new_client, run_cell
from bench.procs import Service, free_port, python_service
from bench.report import render, targets
from bench.stats import summary
from bench.tools import questions

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"


@dataclass(frozen=True)
class Sizes:
    rounds: int
    c1: int  # sequential requests per target per round
    c16: int  # requests at concurrency 16 per target per round
    stream: int  # streamed requests per target per round
    routed: int  # routed / fallback requests per round
    warmup: int
    router_n: int
    record_n: int


FULL = Sizes(rounds=3, c1=100, c16=300, stream=100, routed=60, warmup=30, router_n=200, record_n=3000)
QUICK = Sizes(rounds=1, c1=40, c16=100, stream=30, routed=20, warmup=10, router_n=40, record_n=500)


@dataclass
class Target:
    name: str
    url: str
    headers: dict[str, str]
    service: Service | None  # None: the upstream itself (direct)


def chat_body(stream: bool = False, text: str = "Say hello.") -> dict[str, Any]:
    body: dict[str, Any] = {"model": configs.MODEL, "messages": [{"role": "user", "content": text}],
                            "max_tokens": 16}
    if stream:
        body["stream"] = True
    return body


def start_services(work: Path, upstream: str, services: dict[str, Service], log: Any) -> None:
    """Start LiteLLM and the toolproxy variants one after the other (each start-up timed alone);
    each goes into ``services`` as soon as it is spawned, so the caller can stop it on any failure."""
    auth = {"authorization": f"Bearer {configs.MASTER_KEY}"}
    ll = Service("litellm", ["litellm", "--config", str(configs.litellm_config(work / "litellm.yaml", upstream)),
                             "--host", "127.0.0.1", "--port", str(free_port())],
                 0, work / "litellm.log")
    ll.port = int(ll.argv[-1])
    variants = {
        "toolproxy": dict(mode="observe"),
        "toolproxy_routed": dict(mode="intercept", tools=True),
        "toolproxy_fallback": dict(mode="intercept", tools=True, tool_threshold=1.0),
    }
    ll.start(ROOT)
    services["litellm"] = ll
    ll.wait_ready("/health/liveliness")
    ll.wait_first_ok("/v1/chat/completions", chat_body(), auth)
    log(f"  litellm: liveliness {ll.ready_s:.2f}s, first OK request {ll.first_ok_s:.2f}s")
    for name, kw in variants.items():
        port = free_port()
        cfg = configs.toolproxy_config(work / f"{name}.yaml", upstream, work / f"{name}.db", **kw)  # type: ignore[arg-type]
        svc = python_service(name, ["-c", "from proxy.cli import run; run()", "serve", "--config", str(cfg), "--port", str(port),
                                    "--log-level", "warning"], port, work)
        svc.start(ROOT)
        services[name] = svc
        # first OK before ready: requests are served (pass-through / fallback) while the router loads
        svc.wait_first_ok("/v1/chat/completions", chat_body(), {})
        svc.wait_ready("/health/ready")
        log(f"  {name}: first OK request {svc.first_ok_s:.2f}s, ready {svc.ready_s:.2f}s")


async def measure_proxies(targets_: list[Target], routed: list[Target], sizes: Sizes,
                          log: Any) -> dict[str, Any]:
    kinds = {"c1": (chat_body(), 1, sizes.c1), "c16": (chat_body(), 16, sizes.c16),
             "stream": (chat_body(stream=True), 1, sizes.stream)}
    cells: dict[str, dict[str, CellResult]] = {k: {t.name: CellResult() for t in targets_} for k in kinds}
    cpu: dict[str, dict[str, float]] = {k: {t.name: 0.0 for t in targets_} for k in kinds}
    async with new_client(16) as client:
        for t in targets_ + routed:  # warm every path (connections, lazy imports, caches)
            await run_cell(client, t.url, chat_body(text="weather in Reykjavik?"), t.headers, sizes.warmup, 4)
            await run_cell(client, t.url, chat_body(stream=True), t.headers, sizes.warmup // 2, 1)
        for r in range(sizes.rounds):
            for kind, (body, conc, n) in kinds.items():
                for t in targets_:
                    c0 = t.service.cpu_s() if t.service else 0.0
                    res = await run_cell(client, t.url, body, t.headers, n, conc)
                    if t.service:
                        cpu[kind][t.name] += t.service.cpu_s() - c0
                    cells[kind][t.name].extend(res)
            log(f"  round {r + 1}/{sizes.rounds}: pass-through cells done")
        route_cells = {t.name: CellResult() for t in routed}
        route_cpu = {t.name: 0.0 for t in routed}
        asked = [chat_body(text=q) for q in questions()]  # a new question for each request
        for r in range(sizes.rounds):
            for t in routed:
                c0 = t.service.cpu_s() if t.service else 0.0
                start = r * sizes.routed
                res = await run_cell(client, t.url, asked[start:] + asked[:start], t.headers, sizes.routed, 1)
                if t.service:
                    route_cpu[t.name] += t.service.cpu_s() - c0
                route_cells[t.name].extend(res)
            log(f"  round {r + 1}/{sizes.rounds}: routed/fallback cells done")
    out: dict[str, Any] = {"passthrough": {}, "routing": {}}
    for t in targets_:
        row: dict[str, Any] = {}
        for kind in kinds:
            c = cells[kind][t.name]
            row[kind] = {**summary(c.latencies_ms), "errors": c.errors, "routes": dict(c.routes)}
            if kind == "c16":
                row[kind]["rps"] = c.ok / c.wall_s if c.wall_s else 0.0
            if kind == "stream":
                row[kind]["ttft"] = summary(c.ttft_ms)
            if t.service:
                row[kind]["cpu_ms_per_req"] = cpu[kind][t.name] * 1000 / max(1, c.ok + c.errors)
        out["passthrough"][t.name] = row
    for t in routed:
        c = route_cells[t.name]
        out["routing"][t.name] = {**summary(c.latencies_ms), "errors": c.errors, "routes": dict(c.routes)}
        if t.service:
            out["routing"][t.name]["cpu_ms_per_req"] = route_cpu[t.name] * 1000 / max(1, c.ok + c.errors)
    return out


def tokens_saved(db: Path) -> dict[str, Any]:
    """Per route: exchanges recorded and mean estimated prompt tokens saved (from the trace table)."""
    with sqlite3.connect(db) as con:
        rows = con.execute("SELECT route, COUNT(*), AVG(tokens_saved) FROM exchanges GROUP BY route").fetchall()
    return {r[0]: {"exchanges": r[1], "tokens_saved_avg": r[2]} for r in rows}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="about one minute: fewer rounds and requests")
    ap.add_argument("--out", type=Path, default=RESULTS / "latest.json")
    ap.add_argument("--skip-inprocess", action="store_true", help="skip router latency and recording cost")
    args = ap.parse_args(argv)
    os.environ.update(LITELLM_LOCAL_MODEL_COST_MAP="True", HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    sizes = QUICK if args.quick else FULL
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    work = RESULTS / f"run-{stamp}"
    work.mkdir(parents=True, exist_ok=True)
    t_start = time.perf_counter()

    def log(msg: str) -> None:
        print(f"[{time.perf_counter() - t_start:6.1f}s] {msg}", file=sys.stderr, flush=True)

    result: dict[str, Any] = {"started_at": stamp, "quick": args.quick, "sizes": sizes.__dict__,
                              "machine": {"cpus": os.cpu_count(), "loadavg_start": os.getloadavg()}}
    up_port = free_port()
    upstream = python_service("upstream", ["-m", "bench.upstream", "--port", str(up_port)], up_port, work)
    services: dict[str, Service] = {}
    try:
        upstream.start(ROOT)
        upstream.wait_ready("/health")
        log(f"upstream on {upstream.base}; starting proxies (one at a time)")
        start_services(work, upstream.base, services, log)
        auth = {"authorization": f"Bearer {configs.MASTER_KEY}"}
        path = "/v1/chat/completions"
        pass_targets = [Target("direct", upstream.base + path, {}, None),
                        Target("litellm", services["litellm"].base + path, auth, services["litellm"]),
                        Target("toolproxy", services["toolproxy"].base + path, {}, services["toolproxy"])]
        routed_targets = [Target("direct", upstream.base + path, {}, None),
                          Target("toolproxy_routed", services["toolproxy_routed"].base + path, {},
                                 services["toolproxy_routed"]),
                          Target("toolproxy_fallback", services["toolproxy_fallback"].base + path, {},
                                 services["toolproxy_fallback"])]
        log("measuring (interleaved)")
        result.update(asyncio.run(measure_proxies(pass_targets, routed_targets, sizes, log)))
        result["startup"] = {n: {"ready_s": s.ready_s, "first_ok_s": s.first_ok_s} for n, s in services.items()}
        result["rss_mib"] = {n: s.rss_mib() for n, s in services.items()}
        result["upstream_stats"] = orjson.loads(httpx.get(upstream.base + "/stats").content)
    finally:
        for svc in services.values():
            svc.stop()
        upstream.stop()
    result["traces"] = {n: tokens_saved(work / f"{n}.db") for n in ("toolproxy", "toolproxy_routed",
                                                                     "toolproxy_fallback")}
    if not args.skip_inprocess:
        from bench.inprocess import recording_cost, router_latency_subprocess

        log("router decision latency (in-process, OMP_WAIT_POLICY=PASSIVE as the server sets it)")
        result["router"] = router_latency_subprocess(sizes.router_n, {"OMP_WAIT_POLICY": "PASSIVE"})
        log("router decision latency with int8 encoder weights (router.encoder_backend: onnx-int8)")
        result["router_int8"] = router_latency_subprocess(sizes.router_n, {"OMP_WAIT_POLICY": "PASSIVE"},
                                                          backend="onnx-int8")
        if not args.quick:
            log("router decision latency with OpenMP's default (spinning) wait policy, for comparison")
            result["router_omp_default"] = router_latency_subprocess(40, {"OMP_WAIT_POLICY": ""}, sizes=(20,))
        log("recording cost (in-process)")
        result["recording"] = recording_cost(sizes.record_n)
        if not args.quick:
            log("encoder what-if: sentence-transformers vs ONNX Runtime (cold start, per query)")
            try:
                from bench.encoders import compare

                result["encoders"] = compare(sizes.router_n)
            except ImportError as exc:
                result["encoders"] = {"skipped": f"needs onnx and onnxruntime ({exc})"}
    result["machine"]["loadavg_end"] = os.getloadavg()
    result["duration_s"] = time.perf_counter() - t_start
    result["targets"] = targets(result)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(orjson.dumps(result, option=orjson.OPT_INDENT_2 | orjson.OPT_SERIALIZE_NUMPY))
    (work / "result.json").write_bytes(args.out.read_bytes())
    print(render(result))
    log(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
