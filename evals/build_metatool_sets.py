"""MetaTool's tool-selection settings, built from the held-out split (``evals/metatool/test.jsonl``).

    python evals/build_metatool_sets.py [--tools /work/shared/data/metatool/metatool_tools.json] [--seed 0]

Query rows for ``toolproxy eval --tools metatool_tools.json``, one file each, every test query once:

- ``similar.jsonl`` — the gold tool plus the 4 tools whose text is nearest to it (MetaTool's "similar
  choices" setting): which one?
- ``drop_near.jsonl`` — the same 4 neighbours without the gold tool: NONE is right (the "reliability"
  setting). Hard on purpose: MetaTool holds near-duplicate tools (``ResearchFinder`` / ``ResearchHelper``),
  so read its NONE recall as a lower bound.
- ``drop_far.jsonl`` — 4 tools drawn at random (seeded) from those outside the gold tool's 20 nearest:
  no offered tool can answer.

Tool text and nearness as in ``evals/build_unseen.py`` (all-MiniLM-L6-v2, cosine, ties by name). Rows
with several gold tools keep the first as the answer and never offer the others.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from typing import Any

from build_unseen import embed, nearest_tools, read_jsonl, tool_text

HERE = Path(__file__).resolve().parent
FAR_SKIP = 20


def build(rows: list[dict[str, Any]], catalogue: dict[str, str], seed: int) -> dict[str, list[dict[str, Any]]]:
    names = sorted(catalogue)
    vectors = embed([tool_text({"name": n, "description": catalogue[n]}) for n in names])
    nearest = nearest_tools(names, vectors)
    rng = random.Random(seed)
    out: dict[str, list[dict[str, Any]]] = {"similar": [], "drop_near": [], "drop_far": []}
    for row in rows:
        gold, others = row["tools"][0], set(row["tools"][1:])
        near = [n for n in nearest[gold] if n not in others][:4]
        far_pool = [n for n in nearest[gold][FAR_SKIP:] if n not in others]
        far = rng.sample(far_pool, 4)
        out["similar"].append({"query": row["query"], "tools": [gold], "candidates": [gold, *near]})
        out["drop_near"].append({"query": row["query"], "tools": [gold], "candidates": near})
        out["drop_far"].append({"query": row["query"], "tools": [gold], "candidates": far})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tools", default="/work/shared/data/metatool/metatool_tools.json")
    parser.add_argument("--test", default=str(HERE / "metatool" / "test.jsonl"))
    parser.add_argument("--out", default=str(HERE / "metatool"))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    catalogue = json.loads(Path(args.tools).read_text(encoding="utf-8"))
    for name, rows in build(read_jsonl(Path(args.test)), catalogue, args.seed).items():
        path = Path(args.out) / f"{name}.jsonl"
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        print(f"{path}: {len(rows)} rows")


if __name__ == "__main__":
    main()
