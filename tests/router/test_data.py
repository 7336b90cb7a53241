"""Training-data loading: corpus folders, eval-format files, traces, the MetaTool split."""

from __future__ import annotations

import json
from pathlib import Path

from router.context import FOLLOW_UP_WEIGHT
from router.data import (
    load_corpus,
    load_data_file,
    main,
    metatool_split,
    tool_key,
)


def write_jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_load_corpus_gold_candidates_and_none(tmp_path: Path) -> None:
    write_jsonl(
        tmp_path / "tools.jsonl",
        [{"name": n, "description": f"tool {n}", "parameters": {}} for n in ("a", "b", "c")],
    )
    write_jsonl(
        tmp_path / "examples.jsonl",
        [
            {"query": "one call", "calls": [{"name": "a", "arguments": {}}]},
            {
                "query": "two calls",
                "calls": [{"name": "b", "arguments": {}}, {"name": "c"}],
                "candidates": ["b", "c", "a"],
            },
            {"query": "no tool", "calls": []},
            {"query": "gold not offered", "calls": [{"name": "a"}], "candidates": ["b", "c"]},
            {
                "query": "follow up",
                "messages": [
                    {"role": "user", "content": "weather in Rome"},
                    {"role": "assistant", "content": "sunny"},
                    {"role": "user", "content": "and Paris?"},
                ],
                "calls": [{"name": "a"}],
            },
            {"query": "unknown tool", "calls": [{"name": "zzz"}]},
        ],
    )
    data = load_corpus(tmp_path, group="g")
    assert set(data.tools) == {tool_key("g", n) for n in "abc"}
    golds = [ex.gold for ex in data.examples]
    assert golds == ["g::a", "g::b", None, None, "g::a"]  # the unknown tool row is skipped
    two = data.examples[1]
    assert two.candidates == ("g::b", "g::c", "g::a") and two.also_called == ("g::c",)
    assert data.offered(data.examples[0]) == ["g::a", "g::b", "g::c"]
    follow = data.examples[4]
    assert follow.last == "and Paris?" and "weather in Rome" in follow.window
    assert follow.window_weight == FOLLOW_UP_WEIGHT


def test_load_data_file_query_rows(tmp_path: Path) -> None:
    tools = tmp_path / "tools.json"
    tools.write_text(json.dumps({"weather": "forecasts", "mail": "send email"}))
    rows = write_jsonl(
        tmp_path / "rows.jsonl",
        [
            {"query": "rain tomorrow?", "tools": ["weather"]},
            {"query": "hello", "tools": []},
            {"query": "mail bob", "tools": ["mail"], "candidates": ["mail"]},
        ],
    )
    data = load_data_file(rows, tools, group="q")
    assert [ex.gold for ex in data.examples] == ["q::weather", None, "q::mail"]
    assert data.examples[2].candidates == ("q::mail",)
    assert set(data.catalogues["q"]) == {"q::weather", "q::mail"}


def test_metatool_split_is_stratified_and_seeded() -> None:
    rows = [{"query": f"q{t}-{i}", "tools": [f"t{t}"]} for t in range(5) for i in range(10)]
    train, test = metatool_split(rows, 0.2, seed=1)
    assert (train, test) == metatool_split(rows, 0.2, seed=1)
    assert metatool_split(rows, 0.2, seed=2)[1] != test
    assert len(test) == 10 and len(train) == 40
    for t in range(5):
        assert sum(r["tools"] == [f"t{t}"] for r in test) == 2
    assert not {r["query"] for r in train} & {r["query"] for r in test}


def test_dev_split_of_another_file_from_the_command_line(tmp_path: Path) -> None:
    source = tmp_path / "rows.jsonl"
    rows = [{"query": f"q{t}-{i}", "tools": [f"t{t}"]} for t in range(3) for i in range(10)]
    source.write_text("".join(json.dumps(r) + "\n" for r in rows))
    main([str(tmp_path / "out"), "--seed", "1", "--source", str(source), "--dev"])
    dev = [json.loads(line) for line in (tmp_path / "out" / "dev.jsonl").read_text().splitlines()]
    train = [json.loads(line) for line in (tmp_path / "out" / "train.jsonl").read_text().splitlines()]
    expected_train, expected_dev = metatool_split(rows, seed=1)
    assert (train, dev) == (expected_train, expected_dev)
    assert not (tmp_path / "out" / "test.jsonl").exists()


def test_committed_metatool_split_matches_the_rule() -> None:
    root = Path(__file__).resolve().parents[2]
    test_rows = [json.loads(line) for line in (root / "evals/metatool/test.jsonl").read_text().splitlines()]
    train_rows = [json.loads(line) for line in (root / "evals/metatool/train.jsonl").read_text().splitlines()]
    assert len(test_rows) + len(train_rows) == 16422
    assert not {r["query"] for r in test_rows} & {r["query"] for r in train_rows}
    assert len({r["tools"][0] for r in test_rows}) == 199
