"""Row format detection and catalogue loading for `toolproxy eval`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from router.announced import is_tool_search
from router.evalsets import EvalDataError, load_cases, load_catalogue, parse_catalogue, parse_row

CATALOGUE = parse_catalogue(
    {"weather": "Current weather for a city", "email": "Send an email", "search": "Web search"}
)

WEATHER_DEF = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Weather for a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}


def test_query_row_offers_whole_catalogue_without_candidates() -> None:
    case = parse_row({"query": "is it raining?", "tools": ["weather"]}, CATALOGUE)
    assert case.kind == "query"
    assert [t.name for t in case.tools] == ["weather", "email", "search"]
    assert case.gold == ("weather",)
    assert case.messages == [{"role": "user", "content": "is it raining?"}]
    assert case.expected_args is None


def test_query_row_with_candidates_offers_only_those() -> None:
    case = parse_row({"query": "mail bob", "tools": ["email"], "candidates": ["search", "email"]}, CATALOGUE)
    assert [t.name for t in case.tools] == ["search", "email"]
    assert case.gold == ("email",)


def test_query_row_gold_not_offered_or_empty_is_none() -> None:
    assert (
        parse_row({"query": "mail bob", "tools": ["email"], "candidates": ["search"]}, CATALOGUE).gold == ()
    )
    assert parse_row({"query": "hi there", "tools": []}, CATALOGUE).gold == ()


def test_query_row_keeps_every_offered_gold_label() -> None:
    case = parse_row({"query": "weather?", "tools": ["weather", "search", "unknown"]}, CATALOGUE)
    assert case.gold == ("weather", "search")


def test_query_row_without_catalogue_or_with_unknown_candidate_is_an_error() -> None:
    with pytest.raises(EvalDataError, match="catalogue"):
        parse_row({"query": "x", "tools": []}, None, "f.jsonl:3")
    with pytest.raises(EvalDataError, match="f.jsonl:4"):
        parse_row({"query": "x", "tools": [], "candidates": ["nope"]}, CATALOGUE, "f.jsonl:4")


def test_chat_row_gold_and_acceptable_arguments() -> None:
    row = {
        "messages": [{"role": "user", "content": "weather in Paris?"}],
        "tools": [WEATHER_DEF],
        "expected": [{"name": "get_weather", "arguments": {"city": ["Paris", "paris"], "unit": "celsius"}}],
    }
    case = parse_row(row)
    assert case.kind == "chat"
    assert case.gold == ("get_weather",)
    assert case.tools[0].parameters["required"] == ["city"]
    assert case.expected_args == {"city": ["Paris", "paris"], "unit": ["celsius"]}
    assert case.gold_tool is not None and case.gold_tool.name == "get_weather"


def test_chat_row_expected_empty_is_none() -> None:
    row = {
        "messages": [{"role": "user", "content": "tell me a joke"}],
        "tools": [WEATHER_DEF],
        "expected": [],
    }
    case = parse_row(row)
    assert case.gold == () and case.expected_args is None and case.gold_tool is None


def test_corpus_row_uses_messages_and_first_call() -> None:
    catalogue = parse_catalogue([{"name": "AddAlarm", "description": "Set an alarm", "parameters": {}}])
    row = {
        "query": "wake me at 7",
        "messages": [{"role": "user", "content": "hello"}, {"role": "user", "content": "wake me at 7"}],
        "calls": [{"name": "AddAlarm", "arguments": {"time": "07:00"}}],
        "candidates": ["AddAlarm"],
    }
    case = parse_row(row, catalogue)
    assert case.kind == "corpus"
    assert len(case.messages) == 2
    assert case.gold == ("AddAlarm",)
    assert case.expected_args == {"time": ["07:00"]}


def test_unknown_row_format() -> None:
    with pytest.raises(EvalDataError, match="unknown row format"):
        parse_row({"text": "x"}, CATALOGUE)


def test_catalogue_formats(tmp_path: Path) -> None:
    as_object = tmp_path / "tools.json"
    as_object.write_text(json.dumps({"calculator": "Does maths", "weather": {"description": "Weather"}}))
    assert {n: t.description for n, t in load_catalogue(as_object).items()} == {
        "calculator": "Does maths",
        "weather": "Weather",
    }
    as_jsonl = tmp_path / "tools.jsonl"
    as_jsonl.write_text(
        json.dumps({"name": "a", "description": "A tool", "parameters": {"type": "object"}})
        + "\n\n"
        + json.dumps(WEATHER_DEF)
        + "\n"
    )
    loaded = load_catalogue(as_jsonl)
    assert list(loaded) == ["a", "get_weather"]
    assert loaded["a"].parameters == {"type": "object"}
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"name": "a"}\n{not json\n')
    with pytest.raises(EvalDataError, match="bad.jsonl:2"):
        load_catalogue(bad)


def test_metatool_catalogue_file_loads() -> None:
    path = Path("/work/shared/data/metatool/metatool_tools.json")
    catalogue = load_catalogue(path)
    assert len(catalogue) == 199
    assert catalogue["calculator"].description.startswith("A calculator app")


def test_load_cases_detects_formats_per_row(tmp_path: Path) -> None:
    data = tmp_path / "mixed.jsonl"
    rows = [
        {"query": "is it sunny?", "tools": ["weather"]},
        {"messages": [{"role": "user", "content": "hi"}], "tools": [WEATHER_DEF], "expected": []},
    ]
    data.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    catalogue_file = tmp_path / "tools.json"
    catalogue_file.write_text(json.dumps({"weather": "Weather"}))
    cases = load_cases([data], catalogue_file)
    assert [c.kind for c in cases] == ["query", "chat"]
    assert cases[0].source.endswith("mixed.jsonl:1")
    broken = tmp_path / "broken.jsonl"
    broken.write_text(json.dumps(rows[0]) + "\n{oops\n")
    with pytest.raises(EvalDataError, match="broken.jsonl:2"):
        load_cases([broken], catalogue_file)


EVALS = Path(__file__).resolve().parents[2] / "evals"


def test_committed_assistant_set_is_well_formed() -> None:
    cases = load_cases([EVALS / "assistant_chat.jsonl"])
    assert len(cases) >= 40
    assert all(len(c.tools) == 8 for c in cases)
    with_tool = [c for c in cases if c.gold]
    assert 20 <= len(with_tool) <= len(cases) - 12  # plenty of NONE rows too
    for case in with_tool:
        tool = case.gold_tool
        assert tool is not None and case.expected_args is not None
        assert set(case.expected_args) <= set(tool.parameters["properties"])


def _builder(name: str) -> Any:
    """An eval set's build script (``evals/<name>.py``) as a module."""
    import importlib
    import sys

    sys.path.insert(0, str(EVALS))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(EVALS))


def test_committed_near_domain_set_matches_its_builder() -> None:
    build_near_domain = _builder("build_near_domain")
    cases = load_cases([EVALS / "near_domain.jsonl"])
    assert len(cases) == len(build_near_domain.ROWS)
    for case, (tools, request, gold) in zip(cases, build_near_domain.ROWS, strict=True):
        assert case.messages[-1]["content"] == request
        assert [t.name for t in case.tools] == [t["function"]["name"] for t in tools]
        assert case.gold == ((gold,) if gold else ())
        assert gold is None or gold in [t.name for t in case.tools]
    nones = sum(1 for c in cases if not c.gold)
    assert len(cases) / 3 < nones < len(cases)  # mostly rows no offered tool serves, some that one does


def test_committed_functions_set_matches_its_builder() -> None:
    build_functions = _builder("build_functions")
    cases = load_cases([EVALS / "functions_chat.jsonl"])
    calls, nones = cases[: len(build_functions.ROWS)], cases[len(build_functions.ROWS) :]
    for case, (category, function, request, arguments) in zip(calls, build_functions.ROWS, strict=True):
        last = request[-1]["content"] if isinstance(request, list) else request
        assert case.messages[-1]["content"] == last and case.meta["category"] == category
        assert case.gold == (function["function"]["name"],) and len(case.tools) == 3
        assert case.expected_args == arguments
        assert set(arguments) <= set(function["function"]["parameters"]["properties"])
    for case, (category, request, offered) in zip(nones, build_functions.NONE_ROWS, strict=True):
        assert case.messages[-1]["content"] == request and case.meta["category"] == category
        assert case.gold == () and [t.name for t in case.tools] == offered
    near = load_cases([EVALS / "functions_near.jsonl"])  # the same tool rows next to their two nearest functions
    assert [c.messages for c in near] == [c.messages for c in calls]
    assert all(len({t.name for t in c.tools}) == 3 and c.gold[0] in {t.name for t in c.tools} for c in near)
    assert sum(c.tools != d.tools for c, d in zip(near, calls, strict=True)) > len(near) / 2


@pytest.mark.parametrize("corpus", ["api_bank", "callnavi"])
def test_committed_unseen_sets_are_well_formed(corpus: str) -> None:
    handful = load_cases([EVALS / "unseen" / f"{corpus}_handful.jsonl.gz"])
    near = load_cases([EVALS / "unseen" / f"{corpus}_none.jsonl.gz"])
    far = load_cases([EVALS / "unseen" / f"{corpus}_none_far.jsonl.gz"])
    assert len(handful) == len(near) == len(far) > 500
    for h, n, f in zip(handful, near, far, strict=True):
        names = [t.name for t in h.tools]
        assert len(names) == 5 and len(set(names)) == 5 and len(h.gold) == 1
        assert h.gold[0] in names
        # gold removed; a tool search (it serves any request that needs a tool) gives way to the next neighbour
        kept = [t.name for t in h.tools if t.name != h.gold[0] and not is_tool_search(t)]
        assert len(n.tools) == 4 and [t.name for t in n.tools][: len(kept)] == kept
        assert not any(is_tool_search(t) for t in (*n.tools, *f.tools))
        assert n.gold == () and f.gold == () and n.messages == h.messages
        assert len(f.tools) == 4 and not {t.name for t in f.tools} & set(names)
