"""Small statistics helpers (percentiles over milliseconds)."""

from __future__ import annotations

import statistics
from collections.abc import Sequence


def pct(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), nearest-rank on the sorted values; NaN when empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def summary(values_ms: Sequence[float]) -> dict[str, float]:
    return {"n": len(values_ms), "p50": pct(values_ms, 50), "p90": pct(values_ms, 90), "p99": pct(values_ms, 99),
            "mean": statistics.fmean(values_ms) if values_ms else float("nan")}
