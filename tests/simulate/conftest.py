"""Small scenarios for the simulation tests, built from plain data (no files)."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from simulator.model.compiled import CompiledScenario
from simulator.model.load import scenario_from_data
from simulator.simulate import SimulationResult

ADDITIVE = ("spend", "revenue", "conversions", "new_customers", "profit")

# Three response families, segments with their own AOV and retention, a referral
# k-factor, a funnel that reports impressions and clicks: the core model in full.
CORE: dict[str, Any] = {
    "name": "core",
    "horizon_days": 30,
    "budget": {"total": 600000},
    "ltv": {"repeat_rate": 0.3, "decay": 0.7, "period_days": 30, "window_days": 180},
    "segments": [
        {"id": "young", "size": 2000000, "aov_multiplier": 0.8, "referral_k": 0.2},
        {
            "id": "old",
            "size": 1000000,
            "cvr_multiplier": 1.3,
            "new_customer_rate": 0.4,
            "retention": {"repeat_rate": 0.5, "decay": 0.5},
        },
    ],
    "channels": [
        {
            "id": "search",
            "response": {"type": "hill", "max_conversions": 5000, "half_saturation": 200000},
            "aov": 200,
            "margin": 0.4,
            "new_customer_rate": 0.6,
        },
        {
            "id": "feed",
            "response": {
                "type": "funnel",
                "pricing": "cpm",
                "cpm": 40,
                "ctr": 0.02,
                "cvr": 0.03,
                "max_frequency": 3,
            },
            "aov": 150,
            "segments": ["young", "old"],
        },
        {
            "id": "notes",
            "response": {"type": "exponential", "max_conversions": 3000, "scale": 150000},
            "aov": 180,
            "new_customer_rate": 0.8,
        },
    ],
}
CORE_SPLIT = {"search": 250000, "feed": 200000, "notes": 150000}


def scenario(data: dict[str, Any] | None = None, **changes: Any) -> CompiledScenario:
    """Compile ``data`` (default CORE) with top-level keys replaced by ``changes``."""
    spec = copy.deepcopy(data if data is not None else CORE)
    spec.update(copy.deepcopy(changes))
    return scenario_from_data(spec, {}, "<test>")


def within_mc_error(sim: SimulationResult, metric: str, expected: float, k: float = 4.0) -> None:
    """The mean over runs is within ``k`` standard errors of ``expected``."""
    values = sim.per_run[metric]
    se = float(np.std(values, ddof=1)) / np.sqrt(values.size)
    mean = float(np.mean(values))
    tol = k * se + 1e-9 * max(abs(expected), 1.0)
    assert abs(mean - expected) <= tol, (
        f"{metric}: mean {mean:,.3f} vs engine {expected:,.3f} (tolerance {tol:,.3f})"
    )
