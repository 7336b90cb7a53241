"""Build the shipped replay sample from ``../shared/data``: ``python -m router.replay.build [--out DIR]``.

For each corpus in ``router.replay.CORPORA``: a seeded sample of its examples (gold calls reduced
to names, the offered candidates kept) and the tools those rows offer. For corpora without per-row
candidates, the whole catalogue is kept. Tools keep their name, description and parameter names
and types; that is all ``router.encoder.tool_text`` reads. Files are gzip with a fixed mtime, so a
rebuild is byte-identical.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from router.data import SHARED_DATA, read_query_rows
from router.replay import CORPORA, HERE


def _slim_tool(tool: dict[str, Any]) -> dict[str, Any]:
    params = tool.get("parameters") or {}
    props = params.get("properties") if isinstance(params, dict) else None
    slim: dict[str, Any] = {"type": "object", "properties": {}}
    if isinstance(props, dict):
        slim["properties"] = {
            str(k): {"type": v.get("type", "string")} if isinstance(v, dict) else {} for k, v in props.items()
        }
    return {"name": tool["name"], "description": tool.get("description") or "", "parameters": slim}


def _slim_row(row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"calls": [{"name": c["name"]} for c in row.get("calls") or []]}
    if row.get("messages"):
        out["messages"] = [
            {k: m[k] for k in ("role", "content") if k in m} for m in row["messages"] if m.get("role") in ("user", "assistant")
        ]
    else:
        out["query"] = row["query"]
    if row.get("candidates") is not None:
        out["candidates"] = list(row["candidates"])
    return out


def _write(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    data = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rows).encode()
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as handle:
        handle.write(data)


def build(out: Path = HERE, source: Path = SHARED_DATA, seed: int = 0) -> dict[str, int]:
    counts = {}
    for corpus, keep in sorted(CORPORA.items()):
        tools = {t["name"]: t for t in read_query_rows(source / corpus / "tools.jsonl")}
        rows = [r for r in read_query_rows(source / corpus / "examples.jsonl")
                if all(c["name"] in tools for c in r.get("calls") or [])]
        rows = random.Random(seed).sample(rows, min(keep, len(rows)))
        rows.sort(key=lambda r: str(r.get("id", "")))
        if all(r.get("candidates") is not None for r in rows):
            used = {n for r in rows for n in [*r["candidates"], *(c["name"] for c in r.get("calls") or [])]}
        else:
            used = set(tools)
        folder = out / corpus
        folder.mkdir(parents=True, exist_ok=True)
        _write(folder / "tools.jsonl.gz", (_slim_tool(tools[n]) for n in sorted(used)))
        _write(folder / "examples.jsonl.gz", map(_slim_row, rows))
        counts[corpus] = len(rows)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=str(HERE))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(json.dumps(build(Path(args.out), seed=args.seed)))


if __name__ == "__main__":
    main()
