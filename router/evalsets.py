"""Evaluation input: tool catalogues and JSONL rows, detected per row.

Row formats (one JSON object per line):

- query row: ``{"query": str, "tools": [gold names], "candidates": [names]?}``. The tools offered are the
  ``candidates`` (looked up in the catalogue) or, without them, the whole catalogue. Gold is NONE when
  ``tools`` is empty or none of its names is offered. Several gold names = any of them is right.
- chat row: ``{"messages": [...], "tools": [OpenAI tool defs], "expected": [{"name", "arguments"}]}``.
  ``expected: []`` means NONE; the first expected call is gold (NONE if that tool is not offered).
  ``arguments`` maps a parameter to its acceptable values (a bare value is read as a one-item list).
- corpus row (the shape of ``../shared/data/*/examples.jsonl``): ``{"query", "messages"?, "calls",
  "candidates"?}``. Read like a query row whose gold is the first call, with that call's arguments as
  the only acceptable values and ``messages`` (when present) as the conversation.

Catalogue files (``--tools``): a JSON object ``{name: description}`` (MetaTool's ``metatool_tools.json``)
or ``{name: {"description", "parameters"}}``, a JSON list of tool objects, or JSONL with one tool per line
(``{"name", "description", "parameters"}`` or OpenAI ``{"type": "function", "function": {...}}``).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from router.types import ToolSpec

Catalogue = dict[str, ToolSpec]


class EvalDataError(ValueError):
    """A row or catalogue that cannot be read; the message names the file and line."""


@dataclass
class EvalCase:
    """One conversation to route, with what would be right."""

    messages: list[dict[str, Any]]
    tools: list[ToolSpec]
    gold: tuple[str, ...]  # acceptable tool names; empty = NONE
    expected_args: dict[str, list[Any]] | None = None  # gold arguments of the gold call, if known
    kind: str = "query"  # "query" | "chat" | "corpus"
    source: str = ""  # "file:line"
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def gold_tool(self) -> ToolSpec | None:
        for tool in self.tools:
            if tool.name in self.gold:
                return tool
        return None


def _tool_from_object(obj: Mapping[str, Any], name: str | None = None) -> ToolSpec:
    if "function" in obj:
        return ToolSpec.from_openai(dict(obj))
    return ToolSpec(
        name=str(name if name is not None else obj["name"]),
        description=str(obj.get("description") or ""),
        parameters=dict(obj.get("parameters") or {}),
    )


def parse_catalogue(data: Any) -> Catalogue:
    """Catalogue from already-parsed JSON: an object of name → description/tool, or a list of tools."""
    tools: list[ToolSpec] = []
    if isinstance(data, Mapping):
        for name, value in data.items():
            if isinstance(value, str):
                tools.append(ToolSpec(name=str(name), description=value))
            elif isinstance(value, Mapping):
                tools.append(_tool_from_object(value, name=str(name)))
            else:
                raise EvalDataError(f"catalogue entry {name!r}: expected a description or a tool object")
    elif isinstance(data, list):
        tools = [_tool_from_object(item) for item in data]
    else:
        raise EvalDataError("catalogue: expected a JSON object or list")
    return {t.name: t for t in tools}


def load_catalogue(path: str | Path) -> Catalogue:
    """Read a catalogue file: JSON object/list, or JSONL with one tool per line."""
    text = Path(path).read_text(encoding="utf-8")
    try:
        return parse_catalogue(json.loads(text))
    except json.JSONDecodeError:
        pass
    tools: list[ToolSpec] = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            try:
                tools.append(_tool_from_object(json.loads(line)))
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise EvalDataError(f"{path}:{number}: not a tool object ({exc})") from exc
    return {t.name: t for t in tools}


def _acceptable(values: Mapping[str, Any]) -> dict[str, list[Any]]:
    return {str(k): list(v) if isinstance(v, list) else [v] for k, v in values.items()}


def _offered(
    row: Mapping[str, Any], catalogue: Catalogue | None, source: str
) -> tuple[list[ToolSpec], Catalogue]:
    if catalogue is None:
        raise EvalDataError(f"{source}: a query row needs a tool catalogue (--tools)")
    candidates = row.get("candidates")
    if candidates is None:
        return list(catalogue.values()), catalogue
    missing = [c for c in candidates if c not in catalogue]
    if missing:
        raise EvalDataError(f"{source}: candidates not in the catalogue: {missing[:5]}")
    tools = [catalogue[c] for c in dict.fromkeys(candidates)]
    return tools, {t.name: t for t in tools}


def _user_turn(query: Any) -> list[dict[str, Any]]:
    return [{"role": "user", "content": str(query)}]


def _first_call(
    calls: Sequence[Mapping[str, Any]] | None, offered: Iterable[str]
) -> tuple[tuple[str, ...], dict[str, list[Any]] | None]:
    """Gold name and acceptable arguments of the first call; NONE when absent or not offered."""
    first = calls[0] if calls else None
    if first is None or first["name"] not in set(offered):
        return (), None
    return (str(first["name"]),), _acceptable(first.get("arguments") or {})


META_KEYS = ("id", "category", "corpus")  # row fields kept as case metadata (reports, breakdowns)


def parse_row(row: Mapping[str, Any], catalogue: Catalogue | None = None, source: str = "") -> EvalCase:
    """Detect the row's format and build an :class:`EvalCase`."""
    if not isinstance(row, Mapping):
        raise EvalDataError(f"{source}: a row must be a JSON object")
    case = _parse(row, catalogue, source)
    case.meta = {k: row[k] for k in META_KEYS if row.get(k) is not None}
    return case


def _parse(row: Mapping[str, Any], catalogue: Catalogue | None, source: str) -> EvalCase:
    if "expected" in row and "messages" in row:
        tools = [ToolSpec.from_openai(t) for t in row.get("tools") or []]
        gold, args = _first_call(row["expected"], (t.name for t in tools))
        return EvalCase(list(row["messages"]), tools, gold, args, "chat", source)
    if "calls" in row and "query" in row:
        tools, offered = _offered(row, catalogue, source)
        gold, args = _first_call(row["calls"], offered)
        messages = list(row.get("messages") or _user_turn(row["query"]))
        return EvalCase(messages, tools, gold, args, "corpus", source)
    if "query" in row:
        tools, offered = _offered(row, catalogue, source)
        names = tuple(str(n) for n in row.get("tools") or [] if n in offered)
        return EvalCase(_user_turn(row["query"]), tools, names, None, "query", source)
    raise EvalDataError(f"{source}: unknown row format (keys: {sorted(row)[:8]})")


def iter_jsonl(path: str | Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """(source, row) for each non-blank line of a JSONL file (``.gz`` files are decompressed)."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            source = f"{path}:{number}"
            try:
                yield source, json.loads(line)
            except json.JSONDecodeError as exc:
                raise EvalDataError(f"{source}: invalid JSON ({exc.msg})") from exc


def load_cases(
    paths: Sequence[str | Path], catalogue: Catalogue | str | Path | None = None
) -> list[EvalCase]:
    """Every row of every JSONL file, parsed against one optional catalogue."""
    if isinstance(catalogue, str | Path):
        catalogue = load_catalogue(catalogue)
    return [parse_row(row, catalogue, source) for path in paths for source, row in iter_jsonl(path)]


def cases_from_rows(
    rows: Iterable[EvalCase | Mapping[str, Any]], catalogue: Catalogue | None = None
) -> list[EvalCase]:
    """Accept already-built cases or raw row dicts."""
    return [
        row if isinstance(row, EvalCase) else parse_row(row, catalogue, f"row {i}")
        for i, row in enumerate(rows, 1)
    ]
