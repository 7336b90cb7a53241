"""How well ``router.compound`` tells requests for several actions from single ones, per corpus.

    python evals/compound_report.py

For every corpus in ../shared/data whose rows carry their gold calls, prints a table: rows with
several gold calls and the fraction the detector flags (recall), single-call rows and the fraction it
flags (false positives). CallNavi was not looked at while writing the markers; the others were.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from router.compound import asks_for_several  # noqa: E402
from router.data import SHARED_DATA  # noqa: E402

CORPORA = ("callnavi", "seal_tools", "stabletoolbench_queries", "acebench_en", "api_bank", "hwu64_nlu",
           "snips_nlu")


def main() -> None:
    print("| corpus | several calls | flagged | single call | flagged |")
    print("|---|---:|---:|---:|---:|")
    for name in CORPORA:
        several: list[bool] = []
        single: list[bool] = []
        for line in (SHARED_DATA / name / "examples.jsonl").open():
            row = json.loads(line)
            query = row.get("query")
            if not row.get("calls") or not isinstance(query, str):
                continue
            (several if len(row["calls"]) > 1 else single).append(asks_for_several(query))

        def rate(flags: list[bool]) -> str:
            return f"{sum(flags) / len(flags):.3f}" if flags else "—"

        print(f"| {name} | {len(several)} | {rate(several)} | {len(single)} | {rate(single)} |")


if __name__ == "__main__":
    main()
