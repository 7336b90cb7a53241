"""Evaluate a router: run it over labelled rows, compute metrics, write metrics.json and plots.

- :func:`run_eval` takes any ``decide(messages, tools) -> RouteDecision`` callable (the real
  :class:`router.router.Router`, or a scripted fake in tests) and an optional argument filler.
- :func:`eval_command` is what ``toolproxy eval`` runs: load rows, load the Router, evaluate, print.
- :func:`compare_with_llm` compares the local route with the upstream LLM's own tool choices
  recorded in traces (pure: dicts in, dict out).

Metric definitions live in :mod:`router.metrics`; row formats in :mod:`router.evalsets`.
"""

from __future__ import annotations

import importlib
import json
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from tqdm import tqdm

from router.evalsets import Catalogue, EvalCase, cases_from_rows, load_cases
from router.metrics import (
    METRIC_KEYS,
    ArgsOutcome,
    RowOutcome,
    arguments_match,
    breakdown,
    compute_metrics,
    confusions,
)
from router.types import NONE, ArgsResult, RouteDecision, ToolSpec

Decide = Callable[[list[dict[str, Any]], list[ToolSpec]], RouteDecision]
Fill = Callable[[list[dict[str, Any]], ToolSpec], ArgsResult]

METRICS_JSON = "metrics.json"
PREDICTIONS_JSONL = "predictions.jsonl"

DESCRIPTIONS: dict[str, str] = {
    "n": "rows evaluated",
    "accuracy": "top-1 right, NONE counted as a class (threshold ignored)",
    "tool_accuracy": "rows needing a tool: right tool chosen",
    "none_precision": "said NONE: NONE was right",
    "none_recall": "NONE was right: said NONE",
    "coverage": "handled locally at the calibrated threshold",
    "precision": "right among the rows handled locally",
    "coverage_at_precision_98": "best coverage keeping precision >= 0.98",
    "args_coverage": "right tool + gold args: required args all filled, schema-valid, one call",
    "args_exact": "of those filled: every scored argument right",
    "latency_ms_p50": "decide() wall time, median (first time a conversation is seen)",
    "latency_ms_p99": "decide() wall time, 99th percentile",
    "n_latency": "rows timed (repeated conversations are cache hits, left out)",
    "n_tool": "rows whose answer is a tool",
    "n_none": "rows whose answer is NONE",
    "answerable_routed": "rows needing a tool: some tool chosen (not NONE)",
    "tool_choice_accuracy": "rows needing a tool: best tool score is gold (NONE aside)",
    "top3_tool_accuracy": "rows needing a tool: gold among the 3 best tool scores",
    "ece": "expected calibration error (10 bins)",
    "n_args": "rows scored for arguments",
}


def _top_tools(decision: RouteDecision, k: int = 3) -> list[str]:
    ranked = sorted(decision.scores.items(), key=lambda kv: kv[1], reverse=True)
    names = [name for name, _ in ranked if name != NONE]
    if decision.tool is not None:  # the chosen tool leads (a first step outranks the tool it prepares)
        names = [decision.tool, *(n for n in names if n != decision.tool)]
    return names[:k]


def _score_args(case: EvalCase, fill: Fill | None) -> tuple[ArgsOutcome | None, dict[str, Any]]:
    tool = case.gold_tool
    if fill is None or case.expected_args is None or tool is None:
        return None, {}
    try:
        result = fill(case.messages, tool)
    except Exception as exc:  # a filler bug is one unfilled row, reported, not a dead eval run
        return ArgsOutcome(filled=False, exact=False), {"args_error": f"{type(exc).__name__}: {exc}"}
    exact = result.complete and arguments_match(result.arguments, case.expected_args)
    detail = {"arguments": result.arguments, "missing": result.missing, "args_errors": result.errors}
    return ArgsOutcome(filled=result.complete, exact=exact), detail


def evaluate_case(
    case: EvalCase, decide: Decide, fill: Fill | None, *, timed: bool = True
) -> tuple[RowOutcome, dict[str, Any]]:
    """Route one case, score it, and return the outcome plus a JSON-able prediction record.

    ``timed=False`` leaves the latency out of the metrics (it is still in the record).
    """
    started = time.perf_counter()
    decision = decide(case.messages, case.tools)
    latency_ms = (time.perf_counter() - started) * 1000.0
    right_tool = decision.tool is not None and decision.tool in case.gold
    args, detail = _score_args(case, fill) if right_tool else (None, {})
    top = _top_tools(decision)
    outcome = RowOutcome(
        gold=case.gold,
        predicted=decision.tool,
        confidence=float(decision.confidence),
        confident=decision.confident,
        latency_ms=latency_ms if timed else None,
        args=args,
        in_top3=any(g in top for g in case.gold) if case.gold else None,
        tool_choice=top[0] if top else None,
    )
    record = {
        "source": case.source,
        **case.meta,
        "gold": list(case.gold) or None,
        "predicted": decision.tool,
        "correct": outcome.correct,
        "confidence": round(outcome.confidence, 6),
        "threshold": decision.threshold,
        "confident": outcome.confident,
        "top3": top,
        "reason": decision.reason,
        "latency_ms": round(latency_ms, 3),
        "latency_counted": timed,
        **({"args_filled": args.filled, "args_exact": args.exact} if args else {}),
        **detail,
    }
    return outcome, record


def run_eval(
    rows: Iterable[EvalCase | Mapping[str, Any]],
    decide: Decide,
    fill: Fill | None = None,
    out_dir: str | Path | None = None,
    *,
    catalogue: Catalogue | None = None,
    progress: bool = True,
    extra: Mapping[str, Any] | None = None,
    seen: set[str] | None = None,
) -> dict[str, Any]:
    """Evaluate ``decide`` (and ``fill``) on ``rows``; write metrics.json, predictions.jsonl and PNGs.

    ``rows`` are :class:`EvalCase` objects or raw row dicts (parsed with ``catalogue``); ``extra``
    entries (e.g. the router version) are appended to the metrics. A conversation already in ``seen``
    (or earlier in ``rows``) is not timed; pass one set across runs that share a router (its caches).
    Returns the metrics dict (:data:`router.metrics.METRIC_KEYS` first, then diagnostics).
    """
    cases = cases_from_rows(rows, catalogue)
    outcomes: list[RowOutcome] = []
    records: list[dict[str, Any]] = []
    seen = set() if seen is None else seen
    for case in tqdm(cases, desc="eval", unit="row", disable=not progress, file=sys.stderr):
        key = json.dumps(case.messages, sort_keys=True, default=str)
        outcome, record = evaluate_case(case, decide, fill, timed=key not in seen)
        seen.add(key)
        outcomes.append(outcome)
        records.append(record)
    metrics = compute_metrics(outcomes) | dict(extra or {})
    if any("category" in case.meta for case in cases):
        labels = [str(case.meta.get("category", "-")) for case in cases]
        metrics["by_category"] = breakdown(outcomes, labels)
    if out_dir is not None:
        write_outputs(metrics, outcomes, records, out_dir)
    return metrics


def write_outputs(
    metrics: Mapping[str, Any],
    outcomes: Sequence[RowOutcome],
    records: Sequence[Mapping[str, Any]],
    out_dir: str | Path,
) -> list[Path]:
    """metrics.json, predictions.jsonl and the three PNG plots into ``out_dir``."""
    from router.plots import write_plots  # matplotlib only when files are wanted

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / METRICS_JSON).write_text(json.dumps(dict(metrics), indent=2) + "\n", encoding="utf-8")
    with open(out / PREDICTIONS_JSONL, "w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, default=str) + "\n")
    return [out / METRICS_JSON, out / PREDICTIONS_JSONL, *write_plots(outcomes, out)]


def format_value(key: str, value: Any) -> str:
    if value is None:
        return "—"
    if key.startswith("latency"):
        return f"{value:.2f} ms"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def print_metrics(metrics: Mapping[str, Any], title: str = "toolproxy eval", file: Any = None) -> None:
    """A readable table of the metrics (rich)."""
    from rich.console import Console
    from rich.table import Table

    keys = list(METRIC_KEYS) + [k for k in metrics if k not in METRIC_KEYS]
    table = Table(title=title)
    # names and values never wrap or get cut (a long router version used to squeeze the names);
    # the explanations take what width is left
    table.add_column("metric", style="bold", no_wrap=True, min_width=max(map(len, keys)))
    table.add_column("value", justify="right", no_wrap=True)
    table.add_column("meaning", style="dim")
    for key in keys:
        if key in metrics and not isinstance(metrics[key], dict | list):
            table.add_row(key, format_value(key, metrics[key]), DESCRIPTIONS.get(key, ""))
    Console(file=file or sys.stdout).print(table)


def load_router(encoder: str | None, checkpoint: str | None, backend: str = "auto") -> Any:
    from router.router import Router
    from router.types import RouterOptions

    return Router(RouterOptions(encoder=encoder, checkpoint=checkpoint, encoder_backend=backend))


def load_filler() -> Fill | None:
    try:
        module = importlib.import_module("router.args")
    except ImportError:
        return None
    fill: Fill | None = getattr(module, "fill_arguments", None)
    return fill


def evaluate_files(
    router: Any,
    data: Sequence[str],
    tools: str | None = None,
    out: str | None = None,
    *,
    fill: Fill | None = None,
    progress: bool = True,
    seen: set[str] | None = None,
) -> dict[str, Any]:
    """Evaluate an already-loaded router on JSONL files; tool text is embedded up front (warm-up).

    ``seen``: conversations this router already routed (see :func:`run_eval`)."""
    cases = load_cases(list(data), tools)
    return evaluate_router(router, cases, out, fill=fill, progress=progress, seen=seen)


def evaluate_router(
    router: Any,
    cases: Sequence[EvalCase],
    out: str | None = None,
    *,
    fill: Fill | None = None,
    progress: bool = True,
    seen: set[str] | None = None,
) -> dict[str, Any]:
    """:func:`run_eval` with a loaded Router: warm its tool cache, record its version."""
    warmup = getattr(router, "warmup", None)
    if callable(warmup):
        unique = {
            (t.name, t.description, json.dumps(t.parameters, sort_keys=True)): t
            for c in cases
            for t in c.tools
        }
        warmup(list(unique.values()))
    version = str(getattr(router, "version", ""))
    return run_eval(
        cases, router.decide, fill, out, progress=progress, extra={"router_version": version}, seen=seen
    )


def eval_command(
    data: list[str],
    tools: str | None,
    checkpoint: str | None,
    out: str | None,
    encoder: str | None,
    *,
    encoder_backend: str = "auto",
    print_json: bool = True,
) -> dict[str, Any]:
    """``toolproxy eval``: rows from ``data`` (+ ``tools`` catalogue), the Router from ``checkpoint``.

    Prints the table, writes ``out/metrics.json``, ``out/predictions.jsonl`` and the PNG plots when
    ``out`` is given, and (``print_json``) prints the metrics as one JSON object on the last stdout
    line. Returns the metrics. The argument filler (``router.args.fill_arguments``) scores arguments.
    """
    cases = load_cases(data, tools)  # bad rows fail before the model loads
    router = load_router(encoder, checkpoint, encoder_backend)
    metrics = evaluate_router(router, cases, out, fill=load_filler())
    print_metrics(metrics, title=f"toolproxy eval — {', '.join(data)}")
    if print_json:
        print(json.dumps(metrics), flush=True)
    return metrics


# --- local route vs the LLM -------------------------------------------------------------------

LOCAL_ROUTE_PREFIXES = ("local:", "rule:", "client_tool:")


def route_path(row: Mapping[str, Any]) -> str:
    """Return "local" when toolproxy answered without showing tools to the LLM, else "llm"."""
    if row.get("path") in ("local", "llm"):
        return str(row["path"])
    route = str(row.get("route") or "")
    return "local" if route == "none" or route.startswith(LOCAL_ROUTE_PREFIXES) else "llm"


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _path_stats(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    def numbers(key: str) -> list[float]:
        return [float(r[key]) for r in rows if r.get(key) is not None]

    latencies = sorted(numbers("latency_ms"))
    return {
        "n": len(rows),
        "prompt_tokens_mean": _mean(numbers("prompt_tokens")),
        "completion_tokens_mean": _mean(numbers("completion_tokens")),
        "latency_ms_mean": _mean(latencies),
        "latency_ms_p50": latencies[len(latencies) // 2] if latencies else None,
        "tokens_saved_mean": _mean(numbers("tokens_saved")),
    }


def _router_tool(row: Mapping[str, Any]) -> tuple[bool, str | None]:
    for key in ("router_tool", "decision_tool", "shadow_tool"):
        if key in row:
            value = row[key]
            return True, None if value in (None, "", NONE) else str(value)
    return False, None


def compare_with_llm(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Agreement between the router's decision and the LLM's tool choice, and cost per path.

    Each row is one exchange (a dict, e.g. from the storage layer's trace rows):

    - ``router_tool``: the router's decided tool (``None``/``"none"`` = NONE); the key must be present
      for the row to count in the agreement (``decision_tool``/``shadow_tool`` are read as aliases);
    - ``llm_tool``: the first tool the upstream LLM called, ``None`` when it answered without a tool;
      the key must be present (only where the LLM was shown the tools: fallback, shadow, observe);
    - ``router_confidence`` (or ``confidence``) and ``threshold`` / ``confident``: optional;
    - ``route`` (``local:<tool>``, ``rule:<tool>``, ``client_tool:<tool>``, ``none``, ``fallback``,
      ``passthrough``) or ``path`` (``local``/``llm``): which path served the request;
    - ``prompt_tokens``, ``completion_tokens``, ``latency_ms``: optional costs.

    Returns ``n``, ``n_compared``, ``agreement`` (``None`` without comparable rows),
    ``n_confident`` / ``agreement_when_confident`` (rows where the router was confident),
    ``disagreements`` (most frequent router/llm pairs), ``paths`` (``local``/``llm``: n and mean
    prompt/completion tokens and latency) and ``prompt_tokens_saved_mean`` (llm minus local).
    """
    compared: list[tuple[str | None, str | None, bool | None]] = []
    for row in rows:
        decided, router_tool = _router_tool(row)
        if not decided or "llm_tool" not in row:
            continue
        llm_tool = row["llm_tool"]
        llm_tool = None if llm_tool in (None, "", NONE) else str(llm_tool)
        compared.append((router_tool, llm_tool, _confident(row)))
    agree = [r == m for r, m, _ in compared]
    confident = [r == m for r, m, c in compared if c]
    pairs: dict[tuple[str, str], int] = {}
    for r, m, _ in compared:
        if r != m:
            key = (r or NONE, m or NONE)
            pairs[key] = pairs.get(key, 0) + 1
    by_path = {p: [r for r in rows if route_path(r) == p] for p in ("local", "llm")}
    paths = {p: _path_stats(group) for p, group in by_path.items()}
    local_tokens, llm_tokens = paths["local"]["prompt_tokens_mean"], paths["llm"]["prompt_tokens_mean"]
    return {
        "n": len(rows),
        "n_compared": len(compared),
        "agreement": _mean([float(a) for a in agree]),
        "n_confident": len(confident),
        "agreement_when_confident": _mean([float(a) for a in confident]),
        "disagreements": [
            {"router": r, "llm": m, "count": c}
            for (r, m), c in sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
        ],
        "paths": paths,
        "prompt_tokens_saved_mean": (
            llm_tokens - local_tokens if llm_tokens is not None and local_tokens is not None else None
        ),
    }


def _confident(row: Mapping[str, Any]) -> bool | None:
    if row.get("confident") is not None:
        return bool(row["confident"])
    confidence = row.get("router_confidence", row.get("confidence"))
    threshold = row.get("threshold")
    if confidence is None or threshold is None:
        return None
    return float(confidence) >= float(threshold)


__all__ = [
    "compare_with_llm",
    "confusions",
    "eval_command",
    "evaluate_case",
    "evaluate_files",
    "evaluate_router",
    "load_filler",
    "load_router",
    "print_metrics",
    "route_path",
    "run_eval",
    "write_outputs",
]
