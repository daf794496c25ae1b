"""Synthetic scenarios of a given size, shared by the benchmarks."""

from __future__ import annotations

from typing import Any

import numpy as np

from simulator.model.compiled import CompiledScenario
from simulator.model.load import scenario_from_data


def synthetic_data(n_channels: int, seed: int = 0, horizon_days: int = 30) -> dict[str, Any]:
    """Plain scenario data with a mix of hill, exponential and funnel channels."""
    rng = np.random.default_rng(seed)
    channels = []
    for i in range(n_channels):
        kind = i % 3
        if kind == 0:
            response = {
                "type": "hill",
                "max_conversions": float(rng.uniform(2e3, 2e4)),
                "half_saturation": float(rng.uniform(1e5, 8e5)),
                "shape": float(rng.uniform(0.5, 1.0)),
            }
        elif kind == 1:
            response = {
                "type": "exponential",
                "max_conversions": float(rng.uniform(2e3, 2e4)),
                "scale": float(rng.uniform(1e5, 8e5)),
            }
        else:
            response = {
                "type": "funnel",
                "pricing": "cpm",
                "cpm": float(rng.uniform(20, 60)),
                "ctr": 0.015,
                "cvr": 0.03,
                "audience": float(rng.uniform(1e6, 1e7)),
            }
        channels.append(
            {
                "id": f"ch{i:04d}",
                "response": response,
                "aov": float(rng.uniform(80, 400)),
                "new_customer_rate": float(rng.uniform(0.3, 0.9)),
            }
        )
    return {
        "name": f"synthetic-{n_channels}",
        "horizon_days": horizon_days,
        "budget": {"total": 2e5 * n_channels},
        "channels": channels,
    }


def synthetic(n_channels: int, seed: int = 0) -> CompiledScenario:
    return scenario_from_data(synthetic_data(n_channels, seed), {}, "<synthetic>")
