"""Percentiles from duration buckets (the rollups keep counts per bucket, not the values).

Bucket 0 holds [0, 1) seconds, bucket k ≥ 1 holds [1.1^(k-1), 1.1^k) seconds. The k-th of m values
in a bucket is placed evenly inside it, and ranks are interpolated as PostgreSQL's
percentile_cont does, so an estimate is off by less than one bucket's width: within TOLERANCE
(10 %) of the exact value, or 1 second for the shortest durations.
"""

from __future__ import annotations

from collections.abc import Mapping

from webapp.analytics.rollups.ddl import BUCKET_BASE

TOLERANCE = BUCKET_BASE - 1  # relative
ABSOLUTE_TOLERANCE_SECONDS = 1.0


def bounds(bucket: int) -> tuple[float, float]:
    if bucket <= 0:
        return 0.0, 1.0
    return BUCKET_BASE ** (bucket - 1), BUCKET_BASE**bucket


def within_tolerance(estimate: float | None, exact: float | None, unit_seconds: float = 1.0) -> bool:
    """Whether an estimate (in ``unit_seconds`` units) is as close to the exact value as promised."""
    if estimate is None or exact is None:
        return estimate is None and exact is None
    return abs(estimate - exact) <= TOLERANCE * abs(exact) + ABSOLUTE_TOLERANCE_SECONDS / unit_seconds


def _value_at(histogram: list[tuple[int, int]], rank: int) -> float:
    seen = 0
    for bucket, count in histogram:
        if rank < seen + count:
            low, high = bounds(bucket)
            return low + (high - low) * (rank - seen + 0.5) / count
        seen += count
    low, high = bounds(histogram[-1][0])
    return high


def percentile(counts: Mapping[int, int], fraction: float) -> float | None:
    """The estimated percentile (seconds) of the values counted per bucket; None without values."""
    histogram = sorted((bucket, count) for bucket, count in counts.items() if bucket >= 0 and count > 0)
    total = sum(count for _bucket, count in histogram)
    if not total:
        return None
    position = fraction * (total - 1)
    lower = int(position)
    upper = min(lower + 1, total - 1)
    low_value = _value_at(histogram, lower)
    if upper == lower:
        return low_value
    return low_value + (_value_at(histogram, upper) - low_value) * (position - lower)
