"""The market process: sale events raise CPM and lift conversions on their dates only."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.simulate import simulate
from tests.simulate.conftest import scenario

SALE = {
    "name": "double_11",
    "start": "2026-11-10",
    "end": "2026-11-11",
    "cost_multiplier": 1.8,
    "cvr_multiplier": 2.5,
}
SPLIT = {"feed": 200000}


def _cpm(sim, days: slice) -> float:
    """Cost per thousand impressions over the given days, pooled over runs."""
    spend = np.array(sim.daily_spend["feed"])[days].sum() * sim.runs
    return float(1000 * spend / sim.daily_impressions[:, days].sum())


def test_a_sale_event_raises_cpm_on_its_dates() -> None:
    cs = scenario(start_date="2026-11-01", events=[SALE])
    sim = simulate(cs, SPLIT, runs=400, seed=1)
    sale, before, after = slice(9, 11), slice(0, 9), slice(11, 30)
    normal = _cpm(sim, before)
    assert _cpm(sim, sale) == pytest.approx(1.8 * normal, rel=0.02)
    assert _cpm(sim, after) == pytest.approx(normal, rel=0.02)
    # the scenario's CPM of 40, inflated by the jitter's E[1/J] = exp(sigma^2) ~ 1.0126
    assert normal == pytest.approx(40 * np.exp(0.1**2 + 0.05**2), rel=0.02)


def test_a_sale_event_lifts_conversions_on_its_dates() -> None:
    plain = simulate(scenario(), SPLIT, runs=400, seed=2)
    sale = simulate(scenario(start_date="2026-11-01", events=[SALE]), SPLIT, runs=400, seed=2)
    day10 = sale.daily_conversions[:, 9].mean() / plain.daily_conversions[:, 9].mean()
    day5 = sale.daily_conversions[:, 4].mean() / plain.daily_conversions[:, 4].mean()
    assert day10 > 1.3  # 2.5x the conversion rate, on 1/1.8 of the media
    assert day5 == pytest.approx(1.0, abs=0.03)


def test_price_jitter_spreads_outcomes_but_not_their_mean() -> None:
    calm = simulate(scenario(), SPLIT, runs=1500, seed=3, cost_noise=0.0, competitor_noise=0.0)
    rough = simulate(scenario(), SPLIT, runs=1500, seed=3, cost_noise=0.4, competitor_noise=0.2)
    assert rough.per_run["revenue"].std() > 2 * calm.per_run["revenue"].std()
    se = rough.per_run["revenue"].std() / np.sqrt(1500)
    assert abs(rough.per_run["revenue"].mean() - rough.expected["revenue"]) < 4 * se
