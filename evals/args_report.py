"""Argument-filling report on the corpora with gold arguments: coverage and exact match per corpus.

    python evals/args_report.py [--data /work/shared/data] [--limit 2000] [--corpus api_bank ...]
                                [--min-score 0.4] [--today 2023-06-01] [--show-misses 20]

Per corpus, over examples with exactly one gold call (the tool is given, as if routing were right):
- ``coverage``: every required parameter filled (``missing`` empty);
- ``complete``: ``ArgsResult.complete`` (filled and schema-valid);
- ``exact|complete``: exact among the complete results (how often a call that would be executed
  without an LLM is exactly right);
- ``exact``: the filled arguments equal the gold ones (values compared case-insensitively,
  numbers by value; values that came from schema defaults and are absent from gold are ignored);
- ``param_p`` / ``param_r``: per-parameter precision and recall of values against gold;
- ``p50 ms`` / ``p99 ms``: time of one ``fill_arguments`` call, measured on a second pass (the
  first call for a tool also checks its schema against the meta-schema; that check is memoised).
  On a shared, loaded machine p99 mostly measures the scheduler.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from router.args import fill_arguments
from router.types import ArgsResult, ToolSpec

CORPORA = ("api_bank", "seal_tools", "acebench_en", "snips_nlu", "hwu64_nlu")


def normalise(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        text = value.strip().strip(".").lower()
        try:
            return float(text)
        except ValueError:
            return text
    if isinstance(value, list):
        return [normalise(v) for v in value]
    if isinstance(value, dict):
        return {k: normalise(v) for k, v in value.items()}
    return value


def load_examples(
    folder: Path, limit: int, seed: int
) -> list[tuple[list[dict[str, Any]], ToolSpec, dict[str, Any]]]:
    tools = {}
    for line in (folder / "tools.jsonl").open():
        row = json.loads(line)
        tools[row["name"]] = ToolSpec(row["name"], row.get("description", ""), row.get("parameters") or {})
    rows = [json.loads(line) for line in (folder / "examples.jsonl").open()]
    rows = [r for r in rows if len(r["calls"]) == 1 and r["calls"][0]["name"] in tools]
    if len(rows) > limit:
        rows = random.Random(seed).sample(rows, limit)
    out = []
    for row in rows:
        messages = list(row.get("messages") or [])
        if not any(m.get("role") == "user" and m.get("content") == row["query"] for m in messages):
            messages.append({"role": "user", "content": row["query"]})
        call = row["calls"][0]
        out.append((messages, tools[call["name"]], call["arguments"]))
    return out


def score(result: ArgsResult, gold: dict[str, Any]) -> tuple[bool, int, int, int]:
    ours = {
        k: v
        for k, v in result.arguments.items()
        if not (result.sources.get(k) == "default" and k not in gold)
    }
    hits = sum(1 for k, v in ours.items() if k in gold and normalise(v) == normalise(gold[k]))
    return normalise(ours) == normalise(gold), hits, len(ours), len(gold)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=Path("/work/shared/data"))
    parser.add_argument("--limit", type=int, default=2000, help="examples per corpus (random sample)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--corpus", nargs="*", default=list(CORPORA))
    parser.add_argument("--min-score", type=float, default=None, help="fill_arguments(min_score=...)")
    parser.add_argument(
        "--today", type=dt.date.fromisoformat, default=None, help="reference date (YYYY-MM-DD)"
    )
    parser.add_argument("--show-misses", type=int, default=0, help="print this many wrong rows per corpus")
    args = parser.parse_args()

    table = Table(title="argument filling on gold calls (single-call examples)")
    for column in (
        "corpus",
        "n",
        "with required",
        "coverage",
        "complete",
        "exact",
        "exact|complete",
        "param_p",
        "param_r",
        "p50 ms",
        "p99 ms",
    ):
        table.add_column(column, justify="left" if column == "corpus" else "right")
    console = Console()
    options: dict[str, Any] = {} if args.min_score is None else {"min_score": args.min_score}
    if args.today is not None:
        options["today"] = args.today
    for name in args.corpus:
        examples = load_examples(args.data / name, args.limit, args.seed)
        n_req = covered = complete = exact = exact_complete = hits = predicted = gold_total = 0
        timings: list[float] = []
        misses: list[tuple[str, dict[str, Any], dict[str, Any], dict[str, str]]] = []
        for messages, tool, gold in examples:
            result = fill_arguments(messages, tool, **options)
            if tool.parameters.get("required"):
                n_req += 1
                covered += not result.missing
            complete += result.complete
            same, h, p, g = score(result, gold)
            exact += same
            exact_complete += same and result.complete
            hits, predicted, gold_total = hits + h, predicted + p, gold_total + g
            if not same and len(misses) < args.show_misses:
                misses.append((messages[-1]["content"], gold, result.arguments, result.sources))
        for messages, tool, _gold in examples:
            started = time.perf_counter()
            fill_arguments(messages, tool, **options)
            timings.append(1000 * (time.perf_counter() - started))
        n = len(examples)
        table.add_row(
            name,
            str(n),
            str(n_req),
            f"{covered / n_req:.3f}" if n_req else "-",
            f"{complete / n:.3f}",
            f"{exact / n:.3f}",
            f"{exact_complete / complete:.3f}" if complete else "-",
            f"{hits / predicted:.3f}" if predicted else "-",
            f"{hits / gold_total:.3f}" if gold_total else "-",
            f"{statistics.median(timings):.2f}",
            f"{statistics.quantiles(timings, n=100)[98]:.2f}" if n > 1 else "-",
        )
        for query, gold, ours, sources in misses:
            console.print(f"[bold]{name}[/] {query[:200]!r}\n  gold={gold}\n  ours={ours} {sources}")
    console.print(table)


if __name__ == "__main__":
    main()
