"""eval_command end to end with the real Router (shipped encoder) on rows of the assistant set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from router.evaluate import eval_command
from router.metrics import METRIC_KEYS

ASSISTANT = Path(__file__).resolve().parents[2] / "evals" / "assistant_chat.jsonl"
PICK = {"assistant-01", "assistant-05", "assistant-16", "assistant-20", "assistant-33", "assistant-39"}


def test_eval_command_prints_table_and_json_and_writes_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [json.loads(line) for line in ASSISTANT.read_text().splitlines()]
    subset = tmp_path / "subset.jsonl"
    subset.write_text("".join(json.dumps(r) + "\n" for r in rows if r["id"] in PICK))
    out = tmp_path / "out"

    metrics = eval_command([str(subset)], None, None, str(out), None)

    stdout = capsys.readouterr().out.strip().splitlines()
    assert json.loads(stdout[-1]) == metrics
    assert any("coverage_at_precision_98" in line for line in stdout[:-1])  # the table
    assert all(key in metrics for key in METRIC_KEYS)
    assert metrics["n"] == 6 and metrics["n_tool"] == 4 and metrics["n_none"] == 2
    # weather / email / translate / timer among 8 assistant tools: the right tool scores best
    assert metrics["tool_choice_accuracy"] == 1.0
    assert metrics["n_args"] >= 1  # the argument filler ran on right-tool rows
    assert json.loads((out / "metrics.json").read_text()) == metrics
    predictions = [json.loads(line) for line in (out / "predictions.jsonl").read_text().splitlines()]
    assert sorted(p["id"] for p in predictions) == sorted(PICK)
    assert set(metrics["by_category"]) == {"direct", "chit-chat", "knowledge"}
    assert sum(v["n"] for v in metrics["by_category"].values()) == 6
    for name in ("reliability.png", "coverage_precision.png", "confusions.png"):
        assert (out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_eval_command_rejects_a_query_row_without_catalogue(tmp_path: Path) -> None:
    from router.evalsets import EvalDataError

    data = tmp_path / "rows.jsonl"
    data.write_text(json.dumps({"query": "weather?", "tools": ["weather"]}) + "\n")
    with pytest.raises(EvalDataError, match=r"rows\.jsonl:1: .*--tools"):
        eval_command([str(data)], None, None, None, None)
