"""The benchmark's table (Markdown, so it pastes into the README) and its targets."""

from __future__ import annotations

import math
from typing import Any


def _f(x: Any, nd: int = 1) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return f"{x:.{nd}f}"


def _added(result: dict[str, Any], name: str, kind: str, stat: str, ttft: bool = False) -> float:
    p = result["passthrough"]
    get = (lambda n: p[n][kind]["ttft"][stat]) if ttft else (lambda n: p[n][kind][stat])
    return float(get(name) - get("direct"))


def _ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")


def targets(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target with the measured value, the limit and whether it is met (ratios from this run)."""
    out: list[dict[str, Any]] = []
    if "passthrough" not in result:
        return out

    def add(name: str, value: float, limit: float, higher_is_better: bool = False) -> None:
        met = value >= limit if higher_is_better else value <= limit
        out.append({"target": name, "value": value, "limit": limit, "met": bool(met)})

    add("pass-through added p50 (c=1) / LiteLLM's  ≤ 0.25",
        _ratio(_added(result, "toolproxy", "c1", "p50"), _added(result, "litellm", "c1", "p50")), 0.25)
    add("streamed TTFT added p50 / LiteLLM's  ≤ 0.25",
        _ratio(_added(result, "toolproxy", "stream", "p50", True), _added(result, "litellm", "stream", "p50", True)),
        0.25)
    p = result["passthrough"]
    add("req/s at concurrency 16 / LiteLLM's  ≥ 3", _ratio(p["toolproxy"]["c16"]["rps"], p["litellm"]["c16"]["rps"]),
        3.0, higher_is_better=True)
    add("start-up to ready with router loaded (s)  ≤ 5", result["startup"]["toolproxy_routed"]["ready_s"], 5.0)
    if "recording" in result:
        rec = result["recording"]
        add("recording on the request path (ms)  ≤ 0.5",
            rec["record_call_p99_ms"] + rec["writer_cpu_ms_per_trace"], 0.5)
    if "router" in result:
        add("router decide p50 at 20 tools (ms)  ≤ 8", result["router"]["sizes"]["20"]["p50"], 8.0)
    if "router_int8" in result:
        add("the same, encoder_backend onnx-int8 (ms)  ≤ 8", result["router_int8"]["sizes"]["20"]["p50"], 8.0)
    return out


def render(result: dict[str, Any]) -> str:
    lines: list[str] = []
    p = result.get("passthrough")
    if p:
        names = ["direct", "litellm", "toolproxy"]
        lines += ["### Pass-through (same run, interleaved; ms unless noted)", "",
                  "| metric | direct | LiteLLM | toolproxy | toolproxy / LiteLLM |", "|---|---:|---:|---:|---:|"]

        def row(label: str, vals: list[float], ratio: float | None = None, nd: int = 1) -> None:
            lines.append(f"| {label} | " + " | ".join(_f(v, nd) for v in vals)
                         + f" | {_f(ratio, 2) if ratio is not None else ''} |")

        for kind, label in (("c1", "c=1"), ("c16", "c=16")):
            for stat in ("p50", "p99"):
                row(f"latency {stat} {label}", [p[n][kind][stat] for n in names])
            for stat in ("p50", "p99"):
                ll, tp = _added(result, "litellm", kind, stat), _added(result, "toolproxy", kind, stat)
                row(f"**added {stat} {label}**", [0.0, ll, tp], _ratio(tp, ll), 2)
        row("**req/s c=16**", [p[n]["c16"]["rps"] for n in names],
            _ratio(p["toolproxy"]["c16"]["rps"], p["litellm"]["c16"]["rps"]), 0)
        row("stream TTFT p50", [p[n]["stream"]["ttft"]["p50"] for n in names])
        ll, tp = (_added(result, "litellm", "stream", "p50", True), _added(result, "toolproxy", "stream", "p50", True))
        row("**stream TTFT added p50**", [0.0, ll, tp], _ratio(tp, ll), 2)
        ll, tp = (_added(result, "litellm", "stream", "p99", True), _added(result, "toolproxy", "stream", "p99", True))
        row("stream TTFT added p99", [0.0, ll, tp], _ratio(tp, ll), 2)
        cpu = [float("nan")] + [p[n]["c16"]["cpu_ms_per_req"] for n in names[1:]]
        row("proxy CPU ms / request (c=16)", cpu, _ratio(cpu[2], cpu[1]), 2)
        rss = result["rss_mib"]
        row("RSS MiB (after load)", [float("nan"), rss["litellm"], rss["toolproxy"]],
            _ratio(rss["toolproxy"], rss["litellm"]), 0)
        st = result["startup"]
        row("start-up to ready, s", [float("nan"), st["litellm"]["ready_s"], st["toolproxy"]["ready_s"]], None, 2)
        row("start-up to first OK request, s", [float("nan"), st["litellm"]["first_ok_s"],
                                                st["toolproxy"]["first_ok_s"]], None, 2)
        errors = {n: sum(p[n][k]["errors"] for k in ("c1", "c16", "stream")) for n in names}
        lines += ["", f"errors: {errors}", ""]
    r = result.get("routing")
    if r:
        st = result["startup"]
        lines += ["### Routed request (local managed tool) vs the same request in fallback", "",
                  "| | p50 ms | p99 ms | CPU ms/req | routes seen |", "|---|---:|---:|---:|---|"]
        for n, v in r.items():
            lines.append(f"| {n} | {_f(v['p50'])} | {_f(v['p99'])} | {_f(v.get('cpu_ms_per_req'), 2)} | "
                         f"{', '.join(f'{k}×{c}' for k, c in v['routes'].items())} |")
        tr = result.get("traces", {}).get("toolproxy_routed", {})
        local = next((v for k, v in tr.items() if k and k.startswith("local:")), None)
        lines += ["", f"start-up to ready with the router loaded: {_f(st['toolproxy_routed']['ready_s'], 2)} s; "
                      f"first request served (as fallback while the router loads): "
                      f"{_f(st['toolproxy_routed']['first_ok_s'], 2)} s"]
        if local:
            lines.append(f"tokens saved per routed request (schema tokens not sent, from the trace table): "
                         f"{_f(local['tokens_saved_avg'], 0)}")
        rss = result.get("rss_mib", {})
        if "toolproxy_routed" in rss:
            lines.append(f"RSS with the router loaded (torch + MiniLM): {_f(rss['toolproxy_routed'], 0)} MiB")
        for name, routes in result.get("traces", {}).items():
            lines.append(f"trace rows in {name}'s database: "
                         + ", ".join(f"{k} {v['exchanges']}" for k, v in routes.items()))
        us = result.get("upstream_stats")
        if us:
            lines.append(f"upstream saw {us['requests']} chat requests, {us['with_tools']} of them with tools")
        lines.append("")
    ro = result.get("router")
    if ro:
        lines += ["### Router decision latency (`Router.decide`, in-process, new query each call)", "",
                  "| tools | p50 ms | p90 ms | p99 ms | CPU ms p50 | p50 with cached query embedding |",
                  "|---:|---:|---:|---:|---:|---:|"]
        for size, v in ro["sizes"].items():
            lines.append(f"| {size} | {_f(v['p50'], 2)} | {_f(v['p90'], 2)} | {_f(v['p99'], 2)} | "
                         f"{_f(v.get('cpu_p50'), 2)} | {_f(v['cached_query_p50'], 2)} |")
        lines += ["", f"router load (model + checkpoint) in-process: {_f(ro['router_load_s'], 2)} s"]
        int8 = result.get("router_int8", {}).get("sizes", {})
        for size, v in int8.items():
            lines.append(f"with `encoder_backend: onnx-int8`, {size} tools: p50 {_f(v['p50'], 2)} ms, p99 "
                         f"{_f(v['p99'], 2)} ms, CPU p50 {_f(v.get('cpu_p50'), 2)} ms")
        spin = result.get("router_omp_default", {}).get("sizes", {}).get("20")
        if spin:
            lines.append(f"same at 20 tools with OpenMP's default (spinning) wait policy: p50 {_f(spin['p50'], 1)} ms, "
                         f"p99 {_f(spin['p99'], 1)} ms (the server sets OMP_WAIT_POLICY=PASSIVE)")
        lines.append("")
    rec = result.get("recording")
    if rec:
        lines += ["### Recording", "",
                  f"`Recorder.record()` on the request path: p50 {rec['record_call_p50_ms'] * 1000:.2f} µs, "
                  f"p99 {rec['record_call_p99_ms'] * 1000:.2f} µs; background writer (serialise + SQLite insert): "
                  f"{rec['writer_cpu_ms_per_trace']:.3f} ms CPU per trace ({int(rec['written'])} written)", ""]
    enc = result.get("encoders")
    if enc and "skipped" not in enc:
        st, ox = enc["sentence_transformers"], enc["onnx"]
        lines += ["### Encoder what-if: the same MiniLM on ONNX Runtime (fresh interpreter each)", "",
                  "| encoder | cold start s (imports + load + 1st query) | query p50 ms | query p99 ms | CPU ms p50 |",
                  "|---|---:|---:|---:|---:|",
                  f"| sentence-transformers (torch), current | {_f(st['cold_start_s'], 2)} | {_f(st['latency']['p50'], 2)} | "
                  f"{_f(st['latency']['p99'], 2)} | {_f(st['cpu_p50'], 2)} |",
                  f"| onnxruntime + tokenizers, 1 thread | {_f(ox['cold_start_s'], 2)} | {_f(ox['latency']['p50'], 2)} | "
                  f"{_f(ox['latency']['p99'], 2)} | {_f(ox['cpu_p50'], 2)} |",
                  "", f"min cosine between the two encoders' vectors (60 queries, one padded batch): "
                      f"{enc['cosine_min']:.7f}; export took {_f(enc['export_s'], 1)} s", ""]
    elif enc:
        lines += [f"encoder what-if skipped: {enc['skipped']}", ""]
    tg = result.get("targets")
    if tg:
        lines += ["### Targets", "", "| target | value | met |", "|---|---:|---|"]
        lines += [f"| {t['target']} | {_f(t['value'], 2)} | {'yes' if t['met'] else '**no**'} |" for t in tg]
        lines.append("")
    m = result.get("machine", {})
    lines.append(f"machine: {m.get('cpus')} CPUs, load average at start {m.get('loadavg_start')}, "
                 f"at end {m.get('loadavg_end')}; run took {_f(result.get('duration_s'), 0)} s")
    return "\n".join(lines)
