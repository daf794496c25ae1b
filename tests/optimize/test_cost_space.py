"""The exact optimiser in cost space: budget, targets and profit on cost (CONTRACT.md 1c).

Answers are checked against closed forms and against a brute-force grid on ``evaluate``;
the certificate (re-read on the engine) must be ``checked``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator import load_scenario, optimize
from simulator.expected import evaluate_spend, totals
from simulator.model.curve_set import CurveSet
from simulator.model.curves import Exponential, Hill
from simulator.optimize.cost_space import CostCurve
from tests.model.test_cost_keys import TWO

Write = Callable[..., Path]

PROFIT = """\
name: profit-fees
budget: {total: 100000}
objective: profit
channels:
  - id: a
    response: {type: exponential, max_conversions: 1000, scale: 50000}
    aov: 100
    fees: {service_fee: 0.05, rebate: 0.15}
    commission: 0.1
"""


def _curve(fee: float, per_conversion: float) -> CostCurve:
    inner = CurveSet.of(
        [
            Exponential(np.array([1000.0]), np.array([5e4])),
            Hill(np.array([800.0]), np.array([3e4]), np.array([0.7])),
        ]
    )
    return CostCurve(inner, np.full(2, fee), np.full(2, per_conversion))


@settings(max_examples=20, deadline=None)
@given(
    fee=st.floats(0.5, 1.5),
    per_conversion=st.floats(0.0, 200.0),
    x=st.floats(1.0, 3e5),
)
def test_cost_curve_round_trips_and_slopes(fee: float, per_conversion: float, x: float) -> None:
    c = _curve(fee, per_conversion)
    xs = np.full(2, x)
    y = c.cost(xs)
    np.testing.assert_allclose(c.spend(y), xs, rtol=1e-10)
    np.testing.assert_allclose(c.value(y), c.inner.value(xs), rtol=1e-10)
    h = 1e-6 * y
    fd = (c.value(y + h) - c.value(y - h)) / (2 * h)
    np.testing.assert_allclose(c.derivative(y), fd, rtol=1e-5)
    g = c.derivative(y)
    np.testing.assert_allclose(c.inverse_derivative(g), y, rtol=1e-8)
    assert np.all(c.derivative(1.5 * y) <= g)  # concave in cost where C is


def test_cost_curve_beyond_its_largest_slope_spends_nothing() -> None:
    c = _curve(1.0, 50.0)
    assert np.all(c.inverse_derivative(np.full(2, 1 / 50.0)) == 0)


def test_profit_with_fees_and_commission_closed_form(write: Write) -> None:
    # profit = 100 C(x) - (0.9 x + 0.1 * 100 C(x)): 90 C'(x) = 0.9, C'(x) = 0.02 e^(-x/5e4)
    rec = optimize(load_scenario(write(PROFIT)))
    assert rec.status == "optimal"
    assert rec.allocation["a"] == pytest.approx(5e4 * math.log(2), rel=1e-7)
    assert rec.certificate.checked


def _best_by_grid(cs, objective: str) -> float:
    """Best objective over a grid of the first channel's spend, the second's spend set
    (by bisection, all grid points at once) so that the cost uses the whole budget."""
    a = np.linspace(0, cs.budget / cs.money.fee_factor[0], 2001)

    def tot(b: np.ndarray) -> dict[str, np.ndarray]:
        return totals(cs, evaluate_spend(cs, np.stack([a, b], axis=1)))

    lo, hi = np.zeros_like(a), np.full_like(a, 10 * cs.budget)
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        over = tot(mid)["cost"] > cs.budget
        lo, hi = np.where(over, lo, mid), np.where(over, mid, hi)
    t = tot(lo)
    ok = t["cost"] <= cs.budget * (1 + 1e-9)
    return float(np.max(np.where(ok, t[objective], -np.inf)))


def test_halo_stages_commission_against_a_grid(write: Write) -> None:
    cs = load_scenario(write(TWO))
    rec = optimize(cs)
    assert rec.status == "optimal"
    assert rec.certificate.checked
    assert rec.totals["cost"] == pytest.approx(cs.budget, rel=1e-9)
    grid = _best_by_grid(cs, "revenue")
    assert rec.totals["revenue"] >= grid * (1 - 1e-9)
    assert rec.totals["revenue"] <= grid * (1 + 1e-5)  # the grid gets close


CPC = "type: funnel, pricing: cpc, cpc: 2, ctr: 0.02, cvr: 0.5"
BENT_AND_LINEAR = """\
name: bent-and-linear
budget: {{total: 100000}}
channels:
  - id: a
    response: {{type: hill, max_conversions: 900, half_saturation: 20000, shape: 0.8}}
    aov: 100
    fees: {{service_fee: 0.05, rebate: 0.1}}
    commission: 0.1
  - id: b
    response: {{{b_response}}}
    aov: 50
{b_keys}"""


@pytest.mark.parametrize(
    ("b_response", "b_keys"),
    [
        (CPC, ""),  # a flat marginal beside a bent cost: once spent without limit (inf)
        (CPC, "    commission: 0.2\n"),  # linear cost with commission: y = (f + c r) x
        ("type: linear, cost_per_conversion: 4, max_conversions: 3000", "    commission: 0.2\n"),
    ],
    ids=["plain", "commission", "capped"],
)
def test_a_linear_channel_beside_commission_against_a_grid(
    write: Write, b_response: str, b_keys: str
) -> None:
    """The capped case: past the cap only the fee grows, so its cost curve stays linear."""
    cs = load_scenario(write(BENT_AND_LINEAR.format(b_response=b_response, b_keys=b_keys)))
    rec = optimize(cs)
    assert rec.status == "optimal"
    assert rec.certificate.checked
    assert all(np.isfinite(v) for v in rec.allocation.values())
    assert rec.totals["cost"] <= cs.budget * (1 + 1e-9)
    grid = _best_by_grid(cs, "revenue")
    assert rec.totals["revenue"] >= grid * (1 - 1e-9)
    assert rec.totals["revenue"] <= grid * (1 + 1e-4)


def test_roi_target_on_cost_against_a_grid(write: Write) -> None:
    text = TWO.replace(
        "budget: {total: 100000}\n", "budget: {total: 100000}\ntargets: {roi_min: 2.3}\n"
    )
    cs = load_scenario(write(text))
    rec = optimize(cs)
    assert rec.status == "optimal"
    assert rec.certificate.checked
    assert rec.totals["roi"] >= 2.3 * (1 - 1e-9)
    assert rec.totals["roi"] == pytest.approx(rec.totals["revenue"] / rec.totals["cost"])
    assert rec.totals["cost"] < cs.budget  # the target binds, not the budget
    centre, width, grid = np.array([6e4, 6e4]), 6e4, -np.inf
    for _ in range(3):  # a 2-D grid, refined around its best point
        a, b = np.meshgrid(*(np.linspace(c - width, c + width, 120).clip(0) for c in centre))
        cand = np.stack([a.ravel(), b.ravel()], axis=1)
        tot = totals(cs, evaluate_spend(cs, cand))
        ok = (tot["cost"] <= cs.budget) & (tot["roi"] >= 2.3)
        score = np.where(ok, tot["revenue"], -np.inf)
        grid, centre, width = max(grid, float(score.max())), cand[np.argmax(score)], width / 20
    assert rec.totals["revenue"] >= grid * (1 - 1e-9)
    assert rec.totals["revenue"] <= grid * (1 + 1e-3)


def test_daily_plan_with_fees_is_certified(write: Write) -> None:
    text = TWO.replace("name: halo\n", "name: halo\nhorizon_days: 5\n").replace(
        "    aov: 100\n", "    aov: 100\n    fees: {service_fee: 0.1}\n    adstock: {decay: 0.3}\n"
    )
    cs = load_scenario(write(text))
    total = optimize(cs)
    daily = optimize(cs, plan="daily")
    assert daily.status == "optimal"
    assert daily.certificate.checked
    assert daily.totals["cost"] <= cs.budget * (1 + 1e-9)
    assert daily.totals["revenue"] >= total.totals["revenue"] * (1 - 1e-9)


def test_whole_units_with_fees_cost_fee_times_price(write: Write) -> None:
    text = """\
    name: kol
    budget: {total: 100000}
    channels:
      - id: kol
        response: {type: exponential, max_conversions: 1000, scale: 40000}
        aov: 100
        unit_cost: 20000
        fees: {service_fee: 0.2}
      - id: feed
        response: {type: exponential, max_conversions: 800, scale: 60000}
        aov: 100
    """
    cs = load_scenario(write(text))
    rec = optimize(cs)
    units = rec.allocation["kol"] / 20_000
    assert units == round(units)
    assert rec.totals["cost"] <= cs.budget * (1 + 1e-9)
    assert rec.channels["kol"]["cost"] == pytest.approx(1.2 * rec.allocation["kol"])
    best = -np.inf  # every whole number of posts, the rest of the budget on feed
    for k in range(5):
        feed = cs.budget - 1.2 * 20_000 * k
        if feed >= 0:
            tot = totals(cs, evaluate_spend(cs, np.array([20_000.0 * k, feed])))
            best = max(best, float(tot["revenue"][0]))
    assert rec.totals["revenue"] == pytest.approx(best, rel=1e-9)


GROUND = """\
name: ground
budget: {total: 100000}
channels:
  - id: ground
    response:
      type: funnel
      pricing: flat
      unit_price: 3000
      impressions_per_unit: 2000
      ctr: 0.1
      audience: 50000
      stages:
        - {name: register, rate: 0.5, cost_each: 3}
        - {name: first_order, rate: 0.25, cost_each: 10}
    aov: 150
  - id: feed
    response: {type: exponential, max_conversions: 800, scale: 60000}
    aov: 100
"""


def test_staff_days_with_stage_costs_against_every_count(write: Write) -> None:
    # a staff-day bought whole, whose stage costs make its cost bend: branch and bound
    cs = load_scenario(write(GROUND))
    rec = optimize(cs)
    assert rec.status == "optimal"
    assert rec.certificate.checked
    days = rec.allocation["ground"] / 3000
    assert days == round(days)
    best = -np.inf
    for k in range(40):  # every whole number of staff-days, feed takes the rest of the cost
        spend = np.array([3000.0 * k, 0.0])
        lo, hi = 0.0, 2e5
        for _ in range(80):
            spend[1] = 0.5 * (lo + hi)
            over = totals(cs, evaluate_spend(cs, spend))["cost"][0] > cs.budget
            lo, hi = (lo, spend[1]) if over else (spend[1], hi)
        spend[1] = lo
        tot = totals(cs, evaluate_spend(cs, spend))
        if tot["cost"][0] <= cs.budget:
            best = max(best, float(tot["revenue"][0]))
    assert rec.totals["revenue"] == pytest.approx(best, rel=1e-9)


def test_commission_on_sale_day_order_values_is_feasible_not_claimed_optimal(
    write: Write,
) -> None:
    # the order value varies by day, so commission is read at the highest: never over budget
    text = TWO.replace(
        "name: halo\n",
        "name: halo\nhorizon_days: 10\nevents:\n"
        "  - {name: sale, start: 1, end: 3, aov_multiplier: 1.5}\n",
    )
    rec = optimize(load_scenario(write(text)))
    assert rec.status == "feasible"
    assert rec.totals["cost"] <= 100_000 * (1 + 1e-9)
    assert any("highest order value" in f for f in rec.certificate.failures)
    assert rec.upper_bound is None


def test_the_right_branch_in_cost_is_the_generic_root() -> None:
    """CostCurve's own right inverse (one map through K) equals the generic root search
    on its derivative, and its marginal there is g."""
    from simulator.model.curve_set import CurveSet
    from simulator.model.curves import Curve, Hill
    from simulator.optimize.cost_space import CostCurve

    rng = np.random.default_rng(3)
    n = 30
    hills = [
        Hill(np.array([rng.uniform(1e3, 1e4)]), np.array([rng.uniform(1e4, 1e5)]),
             np.array([rng.uniform(1.3, 3.0)]))
        for _ in range(n)
    ]  # fmt: skip
    cc = CostCurve(CurveSet.of(hills), rng.uniform(0.9, 1.2, n), rng.uniform(0.0, 30.0, n))
    floor = cc.cost(np.full(n, 1.2e5))  # right of every inflection
    g = cc.derivative(floor) * rng.uniform(0.01, 0.99, n)
    own = cc.right_inverse_derivative(g, floor)
    generic = Curve.right_inverse_derivative(cc, g, floor)
    np.testing.assert_allclose(own, generic, rtol=1e-12)
    np.testing.assert_allclose(cc.derivative(own), g, rtol=1e-12)


LOCKED_WITH_COMMISSION = """\
name: lock
budget: {total: 100000}
horizon_days: 5
channels:
  - id: a
    response: {type: hill, max_conversions: 900, half_saturation: 20000, shape: 0.8}
    aov: 100
    commission: 0.1
    locked: true
  - id: b
    response: {type: exponential, max_conversions: 500, scale: 30000}
    aov: 80
split: {allocation: {a: 40000, b: 60000}}
"""


def test_a_locked_channel_with_commission_keeps_its_lock_in_a_daily_plan(write: Write) -> None:
    """The lock is a sum of spends over days, no limit on their bent costs: the daily plan
    used to read it at the fee alone and spent 34,532 (certificate: unverified)."""
    cs = load_scenario(write(LOCKED_WITH_COMMISSION))
    rec = optimize(cs, plan="daily")
    assert rec.status == "feasible"  # days spent evenly: not proven best
    assert rec.allocation["a"] == pytest.approx(40_000, rel=1e-12)
    assert rec.certificate.max_violation <= 1e-9
    assert rec.totals["cost"] <= cs.budget * (1 + 1e-9)
    by_total = optimize(cs)
    assert rec.totals["revenue"] <= by_total.totals["revenue"] * (1 + 1e-9)
