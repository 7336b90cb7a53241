"""Of the rows where no tool is right, how many would the proxy run a tool for on its own?

    python evals/run_all.py --only near_domain --out /tmp/run
    python evals/wrong_local_calls.py --results /tmp/run/near_domain

A NONE row the router answers with a tool above its bar is a wrong call only when the arguments fill too:
with a required argument missing the proxy sends the request upstream with the tools (route fallback) and the
LLM decides. This reads ``predictions.jsonl`` and fills the predicted tool's arguments for each such row.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from router.args import fill_arguments
from router.evalsets import iter_jsonl
from router.types import ToolSpec


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", required=True, help="a run_all set folder holding predictions.jsonl")
    args = parser.parse_args()
    rows: dict[str, dict[str, Any]] = {}  # source ("file:line") -> row
    loaded: set[str] = set()
    none_rows = confident = run_here = 0
    for line in (Path(args.results) / "predictions.jsonl").read_text().splitlines():
        pred = json.loads(line)
        if pred["gold"]:
            continue
        none_rows += 1
        if pred["predicted"] is None or not pred["confident"]:
            continue
        confident += 1
        path = pred["source"].rpartition(":")[0]
        if path not in loaded:
            loaded.add(path)
            rows.update(iter_jsonl(path))
        row = rows[pred["source"]]
        spec = next(s for s in map(ToolSpec.from_openai, row["tools"]) if s.name == pred["predicted"])
        filled = fill_arguments(row["messages"], spec)
        run_here += filled.complete
        status = "RUNS" if filled.complete else f"fallback (missing {', '.join(filled.missing)})"
        print(f"{pred['predicted']} {filled.arguments} {status} | {row['messages'][-1]['content'][:90]}")
    print(f"NONE rows {none_rows}: a tool above the bar {confident}, of which the proxy would run {run_here} "
          f"(arguments complete); the rest go upstream with the tools")


if __name__ == "__main__":
    main()
