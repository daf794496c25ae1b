"""A compiled scenario as line items for the allocators: ad sets, or ad sets by day.

Static plan: one item per ad set. Without events or adstock its curve is the ad set's
``C``; with them, each ad set spent evenly is a sum of day curves
``sum_t w_t v_t / H * C(S / m_t)`` (``SummedCurve``), concave whenever ``C`` is. With
``aov_multiplier`` events its revenue is a second such sum, weighted by each day's
multiplier (the problem's second profile, see :mod:`simulator.optimize.problem`), so the
plan optimises exactly what ``evaluate`` computes. A channel's ``daily_cap`` caps its
total at ``cap * H`` (spent evenly).

Daily plan (CONTRACT.md 1b): one item per (ad set, day) with curve
``w_t v_t / H * C(H x / m_t)``, where ``w_t = 1 - decay^(H - t + 1)`` is the share that
lands inside the horizon; its revenue per conversion is the compiled
``value_per_conversion[t]`` (``aov * aov_mult[t]``), as ``evaluate`` reads it. Each item
is an exact line item, so the same allocator plans by day.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from simulator.expected import landed_fraction
from simulator.model.compiled import CompiledScenario
from simulator.model.curve_set import CurveSet
from simulator.model.curves import FloatArray
from simulator.model.targets import TARGETS
from simulator.optimize.cost_space import CostMap, in_cost_space
from simulator.optimize.limits import apply_limits
from simulator.optimize.problem import FloorConstraint, Group, Problem, RatioConstraint
from simulator.optimize.summed import SummedCurve


def _day_scales(cs: CompiledScenario) -> tuple[FloatArray, FloatArray]:
    """Output and input scales of each (day, ad set) item, day-major: shapes ``(H*A,)``."""
    h = cs.horizon_days
    out = (landed_fraction(cs) * cs.response_mult / h).T.ravel()
    inp = (1.0 / cs.cost_mult).T.ravel()
    return out, inp


def _summed(cs: CompiledScenario, day_weight: FloatArray | None = None) -> CurveSet:
    """Each ad set's even-spend curve ``sum_t out_t C(in_t S)``, optionally weighted per
    (ad set, day) by ``day_weight`` ``(A, H)`` (the aov multipliers for revenue)."""
    out, inp = _day_scales(cs)
    if day_weight is not None:
        out = out * day_weight.T.ravel()
    tiled = CurveSet.tile(cs.curves, cs.horizon_days).scaled(out, inp)
    return CurveSet(((SummedCurve(tiled, cs.horizon_days), np.arange(cs.n_ad_sets)),), cs.n_ad_sets)


def static_curves(cs: CompiledScenario) -> tuple[CurveSet, CurveSet | None]:
    """Each ad set's conversions as a function of its even total, and its aov-weighted
    conversions (revenue / aov) where ``aov_multiplier`` events make them differ.

    Revenue per conversion depends on which days the conversions come from, and that mix
    moves with spend (the days' curves saturate at different spends), so revenue is its
    own concave curve ``sum_t out_t aov_mult_t C(in_t S)``, not a multiple of conversions.
    """
    if not cs.has_time_effects:
        return cs.curves, None
    aov_curves = _summed(cs, cs.aov_mult) if np.any(cs.aov_mult != 1) else None
    return _summed(cs), aov_curves


def daily_curves(cs: CompiledScenario) -> tuple[CurveSet, FloatArray]:
    """Curves and revenue per conversion of every (day, ad set) item, day-major."""
    out, inp = _day_scales(cs)
    h = cs.horizon_days
    curves = CurveSet.tile(cs.curves, h).scaled(out, inp * h)
    aov = cs.value_per_conversion.T.ravel()
    return curves, aov


def channel_bounds(cs: CompiledScenario) -> tuple[FloatArray, FloatArray]:
    """Each channel's min and max spend over the horizon, after locks and change limits."""
    lo, hi = cs.channel_min.copy(), cs.channel_max.copy()
    current = cs.channel_sum(cs.current.spend) if cs.current is not None else None
    change = cs.max_change
    if current is not None and change is not None:
        lo = np.maximum(lo, current * (1.0 - change))
        hi = np.minimum(hi, current * (1.0 + change))
    if current is not None:
        lo = np.where(cs.channel_locked, current, lo)
        hi = np.where(cs.channel_locked, current, hi)
    else:
        hi = np.where(cs.channel_locked, lo, hi)
    return lo, np.maximum(hi, lo)


def _cap_share(cs: CompiledScenario, pinned: dict[int, float]) -> FloatArray:
    """Each ad set's share of its channel's daily cap: 1 alone, among several its default
    share, or its share of the channel's pinned total (so a pinned plan stays feasible).
    A fixed split of the day's cap is feasible, but not proven best: see
    :func:`simulator.optimize.certificate.certify`."""
    counts = np.bincount(cs.ad_set_channel, minlength=cs.n_channels)
    share = cs.default_share.copy()
    if pinned:
        idx = np.fromiter(pinned, dtype=np.intp)
        amount = np.zeros(cs.n_ad_sets)
        amount[idx] = [pinned[int(a)] for a in idx]
        total = cs.channel_sum(amount)[cs.ad_set_channel]
        use = np.isin(np.arange(cs.n_ad_sets), idx) & (total > 0)
        share = np.where(use, amount / np.where(total > 0, total, 1.0), share)
    return np.where(counts[cs.ad_set_channel] > 1, share, 1.0)


def build_problem(
    cs: CompiledScenario,
    daily: bool = False,
    fixed: dict[int, float] | None = None,
    pinned: dict[int, float] | None = None,
    leave_out: str = "",
    priced_ratios: bool = False,
    keep_own: bool = False,
) -> Problem:
    """The scenario's objective, budget, bounds and targets over its line items.

    ``leave_out`` (``"groups"`` or ``"periods"``) drops one family of 1c limits: a daily
    plan where channel groups and periods cross solves a relaxation and checks the rest
    (:func:`simulator.optimize.limits.crossing_relaxations`). ``priced_ratios`` holds a
    channel's own ratio over its several items exactly (:func:`simulator.optimize.limits.
    apply_limits`) instead of on each item; ``keep_own`` keeps each channel's own max
    beside a daily plan's periods (the periods are then priced).

    ``fixed`` pins some channels' totals (channel index -> spend over the horizon);
    ``pinned`` some ad sets' totals (ad set index -> spend), each its own group over its
    days: a daily plan keeps whole-unit ad sets at a whole number of units this way.

    Raises:
        ValueError: the customer base grows with the plan (not separable): plan it through
            :func:`simulator.optimize.fixed_point.plan_with_base`, never at its day-1 size.
    """
    if cs.base_growth is not None:
        raise ValueError(
            "build_problem: the customer base grows with the plan; freeze its trajectory "
            "first (optimize.fixed_point.plan_with_base)"
        )
    pinned = pinned or {}
    copies = cs.horizon_days if daily else 1
    if daily:
        curves, aov = daily_curves(cs)
        aov_curves = None
    else:
        curves, aov_curves = static_curves(cs)
        aov = cs.aov.copy()

    def rep(a: npt.NDArray[Any]) -> npt.NDArray[Any]:  # per ad set -> per item
        return np.tile(a, copies)

    ncr, margin, repeat = rep(cs.new_customer_rate), rep(cs.margin), rep(cs.repeat_revenue)
    # referrals: each new customer brings k / (1 - k) more, first order at the ad set's aov
    referred = ncr * rep(cs.referral_factor)
    new, referral_revenue = ncr + referred, referred * rep(cs.aov)
    n = curves.n
    lo, hi = channel_bounds(cs)
    if not daily:  # spent evenly, a channel's daily spend is its total / H
        hi = np.minimum(hi, cs.daily_cap * cs.horizon_days)
        lo = np.minimum(lo, hi)
    for c, total in (fixed or {}).items():
        lo[c] = hi[c] = total
    channel_of = rep(cs.ad_set_channel)
    lower, upper = np.zeros(n), hi[channel_of].astype(float)
    if daily:  # a channel's ad sets share its daily cap in their default shares
        cap = cs.daily_cap[channel_of]
        share = rep(_cap_share(cs, pinned))
        # no cap is no cap whatever the share (inf * 0 would be nan, and nan spend)
        capped = np.isfinite(cap)
        upper = np.minimum(upper, np.where(capped, np.where(capped, cap, 0.0) * share, np.inf))
    groups = []
    bends = cost_bends(cs)
    # each channel's items from one stable sort: a scan of all items per channel is
    # quadratic (10,000 channels x 300,000 daily items)
    order = np.argsort(channel_of, kind="stable")
    cut = np.searchsorted(channel_of[order], np.arange(cs.n_channels + 1))
    ad_set_of = rep(np.arange(cs.n_ad_sets))
    for c in range(cs.n_channels):
        idx = order[cut[c] : cut[c + 1]]
        own = [a for a in cs.ad_sets_of(c).tolist() if a in pinned]
        if own:  # one group per pinned ad set (groups are disjoint: the channel's is implied)
            for a in cs.ad_sets_of(c).tolist():
                items = idx[ad_set_of[idx] == a]
                if a in pinned and bends[a]:  # a sum of bent costs is no sum of spends
                    lower[items] = upper[items] = pinned[a] / cs.horizon_days
                    continue
                lo_a, hi_a = (pinned[a], pinned[a]) if a in pinned else (0.0, float(hi[c]))
                groups.append(Group(cs.ad_set_ids[a], items, lo_a, hi_a))
        elif idx.size == 1:
            lower[idx] = lo[c]
        else:
            groups.append(Group(cs.channel_ids[c], idx, float(lo[c]), float(hi[c])))
    # each line metric as (weight on conversions, weight on aov-weighted conversions)
    zero, one = np.zeros(n), np.ones(n)
    terms = {
        "revenue": (referral_revenue, aov),
        "conversions": (one, zero),
        "new_customers": (new, zero),
        "profit": (referral_revenue * margin, aov * margin),
        "ltv": (new * repeat + referral_revenue, aov),
        "first_order_ltv": (new * repeat + referral_revenue, ncr * aov),
        "min_spend": (referral_revenue, aov),
    }
    if aov_curves is None:  # revenue = aov * conversions: one profile, scalar weights
        weights = {k: c + r for k, (c, r) in terms.items()}
    else:
        weights = {k: np.stack([c, r]) for k, (c, r) in terms.items()}
    own_weights = dict(weights)  # a channel's own limits read its own conversions only
    if cs.money.has_halo:  # a source's own conversions also bring the receivers' value
        for k in terms:
            received = cs.money.brought(_per_conversion(cs, k))
            extra = np.tile(received, copies)
            if aov_curves is None:
                weights[k] = weights[k] + extra
            else:
                weights[k] = weights[k] + np.stack([extra, np.zeros(n)])
    ratios, floors = target_constraints(cs.targets, weights)
    problem = Problem(
        curves=curves,
        lower=lower,
        upper=upper,
        objective=weights[cs.objective],
        budget=cs.budget,
        spend_cost=1.0 if cs.objective == "profit" else 0.0,
        ratios=ratios,
        floors=floors,
        groups=tuple(groups),
        minimize_spend=cs.objective == "min_spend",
        aov_curves=aov_curves,
    )
    cmap = cost_map(cs, daily)
    if cmap is not None:
        problem = in_cost_space(problem, cmap)
    return apply_limits(cs, problem, daily, own_weights, cmap, leave_out, priced_ratios, keep_own)


def _per_conversion(cs: CompiledScenario, metric: str) -> FloatArray:
    """What one (halo) conversion of each ad set adds to a line metric, ``(A,)``."""
    ncr, aov, repeat = cs.new_customer_rate, cs.aov, cs.repeat_revenue
    new = ncr * (1.0 + cs.referral_factor)  # referred new customers count (a geometric chain)
    revenue = aov + ncr * cs.referral_factor * aov
    return {
        "revenue": revenue,
        "conversions": np.ones(cs.n_ad_sets),
        "new_customers": new,
        "profit": revenue * cs.margin,
        "ltv": new * repeat + revenue,
        "first_order_ltv": new * repeat + new * aov,
        "min_spend": revenue,
    }[metric]


def cost_bends(cs: CompiledScenario) -> npt.NDArray[np.bool_]:
    """Ad sets whose cost is not linear in spend (commission, stage costs, or commission
    their halo earns): ``(A,)``. A daily plan spends such a whole-unit ad set's pinned
    total evenly over its days (a sum of their bent costs is not a sum of spends)."""
    money = cs.money
    per_conversion = money.commission + money.stage_cost + money.brought(money.commission * cs.aov)
    return np.asarray(per_conversion > 0)


def bent_limits(cs: CompiledScenario, daily: bool) -> list[str]:
    """Channels whose spend limit sums several items (ad sets, or days) whose cost bends:
    no limit on their costs equals it, so it is read at the fee alone (see
    :func:`simulator.optimize.cost_space.in_cost_space`) and the answer is not proven best.
    """
    if cs.money.plain:
        return []
    lo, hi = channel_bounds(cs)
    bends = cost_bends(cs)
    out = []
    for c, cid in enumerate(cs.channel_ids):
        ad_sets = cs.ad_sets_of(c)
        several = daily or ad_sets.size > 1
        fee = float(np.max(cs.money.fee_factor[ad_sets]))
        limited = lo[c] > 0 or hi[c] * fee < cs.budget
        if several and limited and bends[ad_sets].any():
            out.append(cid)
    return out


def commission_read_high(cs: CompiledScenario, daily: bool) -> bool:
    """Whether a plan by total pays commission on revenue whose order value varies by day
    (``aov_multiplier`` events): its cost is then no fixed multiple of conversions."""
    money = cs.money
    paid = np.any(money.commission > 0) or np.any(money.brought(money.commission) > 0)
    return not daily and bool(paid) and bool(np.any(cs.aov_mult != 1))


def cost_map(cs: CompiledScenario, daily: bool = False) -> CostMap | None:
    """Each line item's cost ``f x + c C(x)`` (None where cost is spend: today's model).

    ``c`` is the commission on the item's revenue (at the day's order value for a daily
    item), its stage costs, and the commission its halo earns the receiving channels.
    Where ``aov_multiplier`` events make a plan by total's revenue its own curve, the
    commission is read at the highest order value of the days (:func:`commission_read_high`):
    the plan then never costs more than the optimiser believes, but is not proven best.
    """
    money = cs.money
    if money.plain:
        return None
    copies = cs.horizon_days if daily else 1
    if daily:
        curves, aov = daily_curves(cs)
    else:
        curves, _ = static_curves(cs)
        aov = cs.aov * (cs.aov_mult.max(axis=1) if commission_read_high(cs, daily) else 1.0)
    halo_commission = money.brought(money.commission * cs.aov)
    per_conversion = np.tile(money.commission, copies) * aov + np.tile(
        money.stage_cost + halo_commission, copies
    )
    return CostMap(np.tile(money.fee_factor, copies), per_conversion, curves)


def target_constraints(
    targets: dict[str, float], weights: dict[str, FloatArray]
) -> tuple[tuple[RatioConstraint, ...], tuple[FloorConstraint, ...]]:
    """The scenario's targets as constraints on the items, in the table's order.

    ``weights`` maps each line metric (``Target.line_metric``) to its item weights.
    """
    rows = [t for t in TARGETS.values() if t.name in targets]
    ratios = tuple(
        RatioConstraint(t.name, weights[t.line_metric], t.rho(targets[t.name]))
        for t in rows
        if t.kind == "ratio"
    )
    floors = tuple(
        FloorConstraint(t.name, weights[t.line_metric], targets[t.name])
        for t in rows
        if t.kind == "floor"
    )
    return ratios, floors
