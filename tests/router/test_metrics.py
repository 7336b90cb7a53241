"""Metric definitions on hand-made outcomes with answers worked out by hand."""

from __future__ import annotations

from typing import Any

import pytest

from router.metrics import (
    METRIC_KEYS,
    ArgsOutcome,
    RowOutcome,
    arguments_match,
    compute_metrics,
    confusions,
    coverage_at_precision,
    expected_calibration_error,
    precision_curve,
    reliability_bins,
    value_matches,
)


def row(
    gold: str | None,
    predicted: str | None,
    confidence: float = 0.9,
    confident: bool = True,
    **kw: object,
) -> RowOutcome:
    return RowOutcome(
        gold=(gold,) if gold else (),
        predicted=predicted,
        confidence=confidence,
        confident=confident,
        **kw,  # type: ignore[arg-type]
    )


# Ten rows: 6 need a tool, 4 need NONE.
#   tool rows: 4 right, 1 wrong tool (weather->search), 1 said NONE (email)
#   NONE rows: 3 said NONE, 1 routed to calculator
CASES = [
    row("weather", "weather", 0.99),
    row("weather", "weather", 0.97),
    row("email", "email", 0.95),
    row("search", "search", 0.60, confident=False),
    row("weather", "search", 0.55, confident=False),
    row("email", None, 0.70, confident=False),
    row(None, None, 0.96),
    row(None, None, 0.92),
    row(None, None, 0.50, confident=False),
    row(None, "calculator", 0.93),
]


def test_metric_keys_all_present_and_in_order() -> None:
    metrics = compute_metrics(CASES)
    assert list(metrics)[: len(METRIC_KEYS)] == list(METRIC_KEYS)


def test_accuracy_counts_none_as_a_class_and_ignores_threshold() -> None:
    metrics = compute_metrics(CASES)
    assert metrics["n"] == 10
    assert metrics["accuracy"] == pytest.approx(7 / 10)  # 4 tools + 3 NONE right
    assert metrics["tool_accuracy"] == pytest.approx(4 / 6)
    assert metrics["answerable_routed"] == pytest.approx(5 / 6)  # only the email row said NONE
    assert metrics["n_tool"] == 6 and metrics["n_none"] == 4


def test_none_precision_and_recall() -> None:
    metrics = compute_metrics(CASES)
    # said NONE 4 times (email + 3 real NONE): 3 right
    assert metrics["none_precision"] == pytest.approx(3 / 4)
    # 4 NONE rows, 3 answered NONE
    assert metrics["none_recall"] == pytest.approx(3 / 4)


def test_coverage_and_precision_at_the_calibrated_threshold() -> None:
    metrics = compute_metrics(CASES)
    # confident rows: 0.99,0.97,0.95 (right), 0.96,0.92 NONE (right), 0.93 calculator (wrong)
    assert metrics["coverage"] == pytest.approx(6 / 10)
    assert metrics["precision"] == pytest.approx(5 / 6)


def test_coverage_at_precision_98_takes_the_largest_safe_prefix() -> None:
    # by confidence: .99 ok, .97 ok, .96 ok, .95 ok, .93 WRONG -> the 4 rows above it are all right;
    # 5 rows hold 4/5 = 0.8 < 0.98, and it never recovers to 0.98 further down.
    assert coverage_at_precision(CASES) == pytest.approx(4 / 10)
    assert compute_metrics(CASES)["coverage_at_precision_98"] == pytest.approx(0.4)


def test_coverage_at_precision_with_lower_target_and_ties() -> None:
    rows = [row("a", "a", 0.9), row("a", "b", 0.9), row("a", "a", 0.8)]
    # tied 0.9 rows must be covered together: 1/2 right; all three: 2/3
    assert coverage_at_precision(rows, 0.98) == 0.0
    assert coverage_at_precision(rows, 0.5) == pytest.approx(1.0)
    assert coverage_at_precision(rows, 0.6) == pytest.approx(1.0)  # 2/3 >= 0.6
    assert coverage_at_precision(rows, 0.7) == 0.0
    thresholds, coverage, precision = precision_curve(rows)
    assert thresholds == [0.9, 0.8]
    assert coverage == pytest.approx([2 / 3, 1.0])
    assert precision == pytest.approx([0.5, 2 / 3])


def test_all_right_covers_everything() -> None:
    rows = [row("a", "a", c) for c in (0.2, 0.5, 0.9)]
    assert coverage_at_precision(rows) == 1.0


def test_edge_cases_are_null_not_zero() -> None:
    only_tools = [row("a", "a", 0.9), row("b", "b", 0.3, confident=False)]
    metrics = compute_metrics(only_tools)
    assert metrics["none_recall"] is None  # no NONE rows in the set
    assert metrics["none_precision"] is None  # never said NONE
    assert metrics["args_coverage"] is None and metrics["args_exact"] is None
    only_none = compute_metrics([row(None, None, 0.4, confident=False)])
    assert only_none["tool_accuracy"] is None
    assert only_none["answerable_routed"] is None
    assert only_none["precision"] is None  # nothing handled
    assert only_none["coverage"] == 0.0
    empty = compute_metrics([])
    assert empty["n"] == 0
    assert all(empty[k] is None for k in METRIC_KEYS if k != "n")


def test_multi_label_gold_accepts_any_label() -> None:
    multi = RowOutcome(
        gold=("WeatherTool", "word_sneak"), predicted="word_sneak", confidence=0.5, confident=False
    )
    assert multi.correct
    assert compute_metrics([multi])["accuracy"] == 1.0


def test_args_coverage_and_exact() -> None:
    rows = [
        row("a", "a", args=ArgsOutcome(filled=True, exact=True)),
        row("a", "a", args=ArgsOutcome(filled=True, exact=False)),
        row("a", "a", args=ArgsOutcome(filled=False, exact=False)),
        row("a", "a", args=ArgsOutcome(filled=True, exact=True)),
        row("a", "b"),  # wrong tool: not scored for args
    ]
    metrics = compute_metrics(rows)
    assert metrics["n_args"] == 4
    assert metrics["args_coverage"] == pytest.approx(3 / 4)
    assert metrics["args_exact"] == pytest.approx(2 / 3)


def test_arguments_match_rules() -> None:
    expected: dict[str, list[Any]] = {
        "city": ["Paris", "Paris, France"],
        "unit": ["celsius", ""],
        "days": [3],
    }
    assert arguments_match({"city": "paris", "unit": "celsius", "days": 3}, expected)
    assert arguments_match({"city": "Paris, France", "days": "3"}, expected)  # unit may be left out
    assert not arguments_match({"city": "Paris", "unit": "kelvin", "days": 3}, expected)  # wrong value
    assert not arguments_match({"city": "Paris", "unit": "celsius"}, expected)  # days left out, no ""
    assert not arguments_match({"city": "London", "days": 3}, expected)
    # parameters the gold does not list are not scored
    assert arguments_match({"city": "Paris", "days": 3, "lang": "fr"}, expected)


def test_value_matches_normalises_text_and_numbers() -> None:
    assert value_matches("  New   York ", ["new york"])
    assert value_matches(2.0, [2])
    assert value_matches("2", [2])
    assert not value_matches("", [""])  # "" only means "may be left out"
    assert value_matches(["a", "B"], [["A", "b"]])
    assert not value_matches(True, ["true"])  # booleans are not text
    assert value_matches(True, [True])


def test_latency_percentiles_skip_unmeasured_rows() -> None:
    rows = [row("a", "a", latency_ms=float(ms)) for ms in range(1, 101)]
    rows += [row("a", "a", latency_ms=None)] * 50  # repeats: cache hits, not timed
    metrics = compute_metrics(rows)
    assert metrics["latency_ms_p50"] == pytest.approx(50.5)
    assert metrics["latency_ms_p99"] == pytest.approx(99.01)
    assert metrics["n_latency"] == 100 and metrics["n"] == 150


def test_reliability_bins_and_ece() -> None:
    rows = [row("a", "a", 0.95), row("a", "b", 0.95), row("a", "a", 0.15), row("a", "a", 1.0)]
    bins = reliability_bins(rows)
    assert len(bins) == 10
    assert bins[9].count == 3  # 0.95, 0.95 and 1.0 (last bin includes 1.0)
    assert bins[9].accuracy == pytest.approx(2 / 3)
    assert bins[1].count == 1 and bins[1].accuracy == 1.0
    # |0.9667-0.6667|*3 + |0.15-1|*1, over 4 rows
    assert expected_calibration_error(rows) == pytest.approx((3 * (2.9 / 3 - 2 / 3) + 0.85) / 4)


def test_top3_and_tool_choice_only_on_tool_rows() -> None:
    rows = [
        row("a", "b", in_top3=True, tool_choice="b"),
        row("a", None, in_top3=False, tool_choice="a"),  # said NONE, but "a" was its best tool
        row(None, None, in_top3=None, tool_choice="c"),
    ]
    metrics = compute_metrics(rows)
    assert metrics["top3_tool_accuracy"] == pytest.approx(0.5)
    assert metrics["tool_choice_accuracy"] == pytest.approx(0.5)
    assert metrics["tool_accuracy"] == 0.0


def test_confusions_most_frequent_first() -> None:
    pairs = confusions(CASES + [row("weather", "search")])
    assert pairs[0] == ("weather", "search", 2)
    assert ("email", "none", 1) in pairs
    assert ("none", "calculator", 1) in pairs
    assert len(pairs) == 3


def test_breakdown_by_label() -> None:
    from router.metrics import breakdown

    rows = [row("a", "a", 0.9), row(None, "a", 0.9), row(None, None, 0.2, confident=False)]
    result = breakdown(rows, ["direct", "negation", "negation"])
    assert list(result) == ["direct", "negation"]
    assert result["direct"] == {"n": 1, "accuracy": 1.0, "coverage": 1.0}
    assert result["negation"] == {"n": 2, "accuracy": 0.5, "coverage": 0.5}
