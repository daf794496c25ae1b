"""Bands of daily revenue over Monte Carlo runs, for the fan chart.

The simulation returns each run's revenue per day; the fan shows, per day, the 10th,
50th and 90th percentile over runs and the mean (CONTRACT.md: percentiles over runs of
each run's own value).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from simulator.model.curves import FloatArray


@dataclass(frozen=True)
class FanBands:
    """Per-day summaries of revenue over ``runs`` runs; arrays of shape ``(H,)``."""

    days: list[int]
    p10: FloatArray
    p50: FloatArray
    p90: FloatArray
    mean: FloatArray
    runs: int
    p_targets_met: float | None = None  # share of runs meeting every target; None: no targets


def daily_revenue(result: Any) -> FloatArray:
    """The per-run daily revenue ``(runs, H)`` of a simulation result.

    Looks for ``daily_revenue`` on the result, then on its ``outcome``; raises
    ``TypeError`` naming what it found otherwise.
    """
    for owner in (result, getattr(result, "outcome", None)):
        value = getattr(owner, "daily_revenue", None) if owner is not None else None
        if value is None and isinstance(owner, dict):
            value = owner.get("daily_revenue")
        if value is not None:
            arr = np.asarray(value, dtype=float)
            if arr.ndim == 2:
                return arr
    raise TypeError(f"simulation result {type(result).__name__} has no (runs, days) daily revenue")


def fan_bands(result: Any) -> FanBands:
    """p10 / p50 / p90 and mean of daily revenue over runs."""
    runs = daily_revenue(result)
    p10, p50, p90 = np.percentile(runs, [10, 50, 90], axis=0)
    return FanBands(
        days=list(range(1, runs.shape[1] + 1)),
        p10=p10,
        p50=p50,
        p90=p90,
        mean=runs.mean(axis=0),
        runs=int(runs.shape[0]),
        p_targets_met=getattr(result, "p_targets_met", None),
    )
