"""What each target reads and which way it points: one table for every layer."""

from __future__ import annotations

import numpy as np

from simulator.model.curves import FloatArray

# target name -> (the total it reads, True for a floor (>=), False for a cap (<=))
TARGET_METRICS: dict[str, tuple[str, bool]] = {
    "roi_min": ("roi", True),
    "cac_max": ("cac", False),
    "ltv_cac_min": ("ltv_cac", True),
    "revenue_min": ("revenue", True),
    "conversions_min": ("conversions", True),
    "new_customers_min": ("new_customers", True),
}


def meets(name: str, value: FloatArray | float, bound: float, rel_tol: float = 0.0) -> FloatArray:
    """Where ``value`` meets target ``name`` at ``bound``; an undefined value (nan) fails.

    ``rel_tol`` forgives rounding: a floor met to ``bound * (1 - rel_tol)`` counts as met.
    """
    _, at_least = TARGET_METRICS[name]
    v = np.asarray(value, dtype=float)
    with np.errstate(invalid="ignore"):
        ok = v >= bound * (1 - rel_tol) if at_least else v <= bound * (1 + rel_tol)
    return np.asarray(ok & np.isfinite(v))
