"""Training data for the router: corpora, JSONL files and traces in one shape.

A ``TrainSet`` holds tools by *key* (``"<group>::<name>"``, so equal names from different
corpora stay apart) and ``TrainExample`` rows: the routing text, the gold tool key (None = NONE),
the other tools the row also calls (never used as negatives) and the offered candidates (None =
the group's whole catalogue).

Sources:
- the corpora in ``../shared/data`` (``load_corpus``; MetaTool with ``load_metatool``);
- JSONL files in the formats ``toolproxy eval`` reads (query, chat and corpus rows,
  ``router.evalsets``) — ``load_data_file``;
- traces: ``{"messages", "tools", "label"}`` dicts (label = tool name, or None/"none") — ``from_traces``.

``metatool_split`` makes the seeded, per-tool stratified held-out split used as the seen-catalogue
benchmark; ``write_metatool_split`` saves it under ``evals/metatool/``.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from router.context import build_context
from router.evalsets import EvalCase, iter_jsonl, load_cases, load_catalogue
from router.types import NONE, ToolSpec

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
if not SHARED_DATA.exists():  # running from an installed copy or another checkout
    SHARED_DATA = Path("/work/shared/data")


@dataclass(frozen=True)
class TrainExample:
    """One labelled routing decision."""

    last: str  # last user turn
    window: str  # earlier turns + last ("" when there are none)
    window_weight: float  # how much the window's embedding counts (router.context)
    gold: str | None  # tool key, None = NONE
    group: str  # corpus / source name
    candidates: tuple[str, ...] | None = None  # offered tool keys; None = the group's catalogue
    also_called: tuple[str, ...] = ()  # other tools the row calls: never negatives


@dataclass
class TrainSet:
    tools: dict[str, ToolSpec] = field(default_factory=dict)
    examples: list[TrainExample] = field(default_factory=list)
    catalogues: dict[str, list[str]] = field(default_factory=dict)  # group -> tool keys

    def extend(self, other: TrainSet) -> TrainSet:
        self.tools.update(other.tools)
        self.examples.extend(other.examples)
        for group, keys in other.catalogues.items():
            merged = dict.fromkeys(self.catalogues.get(group, []))
            merged.update(dict.fromkeys(keys))
            self.catalogues[group] = list(merged)
        return self

    def offered(self, example: TrainExample) -> list[str]:
        if example.candidates is not None:
            return list(example.candidates)
        return self.catalogues[example.group]

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for ex in self.examples:
            out[ex.group] += 1
        return dict(out)


def tool_key(group: str, name: str) -> str:
    return f"{group}::{name}"


def key_name(key: str) -> str:
    return key.split("::", 1)[1] if "::" in key else key


def _example(
    messages: list[dict[str, Any]],
    gold: str | None,
    group: str,
    candidates: Sequence[str] | None,
    also: Sequence[str] = (),
    turns: int = 3,
) -> TrainExample | None:
    ctx = build_context(messages, turns)
    if not ctx.last or ctx.after_tool_result:
        # after a tool result the router answers by rule, not by meaning; its label (the next call
        # in a chain, or none) would be taught as the answer to the last user message
        return None
    return TrainExample(
        last=ctx.last,
        window=ctx.window if ctx.previous else "",
        window_weight=ctx.window_weight,
        gold=gold,
        group=group,
        candidates=tuple(candidates) if candidates is not None else None,
        also_called=tuple(a for a in also if a != gold),
    )


def _user(query: str) -> list[dict[str, Any]]:
    return [{"role": "user", "content": query}]


def _read_jsonl(path: Path) -> Iterable[dict[str, Any]]:
    for _, row in iter_jsonl(path):
        yield row


def _corpus_file(folder: Path, name: str) -> Path:
    """``folder/name``, or its gzip-compressed ``name.gz`` (the shipped replay corpora)."""
    plain = folder / name
    return plain if plain.exists() or not (folder / f"{name}.gz").exists() else folder / f"{name}.gz"


def _tool_from_row(row: Mapping[str, Any]) -> ToolSpec:
    return ToolSpec(
        name=str(row["name"]),
        description=str(row.get("description") or ""),
        parameters=dict(row.get("parameters") or {}),
    )


def load_corpus(
    folder: str | Path,
    group: str | None = None,
    max_examples: int | None = None,
    seed: int = 0,
    max_calls: int = 4,
) -> TrainSet:
    """A ``../shared/data`` corpus folder (``tools.jsonl`` + ``examples.jsonl``).

    Gold is the first call; the row's other calls are kept apart (never negatives). Rows with
    more than ``max_calls`` calls are skipped; ``max_examples`` subsamples with ``seed``.
    """
    path = Path(folder)
    group = group or path.name
    tools = {tool_key(group, t.name): t for t in map(_tool_from_row, _read_jsonl(_corpus_file(path, "tools.jsonl")))}
    rows = list(_read_jsonl(_corpus_file(path, "examples.jsonl")))
    if max_examples is not None and len(rows) > max_examples:
        rows = random.Random(seed).sample(rows, max_examples)
    examples = []
    for row in rows:
        calls = [str(c["name"]) for c in row.get("calls") or []]
        if len(calls) > max_calls or any(tool_key(group, c) not in tools for c in calls):
            continue
        candidates = row.get("candidates")
        cand_keys = [tool_key(group, c) for c in candidates] if candidates is not None else None
        if cand_keys is not None and any(k not in tools for k in cand_keys):
            continue
        keys = [tool_key(group, c) for c in calls]
        gold = keys[0] if keys else None
        if gold is not None and cand_keys is not None and gold not in cand_keys:
            gold = None  # the right tool is not offered: NONE
        messages = row.get("messages") or _user(str(row["query"]))
        ex = _example(messages, gold, group, cand_keys, keys)
        if ex is not None:
            examples.append(ex)
    return TrainSet(tools=tools, examples=examples, catalogues={group: list(tools)})


def load_metatool(
    folder: str | Path | None = None, rows: Sequence[Mapping[str, Any]] | None = None
) -> TrainSet:
    """MetaTool's ``metatool_tools.json`` + ``metatool_train.jsonl`` (or the given query rows)."""
    path = Path(folder) if folder is not None else SHARED_DATA / "metatool"
    group = "metatool"
    descriptions = json.loads((path / "metatool_tools.json").read_text(encoding="utf-8"))
    tools = {tool_key(group, n): ToolSpec(name=n, description=d) for n, d in descriptions.items()}
    source = rows if rows is not None else list(_read_jsonl(path / "metatool_train.jsonl"))
    examples = []
    for row in source:
        labels = [tool_key(group, t) for t in row.get("tools") or [] if tool_key(group, t) in tools]
        ex = _example(_user(str(row["query"])), labels[0] if labels else None, group, None, labels)
        if ex is not None:
            examples.append(ex)
    return TrainSet(tools=tools, examples=examples, catalogues={group: list(tools)})


def from_cases(cases: Sequence[EvalCase], group: str) -> TrainSet:
    """Training rows from parsed eval-format cases (each case carries its own offered tools)."""
    out = TrainSet(catalogues={group: []})
    for case in cases:
        keys = []
        for tool in case.tools:
            key = tool_key(group, tool.name)
            out.tools.setdefault(key, tool)
            keys.append(key)
        gold = tool_key(group, case.gold[0]) if case.gold else None
        also = [tool_key(group, g) for g in case.gold]
        ex = _example(case.messages, gold, group, keys, also)
        if ex is not None:
            out.examples.append(ex)
    out.catalogues[group] = list(out.tools)
    return out


def load_data_file(
    path: str | Path, tools_file: str | Path | None = None, group: str | None = None
) -> TrainSet:
    """A JSONL file in any format ``toolproxy eval`` reads (query, chat or corpus rows)."""
    catalogue = load_catalogue(tools_file) if tools_file is not None else None
    cases = load_cases([path], catalogue)
    return from_cases(cases, group or Path(path).stem)


def from_traces(traces: Sequence[Mapping[str, Any]], group: str = "traces") -> TrainSet:
    """Rows ``{"messages", "tools", "label"}``: tools are OpenAI definitions or ``ToolSpec``s;
    ``label`` is the tool the conversation needed (the upstream's choice, or a correction),
    or None / ``"none"`` for no tool."""
    cases = []
    for trace in traces:
        tools = [
            t if isinstance(t, ToolSpec) else ToolSpec.from_openai(dict(t)) for t in trace.get("tools") or []
        ]
        label = trace.get("label")
        names = {t.name for t in tools}
        gold: tuple[str, ...] = (str(label),) if label and label != NONE and label in names else ()
        cases.append(EvalCase(list(trace.get("messages") or []), tools, gold))
    return from_cases(cases, group)


# ---------------------------------------------------------------------------- MetaTool split


def metatool_split(
    rows: Sequence[Mapping[str, Any]], test_fraction: float = 0.2, seed: int = 0
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Per-tool stratified split of MetaTool query rows (by first label); deterministic in ``seed``."""
    by_tool: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        labels = row.get("tools") or [NONE]
        by_tool[str(labels[0])].append(dict(row))
    rng = random.Random(seed)
    train: list[dict[str, Any]] = []
    test: list[dict[str, Any]] = []
    for name in sorted(by_tool):
        group = by_tool[name]
        rng.shuffle(group)
        n_test = max(1, round(len(group) * test_fraction)) if len(group) > 1 else 0
        test.extend(group[:n_test])
        train.extend(group[n_test:])
    return train, test


def write_metatool_split(
    out_dir: str | Path = "evals/metatool",
    seed: int = 0,
    source: str | Path | None = None,
    names: tuple[str, str] = ("train", "test"),
) -> tuple[Path, Path]:
    """Save the split as query rows (``train.jsonl``, ``test.jsonl``); the catalogue stays
    ``../shared/data/metatool/metatool_tools.json``.

    ``source`` splits another file of query rows instead. The dev split that chose ``toolproxy
    train``'s recipe is ``write_metatool_split(DIR, seed=1, source="evals/metatool/train.jsonl",
    names=("train", "dev"))``, i.e. ``python -m router.data DIR --seed 1 --source evals/metatool/train.jsonl --dev``.
    """
    rows = list(_read_jsonl(Path(source) if source else SHARED_DATA / "metatool" / "metatool_train.jsonl"))
    train, test = metatool_split(rows, seed=seed)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, part in zip(names, (train, test), strict=True):
        path = out / f"{name}.jsonl"
        with open(path, "w", encoding="utf-8") as handle:
            for row in part:
                handle.write(json.dumps({"query": row["query"], "tools": row["tools"]}) + "\n")
        paths.append(path)
    return paths[0], paths[1]


def read_query_rows(path: str | Path) -> list[dict[str, Any]]:
    return list(_read_jsonl(Path(path)))


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m router.data OUT [--seed N] [--source FILE] [--dev]``: write a MetaTool split."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m router.data", description=main.__doc__)
    parser.add_argument("out")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--source", default=None, help="query rows to split (default: MetaTool's train file)")
    parser.add_argument("--dev", action="store_true", help="name the held-out part dev.jsonl")
    args = parser.parse_args(argv)
    names = ("train", "dev") if args.dev else ("train", "test")
    for path in write_metatool_split(args.out, args.seed, args.source, names):
        print(f"{path}: {len(read_query_rows(path))} rows")


if __name__ == "__main__":
    main()
