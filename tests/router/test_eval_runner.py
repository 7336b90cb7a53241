"""run_eval with a scripted decide callable: metrics, files written, plots are real PNGs."""

from __future__ import annotations

import io
import json
import struct
from pathlib import Path
from typing import Any

import pytest

from router.evalsets import parse_catalogue
from router.evaluate import print_metrics, run_eval
from router.metrics import RowOutcome
from router.plots import plot_confusions, plot_coverage_precision, plot_reliability
from router.types import ArgsResult, RouteDecision, ToolSpec

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

CATALOGUE = parse_catalogue(
    {
        "weather": {
            "description": "Weather for a city",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string"}, "unit": {"type": "string"}},
                "required": ["city"],
            },
        },
        "email": "Send an email",
        "search": "Search the web",
    }
)

# query -> (tool or None, confidence); threshold 0.8 for every decision
SCRIPT: dict[str, tuple[str | None, float]] = {
    "weather in Paris": ("weather", 0.97),
    "weather in Rome": ("weather", 0.95),
    "weather in Oslo": ("weather", 0.91),
    "mail Bob": ("email", 0.93),
    "find cats": ("weather", 0.40),  # wrong, unsure
    "hello": (None, 0.90),
    "tell a joke": ("search", 0.85),  # wrong, confident
}


def scripted_decide(messages: list[dict[str, Any]], tools: list[ToolSpec]) -> RouteDecision:
    tool, confidence = SCRIPT[messages[-1]["content"]]
    names = [t.name for t in tools]
    assert tool is None or tool in names
    scores = {name: (confidence if name == tool else 0.1) for name in names}
    scores["none"] = confidence if tool is None else 0.05
    return RouteDecision(tool, confidence, 0.8, scores, "scripted", "test")


def scripted_fill(messages: list[dict[str, Any]], tool: ToolSpec) -> ArgsResult:
    text = messages[-1]["content"]
    if text.endswith("Oslo"):
        return ArgsResult({}, ["city"], [], {})  # could not fill
    city = text.split()[-1]
    args = {"city": "Roma" if city == "Rome" else city}
    return ArgsResult(args, [], [], {"city": "span"})


ROWS: list[dict[str, Any]] = [
    {
        "messages": [{"role": "user", "content": "weather in Paris"}],
        "tools": [
            {
                "type": "function",
                "function": {"name": "weather", "parameters": CATALOGUE["weather"].parameters},
            },
            {"type": "function", "function": {"name": "email"}},
        ],
        "expected": [{"name": "weather", "arguments": {"city": ["Paris"], "unit": ["celsius", ""]}}],
    },
    {
        "messages": [{"role": "user", "content": "weather in Rome"}],
        "tools": [
            {
                "type": "function",
                "function": {"name": "weather", "parameters": CATALOGUE["weather"].parameters},
            }
        ],
        "expected": [{"name": "weather", "arguments": {"city": ["Rome"]}}],
    },
    {
        "messages": [{"role": "user", "content": "weather in Oslo"}],
        "tools": [
            {
                "type": "function",
                "function": {"name": "weather", "parameters": CATALOGUE["weather"].parameters},
            }
        ],
        "expected": [{"name": "weather", "arguments": {"city": ["Oslo"]}}],
    },
    {"query": "mail Bob", "tools": ["email"]},
    {"query": "find cats", "tools": ["search"]},
    {"query": "hello", "tools": []},
    {"query": "tell a joke", "tools": [], "candidates": ["search", "email"]},
]


def test_run_eval_metrics_from_a_scripted_router(tmp_path: Path) -> None:
    metrics = run_eval(ROWS, scripted_decide, scripted_fill, tmp_path, catalogue=CATALOGUE, progress=False)
    assert metrics["n"] == 7
    assert metrics["accuracy"] == pytest.approx(5 / 7)
    assert metrics["tool_accuracy"] == pytest.approx(4 / 5)
    assert metrics["none_precision"] == 1.0
    assert metrics["none_recall"] == pytest.approx(1 / 2)
    # confident: Paris, Rome, Oslo, Bob, hello (right), joke (wrong); unsure: cats
    assert metrics["coverage"] == pytest.approx(6 / 7)
    assert metrics["precision"] == pytest.approx(5 / 6)
    # by confidence .97 .95 .93 .91 .90 all right, then .85 wrong -> 5/7
    assert metrics["coverage_at_precision_98"] == pytest.approx(5 / 7)
    # args scored on the 3 weather rows: Oslo unfilled; Paris exact ("" lets unit go); Rome filled as Roma
    assert metrics["n_args"] == 3
    assert metrics["args_coverage"] == pytest.approx(2 / 3)
    assert metrics["args_exact"] == pytest.approx(1 / 2)
    assert metrics["latency_ms_p50"] is not None and metrics["latency_ms_p50"] >= 0.0

    saved = json.loads((tmp_path / "metrics.json").read_text())
    assert saved == pytest.approx(metrics)
    predictions = [json.loads(line) for line in (tmp_path / "predictions.jsonl").read_text().splitlines()]
    assert len(predictions) == 7
    assert predictions[1]["arguments"] == {"city": "Roma"} and predictions[1]["args_exact"] is False
    assert predictions[6] == predictions[6] | {"gold": None, "predicted": "search", "correct": False}
    for name in ("reliability.png", "coverage_precision.png", "confusions.png"):
        assert_real_png(tmp_path / name)


def test_run_eval_without_filler_or_output_dir() -> None:
    metrics = run_eval(ROWS, scripted_decide, catalogue=CATALOGUE, progress=False)
    assert metrics["args_coverage"] is None and metrics["n_args"] == 0
    assert metrics["accuracy"] == pytest.approx(5 / 7)
    assert metrics["n_latency"] == 7


def test_repeated_conversations_are_not_timed_twice() -> None:
    metrics = run_eval(ROWS + ROWS[:3], scripted_decide, catalogue=CATALOGUE, progress=False)
    assert metrics["n"] == 10 and metrics["n_latency"] == 7
    seen: set[str] = set()
    run_eval(ROWS[:2], scripted_decide, catalogue=CATALOGUE, progress=False, seen=seen)
    again = run_eval(ROWS, scripted_decide, catalogue=CATALOGUE, progress=False, seen=seen)
    assert again["n_latency"] == 5


def test_a_crashing_filler_counts_as_unfilled(tmp_path: Path) -> None:
    def broken(messages: list[dict[str, Any]], tool: ToolSpec) -> ArgsResult:
        raise RuntimeError("boom")

    metrics = run_eval(ROWS[:1], scripted_decide, broken, tmp_path, progress=False)
    assert metrics["args_coverage"] == 0.0
    record = json.loads((tmp_path / "predictions.jsonl").read_text())
    assert record["args_error"] == "RuntimeError: boom"


def assert_real_png(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    assert len(data) > 10_000, f"{path.name} is only {len(data)} bytes"
    width, height = struct.unpack(">II", data[16:24])  # IHDR
    assert width >= 400 and height >= 200
    return width, height


def test_plots_are_valid_pngs_that_depend_on_the_data(tmp_path: Path) -> None:
    good = [RowOutcome(("a",), "a", 0.5 + i / 40, True) for i in range(20)]
    bad = [RowOutcome(("a",), "b" if i % 2 else "a", i / 20, i > 10) for i in range(20)]
    for name, rows in (("good", good), ("bad", bad)):
        plot_reliability(rows, tmp_path / f"rel_{name}.png")
        plot_coverage_precision(rows, tmp_path / f"cov_{name}.png")
        plot_confusions(rows, tmp_path / f"conf_{name}.png")
    for kind in ("rel", "cov", "conf"):
        assert_real_png(tmp_path / f"{kind}_good.png")
        assert_real_png(tmp_path / f"{kind}_bad.png")
        assert (tmp_path / f"{kind}_good.png").read_bytes() != (tmp_path / f"{kind}_bad.png").read_bytes()
    # the confusion chart grows with the number of confused pairs
    many = [RowOutcome((f"g{i}",), f"p{i}", 0.5, True) for i in range(12)]
    _, tall = assert_real_png(plot_confusions(many, tmp_path / "many.png"))
    _, short = assert_real_png(tmp_path / "conf_good.png")
    assert tall > short


def test_print_metrics_renders_a_table() -> None:
    metrics = run_eval(ROWS, scripted_decide, catalogue=CATALOGUE, progress=False)
    buffer = io.StringIO()
    print_metrics(metrics, file=buffer)
    text = buffer.getvalue()
    assert "coverage_at_precision_98" in text
    assert "0.714" in text  # accuracy 5/7
    assert "—" in text  # args metrics are null without a filler
    assert " ms" in text
