"""What the action check (``router.actions``) costs and what it catches.

    python evals/actions_report.py [--results evals/results]

- ``false_alarms``: per corpus of ``../shared/data``, how many gold calls (the tool a row really calls, for
  its last user turn) the check flags. Each is a right route the check would send to the LLM.
- ``caught``: per eval set in ``--results`` (the ``predictions.jsonl`` of ``evals/run_all.py``), the tool
  routes that would be confident without the check, how many of them are wrong, and how many of each the
  check sends to the LLM (their ``reason`` carries its "unsure" note, names the flagged tool, and the answer
  is NONE; the confidence before the check is the recorded one divided by
  ``ACTION_CONFLICT_FACTOR``).
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from router.actions import ACTION_CONFLICT_FACTOR, conflict
from router.context import build_context
from router.data import SHARED_DATA

HERE = Path(__file__).resolve().parent


def gold_pairs(folder: Path) -> list[tuple[str, str]]:
    """(last user turn, gold tool) of a corpus's rows that call a tool."""
    if (folder / "examples.jsonl").exists():
        rows = [json.loads(line) for line in (folder / "examples.jsonl").open()]
    else:  # metatool's own shape
        rows = [
            {"query": r["query"], "calls": [{"name": t} for t in r["tools"]]}
            for r in map(json.loads, (folder / "metatool_train.jsonl").open())
        ]
    pairs = []
    for row in rows:
        if row.get("calls"):
            messages = row.get("messages") or [{"role": "user", "content": row["query"]}]
            pairs.append((build_context(messages).last, str(row["calls"][0]["name"])))
    return pairs


def _flagged(row: dict[str, object]) -> bool:
    return "unsure: the request asks" in str(row["reason"])  # the action check's note, not another unsure one


_FLAGGED_TOOL = re.compile(r"unsure: the request asks [^,]*, (\S+) (?:would|only reads)")


def _tool(row: dict[str, object]) -> str | None:
    """The tool the router would have routed to: the flagged best tool (named in the reason), or the answer."""
    found = _FLAGGED_TOOL.search(str(row["reason"])) if _flagged(row) else None
    return found.group(1) if found else row["predicted"]  # type: ignore[return-value]


def _confident_without_check(row: dict[str, object]) -> bool:
    if not _flagged(row):
        return bool(row["confident"])
    return float(row["confidence"]) / ACTION_CONFLICT_FACTOR >= float(row["threshold"])  # type: ignore[arg-type]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--results", default=str(HERE / "results"))
    args = parser.parse_args()
    alarms = {}
    for folder in sorted(p for p in SHARED_DATA.iterdir() if p.is_dir()):
        pairs = gold_pairs(folder)
        if pairs:
            alarms[folder.name] = {"gold_calls": len(pairs), "flagged": sum(bool(conflict(q, t)) for q, t in pairs)}
    caught = {}
    for path in sorted(Path(args.results).glob("*/predictions.jsonl")):
        rows = [json.loads(line) for line in path.open()]
        routed = [r for r in rows if _tool(r) and _confident_without_check(r)]
        flagged = [r for r in routed if _flagged(r)]
        caught[path.parent.name] = {
            "confident_without_check": len(routed),
            "wrong_without_check": sum(_tool(r) not in (r["gold"] or []) for r in routed),
            "flagged_wrong": sum(_tool(r) not in (r["gold"] or []) for r in flagged),
            "flagged_right": sum(_tool(r) in (r["gold"] or []) for r in flagged),
        }
    print(json.dumps({"false_alarms": alarms, "caught": caught}))


if __name__ == "__main__":
    main()
