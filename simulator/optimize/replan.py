"""Replanning mid-flight (CONTRACT.md 1d): the best plan for the days left, given the past.

The daily plan's line items (:func:`simulator.optimize.lineitems.build_problem`) are
separable by (ad set, day): day ``t``'s spend produces conversions of which the share
``1 - decay^(H - t + 1)`` lands in the horizon, whenever it lands. So the days already
spent are the same items held at their actual spend (``lower = upper``): their adstock
still landing after today counts at exactly the value ``evaluate`` gives it, their cost
takes its part of the one budget (what is left is ``budget - cost so far``), and the
targets read the whole horizon. The answer is certified over the whole horizon like any
daily plan. A customer base that grows with the plan (``customer_base.grows``) is planned
through the same fixed point as ``optimize`` (the days so far grow it too): ``feasible``,
with ``certificate.fixed_point``. The engine's expectation of the past spend is what the
plan counts on; what was actually won feeds ``to_date`` and ``pace``.

Whole units already bought stay: a whole-unit ad set keeps the units of the original plan,
and at least those its spend so far has paid for (its spend to date rounded up to units).

Past limits are facts: where the actuals already exceed the budget, a channel's
``max_spend`` or its ``daily_cap``, that limit is raised to what was spent (with a warning),
so the plan is asked only for what can still be done; on the last day, a whole-unit ad set
whose spend is not a whole number of units is read as spent.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np

from simulator.expected import evaluate_plan, totals
from simulator.model import metrics
from simulator.model.actuals import Actuals
from simulator.model.compiled import CompiledScenario, Split
from simulator.model.curves import FloatArray
from simulator.optimize import _Solved, certified_result, optimize, solve, spend_of
from simulator.optimize.explain.pace import ChannelPace
from simulator.optimize.fixed_point import plan_with_base
from simulator.optimize.lineitems import build_problem, cost_bends, cost_map
from simulator.optimize.problem import Allocation, Problem
from simulator.results import Result

BASIS_SPLIT = "scenario split"
BASIS_OPTIMIZE = "optimize --plan daily"


@dataclass(frozen=True)
class OriginalPlan:
    """The plan the actuals are paced against: ``daily`` ``(A, H)``, and where it came from."""

    daily: FloatArray
    basis: str


def original_plan(cs: CompiledScenario) -> OriginalPlan:
    """The scenario's own ``split:`` (spent evenly unless it is a daily plan), else the best
    daily plan (``optimize --plan daily``) of the scenario as given."""
    h = cs.horizon_days
    if cs.current is not None:
        daily = cs.current.daily
        if daily is None:
            daily = np.repeat(cs.current.spend[:, None] / h, h, axis=1)
        return OriginalPlan(np.asarray(daily, dtype=float), BASIS_SPLIT)
    result = optimize(cs, plan="daily")
    assert result.split is not None
    assert result.split.daily is not None
    return OriginalPlan(np.asarray(result.split.daily, dtype=float), BASIS_OPTIMIZE)


def past_by_ad_set(cs: CompiledScenario, actuals: Actuals, plan: OriginalPlan) -> FloatArray:
    """Each channel's actual daily spend divided among its ad sets: ``(A, today)``.

    The CSV has one row per channel; a segmented channel's day is divided as the original
    plan divided it that day, or by the default shares where the plan spent nothing.
    """
    t = actuals.today
    planned = plan.daily[:, :t]
    own = cs.channel_sum(planned.T).T[cs.ad_set_channel]  # (A, t) the channel's day
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(own > 0, planned / np.where(own > 0, own, 1.0), cs.default_share[:, None])
    return np.asarray(actuals.spend[cs.ad_set_channel] * share, dtype=float)


def with_past(cs: CompiledScenario, past: FloatArray) -> FloatArray:
    """A whole-horizon plan ``(A, H)``: ``past`` on days 1..today, nothing after."""
    full = np.zeros((cs.n_ad_sets, cs.horizon_days))
    full[:, : past.shape[1]] = past
    return full


def past_cost(cs: CompiledScenario, past: FloatArray) -> float:
    """What the days so far take of the budget, as the engine counts it over the horizon
    (each day's cost is its own: fees on its spend, commission on its revenue)."""
    return float(totals(cs, evaluate_plan(cs, with_past(cs, past)))["cost"][0])


def room_for_actuals(cs: CompiledScenario, past: FloatArray) -> tuple[CompiledScenario, list[str]]:
    """The scenario with every limit the actuals already broke raised to what was spent."""
    notes: list[str] = []
    cost = past_cost(cs, past)
    budget = cs.budget
    if cost > budget:
        notes.append(f"the actuals already cost {cost:,.0f}, above the budget of {budget:,.0f}")
        budget = cost
    spent = cs.channel_sum(bought_so_far(cs, past))
    over = np.nonzero(spent > cs.channel_max)[0]
    for c in over:
        notes.append(
            f"{cs.channel_ids[c]}: already spent {spent[c]:,.0f} (units begun counted whole), "
            f"above its max_spend of {cs.channel_max[c]:,.0f}"
        )
    peak = cs.channel_sum(past.T).T.max(axis=1, initial=0.0)
    for c in np.nonzero(peak > cs.daily_cap)[0]:
        notes.append(
            f"{cs.channel_ids[c]}: spent {peak[c]:,.0f} on a day, above its daily_cap of "
            f"{cs.daily_cap[c]:,.0f}; the cap is read as {peak[c]:,.0f} for the days left"
        )
    unit_cost = cs.unit_cost.copy()
    if past.shape[1] == cs.horizon_days:  # no day left to complete a unit begun
        total = past.sum(axis=1)
        counts = total / np.where(unit_cost > 0, unit_cost, 1.0)
        for a in np.nonzero((unit_cost > 0) & (np.abs(counts - np.round(counts)) > 1e-9))[0]:
            notes.append(
                f"{cs.ad_set_ids[a]}: {total[a]:,.0f} spent in all is not a whole number of "
                f"units of {unit_cost[a]:,.0f}; read as spent"
            )
            unit_cost[a] = 0.0
    roomy = dataclasses.replace(
        cs,
        budget=budget,
        channel_max=np.maximum(cs.channel_max, spent),
        daily_cap=np.maximum(cs.daily_cap, peak),
        unit_cost=unit_cost,
    )
    return roomy, notes


def bought_so_far(cs: CompiledScenario, past: FloatArray) -> FloatArray:
    """Each ad set's spend to date ``(A,)``, a whole-unit one's rounded up to the units
    its spend has begun (they are paid for, whatever the days left bring)."""
    total = past.sum(axis=1)
    unit = np.where(cs.unit_cost > 0, cs.unit_cost, 1.0)
    whole = np.ceil(total / unit - 1e-9) * unit
    return np.asarray(np.where(cs.unit_cost > 0, whole, total), dtype=float)


def unit_totals(cs: CompiledScenario, plan: OriginalPlan, past: FloatArray) -> dict[int, float]:
    """Whole-unit ad sets' totals: the original plan's units, at least those already paid.

    The plan's total is read to the nearest whole unit: a plan that is not a whole number
    of units (a hand-made daily split) still leaves the days left a whole number to buy.
    """
    bought = bought_so_far(cs, past)
    out: dict[int, float] = {}
    for a in np.nonzero(cs.unit_cost > 0)[0].tolist():
        unit = float(cs.unit_cost[a])
        planned = round(float(plan.daily[a].sum()) / unit) * unit
        if past.shape[1] == cs.horizon_days:  # no day left to buy the plan's other units
            planned = 0.0
        out[a] = max(planned, float(bought[a]))
    return out


def replan_problem(cs: CompiledScenario, past: FloatArray, pinned: dict[int, float]) -> Problem:
    """The daily plan's problem with days 1..today held at ``past`` ``(A, today)``.

    Items are day-major (item ``d * A + a``); where the items are costs (fees, commission)
    the held spend is mapped to its cost. A whole-unit ad set whose cost bends is spent
    evenly (see :func:`simulator.optimize.lineitems.build_problem`): its units left are
    spread evenly over the days left.
    """
    problem = build_problem(cs, daily=True, pinned=pinned or None)
    h, n_ad, t = cs.horizon_days, cs.n_ad_sets, past.shape[1]
    held = np.full((h, n_ad), np.nan)
    held[:t] = past.T
    bends = cost_bends(cs)
    for a, total in pinned.items():
        if bends[a] and t < h:
            held[t:, a] = max(total - float(past[a].sum()), 0.0) / (h - t)
    held_items = held.ravel()
    fix = ~np.isnan(held_items)
    cmap = cost_map(cs, daily=True)
    value = np.where(fix, held_items, 0.0)
    if cmap is not None:
        value = cmap.to_cost(value)
    lower, upper = problem.lower.copy(), problem.upper.copy()
    lower[fix] = upper[fix] = value[fix]
    return dataclasses.replace(problem, lower=lower, upper=upper)


def replan(cs: CompiledScenario, actuals: Actuals, plan: OriginalPlan | None = None) -> Result:
    """The best daily plan for the days after ``actuals.today``, with ``to_date`` and
    ``pace`` against ``plan`` (default :func:`original_plan`); ``daily`` holds the actual
    spend on the days so far."""
    plan = original_plan(cs) if plan is None else plan
    t, h = actuals.today, cs.horizon_days
    past = past_by_ad_set(cs, actuals, plan)
    roomy, notes = room_for_actuals(cs, past)
    pinned = unit_totals(roomy, plan, past)

    def held(sc: CompiledScenario) -> tuple[Split, tuple[Problem, Allocation]]:
        problem = replan_problem(sc, past, pinned)
        alloc = solve(sc, problem, daily=True)
        daily = spend_of(sc, alloc.x, daily=True).reshape(h, cs.n_ad_sets).T.copy()
        daily[:, :t] = past  # exactly as spent (not through the cost map and back)
        return Split(daily.sum(axis=1), daily), (problem, alloc)

    # the days so far grew the base too: the days left are planned on the base they grow
    solved, split, (problem, alloc), loop = plan_with_base(roomy, held)
    unit_channels = frozenset(int(c) for c in roomy.ad_set_channel[list(pinned)])
    how = _Solved(problem, alloc, unit_channels, [*actuals.warnings, *notes])
    result = certified_result(roomy, solved, how, split, True, loop)
    result.extra["to_date"] = to_date(cs, actuals, past, plan.basis)
    result.extra["pace"] = {p.channel: p.to_json() for p in pace(cs, actuals, plan)}
    return result


def to_date(cs: CompiledScenario, actuals: Actuals, past: FloatArray, basis: str) -> dict[str, Any]:
    """Actual totals so far, what they took of the budget, and what is left."""
    cost = past_cost(cs, past)
    dates = cs.calendar.dates
    spend = float(actuals.spend.sum())
    revenue = float(actuals.revenue.sum())
    out: dict[str, Any] = {
        "day": actuals.today,
        "date": None if dates is None else dates[actuals.today - 1].isoformat(),
        "days_left": cs.horizon_days - actuals.today,
        "spend": spend,
        "cost": cost,
        "conversions": float(actuals.conversions.sum()),
        "revenue": revenue,
    }
    if actuals.new_customers is not None:
        out["new_customers"] = float(np.nansum(actuals.new_customers))
    out["roi"] = float(metrics.ratio(revenue, cost))
    out["budget_left"] = cs.budget - cost
    out["pace_basis"] = basis
    return out


def pace(cs: CompiledScenario, actuals: Actuals, plan: OriginalPlan) -> list[ChannelPace]:
    """Each channel's actual conversions, revenue and spend against the original plan's
    expectation by ``today`` (conversions landed on days 1..today, adstock included)."""
    t = actuals.today
    o = evaluate_plan(cs, plan.daily, series=True)
    assert o.daily_conversions is not None
    assert o.daily_revenue is not None
    conv = cs.channel_sum(o.daily_conversions[0, :, :t].sum(axis=1))
    rev = cs.channel_sum(o.daily_revenue[0, :, :t].sum(axis=1))
    spend = cs.channel_sum(plan.daily[:, :t].sum(axis=1))
    return [
        ChannelPace(
            channel=cid,
            today=t,
            spend=float(actuals.spend[j].sum()),
            plan_spend=float(spend[j]),
            conversions=float(actuals.conversions[j].sum()),
            plan_conversions=float(conv[j]),
            revenue=float(actuals.revenue[j].sum()),
            plan_revenue=float(rev[j]),
        )
        for j, cid in enumerate(cs.channel_ids)
    ]


def cumulative(
    cs: CompiledScenario, actuals: Actuals, plan: OriginalPlan
) -> dict[str, tuple[FloatArray, FloatArray]]:
    """Each channel's actual conversions summed day by day ``(today,)`` and the plan's
    expected conversions landed by each day of the horizon ``(H,)``: the pace chart."""
    o = evaluate_plan(cs, plan.daily, series=True)
    assert o.daily_conversions is not None
    expected = np.cumsum(cs.channel_sum(o.daily_conversions[0].T).T, axis=1)
    actual = np.cumsum(actuals.conversions, axis=1)
    return {cid: (actual[j], expected[j]) for j, cid in enumerate(cs.channel_ids)}
