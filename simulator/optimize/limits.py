"""The planning limits of CONTRACT 1c as constraints on a line-item Problem.

Written on the Problem's item axis, which is cost where the scenario has fees,
commission or stage costs (:mod:`simulator.optimize.cost_space`), so each limit reads
what the contract says it reads: groups, periods and the channels' ROI and CAC are on
cost; ``min_active_spend`` is media spend, mapped to the item's cost.

- **Per-channel ratios** (``cac_max``, ``roi_min``): ``w C(y) >= rho y`` on a channel
  alone. For a concave curve ``C(y) / y`` falls, so the feasible costs are ``[0, b]``:
  an upper bound found by a vectorised bisection. An S-curve's ratio rises then falls:
  ``{0} + [a, b]``, so ``a`` joins the channel's on-off minimum. A channel of several
  items (segments, days) gets the bound on each item, which is sufficient but stricter
  than the channel's own ratio: the certificate then does not claim ``optimal`` where
  such a bound binds (:func:`simulator.optimize.certificate.certify`). ``w`` counts the
  channel's own conversions: halo it brings counts at the receiver, halo it receives
  only helps (refused where the receiver pays commission on it).
- **Groups** over channels: a :class:`~simulator.optimize.problem.Group` of their items
  (exact in cost: each item's variable is its cost); where each channel is one item or its
  own group is no limit at all (dropped); nested groups are refused with a located message
  (:class:`NestedGroups`).
- **Periods**: spent evenly, a plan by total pays ``days / H`` of its cost in a period,
  so a period is a cap on the total (refused where commission or stage costs meet events
  or adstock: the days' shares differ); a daily plan gets one group per period.
- **On-off minimums** (``min_active_spend``): an :class:`~simulator.optimize.problem.OnOff`
  per channel, solved by branch and bound (:mod:`simulator.optimize.exact.onoff`).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from simulator.io.errors import UsageError
from simulator.model.compiled import CompiledScenario
from simulator.model.curves import FloatArray, IntArray
from simulator.optimize.cost_space import CostMap
from simulator.optimize.exact.onoff import NestedGroups
from simulator.optimize.problem import Group, OnOff, Problem

_GRID = 256  # points of the ratio scan, geometric over each item's range
_BISECT = 80


def ratio_interval(
    p: Problem, weights: FloatArray, rho: float, index: IntArray
) -> tuple[FloatArray, FloatArray]:
    """Per item of ``index``, the spends ``[a, b]`` where ``w C(x) >= rho x`` (``b = 0``:
    no positive spend meets it). Assumes the ratio ``w C(x) / x`` is unimodal in ``x``
    (concave or S-shaped curves): the feasible set is one interval."""
    hi = np.minimum(p.upper[index], p.budget)
    frac = np.geomspace(1e-9, 1.0, _GRID)
    xs = hi[None, :] * frac[:, None]  # (G, m)
    ok = _meets(p, weights, rho, index, xs)
    any_ok = ok.any(axis=0)
    first = np.argmax(ok, axis=0)
    last = _GRID - 1 - np.argmax(ok[::-1], axis=0)
    cols = np.arange(index.size)
    # b: between the last feasible grid point and the next; a: the first and the previous
    b_in = xs[last, cols]
    b_out = np.where(last + 1 < _GRID, xs[np.minimum(last + 1, _GRID - 1), cols], b_in)
    a_in = xs[first, cols]
    a_out = np.where(first > 0, xs[np.maximum(first - 1, 0), cols], 0.0)
    for _ in range(_BISECT):
        mid = 0.5 * (b_in + b_out)
        m_ok = _meets(p, weights, rho, index, mid[None, :])[0]
        b_in, b_out = np.where(m_ok, mid, b_in), np.where(m_ok, b_out, mid)
        mid = 0.5 * (a_in + a_out)
        m_ok = _meets(p, weights, rho, index, mid[None, :])[0]
        a_in, a_out = np.where(m_ok, mid, a_in), np.where(m_ok, a_out, mid)
    concave = p.curves.concave[index]
    a = np.where(any_ok & ~concave & (first > 0), a_in, 0.0)
    b = np.where(any_ok, b_in, 0.0)
    return a, b


def _meets(
    p: Problem, weights: FloatArray, rho: float, index: IntArray, xs: FloatArray
) -> np.ndarray:
    """``w C(x) >= rho x`` for spends ``xs`` ``(G, m)`` of the items ``index``."""
    w = p.rows(weights)
    value = sum(w[k][index] * c.take(index).value(xs) for k, c in enumerate(p.profiles))
    return np.asarray(value >= rho * xs * (1 + 1e-12))


def apply_limits(
    cs: CompiledScenario,
    p: Problem,
    daily: bool,
    weights: dict[str, FloatArray],
    cmap: CostMap | None = None,
    leave_out: str = "",
) -> Problem:
    """``p`` with the scenario's 1c limits; ``p`` itself where there are none.

    ``p`` is already in cost space where ``cmap`` is given (its items' axis is cost), so
    groups, periods and the channels' ratios (revenue or new customers over cost) are
    written on that axis; ``min_active_spend`` is media spend, mapped through ``cmap``.
    ``weights`` are each item's own line metrics (no halo brought to others);
    ``leave_out`` names a family of limits to relax (see :func:`crossing_relaxations`).
    """
    lim = cs.limits
    if leave_out:
        dropped = replace(lim, groups=()) if leave_out == "groups" else replace(lim, periods=())
        cs = replace(cs, limits=dropped)
        lim = cs.limits
    if not (lim.any_ratio or lim.groups or lim.periods or np.any(lim.min_active > 0)):
        return p
    _refuse_inexact(cs, daily, cmap)
    copies = cs.horizon_days if daily else 1
    channel_of = np.tile(cs.ad_set_channel, copies)
    upper, minimum = p.upper.copy(), np.zeros(cs.n_channels)
    for bound, w, rho in (
        (lim.cac_max, weights["new_customers"], 1.0 / lim.cac_max),
        (lim.roi_min, weights["revenue"], lim.roi_min),
    ):
        on = np.isfinite(bound) & (bound > 0)
        for c in np.nonzero(on)[0].tolist():
            idx = np.nonzero(channel_of == c)[0]
            a, b = ratio_interval(p, w, float(rho[c]), idx)
            _keeps_minimum(
                cs, p, c, b, idx, "cac_max" if w is weights["new_customers"] else "roi_min"
            )
            upper[idx] = np.minimum(upper[idx], b)
            minimum[c] = max(minimum[c], float(np.max(a, initial=0.0)))
    p = replace(p, upper=upper)
    budget = p.budget
    if lim.periods and not daily:  # spent evenly: a period holds days / H of the cost
        budget = min(budget, *(per.hi * cs.horizon_days / per.days for per in lim.periods))
    groups = _user_groups(cs, p, channel_of, daily)
    need = lim.min_active > cs.channel_min
    for c in np.nonzero(need)[0].tolist():
        idx = np.nonzero(channel_of == c)[0]
        minimum[c] = max(minimum[c], _active_cost(cs, cmap, idx, float(lim.min_active[c])))
    on_off = tuple(
        OnOff(cs.channel_ids[c], np.nonzero(channel_of == c)[0], float(minimum[c]))
        for c in range(cs.n_channels)
        if minimum[c] > 0
    )
    return replace(p, budget=budget, groups=groups, on_off=on_off)


class ConflictingLimits(UsageError):
    """A channel's own CAC or ROI limit allows less than its ``min_spend`` (or a lock):
    the two limits the user set contradict each other, so no plan keeps both."""


def _keeps_minimum(
    cs: CompiledScenario, p: Problem, c: int, allowed: FloatArray, idx: IntArray, key: str
) -> None:
    """Refuse a channel whose own ratio limit allows less than its required spend."""
    short = p.lower[idx] > allowed * (1 + 1e-12) + 1e-9
    if not short.any() and not (cs.channel_min[c] > 0 and not np.any(allowed > 0)):
        return
    limit = float(cs.limits.cac_max[c] if key == "cac_max" else cs.limits.roi_min[c])
    raise ConflictingLimits(
        f"channels.{cs.channel_ids[c]}: its own {key} {limit:,.4g} is met at no spend "
        f"at or above its min_spend {cs.channel_min[c]:,.0f} (or lock); lower one of them"
    )


def _active_cost(cs: CompiledScenario, cmap: CostMap | None, idx: IntArray, spend: float) -> float:
    """The cost at which a channel's items reach ``spend`` of media: exact for one item
    (its cost is increasing in spend) or for items whose cost is a fee times spend."""
    if cmap is None:
        return spend
    if idx.size == 1:
        x = np.zeros(cmap.fee.size)
        x[idx] = spend
        return float(cmap.to_cost(x)[idx[0]])
    if np.any(cmap.per_conversion[idx]):
        raise NestedGroups(
            f"channels: '{cs.channel_ids[cs.ad_set_channel[idx[0] % cs.n_ad_sets]]}' has "
            "min_active_spend over several segments or days whose cost bends (commission, "
            "stage costs); not planned yet: plan by total or give the channel one segment"
        )
    return spend * float(np.max(cmap.fee[idx]))


def _refuse_inexact(cs: CompiledScenario, daily: bool, cmap: CostMap | None) -> None:
    """Limits whose cost the line items cannot write exactly are refused, not guessed."""
    lim, money = cs.limits, cs.money
    bends = cmap is not None and not cmap.linear
    if lim.periods and not daily and bends and cs.has_time_effects:
        raise NestedGroups(
            "budget.periods: with commission or stage costs and events or adstock, a "
            "period's cost is not its days' share of the total; plan with --plan daily"
        )
    if not money.has_halo:
        return
    group_of = np.full(cs.n_channels, -1)
    for k, g in enumerate(lim.groups):
        group_of[g.channels] = k
    src = cs.ad_set_channel[money.halo_from]
    dst = cs.ad_set_channel[money.halo_to]
    paid = (money.commission[money.halo_to] > 0) & (money.halo_rate > 0)
    crosses = paid & (group_of[src] != group_of[dst])
    if lim.groups and crosses.any():
        raise NestedGroups(
            f"groups: '{cs.channel_ids[dst[crosses][0]]}' pays commission on halo from "
            f"'{cs.channel_ids[src[crosses][0]]}' in another group; that cost is not "
            "planned per group yet: put both in one group or drop the commission"
        )
    limited = np.isfinite(lim.cac_max) | (lim.roi_min > 0)
    if (paid & limited[dst]).any():
        c = int(dst[paid & limited[dst]][0])
        raise NestedGroups(
            f"channels: '{cs.channel_ids[c]}' has its own cac_max or roi_min and pays "
            "commission on halo it receives; not planned yet: drop one of them"
        )


def crossing_relaxations(cs: CompiledScenario, daily: bool) -> tuple[str, ...]:
    """The families to leave out, in turn, where a daily plan's channel groups and periods
    cross (the allocator's groups must be disjoint): ``("",)`` where they do not.

    Each relaxation's optimum that keeps the limits it left out is the optimum of the
    whole problem (a relaxation's feasible optimum); the certificate re-checks every limit.
    """
    if daily and cs.limits.groups and cs.limits.periods:
        return ("groups", "periods")
    return ("",)


def _trivial(g: Group, budget: float) -> bool:
    return g.lo <= 0 and g.hi >= budget


def _user_groups(
    cs: CompiledScenario, p: Problem, channel_of: IntArray, daily: bool
) -> tuple[Group, ...]:
    """The Problem's groups with the scenario's channel groups and periods added.

    A channel's own group over its items (its max_spend) inside a group or across periods
    would nest; without a minimum it is left out, and the plan is checked against it
    afterwards (:func:`simulator.optimize._solve_limits`): kept, it was no limit there."""
    lim = cs.limits
    if not lim.groups and not (lim.periods and daily):
        return p.groups
    own = {g.name: g for g in p.groups}
    keep = list(p.groups)
    extra: list[Group] = []
    for i, sg in enumerate(lim.groups):
        items = np.nonzero(np.isin(channel_of, sg.channels))[0]
        for c in sg.channels.tolist():
            g = own.get(cs.channel_ids[c])
            if g is None:
                continue
            if g.lo > 0:
                raise NestedGroups(
                    f"groups[{i}]: channel '{cs.channel_ids[c]}' has its own minimum over "
                    "its segments or days inside this group; nested limits are not planned "
                    "yet: drop the channel's min_spend, or plan by total"
                )
            keep.remove(g)
        extra.append(Group(sg.id, items, sg.lo, sg.hi))
    if lim.periods and daily:
        ids = set(cs.channel_ids)
        keep = [g for g in keep if not (g.name in ids and g.lo <= 0)]
        if keep or extra:
            raise NestedGroups(
                "budget.periods: a daily plan with periods and a channel's own minimum over "
                "its days (or a segment's pinned units) is not planned yet; plan by total"
            )
        day = np.repeat(np.arange(cs.horizon_days), cs.n_ad_sets) + 1
        for k, per in enumerate(lim.periods):
            items = np.nonzero((day >= per.first) & (day <= per.last))[0]
            extra.append(Group(f"period:{k + 1}", items, 0.0, per.hi))
    return (*keep, *extra)
