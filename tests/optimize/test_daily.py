"""Daily plans (CONTRACT.md 1b): the exact allocator by day against independent solves.

Every reference here is computed without the package's curves or line items: the 1b
formula is written out by hand (``revenue_1b``), solved by SLSQP with analytic gradients,
checked by KKT conditions, or solved in closed form for an exponential curve.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize

from simulator import evaluate, load_scenario
from simulator.api import optimize
from simulator.cli import main
from simulator.model.compiled import CompiledScenario

Write = Callable[[str, str], Path]

H = 10
EVENT_DAYS = (6, 7)  # 1-based

SALE = """\
name: sale-two-days
horizon_days: 10
budget: {total: 1000000}
events:
  - {name: double_11, start: 6, end: 7, cost_multiplier: COST, cvr_multiplier: CVR}
channels:
  - id: search
    response: {type: hill, max_conversions: 12000, half_saturation: 400000, shape: 0.9}
    aov: 220
    new_customer_rate: 0.6
    adstock: {decay: 0.3}
  - id: feed
    response: {type: exponential, max_conversions: 9000, scale: 250000}
    aov: 160
    adstock: {decay: 0.5}
    max_spend: 300000
  - id: kol
    response: {type: exponential, max_conversions: 3000, scale: 150000}
    aov: 300
    daily_cap: 25000
"""


@dataclass(frozen=True)
class Chan:
    """One channel of SALE, written out by hand for the independent references."""

    kind: str
    m: float
    s: float
    k: float
    aov: float
    decay: float
    cap: float
    max_spend: float


CHANS = (
    Chan("hill", 12000, 400000, 0.9, 220, 0.3, np.inf, np.inf),
    Chan("exponential", 9000, 250000, 1.0, 160, 0.5, np.inf, 300000),
    Chan("exponential", 3000, 150000, 1.0, 300, 0.0, 25000, np.inf),
)


def curve(c: Chan, y: np.ndarray) -> np.ndarray:
    if c.kind == "hill":
        r = (np.maximum(y, 0) / c.s) ** c.k
        return c.m * r / (1 + r)
    return c.m * -np.expm1(-y / c.s)


def slope(c: Chan, y: np.ndarray) -> np.ndarray:
    if c.kind == "hill":
        y = np.maximum(y, 1e-300)
        r = (y / c.s) ** c.k
        return c.m * c.k * r / (y * (1 + r) ** 2)
    return c.m / c.s * np.exp(-y / c.s)


def day_factors(cost: float, cvr: float) -> tuple[np.ndarray, np.ndarray]:
    m, v = np.ones(H), np.ones(H)
    for d in EVENT_DAYS:
        m[d - 1], v[d - 1] = cost, cvr
    return m, v


@functools.cache
def landed(decay: float) -> np.ndarray:
    """Share of day t's conversions landing by day H: sum_{u=t..H} (1-d) d^(u-t)."""
    days = range(1, H + 1)
    return np.array([sum((1 - decay) * decay ** (u - t) for u in range(t, H + 1)) for t in days])


def revenue_1b(plan: np.ndarray, cost: float, cvr: float) -> tuple[float, np.ndarray]:
    """Revenue of a (channels, H) plan by CONTRACT 1b, and its gradient."""
    m, v = day_factors(cost, cvr)
    total, grad = 0.0, np.zeros_like(plan)
    for i, c in enumerate(CHANS):
        w = landed(c.decay)
        y = H * plan[i] / m
        total += float(np.sum(c.aov * w * v * curve(c, y) / H))
        grad[i] = c.aov * w * v / m * slope(c, y)
    return total, grad


def slsqp_daily(
    cost: float, cvr: float, budget: float, roi_min: float = 0.0
) -> tuple[float, np.ndarray]:
    """Best feasible revenue of the daily problem over several SLSQP starts (ftol 1e-12).

    Variables are spends in units of ``unit`` (an even day's share) so that SLSQP's steps
    and tolerances see numbers of order one.
    """
    n_ch = len(CHANS)
    unit = budget / (n_ch * H)
    scale = 1e-6

    def value(u: np.ndarray) -> tuple[float, np.ndarray]:
        val, g = revenue_1b(u.reshape(n_ch, H) * unit, cost, cvr)
        return val, g.ravel() * unit

    def obj(u: np.ndarray) -> tuple[float, np.ndarray]:
        val, g = value(u)
        return -val * scale, -g * scale

    n = n_ch * H
    cons = [ineq(lambda u: (n - u.sum()) / n, lambda u: -np.ones(n) / n)]
    for i, c in enumerate(CHANS):
        if np.isfinite(c.max_spend):
            e = np.zeros((n_ch, H))
            e[i] = 1.0
            e = e.ravel()
            cons.append(
                ineq(lambda u, e=e, c=c: (c.max_spend / unit - e @ u) / n, lambda u, e=e: -e / n)
            )
    if roi_min:
        cons.append(
            ineq(
                lambda u: (value(u)[0] - roi_min * unit * u.sum()) * scale,
                lambda u: (value(u)[1] - roi_min * unit) * scale,
            )
        )
    bounds = [(1e-9, min(c.cap, budget) / unit) for c in CHANS for _ in range(H)]
    lo, hi = np.array([b[0] for b in bounds]), np.array([b[1] for b in bounds])
    rng = np.random.default_rng(1)
    best, best_u = -np.inf, np.zeros(n)
    for k in range(4):
        u0 = np.clip(0.8 * (rng.uniform(0.3, 1.5, n) if k else np.ones(n)), lo, hi)
        res = minimize(
            obj,
            u0,
            jac=True,
            method="SLSQP",
            bounds=bounds,
            constraints=cons,
            options={"ftol": 1e-12, "maxiter": 3000},
        )
        u = np.clip(res.x, lo, hi)
        if min(con["fun"](u) for con in cons) < -1e-9:
            continue
        val = value(u)[0]
        if val > best:
            best, best_u = val, u
    return best, best_u.reshape(n_ch, H) * unit


def ineq(fun: Callable[[np.ndarray], float], jac: Callable[[np.ndarray], np.ndarray]) -> dict:
    return {"type": "ineq", "fun": fun, "jac": jac}


def sale(write: Write, cost: float = 1.8, cvr: float = 2.5, extra: str = "") -> CompiledScenario:
    text = SALE.replace("COST", str(cost)).replace("CVR", str(cvr)) + extra
    return load_scenario(write(text, "sale.yaml"))


def plan_of(result_daily: dict[str, list[float]] | None) -> np.ndarray:
    assert result_daily is not None
    return np.array([result_daily[cid] for cid in ("search", "feed", "kol")])


# --- the event scenario against independent solves ------------------------------------


def test_daily_optimum_matches_slsqp_on_the_same_problem(write: Write) -> None:
    res = optimize(sale(write), plan="daily")
    plan = plan_of(res.daily)
    mine = revenue_1b(plan, 1.8, 2.5)[0]
    assert res.status == "optimal"
    assert res.totals["revenue"] == pytest.approx(mine, rel=1e-12)  # engine == hand formula
    ref, ref_plan = slsqp_daily(1.8, 2.5, 1e6)
    assert mine == pytest.approx(ref, rel=1e-6)
    assert mine >= ref * (1 - 1e-9)  # no independent start finds more
    np.testing.assert_allclose(plan, ref_plan, atol=2e-3 * 1e6 / H)
    assert plan.sum() == pytest.approx(1e6, rel=1e-9)


def test_daily_optimum_meets_kkt_computed_by_hand(write: Write) -> None:
    """Free items share one marginal revenue per yuan; zeros earn less, capped items more."""
    res = optimize(sale(write), plan="daily")
    plan = plan_of(res.daily)
    grad = revenue_1b(plan, 1.8, 2.5)[1]
    caps = np.array([[c.cap] * H for c in CHANS])
    at_cap = plan >= caps * (1 - 1e-9)
    free = ~at_cap & (plan > 1e-6)
    feed_binds = plan[1].sum() >= 300000 * (1 - 1e-9)
    assert feed_binds  # the scenario is built so feed's max_spend holds it
    lam = grad[[0, 2]][free[[0, 2]]]
    assert lam.size > 5
    np.testing.assert_allclose(lam, lam.mean(), rtol=1e-6)
    feed = grad[1][free[1]]
    np.testing.assert_allclose(feed, feed.mean(), rtol=1e-6)
    assert feed.mean() >= lam.mean() * (1 - 1e-9)  # its max_spend is worth relaxing
    assert np.all(grad[at_cap] >= lam.mean() * (1 - 1e-9))
    assert at_cap[2, [d - 1 for d in EVENT_DAYS]].all()  # the cap binds on the sale days


def test_daily_caps_are_honoured(write: Write) -> None:
    res = optimize(sale(write), plan="daily")
    assert res.daily is not None
    kol = np.array(res.daily["kol"])
    assert kol.max() <= 25000 * (1 + 1e-12)
    assert np.sum(kol >= 25000 * (1 - 1e-9)) >= 2
    assert np.all(kol[[0, 1, 2]] < 25000 * 0.99)  # ordinary days sit below it


def test_daily_plan_beats_even_and_static_plans(write: Write) -> None:
    sc = sale(write)
    daily = optimize(sc, plan="daily")
    static = optimize(sc)
    even = evaluate(sc, daily.allocation)  # the same totals, spent evenly
    assert daily.totals["revenue"] > static.totals["revenue"] * 1.01
    assert static.totals["revenue"] >= even.totals["revenue"] * (1 - 1e-12)
    assert daily.totals["revenue"] > even.totals["revenue"] * 1.01


def test_budget_moves_into_event_days_as_far_as_prices_allow(write: Write) -> None:
    """Exponential with adstock: x_t / m_t - (s/H) ln(w_t v_t / m_t) is the same each free day.

    That is the closed form of equal marginals, ``aov w v / m * M/s exp(-H x / (m s)) = lambda``.
    """
    res = optimize(sale(write), plan="daily")
    plan = plan_of(res.daily)
    m, v = day_factors(1.8, 2.5)
    c = CHANS[1]
    w = landed(c.decay)
    level = plan[1] * H / m / c.s - np.log(w * v / m)
    np.testing.assert_allclose(level, level.mean(), rtol=1e-7)
    ev = [d - 1 for d in EVENT_DAYS]
    normal = [d for d in range(H) if d + 1 not in EVENT_DAYS]
    for i in range(len(CHANS)):
        assert plan[i, ev].min() > plan[i, normal].max()
    # no adstock: event spend = m (normal spend + (s / H) ln(v / m)) exactly
    kol_free = plan[2, 0]
    k = CHANS[2]
    expected = min(1.8 * (kol_free + k.s / H * math.log(2.5 / 1.8)), k.cap)
    assert plan[2, ev[0]] == pytest.approx(expected, rel=1e-9)


def test_too_expensive_event_pushes_spend_away(write: Write) -> None:
    """Cost x6 for a lift of x1.2: every channel spends less on the sale days than on any
    other day, and less than it would with no event at all."""
    plan = plan_of(optimize(sale(write, cost=6.0, cvr=1.2), plan="daily").daily)
    calm = plan_of(optimize(sale(write, cost=1.0, cvr=1.0), plan="daily").daily)
    ev = [d - 1 for d in EVENT_DAYS]
    normal = [d for d in range(H) if d + 1 not in EVENT_DAYS]
    for i in range(len(CHANS)):
        assert plan[i, ev].max() < plan[i, normal].min()
        assert np.all(plan[i, ev] < 0.8 * calm[i, ev])
    ref, _ = slsqp_daily(6.0, 1.2, 1e6)
    assert revenue_1b(plan, 6.0, 1.2)[0] == pytest.approx(ref, rel=1e-6)


def test_daily_roi_target_matches_slsqp(write: Write) -> None:
    sc = sale(write, extra="targets: {roi_min: 4.0}\n")
    res = optimize(sc, plan="daily")
    plan = plan_of(res.daily)
    rev = revenue_1b(plan, 1.8, 2.5)[0]
    assert res.status == "optimal"
    assert rev / plan.sum() >= 4.0 * (1 - 1e-9)
    assert plan.sum() < 1e6 * 0.99  # the target, not the budget, holds the plan
    ref, _ = slsqp_daily(1.8, 2.5, 1e6, roi_min=4.0)
    assert rev == pytest.approx(ref, rel=1e-6)
    assert rev >= ref * (1 - 1e-9)


# --- one channel, two days, by hand --------------------------------------------------

TWO_DAYS = """\
name: two-days
horizon_days: 2
budget: {total: BUDGET}
channels:
  - id: feed
    response: {type: exponential, max_conversions: 100, scale: 500}
    aov: 10
    adstock: {decay: 0.5}
events:
  - {name: sale, start: 2, end: 2, cost_multiplier: COST, cvr_multiplier: CVR, aov_multiplier: 0.8}
"""


def two_days(write: Write, budget: float, cost: float, cvr: float) -> CompiledScenario:
    text = TWO_DAYS.replace("BUDGET", str(budget)).replace("COST", str(cost))
    return load_scenario(write(text.replace("CVR", str(cvr)), "two.yaml"))


def test_one_channel_two_days_equalises_marginals_by_hand(write: Write) -> None:
    """a_t exp(-2 x_t / (m_t s)) equal on both days, x1 + x2 = B; a_t = w_t v_t aov_t / m_t.

    Day 1 lands w1 = 1 - 0.5^2 = 0.75 of its conversions, day 2 w2 = 0.5;
    a1 = 0.75, a2 = 0.5 * 2.5 * 0.8 / 1.8. Taking logs makes it linear in x2:
    x2 = (ln(a2 / a1) + 2B / (m1 s)) / ((2 / s)(1 / m1 + 1 / m2)).
    """
    b, s = 600.0, 500.0
    a1, a2 = 0.75, 0.5 * 2.5 * 0.8 / 1.8
    x2 = (math.log(a2 / a1) + 2 * b / s) / ((2 / s) * (1 + 1 / 1.8))
    res = optimize(two_days(write, b, 1.8, 2.5), plan="daily")
    assert 0 < x2 < b
    assert res.daily == {"feed": [pytest.approx(b - x2, rel=1e-9), pytest.approx(x2, rel=1e-9)]}
    assert res.allocation["feed"] == pytest.approx(b, rel=1e-12)


def test_one_channel_too_expensive_event_gets_nothing(write: Write) -> None:
    """Cost x10, cvr x2.5: a2 / a1 = (0.5 * 2.5 * 0.8 / 10) / 0.75 = 0.133 < exp(-2B/s) = 0.67.

    Then even the last yuan on day 1 earns more than the first on day 2: x2 = 0.
    """
    b, s = 100.0, 500.0
    a1, a2 = 0.75, 0.5 * 2.5 * 0.8 / 10
    assert a2 / a1 < math.exp(-2 * b / s)
    res = optimize(two_days(write, b, 10, 2.5), plan="daily")
    assert res.daily is not None
    assert res.daily["feed"][0] == pytest.approx(b, rel=1e-12)
    assert res.daily["feed"][1] == pytest.approx(0.0, abs=1e-9 * b)


# --- without time effects the daily plan is the static one ----------------------------


def test_without_time_effects_daily_optimum_is_even_and_static(core_file: Path) -> None:
    sc = load_scenario(core_file)
    daily = optimize(sc, plan="daily")
    static = optimize(sc)
    assert daily.totals["revenue"] == pytest.approx(static.totals["revenue"], rel=1e-9)
    for cid, days in (daily.daily or {}).items():
        np.testing.assert_allclose(days, static.allocation[cid] / 30, rtol=1e-6)


# --- evaluate of daily plans by CONTRACT 1b -----------------------------------------------

THREE_DAYS = """\
name: three-days
horizon_days: 3
start_date: 2026-11-01
budget: {total: 1000}
channels:
  - id: feed
    response: {type: exponential, max_conversions: 100, scale: 500}
    aov: 10
    adstock: {decay: 0.4}
  - id: search
    response: {type: linear, cost_per_conversion: 20}
    aov: 20
events:
  - {name: a, start: 2026-11-02, end: 2026-11-03, cost_multiplier: 2.0, cvr_multiplier: 1.5,
     channels: [feed]}
  - {name: b, start: 3, end: 3, cvr_multiplier: 2.0, aov_multiplier: 0.5}
"""


def test_evaluate_daily_plan_with_two_day_carry_and_channel_events(write: Write) -> None:
    """Dated events, an event limited to one channel, overlapping events multiply."""
    sc = load_scenario(write(THREE_DAYS, "three.yaml"))
    feed, search = [100.0, 0.0, 300.0], [50.0, 60.0, 70.0]
    res = evaluate(
        sc, {"allocation": {"feed": 400, "search": 180}, "daily": {"feed": feed, "search": search}}
    )
    c = lambda y: 100 * (1 - math.exp(-y / 500))  # noqa: E731  (the curve as the scenario states it)
    p = [c(3 * 100 / 1) / 3, 0.0, 1.5 * 2.0 * c(3 * 300 / 2.0) / 3]  # feed produced per day
    d = 0.4
    feed_landed = [
        (1 - d) * p[0],
        (1 - d) * (d * p[0] + p[1]),
        (1 - d) * (d * d * p[0] + d * p[1] + p[2]),
    ]
    q = [0.05 * 3 * 50 / 3, 0.05 * 3 * 60 / 3, 2.0 * 0.05 * 3 * 70 / 3]  # search, no adstock
    conv = sum(feed_landed) + sum(q)
    feed_rev = 10 * ((1 - d) * p[0] * (1 + d + d * d) + 0.5 * (1 - d) * p[2])
    rev = feed_rev + 20 * (q[0] + q[1] + 0.5 * q[2])
    assert res.totals["conversions"] == pytest.approx(conv, rel=1e-12)
    assert res.totals["revenue"] == pytest.approx(rev, rel=1e-12)
    carry = sum(p) - sum(feed_landed)
    assert res.totals["carryover_after_horizon"] == pytest.approx(carry, rel=1e-12)
    assert res.channels["search"]["revenue"] == pytest.approx(
        20 * (q[0] + q[1] + 0.5 * q[2]), rel=1e-12
    )


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(0, 6e4), min_size=3 * H, max_size=3 * H))
def test_evaluate_any_daily_plan_is_the_1b_formula(
    tmp_path_factory: pytest.TempPathFactory, days: list[float]
) -> None:
    path = tmp_path_factory.mktemp("sale") / "sale.yaml"
    path.write_text(SALE.replace("COST", "1.8").replace("CVR", "2.5"))
    sc = load_scenario(path)
    plan = np.array(days).reshape(3, H)
    daily = {cid: plan[i].tolist() for i, cid in enumerate(("search", "feed", "kol"))}
    alloc = {cid: float(sum(v)) for cid, v in daily.items()}
    res = evaluate(sc, {"allocation": alloc, "daily": daily})
    assert res.totals["revenue"] == pytest.approx(
        revenue_1b(plan, 1.8, 2.5)[0], rel=1e-12, abs=1e-9
    )


def test_even_daily_split_without_time_effects_is_the_core_model(core_file: Path) -> None:
    sc = load_scenario(core_file)
    alloc = {"baidu_search": 350000.0, "douyin_feed": 250000.0}
    core = evaluate(sc, alloc)
    even = evaluate(
        sc, {"allocation": alloc, "daily": {k: [v / 30] * 30 for k, v in alloc.items()}}
    )
    for key in ("spend", "revenue", "conversions", "new_customers", "profit", "roi", "cac"):
        assert even.totals[key] == pytest.approx(core.totals[key], rel=1e-12)
    for cid in alloc:
        assert even.channels[cid]["revenue"] == pytest.approx(
            core.channels[cid]["revenue"], rel=1e-12
        )


def test_cli_optimize_daily_json(write: Write, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(SALE.replace("COST", "1.8").replace("CVR", "2.5"), "sale.yaml")
    code = main(["optimize", str(path), "--plan", "daily", "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0
    assert set(doc["daily"]) == {"search", "feed", "kol"}
    for cid, days in doc["daily"].items():
        assert len(days) == H
        assert sum(days) == pytest.approx(doc["allocation"][cid], rel=1e-12)


def test_uncapped_segmented_units_pinned_to_one_segment_keep_finite_bounds(write: Write) -> None:
    """A channel without a daily cap stays uncapped when its whole units sit in one segment
    (an ad set pinned to 0 once turned ``inf * 0`` into nan spend in the daily plan)."""
    from simulator.optimize.lineitems import build_problem

    cs = load_scenario(
        write(
            """
name: pinned
horizon_days: 5
budget: {total: 500000}
segments:
  - {id: young, size: 1000000}
  - {id: family, size: 1000000}
channels:
  - id: kol
    response: {type: linear, cost_per_conversion: 80, max_conversions: 10000}
    aov: 200
    unit_cost: 100000
    segments: [young, family]
"""
        )
    )
    young, family = (cs.ad_set_ids.index(f"kol/{s}") for s in ("young", "family"))
    p = build_problem(cs, daily=True, pinned={young: 0.0, family: 200000.0})
    assert not np.any(np.isnan(p.upper))
    assert np.all(p.upper == 500000.0)  # no cap, no max_spend: only the budget bounds a day
    result = optimize(cs, plan="daily")
    spend = result.allocation["kol"]
    assert math.isfinite(spend)
    assert spend % 100000 == pytest.approx(0.0, abs=1e-6)
