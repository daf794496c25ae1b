"""Recommended splits: the scenario as line items, solved exactly where it can be.

Concave curves go to the exact allocator; whole units (``unit_cost``) to the lumpy
solver; S-curves to the envelope method, which also reports a proven upper bound.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from simulator.model.compiled import CompiledScenario, Split
from simulator.optimize.certificate import (
    FEASIBILITY_TOL,
    Certificate,
    certified_status,
    certify,
    with_fixed_point,
)
from simulator.optimize.exact.onoff import NestedGroups, optimize_on_off
from simulator.optimize.exact.solver import solve_problem
from simulator.optimize.exact.units import UnitGrid, optimize_lumpy
from simulator.optimize.explain.active import channel_states
from simulator.optimize.explain.limits import limit_states
from simulator.optimize.explain.messages import infeasible_message, only_allows, tight_ratios
from simulator.optimize.explain.sentences import explain
from simulator.optimize.fixed_point import FixedPoint, loop_sentence, plan_with_base
from simulator.optimize.limits import PRICED_RATIO, crossing_relaxations
from simulator.optimize.limits_check import limit_violations, stricter_than_scenario
from simulator.optimize.lineitems import (
    bent_limits,
    build_problem,
    channel_bounds,
    commission_read_high,
    cost_bends,
    cost_map,
)
from simulator.optimize.problem import Allocation, Problem
from simulator.results import Result, outcome_result


def solve(cs: CompiledScenario, problem: Problem, daily: bool) -> Allocation:
    """Answer with the solver the curves and units call for
    (:mod:`simulator.optimize.exact.solver`), refusing a channel's min spend that cost
    space could not keep (:func:`_keeps_bent_minimum`)."""
    alloc = _solve_once(cs, problem, daily)
    if alloc.status != "infeasible":
        _keeps_bent_minimum(cs, alloc, daily)
    return alloc


def _keeps_bent_minimum(cs: CompiledScenario, alloc: Allocation, daily: bool) -> None:
    """Refuse, located, a plan below a channel's ``min_spend`` where that floor sums items
    whose cost bends.

    In cost space such a floor is read at the fee alone (``cost >= fee * lo``), which a
    plan meets below ``lo`` when commission or stage costs add cost. No cost floor equals
    it; rather than return a plan that breaks the user's minimum, the combination is
    refused like the other limits not planned yet (found by the combination strategy)."""
    cmap = cost_map(cs, daily)
    if cmap is None or cmap.linear:
        return
    lo, _ = channel_bounds(cs)
    spend = spend_of(cs, np.asarray(alloc.x, dtype=float), daily)
    if daily:
        spend = spend.reshape(cs.horizon_days, cs.n_ad_sets).sum(axis=0)
    short = cs.channel_sum(spend) < lo * (1 - FEASIBILITY_TOL) - FEASIBILITY_TOL
    if short.any():
        c = int(np.argmax(short))
        raise NestedGroups(
            f"channels.{cs.channel_ids[c]}: min_spend {lo[c]:,.0f} (or budget.max_change) over "
            "items whose cost bends (commission or stage costs, several days or segments) is "
            "not planned yet; plan by total, or drop the minimum or the commission"
        )


def _solve_once(cs: CompiledScenario, problem: Problem, daily: bool) -> Allocation:
    """One solve. A daily plan's whole units are already fixed by the plan by total
    (:func:`_whole_unit_totals`), so its items are continuous."""
    units = np.zeros(problem.n) if daily else np.asarray(cs.unit_cost, dtype=float)
    cmap = None if daily else cost_map(cs, daily)
    if cmap is None:
        return solve_problem(problem, units)
    # items are in cost: a unit costs fee * price where cost is linear in spend; where
    # commission or stage costs bend it, whole units are branched on in cost space
    curved = (units > 0) & (cmap.per_conversion > 0)
    if not curved.any():
        return solve_problem(problem, units * cmap.fee)
    safe = np.where(units > 0, units, 1.0)
    grid = UnitGrid(
        units,
        level=lambda counts: cmap.to_cost(counts * units),
        count=lambda cost: cmap.to_spend(cost) / safe,
    )
    if problem.on_off:  # each on-off node is a whole-unit problem on the same grid
        return optimize_on_off(problem, units, lambda p, u: optimize_lumpy(p, u, grid=grid))
    return optimize_lumpy(problem, units, grid=grid)


def spend_of(cs: CompiledScenario, x: np.ndarray, daily: bool) -> np.ndarray:
    """The solver's items are costs where cost is not spend: back to spend by ``K^-1``."""
    cmap = cost_map(cs, daily)
    if cmap is None:
        return np.asarray(x, dtype=float)
    spend = cmap.to_spend(x)
    if daily:
        return spend
    unit = cs.unit_cost  # K^-1 of a whole number of units' cost lands within rounding of it
    counts = np.round(spend / np.where(unit > 0, unit, 1.0))
    return np.where(unit > 0, counts * unit, spend)


def split_of(cs: CompiledScenario, x: np.ndarray, daily: bool) -> Split:
    """The plan of a solver's items ``x`` (day-major ``(H * A,)`` for a daily plan)."""
    spend = spend_of(cs, x, daily)
    if not daily:
        return Split(spend)
    plan_ad = spend.reshape(cs.horizon_days, cs.n_ad_sets).T
    return Split(plan_ad.sum(axis=1), plan_ad)


def _whole_unit_totals(
    cs: CompiledScenario, notes: list[str]
) -> tuple[dict[int, float], dict[int, float]] | None:
    """Totals of whole-unit channels and their ad sets for a daily plan: those of the best
    plan by total.

    Units are bought over the horizon, not per day; the daily allocator is continuous, so
    these ad sets keep the whole number of units the exact plan by total buys, and only
    their days (and every other channel) are then planned by day.

    A locked channel whose cost bends (commission, stage costs) is kept the same way: its
    lock is a sum of spends over days, which is no limit on the sum of their bent costs.
    """
    bends = cost_bends(cs)
    locked_bent = [
        a
        for c in np.nonzero(cs.channel_locked)[0]
        if bends[cs.ad_sets_of(int(c))].any()
        for a in cs.ad_sets_of(int(c)).tolist()
    ]
    unit_ad_sets = np.union1d(np.nonzero(cs.unit_cost > 0)[0], locked_bent).astype(np.intp)
    if not unit_ad_sets.size:
        return None
    x = spend_of(cs, solve(cs, build_problem(cs), daily=False).x, daily=False)
    totals = cs.channel_sum(x)
    unit_channels = sorted({int(c) for c in cs.ad_set_channel[unit_ad_sets]})
    names = ", ".join(f"{cs.channel_ids[c]} {totals[c]:,.0f}" for c in unit_channels)
    notes.append(
        f"whole-unit and locked channels whose cost bends keep the totals of the best plan "
        f"by total ({names}); their days and every other channel are planned by day"
        if locked_bent
        else f"whole-unit channels keep the totals of the best plan by total ({names}); "
        "their days and every other channel are planned by day"
    )
    bent = [cs.channel_ids[c] for c in unit_channels if bends[cs.ad_sets_of(c)].any()]
    if bent:
        notes.append(
            f"{', '.join(bent)}: spent evenly over the days (commission or stage costs make "
            "their cost bend, so their days are not planned one by one)"
        )
    channels = {c: float(totals[c]) for c in unit_channels}
    return channels, {int(a): float(x[a]) for a in unit_ad_sets}


def _solve_plan(cs: CompiledScenario, daily: bool) -> tuple[Split, _Solved]:
    """The exact plan of a separable scenario, and what explains and certifies it."""
    notes: list[str] = []
    whole = _whole_unit_totals(cs, notes) if daily else None
    fixed, pinned = whole if whole is not None else (None, None)
    problem, alloc, split = _solve_limits(cs, daily, pinned)
    return split, _Solved(problem, alloc, frozenset(fixed or {}), notes)


@dataclasses.dataclass(frozen=True)
class _Solved:
    problem: Problem
    alloc: Allocation
    fixed: frozenset[int]  # channels whose totals a daily plan keeps (whole units)
    notes: list[str]


def optimize(scenario: CompiledScenario, plan: str = "total", **options: Any) -> Result:
    """The split (or daily plan) that earns most under the budget, bounds and targets.

    With ``targets.confidence`` set, the plan meeting every target in that share of
    simulated runs (:mod:`simulator.optimize.confidence`); ``options`` then may hold
    ``runs``, ``seed``, ``sim_options``, ``progress`` and ``refine_trials`` for its search.

    Args:
        scenario: a compiled scenario (``load_scenario``).
        plan: ``"total"`` (each channel's total, spent evenly) or ``"daily"`` (a plan by day).

    A customer base that grows with the plan couples acquisition and retention: it is
    solved by the outer fixed point of :mod:`simulator.optimize.fixed_point`.
    """
    if plan not in ("total", "daily"):
        raise ValueError(f"plan must be 'total' or 'daily' (got {plan!r})")
    if scenario.confidence is not None:
        # imported here: the confidence search calls back into this function
        from simulator.optimize.confidence import plan_with_confidence

        def exact(cs: CompiledScenario) -> Result:
            return optimize(cs, plan=plan)

        return plan_with_confidence(scenario, exact, daily=plan == "daily", **options)
    daily = plan == "daily"
    solved, split, how, loop = plan_with_base(scenario, lambda cs: _solve_plan(cs, daily))
    return certified_result(scenario, solved, how, split, daily, loop)


def certified_result(
    scenario: CompiledScenario,
    solved: CompiledScenario,
    how: _Solved,
    split: Split,
    daily: bool,
    loop: FixedPoint | None,
) -> Result:
    """The answer as a user gets it (``optimize``, ``replan``): checked on the engine, its
    status from that check, the bound only where the check accepts it, the warnings and
    the sentences. ``solved`` is the scenario the plan was solved for (a growing base's
    fixed point freezes it); ``scenario`` the one the user gave."""
    problem, alloc = how.problem, how.alloc
    cert = _cost_caveats(solved, daily, certify(solved, problem, alloc, split, daily))
    if loop is not None:
        cert = with_fixed_point(scenario, split, cert, loop)
    result = outcome_result(scenario, split, status=certified_status(alloc.status, cert))
    result.certificate = cert
    if not cert.checked:
        result.warnings.append("certificate not checked: " + "; ".join(cert.failures))
    # shown only where the check accepted it as a bound on the scenario itself
    result.upper_bound = alloc.upper_bound if cert.gap_bound is not None else None
    result.warnings.extend(how.notes)
    unsettled = loop_sentence(loop)
    if unsettled is not None:
        result.warnings.append(unsettled)
    # marginal sentences read the base the plan was solved for (the fixed point's, if any)
    _describe(solved, alloc, result, daily, how.fixed)
    return result


def _solve_limits(
    cs: CompiledScenario, daily: bool, pinned: dict[int, float] | None
) -> tuple[Problem, Allocation, Split]:
    """Solve, relaxing in turn each family of limits that crosses another (a daily plan's
    channel groups and periods): the first answer that keeps the left-out family is the
    optimum; where none does, the whole problem with the periods priced
    (:func:`simulator.optimize.limits.crossing_relaxations`)."""
    for leave_out in crossing_relaxations(cs, daily):
        problem, alloc = _solve_ratios(cs, daily, pinned, leave_out)
        split = split_of(cs, alloc.x, daily)
        if alloc.status != "infeasible" and not _keeps_channel_max(cs, split):
            # a channel's own max dropped beside the periods binds: keep it, price the periods
            problem, alloc = _solve_ratios(cs, daily, pinned, leave_out, keep_own=True)
            split = split_of(cs, alloc.x, daily)
        if not leave_out or alloc.status == "infeasible":
            return problem, alloc, split
        kept = limit_violations(cs, split)
        family = "group:" if leave_out == "groups" else "period:"
        if all(v <= FEASIBILITY_TOL for k, v in kept.items() if k.startswith(family)):
            return problem, alloc, split
    raise AssertionError("crossing_relaxations ends with the whole problem")  # pragma: no cover


def _solve_ratios(
    cs: CompiledScenario,
    daily: bool,
    pinned: dict[int, float] | None,
    leave_out: str,
    keep_own: bool = False,
) -> tuple[Problem, Allocation]:
    """Solve with each channel's own ratio on each of its items (a plain solve); where such
    a bound binds, solve again with the channel's ratio over all its items priced by a
    multiplier (:func:`simulator.optimize.limits.own_ratio`). The stricter problem's
    optimum with no per-item bound binding is the optimum of the exact one (convex: a
    constraint that does not bind can be dropped), so the second solve is only where it
    can change the plan (or where the stricter one has no plan at all)."""

    def build(priced_ratios: bool) -> Problem:
        return build_problem(
            cs,
            daily=daily,
            pinned=pinned,
            leave_out=leave_out,
            priced_ratios=priced_ratios,
            keep_own=keep_own,
        )

    problem = build(False)
    alloc = solve(cs, problem, daily)
    if not cs.limits.any_ratio:
        return problem, alloc
    x = np.asarray(alloc.x)
    if alloc.status != "infeasible" and not stricter_than_scenario(cs, problem, x, daily):
        return problem, alloc
    exact = build(True)
    if not any(c.name.startswith(PRICED_RATIO) for c in exact.priced):
        return problem, alloc  # no channel's ratio can be priced (halo pairs, S-curves)
    better = solve(cs, exact, daily)
    if better.status == "infeasible":
        return problem, alloc
    if alloc.status != "infeasible":  # a relaxation cannot do worse; if it seems to, the
        worse = better.objective < alloc.objective  # outer search did not close: keep the
        if exact.minimize_spend:  # plain answer (the certificate then says feasible)
            worse = better.objective > alloc.objective
        if worse:
            return problem, alloc
    return exact, better


def _keeps_channel_max(cs: CompiledScenario, split: Split) -> bool:
    """Whether each channel's max_spend holds: one left out of a daily plan's periods
    (:func:`simulator.optimize.limits._user_groups`) is then no limit there."""
    lim = cs.limits
    if not lim.periods:
        return True
    _, hi = channel_bounds(cs)
    over = cs.channel_sum(split.spend) > hi * (1 + FEASIBILITY_TOL) + FEASIBILITY_TOL
    return not bool(over.any())


def _budget_used(cs: CompiledScenario, result: Result) -> float:
    """What the plan takes of the budget: its spend, or its cost where cost is not spend."""
    assert result.split is not None
    if cs.money.plain:
        return float(result.split.spend.sum())
    return float(result.totals["cost"])


def _cost_caveats(cs: CompiledScenario, daily: bool, cert: Certificate) -> Certificate:
    """Where the cost model of the line items is conservative rather than exact, the plan
    is feasible but not proven best: the certificate says so (status ``feasible``)."""
    why = []
    bent = bent_limits(cs, daily)
    if bent:  # the limit was read at the fee alone
        why.append(f"the spend limits of {', '.join(bent)} sum items whose cost bends")
    if commission_read_high(cs, daily):
        why.append("commission is read at the highest order value of the sale days")
    if not why:
        return cert
    # a bound proven on the line items' conservative costs bounds nothing of the scenario's
    failures = (*cert.failures, *(f"optimality not proven: {w}" for w in why))
    return dataclasses.replace(cert, checked=False, gap_bound=None, failures=failures)


def _describe(
    cs: CompiledScenario, alloc: Allocation, result: Result, daily: bool, fixed: frozenset[int]
) -> None:
    """Set what holds each channel, the message and the explanations of ``result``.

    A ratio target counts as binding when its multiplier is positive or the plan meets it
    with equality (solvers without multipliers: whole units, S-curves).
    """
    split = result.split
    assert split is not None  # outcome_result always keeps the split it evaluated
    states = channel_states(cs, cs.channel_sum(split.spend), alloc.active, daily, fixed)
    states = limit_states(cs, split, result.channels, states)
    active = dict(zip(cs.channel_ids, states, strict=False))
    for cid, label in active.items():
        result.channels[cid]["active"] = label
    binding = frozenset(k for k, m in alloc.multipliers.items() if m > 0)
    binding |= frozenset(tight_ratios(cs, result.totals))
    failed = None
    if alloc.status == "infeasible":
        failed = alloc.infeasibility.constraint if alloc.infeasibility else "the targets"
        result.message = infeasible_message(cs, alloc, result.totals)
    else:
        result.message = only_allows(cs, _budget_used(cs, result), binding)
    result.explanations = explain(
        cs, split.spend, active, binding, failed, split.daily, used=_budget_used(cs, result)
    )
    if failed is not None:
        result.explanations.insert(0, result.message)
