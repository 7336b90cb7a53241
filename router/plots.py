"""PNG plots of an evaluation: reliability diagram, coverage-precision curve, top confusions.

matplotlib runs on the Agg backend (no display); each function writes one file and returns its path.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from router.metrics import (  # noqa: E402
    TARGET_PRECISION,
    RowOutcome,
    confusions,
    coverage_at_precision,
    precision_curve,
    reliability_bins,
)

RELIABILITY_PNG = "reliability.png"
COVERAGE_PNG = "coverage_precision.png"
CONFUSIONS_PNG = "confusions.png"


def plot_reliability(outcomes: Sequence[RowOutcome], path: str | Path, bins: int = 10) -> Path:
    """Accuracy per confidence bin against the diagonal, with the row count per bin below."""
    data = reliability_bins(outcomes, bins)
    fig, (top, bottom) = plt.subplots(
        2, 1, figsize=(6, 6.5), sharex=True, gridspec_kw={"height_ratios": [3, 1]}
    )
    centres = [(b.low + b.high) / 2 for b in data]
    width = 1.0 / bins
    top.bar(
        centres,
        [b.accuracy or 0.0 for b in data],
        width=width * 0.9,
        color="tab:blue",
        edgecolor="black",
        label="accuracy",
    )
    filled = [b for b in data if b.count]
    top.plot(
        [b.mean_confidence for b in filled],
        [b.accuracy for b in filled],
        "o-",
        color="tab:orange",
        label="accuracy at the bin's mean confidence",
    )
    top.plot([0, 1], [0, 1], "--", color="gray", label="perfect calibration")
    top.set_ylim(0, 1)
    top.set_ylabel("accuracy of top-1 decision")
    top.set_title(f"Reliability diagram (n={len(outcomes)})")
    top.legend(loc="upper left", fontsize=8)
    bottom.bar(centres, [b.count for b in data], width=width * 0.9, color="tab:gray")
    bottom.set_xlim(0, 1)
    bottom.set_xlabel("decision confidence")
    bottom.set_ylabel("rows")
    fig.tight_layout()
    return _save(fig, path)


def plot_coverage_precision(
    outcomes: Sequence[RowOutcome], path: str | Path, target: float = TARGET_PRECISION
) -> Path:
    """Precision of the rows handled at each confidence threshold against their share (coverage)."""
    _, coverage, precision = precision_curve(outcomes)
    fig, ax = plt.subplots(figsize=(6, 4.5))
    ax.plot(coverage, precision, "-", color="tab:blue", label="sweep of confidence thresholds")
    ax.axhline(target, linestyle="--", color="tab:red", label=f"precision {target:.2f}")
    best = coverage_at_precision(outcomes, target)
    if best:
        ax.axvline(best, linestyle=":", color="tab:red", label=f"coverage at target {best:.3f}")
    handled = [o for o in outcomes if o.confident]
    if outcomes and handled:
        point = (len(handled) / len(outcomes), sum(o.correct for o in handled) / len(handled))
        ax.plot(*point, "o", color="tab:green", markersize=8, label="calibrated threshold")
    ax.set_xlim(0, 1.02)
    low = min(precision, default=0.0)
    ax.set_ylim(max(0.0, min(low, target) - 0.05), 1.01)
    ax.set_xlabel("coverage (share of rows handled locally)")
    ax.set_ylabel("precision on handled rows")
    ax.set_title(f"Coverage vs precision (n={len(outcomes)})")
    ax.legend(loc="lower left", fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return _save(fig, path)


def plot_confusions(outcomes: Sequence[RowOutcome], path: str | Path, top: int = 15) -> Path:
    """Horizontal bars of the most frequent (gold → chosen) mistakes."""
    pairs = confusions(outcomes)[:top]
    fig, ax = plt.subplots(figsize=(8, max(2.5, 0.4 * len(pairs) + 1.2)))
    if pairs:
        labels = [f"{_short(g)} → {_short(p)}" for g, p, _ in reversed(pairs)]
        ax.barh(labels, [c for _, _, c in reversed(pairs)], color="tab:red")
        ax.set_xlabel("rows")
        ax.tick_params(axis="y", labelsize=8)
    else:
        ax.text(0.5, 0.5, "no mistakes", ha="center", va="center", fontsize=14)
        ax.set_axis_off()
    wrong = sum(not o.correct for o in outcomes)
    ax.set_title(f"Most confused (gold → chosen), {wrong} of {len(outcomes)} rows wrong")
    fig.tight_layout()
    return _save(fig, path)


def write_plots(outcomes: Sequence[RowOutcome], out_dir: str | Path) -> list[Path]:
    """All three plots into ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    return [
        plot_reliability(outcomes, out / RELIABILITY_PNG),
        plot_coverage_precision(outcomes, out / COVERAGE_PNG),
        plot_confusions(outcomes, out / CONFUSIONS_PNG),
    ]


def _short(name: str, limit: int = 32) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _save(fig: plt.Figure, path: str | Path) -> Path:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(target, dpi=110)
    plt.close(fig)
    return target
