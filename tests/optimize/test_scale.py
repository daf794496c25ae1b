"""Scale: optimising many channels stays linear (issue 13.7).

Generous bounds, only to catch a quadratic step coming back (one candidate per channel in
the explanations took 17 s and 2.5 GB at 5,000 channels). CPU time, not wall time, so a
busy machine does not fail the test; ``benchmarks/bench_scale.py`` measures the CLI.
"""

from __future__ import annotations

import time
import tracemalloc
from typing import Any

import numpy as np
import pytest

from simulator import optimize
from simulator.model.load import scenario_from_data


def many_channels(n: int) -> dict[str, Any]:
    """Plain scenario data: ``n`` hill and exponential channels, a binding budget."""
    rng = np.random.default_rng(0)
    channels = []
    for i in range(n):
        m, s = float(rng.uniform(2e3, 2e4)), float(rng.uniform(1e5, 8e5))
        response: dict[str, Any] = (
            {"type": "hill", "max_conversions": m, "half_saturation": s, "shape": 0.8}
            if i % 2
            else {"type": "exponential", "max_conversions": m, "scale": s}
        )
        channels.append({"id": f"ch{i:05d}", "response": response, "aov": 100 + i % 50})
    return {"name": "many", "budget": {"total": 1e5 * n}, "channels": channels}


def test_two_thousand_channels_optimise_in_seconds_and_megabytes() -> None:
    sc = scenario_from_data(many_channels(2000), {}, "<many>")
    tracemalloc.start()
    start = time.process_time()
    doc = optimize(sc).to_json()
    seconds = time.process_time() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert doc["status"] == "optimal"
    assert len(doc["explanations"]) >= 2000
    assert doc["totals"]["spend"] == pytest.approx(2e8, rel=1e-9)
    assert seconds < 5.0
    # one (channels x ad sets) float array alone would be 32 MB here; all of a run is less
    assert peak < 64 * 2**20
