"""Each pricing model of the funnel family, by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulator.model.funnel import FunnelSpec, funnel_curve


def spec(**kw: object) -> FunnelSpec:
    return FunnelSpec.model_validate({"type": "funnel", "ctr": 0.02, "cvr": 0.05, **kw})


@pytest.mark.parametrize(
    ("pricing", "extra", "impressions_per_yuan"),
    [
        ("cpm", {"cpm": 40.0}, 1000 / 40),
        ("cpc", {"cpc": 2.0}, 1 / (2.0 * 0.02)),  # clicks at 2 yuan, 2% of impressions click
        ("cpa", {"cpa": 50.0}, 1 / (50.0 * 0.02 * 0.05)),  # an action at 50 yuan
        ("flat", {"unit_price": 8000.0, "impressions_per_unit": 400000.0}, 400000 / 8000),
    ],
)
def test_pricing_models_by_hand(pricing: str, extra: dict, impressions_per_yuan: float) -> None:
    curve, rates = funnel_curve(spec(pricing=pricing, audience=1e6, **extra), 1e6)
    assert rates.impressions_per_spend == pytest.approx(impressions_per_yuan, rel=1e-12)
    s = 30000.0
    capacity = 1e6 * 3.0  # audience x default max_frequency
    want = capacity * 0.02 * 0.05 * (1 - math.exp(-s * impressions_per_yuan / capacity))
    assert curve.value(np.array([s]))[0] == pytest.approx(want, rel=1e-12)
    assert curve.derivative(np.array([0.0]))[0] == pytest.approx(
        impressions_per_yuan * 0.02 * 0.05, rel=1e-12
    )


def test_cpa_without_audience_is_a_constant_cost_per_action() -> None:
    curve, _ = funnel_curve(spec(pricing="cpa", cpa=50.0), None)
    assert curve.value(np.array([1e6]))[0] == pytest.approx(1e6 / 50.0)


def test_segment_multipliers_raise_results_under_cpm_but_not_under_cpa() -> None:
    cpm, _ = funnel_curve(spec(pricing="cpm", cpm=40.0), None, ctr_mult=1.5, cvr_mult=1.2)
    base, _ = funnel_curve(spec(pricing="cpm", cpm=40.0), None)
    s = np.array([1000.0])
    assert cpm.value(s)[0] == pytest.approx(base.value(s)[0] * 1.8)
    cpa, _ = funnel_curve(spec(pricing="cpa", cpa=50.0), None, ctr_mult=1.5, cvr_mult=1.2)
    assert cpa.value(s)[0] == pytest.approx(1000.0 / 50.0)  # paid per action either way
