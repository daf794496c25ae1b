"""Known curves and histories drawn from them, for the calibration tests."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pytest

from simulator.calibrate.synthetic import simulate_history, varied_spend

TRUTH: dict[str, Any] = {
    "name": "truth",
    "horizon_days": 30,
    "budget": {"total": 1_350_000},
    "channels": [
        {
            "id": "search",
            "response": {
                "type": "hill",
                "max_conversions": 30000,
                "half_saturation": 600000,
                "shape": 0.9,
            },
            "aov": 220,
            "new_customer_rate": 0.6,
            "adstock": {"decay": 0.3},
        },
        {
            "id": "feed",
            "response": {"type": "exponential", "max_conversions": 24000, "scale": 500000},
            "aov": 160,
            "new_customer_rate": 0.75,
            "adstock": {"decay": 0.5},
        },
        {
            "id": "notes",
            "response": {
                "type": "hill",
                "max_conversions": 12000,
                "half_saturation": 300000,
                "shape": 1.3,
            },
            "aov": 200,
            "new_customer_rate": 0.8,
        },
    ],
}
MEAN_DAILY = {"search": 20000.0, "feed": 15000.0, "notes": 10000.0}


def truth_spend(n_days: int, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {cid: varied_spend(mean, n_days, rng) for cid, mean in MEAN_DAILY.items()}


@pytest.fixture(scope="session")
def short_history() -> tuple[str, dict[str, np.ndarray]]:
    """90 simulated days of the three true channels (CSV text) and their spend."""
    spend = truth_spend(90, seed=11)
    return simulate_history(TRUTH, spend, date(2025, 1, 1), seed=12), spend
