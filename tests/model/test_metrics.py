"""The one ratio rule and the metrics built on it (model/metrics.py)."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from simulator.model import metrics

money = st.floats(1e-3, 1e9)


def test_ratio_is_undefined_beside_a_zero_or_undefined_denominator() -> None:
    got = metrics.ratio(np.array([5.0, 5.0, 0.0, 5.0]), np.array([2.0, 0.0, 0.0, np.nan]))
    assert got[0] == 2.5
    assert np.isnan(got[1:]).all()


def test_roi_and_cac_by_hand() -> None:
    # the seed's example: spend 100k, GMV 500k is ROI 5:1; 100k for 800 new customers is 125
    assert float(metrics.roi(500_000.0, 100_000.0)) == 5.0
    assert float(metrics.cac(100_000.0, 800.0)) == 125.0


def test_cac_is_undefined_without_spend_or_without_new_customers() -> None:
    # zero spend with customers is not a CAC of 0: nothing was bought
    assert math.isnan(float(metrics.cac(0.0, 10.0)))
    assert math.isnan(float(metrics.cac(100.0, 0.0)))


def test_ltv_per_customer_and_ltv_cac_by_hand() -> None:
    # 200 new customers: first orders 40,000, repeat 20,000 -> 300 each; cac 50 -> 6
    lpc = metrics.ltv_per_customer(40_000.0, 20_000.0, 200.0, 10_000.0)
    assert float(lpc) == 300.0
    assert float(metrics.ltv_cac(lpc, metrics.cac(10_000.0, 200.0))) == 6.0
    assert math.isnan(float(metrics.ltv_per_customer(40_000.0, 0.0, 200.0, 0.0)))


def test_profit_is_gross_profit_less_spend() -> None:
    assert float(metrics.profit(35_000.0, 50_000.0)) == -15_000.0


@given(revenue=money, spend=money, new=money)
def test_ltv_cac_is_first_order_ltv_per_yuan(revenue: float, spend: float, new: float) -> None:
    """ltv_cac = ltv_per_customer / cac = (first-order + repeat revenue) / spend: the
    identity the optimiser's ``first_order_ltv`` line metric relies on."""
    lpc = metrics.ltv_per_customer(revenue, 0.5 * revenue, new, spend)
    got = float(metrics.ltv_cac(lpc, metrics.cac(spend, new)))
    assert math.isclose(got, 1.5 * revenue / spend, rel_tol=1e-9)


def test_ratios_of_totals_read_any_table() -> None:
    # ROI and CAC are on cost (CONTRACT.md 1c), which equals spend without fees
    means = {"revenue": 300.0, "spend": 100.0, "cost": 100.0, "new_customers": 4.0}
    assert float(metrics.RATIOS_OF_TOTALS["roi"](means.__getitem__)) == 3.0
    assert float(metrics.RATIOS_OF_TOTALS["cac"](means.__getitem__)) == 25.0
    with_fees = {**means, "cost": 120.0}
    assert float(metrics.RATIOS_OF_TOTALS["roi"](with_fees.__getitem__)) == 2.5
    assert float(metrics.RATIOS_OF_TOTALS["cac"](with_fees.__getitem__)) == 30.0
