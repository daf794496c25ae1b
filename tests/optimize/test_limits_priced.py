"""Limits the allocator's disjoint groups cannot hold, held by priced multipliers.

A channel's own CAC/ROI over its several items (days, segments), channel groups crossing
budget periods, a channel's own minimum inside a group or across periods, and an on-off
minimum inside periods: each was ``feasible`` (a stricter per-item bound) or refused
with exit 2. Each is now planned exactly, and checked against a multi-start SLSQP on
the expected-value engine (plans of a few days, so the reference is quick and sure).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize

from simulator.expected import evaluate_plan, evaluate_split, per_channel, totals
from simulator.model.compiled import CompiledScenario, Split
from simulator.model.load import load_scenario
from simulator.optimize import optimize
from simulator.optimize.exact.allocator import optimize_exact
from simulator.optimize.lineitems import build_problem

Write = Callable[..., Path]
Rule = Callable[[CompiledScenario, np.ndarray], float]  # >= 0 where the plan keeps it


def channel(cid: str, m: float, scale: float, aov: float, extra: str = "") -> str:
    return (
        f"  - id: {cid}\n"
        f"    response: {{type: exponential, max_conversions: {m}, scale: {scale}}}\n"
        f"    aov: {aov}\n" + "".join(f"    {line}\n" for line in extra.split(";") if line)
    )


def doc(budget: float, *channels: str, top: str = "", days: int = 4, periods: str = "") -> str:
    """A plan of a few days whose days differ (an event on days 2-3), so a channel's days
    are distinct items and a per-day bound is stricter than the channel's own ratio."""
    head = f"name: t\nhorizon_days: {days}\nbudget:\n  total: {budget}\n"
    if periods:
        head += "  periods:\n" + "".join(f"    - {p}\n" for p in periods.split(";"))
    event = (
        "events:\n  - {name: sale, start: 2, end: 3, cost_multiplier: 1.6, cvr_multiplier: 2.2}\n"
    )
    event = event if days >= 3 else ""
    return head + event + top + "channels:\n" + "".join(channels)


# --- the reference: multi-start SLSQP on the engine --------------------------------
# Each rule reads candidate plans ``(K, A, H)`` and returns ``(K,)`` (>= 0: kept), so one
# engine call gives a value and its forward-difference gradient.


def own_ratio(c: int, key: str, bound: float) -> Rule:
    """Channel ``c``'s own ratio in linear form (revenue - roi cost, or customers - cost/cac)."""

    def rule(cs: CompiledScenario, plans: np.ndarray) -> np.ndarray:
        ch = per_channel(cs, evaluate_plan(cs, plans))
        if key == "roi_min":
            return np.asarray(ch["revenue"][:, c] - bound * ch["cost"][:, c])
        return np.asarray(ch["new_customers"][:, c] - ch["cost"][:, c] / bound)

    return rule


def spend_cap(channels: list[int], days: slice, hi: float) -> Rule:
    return lambda cs, plans: hi - plans[:, channels, days].sum(axis=(1, 2))


def spend_floor(channels: list[int], lo: float) -> Rule:
    return lambda cs, plans: plans[:, channels].sum(axis=(1, 2)) - lo


def _revenue(cs: CompiledScenario, plans: np.ndarray) -> np.ndarray:
    return np.asarray(totals(cs, evaluate_plan(cs, plans))["revenue"])


def _with_gradient(
    cs: CompiledScenario, rule: Rule, shape: tuple[int, int]
) -> tuple[Callable[[np.ndarray], float], Callable[[np.ndarray], np.ndarray]]:
    """``rule / budget`` at a plan in shares of the budget, and its forward-difference
    gradient from one engine call (SLSQP is best on variables and values of size 1)."""
    b, step = cs.budget, 1e-7

    def fun(u: np.ndarray) -> float:
        return float(rule(cs, (u * b).reshape(1, *shape))[0]) / b

    def jac(u: np.ndarray) -> np.ndarray:
        cands = np.vstack([u, u + step * np.eye(u.size)]) * b
        out = rule(cs, cands.reshape(-1, *shape)) / b
        return np.asarray((out[1:] - out[0]) / step)

    return fun, jac


def reference(
    cs: CompiledScenario, rules: list[Rule], upper: np.ndarray | None = None, starts: int = 3
) -> float:
    """Best revenue of a daily plan ``(A, H)`` under the budget and ``rules``, by SLSQP from
    several starts (the best that meets every rule to 1e-7 of the budget)."""
    a, h = cs.n_ad_sets, cs.horizon_days
    up = np.full(a * h, 1.0) if upper is None else upper.ravel() / cs.budget
    shape = (a, h)
    f, g = _with_gradient(cs, lambda c, p: -_revenue(c, p), shape)
    budget: Rule = lambda c, p: c.budget - p.sum(axis=(1, 2))  # noqa: E731
    cons = []
    for r in [budget, *rules]:
        fun, jac = _with_gradient(cs, r, shape)
        cons.append({"type": "ineq", "fun": fun, "jac": jac})
    rng = np.random.default_rng(7)
    best = -np.inf
    for k in range(starts):
        u0 = np.minimum(up, rng.uniform(0.0, 1.0, a * h) / (a * h) * (k % 3 + 1))
        out = minimize(
            f,
            u0,
            jac=g,
            method="SLSQP",
            bounds=list(zip(np.zeros(a * h), up, strict=True)),
            constraints=cons,
            options={"maxiter": 300, "ftol": 1e-14},
        )
        u = np.clip(out.x, 0.0, up)
        if all(c["fun"](u) >= -1e-7 for c in cons):
            best = max(best, -f(u) * cs.budget)
    return best


def plan_of(res: object) -> np.ndarray:
    daily = res.daily  # type: ignore[attr-defined]
    return np.array([daily[c] for c in daily])


def assert_optimal_and_best(res: object, ref: float) -> None:
    """``optimal`` with a checked certificate, and no worse than the reference."""
    assert res.status == "optimal", res.certificate  # type: ignore[attr-defined]
    assert res.certificate.checked  # type: ignore[attr-defined]
    got = res.totals["revenue"]  # type: ignore[attr-defined]
    assert got >= ref * (1 - 1e-6)
    assert got <= ref * (1 + 1e-3)  # the reference is close to the optimum too


# --- (a) a channel's own ratio over its several items ------------------------------


def test_channel_cac_max_over_days_is_exact_not_per_day(write: Write) -> None:
    """x's CAC over its days meets its cap; a day of the sale is dearer than the cap on its
    own but worth buying inside the channel's average (a per-day bound would forbid it)."""
    x = channel("x", 400, 600, 30, "cac_max: 3.5")
    path = write(doc(4000, x, channel("y", 200, 800, 20)))
    cs = load_scenario(path)
    res = optimize(cs, plan="daily")
    ch = res.channels["x"]
    assert ch["cac"] == pytest.approx(3.5, rel=1e-7)  # binds on the channel's average
    ref = reference(cs, [own_ratio(0, "cac_max", 3.5)])
    assert_optimal_and_best(res, ref)
    exact = build_problem(cs, daily=True, priced_ratios=True)
    assert [c.name for c in exact.priced] == ["own:x:cac_max"]
    # the per-day bounds (the former plan, status feasible) earn strictly less
    per_day = optimize_exact(build_problem(cs, daily=True))
    assert per_day.objective < res.totals["revenue"] * (1 - 1e-4)


def test_segmented_channel_roi_min_is_exact_over_its_segments(write: Write) -> None:
    """A plan by total: feed's two segments are two items; its ROI over both meets 2.4."""
    top = (
        "segments:\n  - {id: young, size: 2000000, cvr_multiplier: 1.5}\n"
        "  - {id: old, size: 1000000, cvr_multiplier: 0.6}\n"
    )
    feed = channel("feed", 300, 900, 10, "roi_min: 2.4;segments: [young, old]")
    path = write(doc(3000, feed, channel("y", 100, 1500, 12), top=top, days=1))
    cs = load_scenario(path)
    res = optimize(cs)
    assert res.channels["feed"]["roi"] == pytest.approx(2.4, rel=1e-7)
    assert res.status == "optimal"
    assert res.certificate is not None
    assert res.certificate.checked

    def revenue(u: np.ndarray) -> float:  # u: the ad sets' shares of the budget
        return float(totals(cs, evaluate_split(cs, Split(u * 3000)))["revenue"][0]) / 3000

    def roi_gap(u: np.ndarray) -> float:
        ch = per_channel(cs, evaluate_split(cs, Split(u * 3000)))
        return float(ch["revenue"][0, 0] - 2.4 * ch["cost"][0, 0]) / 3000

    best = -np.inf
    for u0 in ([0.2, 0.2, 0.2], [0.05, 0.3, 0.3], [0.3, 0.02, 0.5]):
        out = minimize(
            lambda u: -revenue(u),
            np.array(u0),
            method="SLSQP",
            bounds=[(0, 1)] * 3,
            constraints=[
                {"type": "ineq", "fun": lambda u: 1 - u.sum()},
                {"type": "ineq", "fun": roi_gap},
            ],
            options={"maxiter": 300, "ftol": 1e-14},
        )
        if roi_gap(out.x) >= -1e-9 and out.x.sum() <= 1 + 1e-9:
            best = max(best, revenue(out.x) * 3000)
    assert res.totals["revenue"] >= best * (1 - 1e-7)


def test_own_ratio_that_does_not_bind_leaves_the_plan_unpriced(write: Write) -> None:
    path = write(doc(2000, channel("x", 400, 600, 30, "cac_max: 500"), channel("y", 200, 800, 20)))
    res = optimize(load_scenario(path), plan="daily")
    assert res.status == "optimal"
    assert res.channels["x"]["cac"] < 500


# --- (b) limits that cross or nest --------------------------------------------------


def test_daily_groups_and_periods_that_both_bind_are_planned(write: Write) -> None:
    """Group g (x, y) at most 1,500 and days 1-2 at most 600, both binding: neither
    relaxation keeps the other family, so the periods are priced."""
    top = "groups:\n  - {id: g, channels: [x, y], max: 1500}\n"
    chans = (channel("x", 400, 700, 30), channel("y", 300, 900, 25), channel("z", 100, 900, 15))
    path = write(doc(3000, *chans, top=top, periods="{start: 1, end: 2, max: 600}"))
    cs = load_scenario(path)
    res = optimize(cs, plan="daily")
    plan = plan_of(res)
    assert plan[:2].sum() == pytest.approx(1500, rel=1e-7)
    assert plan[:, :2].sum() == pytest.approx(600, rel=1e-7)
    rules = [spend_cap([0, 1], slice(None), 1500), spend_cap([0, 1, 2], slice(0, 2), 600)]
    assert_optimal_and_best(res, reference(cs, rules))


def test_channel_min_inside_a_group_in_a_daily_plan_is_planned(write: Write) -> None:
    """x's own min_spend 700 over its days, inside group g (x, y) capped at 1,000."""
    top = "groups:\n  - {id: g, channels: [x, y], max: 1000}\n"
    chans = (channel("x", 60, 900, 20, "min_spend: 700"), channel("y", 300, 600, 25))
    path = write(doc(3000, *chans, channel("z", 100, 900, 15), top=top))
    cs = load_scenario(path)
    res = optimize(cs, plan="daily")
    assert res.allocation["x"] == pytest.approx(700, rel=1e-7)
    assert res.allocation["x"] + res.allocation["y"] == pytest.approx(1000, rel=1e-7)
    rules = [spend_floor([0], 700), spend_cap([0, 1], slice(None), 1000)]
    assert_optimal_and_best(res, reference(cs, rules))


def test_channel_max_inside_a_group_in_a_daily_plan_is_planned(write: Write) -> None:
    """Formerly refused: x's own max over its days (100) binds inside group g (max 500)."""
    top = "groups:\n  - {id: g, channels: [x, y], max: 500}\n"
    chans = (channel("x", 100, 500, 20, "max_spend: 100"), channel("y", 60, 300, 25))
    path = write(doc(1000, *chans, top=top))
    cs = load_scenario(path)
    res = optimize(cs, plan="daily")
    assert res.allocation["x"] == pytest.approx(100, rel=1e-7)
    rules = [spend_cap([0], slice(None), 100), spend_cap([0, 1], slice(None), 500)]
    assert_optimal_and_best(res, reference(cs, rules))


def test_periods_with_a_channel_min_over_days_are_planned(write: Write) -> None:
    x = channel("x", 50, 900, 20, "min_spend: 400")
    path = write(doc(2000, x, channel("y", 300, 600, 25), periods="{start: 1, end: 2, max: 500}"))
    cs = load_scenario(path)
    res = optimize(cs, plan="daily")
    assert res.allocation["x"] == pytest.approx(400, rel=1e-7)
    assert plan_of(res)[:, :2].sum() == pytest.approx(500, rel=1e-7)
    rules = [spend_floor([0], 400), spend_cap([0, 1], slice(0, 2), 500)]
    assert_optimal_and_best(res, reference(cs, rules))


def test_min_active_that_binds_inside_periods_is_planned(write: Write) -> None:
    """y is 0 or at least 450 across a period cap: the better of the two, on a reference
    that tries both sides."""
    y = channel("y", 30, 300, 25, "min_active_spend: 450")
    path = write(doc(1000, channel("x", 100, 500, 20), y, periods="{start: 1, end: 3, max: 300}"))
    cs = load_scenario(path)
    res = optimize(cs, plan="daily")
    cap = spend_cap([0, 1], slice(0, 3), 300)
    off = np.full((2, 4), 1000.0)
    off[1] = 0.0
    best = max(reference(cs, [cap], upper=off), reference(cs, [cap, spend_floor([1], 450)]))
    y_total = res.allocation["y"]
    assert y_total == 0 or y_total >= 450 * (1 - 1e-9)
    assert res.status == "optimal"
    assert res.totals["revenue"] >= best * (1 - 1e-6)


# --- hypothesis: own limits over several days ----------------------------------------


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    m=st.lists(st.floats(50, 500), min_size=2, max_size=2),
    scale=st.lists(st.floats(500, 3000), min_size=2, max_size=2),
    cap=st.floats(2.0, 30.0),
    roi=st.floats(0.5, 8.0),
)
def test_own_limits_over_days_are_met_and_optimal_only_when_certified(
    write: Write, m: list[float], scale: list[float], cap: float, roi: float
) -> None:
    x = channel("x", m[0], scale[0], 30, f"cac_max: {cap}")
    y = channel("y", m[1], scale[1], 20, f"roi_min: {roi}")
    path = write(doc(3000, x, y, days=3))
    cs = load_scenario(path)
    res = optimize(cs, plan="daily")
    assert res.certificate is not None
    assert (res.status == "optimal") == res.certificate.checked
    assert res.status in ("optimal", "feasible")  # never refused, never unverified
    for cid, key, bound in (("x", "cac", cap), ("y", "roi", roi)):
        value = res.channels[cid][key]
        if res.channels[cid]["spend"] > 1e-6 and value is not None:
            assert value <= bound * (1 + 1e-7) if key == "cac" else value >= bound * (1 - 1e-7)
    ref = reference(cs, [own_ratio(0, "cac_max", cap), own_ratio(1, "roi_min", roi)], starts=2)
    # the reference meets its rules to 1e-7 of the budget: worth up to ~1e-6 of it
    assert res.totals["revenue"] >= ref * (1 - 1e-6) - 1e-6 * cs.budget


def test_channel_max_that_binds_across_periods_is_planned(write: Write) -> None:
    """x's own max over its days (300) left out beside the periods binds: formerly refused;
    now kept, with the period priced."""
    x = channel("x", 400, 500, 30, "max_spend: 300")
    path = write(doc(1500, x, channel("y", 300, 900, 20), periods="{start: 1, end: 2, max: 400}"))
    cs = load_scenario(path)
    res = optimize(cs, plan="daily")
    assert res.allocation["x"] == pytest.approx(300, rel=1e-7)
    assert plan_of(res)[:, :2].sum() == pytest.approx(400, rel=1e-7)
    rules = [spend_cap([0], slice(None), 300), spend_cap([0, 1], slice(0, 2), 400)]
    assert_optimal_and_best(res, reference(cs, rules))
