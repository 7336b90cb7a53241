"""Evaluation metrics for routing decisions, computed from plain per-row outcomes.

Every fraction is in 0..1. A metric whose denominator is empty is ``None`` (JSON ``null``), never 0:
"no NONE rows in the set" is not the same as "NONE recall is zero".

Definitions (one row = one conversation the router decided on):

- ``accuracy``: top-1 with NONE as a class, using the decision's tool whatever its confidence.
- ``tool_accuracy``: rows whose gold answer is a tool; right tool chosen, threshold ignored.
- ``answerable_routed``: rows whose gold answer is a tool; the router chose *some* tool (not NONE).
- ``none_precision``: rows the router answered NONE; the gold answer is NONE. ``None`` if it never said NONE.
- ``none_recall``: rows whose gold answer is NONE; the router said NONE. ``None`` if the set has no NONE rows.
- ``coverage``: rows handled locally, i.e. the decision (tool or NONE) is at or above its threshold.
- ``precision``: accuracy on the handled rows. ``None`` when nothing is handled.
- ``coverage_at_precision_98``: the largest coverage over confidence thresholds such that precision on the
  covered rows (confidence >= threshold) is >= 0.98. Tied confidences are covered together. 0.0 when no
  threshold reaches the target.
- ``args_coverage``: rows with the right tool and gold arguments; the local filler filled every required
  parameter with a schema-valid result for one call (``ArgsResult.complete``: no parameter listing several
  values). ``None`` without such rows.
- ``args_exact``: of those filled rows, every scored argument right (see :func:`arguments_match`).
- ``latency_ms_p50`` / ``latency_ms_p99``: wall-clock time of ``decide`` (linear-interpolated percentiles),
  over rows whose latency was measured: the runner leaves out a conversation it already routed in the
  same run (the router caches query embeddings, so a repeat would time a cache hit).
- ``ece``: expected calibration error of the decision confidence over 10 equal-width bins.
- ``tool_choice_accuracy``: rows with a gold tool whose best-scoring tool (NONE left aside) is gold:
  "which of the offered tools", without the "whether a tool" question.
- ``top3_tool_accuracy``: rows with a gold tool whose gold is among the decision's 3 best tool scores.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

TARGET_PRECISION = 0.98

METRIC_KEYS: tuple[str, ...] = (
    "n",
    "accuracy",
    "tool_accuracy",
    "none_precision",
    "none_recall",
    "coverage",
    "precision",
    "coverage_at_precision_98",
    "args_coverage",
    "args_exact",
    "latency_ms_p50",
    "latency_ms_p99",
)


@dataclass(frozen=True)
class ArgsOutcome:
    """How the local argument filler did on one row where the right tool was chosen."""

    filled: bool  # every required parameter filled and schema-valid
    exact: bool  # every scored argument has an acceptable value


@dataclass(frozen=True)
class RowOutcome:
    """One evaluated row: what was right, what the router did, how sure it was."""

    gold: tuple[str, ...]  # acceptable tool names; empty = NONE is right
    predicted: str | None  # the decision's tool; None = NONE
    confidence: float
    confident: bool  # confidence >= the decision's threshold
    latency_ms: float | None = None  # None: not measured (e.g. a repeated conversation)
    args: ArgsOutcome | None = None  # None: not scored (wrong tool, no gold args, or no filler)
    in_top3: bool | None = None  # gold among the 3 best tool scores; None for NONE rows
    tool_choice: str | None = None  # best-scoring tool when NONE is left aside

    @property
    def gold_is_none(self) -> bool:
        return not self.gold

    @property
    def correct(self) -> bool:
        if self.predicted is None:
            return self.gold_is_none
        return self.predicted in self.gold


def _fraction(hits: int, total: int) -> float | None:
    return hits / total if total else None


def _normalise(value: Any) -> Any:
    """Comparable form of an argument value: trimmed case-folded text, numbers as floats."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        text = " ".join(value.split()).casefold()
        try:
            number = float(text)
        except ValueError:
            return text
        return number if math.isfinite(number) else text
    if isinstance(value, list | tuple):
        return [_normalise(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _normalise(v) for k, v in value.items()}
    return value


def value_matches(value: Any, acceptable: Sequence[Any]) -> bool:
    """True when ``value`` equals one of ``acceptable`` (case/whitespace-insensitive; "5" == 5)."""
    target = _normalise(value)
    return any(a != "" and _normalise(a) == target for a in acceptable)


def arguments_match(arguments: Mapping[str, Any], expected: Mapping[str, Sequence[Any]]) -> bool:
    """Score filled arguments against gold ``{param: [acceptable values]}``.

    - a filled parameter listed in ``expected`` must have an acceptable value;
    - a parameter listed in ``expected`` but left out is wrong unless ``""`` is among its values;
    - parameters not listed in ``expected`` are not scored (gold sets leave out "any value" parameters).
    """
    for param, acceptable in expected.items():
        if param in arguments:
            if not value_matches(arguments[param], acceptable):
                return False
        elif "" not in acceptable:
            return False
    return True


def _percentile(values: Sequence[float], q: float) -> float | None:
    return float(np.percentile(np.asarray(values, dtype=float), q)) if values else None


def coverage_at_precision(outcomes: Sequence[RowOutcome], target: float = TARGET_PRECISION) -> float | None:
    """Largest share of rows that can be handled at confidence >= t with precision >= ``target``."""
    if not outcomes:
        return None
    ordered = sorted(outcomes, key=lambda o: o.confidence, reverse=True)
    best = 0.0
    correct = 0
    for i, row in enumerate(ordered):
        correct += row.correct
        covered = i + 1
        tie_follows = covered < len(ordered) and ordered[covered].confidence == row.confidence
        if not tie_follows and correct >= target * covered - 1e-9:
            best = max(best, covered / len(ordered))
    return best


def precision_curve(outcomes: Sequence[RowOutcome]) -> tuple[list[float], list[float], list[float]]:
    """(thresholds, coverage, precision) for every distinct confidence, highest threshold first."""
    ordered = sorted(outcomes, key=lambda o: o.confidence, reverse=True)
    thresholds: list[float] = []
    coverage: list[float] = []
    precision: list[float] = []
    correct = 0
    for i, row in enumerate(ordered):
        correct += row.correct
        covered = i + 1
        if covered < len(ordered) and ordered[covered].confidence == row.confidence:
            continue
        thresholds.append(row.confidence)
        coverage.append(covered / len(ordered))
        precision.append(correct / covered)
    return thresholds, coverage, precision


@dataclass(frozen=True)
class ReliabilityBin:
    low: float
    high: float
    count: int
    mean_confidence: float | None
    accuracy: float | None


def reliability_bins(outcomes: Sequence[RowOutcome], bins: int = 10) -> list[ReliabilityBin]:
    """Equal-width confidence bins with their mean confidence and accuracy (last bin includes 1.0)."""
    result: list[ReliabilityBin] = []
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        rows = [o for o in outcomes if low <= o.confidence < high or (b == bins - 1 and o.confidence >= high)]
        if b == 0:
            rows += [o for o in outcomes if o.confidence < 0.0]
        result.append(
            ReliabilityBin(
                low=low,
                high=high,
                count=len(rows),
                mean_confidence=float(np.mean([o.confidence for o in rows])) if rows else None,
                accuracy=float(np.mean([o.correct for o in rows])) if rows else None,
            )
        )
    return result


def expected_calibration_error(outcomes: Sequence[RowOutcome], bins: int = 10) -> float | None:
    if not outcomes:
        return None
    total = 0.0
    for b in reliability_bins(outcomes, bins):
        if b.count and b.mean_confidence is not None and b.accuracy is not None:
            total += b.count * abs(b.mean_confidence - b.accuracy)
    return total / len(outcomes)


def confusions(outcomes: Iterable[RowOutcome]) -> list[tuple[str, str, int]]:
    """(gold, predicted, count) for wrong top-1 decisions, most frequent first; NONE is written "none"."""
    counts: dict[tuple[str, str], int] = {}
    for o in outcomes:
        if o.correct:
            continue
        key = (o.gold[0] if o.gold else "none", o.predicted if o.predicted is not None else "none")
        counts[key] = counts.get(key, 0) + 1
    return sorted(((g, p, c) for (g, p), c in counts.items()), key=lambda t: (-t[2], t[0], t[1]))


def compute_metrics(outcomes: Sequence[RowOutcome]) -> dict[str, Any]:
    """All metrics for a list of row outcomes: the :data:`METRIC_KEYS` first, then diagnostics."""
    n = len(outcomes)
    tool_rows = [o for o in outcomes if not o.gold_is_none]
    none_rows = [o for o in outcomes if o.gold_is_none]
    said_none = [o for o in outcomes if o.predicted is None]
    handled = [o for o in outcomes if o.confident]
    args_rows = [o.args for o in outcomes if o.args is not None]
    filled = [a for a in args_rows if a.filled]
    top3 = [o.in_top3 for o in tool_rows if o.in_top3 is not None]
    choices = [o.tool_choice in o.gold for o in tool_rows if o.tool_choice is not None]
    latencies = [o.latency_ms for o in outcomes if o.latency_ms is not None]
    return {
        "n": n,
        "accuracy": _fraction(sum(o.correct for o in outcomes), n),
        "tool_accuracy": _fraction(sum(o.correct for o in tool_rows), len(tool_rows)),
        "none_precision": _fraction(sum(o.gold_is_none for o in said_none), len(said_none)),
        "none_recall": _fraction(sum(o.predicted is None for o in none_rows), len(none_rows)),
        "coverage": _fraction(len(handled), n),
        "precision": _fraction(sum(o.correct for o in handled), len(handled)),
        "coverage_at_precision_98": coverage_at_precision(outcomes, TARGET_PRECISION),
        "args_coverage": _fraction(len(filled), len(args_rows)),
        "args_exact": _fraction(sum(a.exact for a in filled), len(filled)),
        "latency_ms_p50": _percentile(latencies, 50),
        "latency_ms_p99": _percentile(latencies, 99),
        "n_tool": len(tool_rows),
        "n_none": len(none_rows),
        "answerable_routed": _fraction(sum(o.predicted is not None for o in tool_rows), len(tool_rows)),
        "tool_choice_accuracy": _fraction(sum(choices), len(choices)),
        "top3_tool_accuracy": _fraction(sum(top3), len(top3)),
        "ece": expected_calibration_error(outcomes),
        "n_args": len(args_rows),
        "n_latency": len(latencies),
    }


def breakdown(outcomes: Sequence[RowOutcome], labels: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Per label (e.g. a row's category): rows, accuracy and coverage, labels in first-seen order."""
    groups: dict[str, list[RowOutcome]] = {}
    for outcome, label in zip(outcomes, labels, strict=True):
        groups.setdefault(label, []).append(outcome)
    return {
        label: {
            "n": len(rows),
            "accuracy": _fraction(sum(o.correct for o in rows), len(rows)),
            "coverage": _fraction(sum(o.confident for o in rows), len(rows)),
        }
        for label, rows in groups.items()
    }
