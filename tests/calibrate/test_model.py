"""The fit's daily model is the engine's model (CONTRACT.md 1b), in both families."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.calibrate.model import DailyCurve, land
from simulator.calibrate.synthetic import rescale_horizon
from simulator.expected import evaluate_plan, evaluate_spend
from simulator.model.load import scenario_from_data

CURVES = [
    DailyCurve("hill", 800.0, 20000.0, 0.85, 0.4, 0.0),
    DailyCurve("exponential", 600.0, 15000.0, 1.0, 0.0, 0.0),
    DailyCurve("hill", 300.0, 9000.0, 1.4, 0.7, 0.0),
]


def scenario(curve: DailyCurve, horizon_days: int) -> dict[str, object]:
    return {
        "name": "t",
        "horizon_days": horizon_days,
        "budget": {"total": 1e6},
        "channels": [
            {
                "id": "a",
                "response": curve.horizon_response(horizon_days),
                "aov": 100,
                "adstock": {"decay": curve.decay},
            }
        ],
    }


@pytest.mark.parametrize("curve", CURVES, ids=lambda c: f"{c.family}-{c.decay}")
def test_landed_series_equals_the_engine(curve: DailyCurve) -> None:
    n = 60
    x = np.random.default_rng(0).uniform(0, 60000, n)
    # written over a 30-day horizon, stretched to the 60 days of the plan
    cs = scenario_from_data(rescale_horizon(scenario(curve, 30), n), {}, "t")
    out = evaluate_plan(cs, x[None, :], series=True)
    assert out.daily_conversions is not None
    np.testing.assert_allclose(out.daily_conversions[0, 0], curve.landed(x), rtol=1e-12)


@pytest.mark.parametrize("curve", CURVES[:2], ids=lambda c: c.family)
def test_even_plan_over_horizon_is_c_of_s(curve: DailyCurve) -> None:
    """No adstock: spending S evenly over H days gives H f(S / H) = C(S), for any H."""
    flat = DailyCurve(curve.family, curve.max_daily, curve.spend_scale, curve.shape, 0.0, 0.0)
    for h in (7, 30, 90):
        cs = scenario_from_data(scenario(flat, h), {}, "t")
        s = np.array([[1e5], [7e5]])
        expected = h * flat.produced(s[:, 0] / h)
        np.testing.assert_allclose(evaluate_spend(cs, s).conversions[:, 0], expected, rtol=1e-12)


def test_carry_in_decays_geometrically() -> None:
    """No spend: landed[t] = decay^(t+1) * carry_in (hand-computed)."""
    np.testing.assert_allclose(land(np.zeros(4), 0.5, 80.0), [40.0, 20.0, 10.0, 5.0])
    np.testing.assert_allclose(land(np.array([10.0, 0.0]), 0.5, 0.0), [5.0, 2.5])


def test_half_saturation_buys_half_the_maximum() -> None:
    for curve in CURVES:
        value = curve.produced(np.array([curve.half_saturation]))[0]
        assert value == pytest.approx(curve.max_daily / 2, rel=1e-12)
