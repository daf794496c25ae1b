"""The planning limits of CONTRACT 1c as constraints on a line-item Problem.

Written on the Problem's item axis, which is cost where the scenario has fees,
commission or stage costs (:mod:`simulator.optimize.cost_space`), so each limit reads
what the contract says it reads: groups, periods and the channels' ROI and CAC are on
cost; ``min_active_spend`` is media spend, mapped to the item's cost.

- **Per-channel ratios** (``cac_max``, ``roi_min``): ``w C(y) >= rho y`` on a channel
  alone. For a concave curve ``C(y) / y`` falls, so the feasible costs are ``[0, b]``:
  an upper bound found by a vectorised bisection. An S-curve's ratio rises then falls:
  ``{0} + [a, b]``, so ``a`` joins the channel's on-off minimum. A channel of several
  items (segments, days) first gets the bound on each item (sufficient, stricter than the
  channel's ratio, and a plain solve); where one binds and the items are concave and
  outside any halo pair, the ratio over all its items is held exactly instead, as a
  :class:`~simulator.optimize.problem.PricedConstraint` (a multiplier that prices its
  items: :func:`own_ratio`; ``priced_ratios``). Elsewhere (S-curves, halo pairs) the
  per-item bound stays, and the certificate does not claim ``optimal`` where it binds
  (:func:`simulator.optimize.certificate.certify`). ``w`` counts the channel's own
  conversions: halo it brings counts at the receiver, halo it receives only helps
  (refused where the receiver pays commission on it).
- **Groups** over channels: a :class:`~simulator.optimize.problem.Group` of their items
  (exact in cost: each item's variable is its cost); where each channel is one item or its
  own group is no limit at all (dropped). A channel's own min/max over its items inside a
  group would nest: it is priced instead (:func:`group_as_priced`).
- **Periods**: spent evenly, a plan by total pays ``days / H`` of its cost in a period,
  so a period is a cap on the total (refused where commission or stage costs meet events
  or adstock: the days' shares differ); a daily plan gets one group per period, or, where
  other groups would cross them, one priced cap per period (:func:`spend_cap`).
- **On-off minimums** (``min_active_spend``): an :class:`~simulator.optimize.problem.OnOff`
  per channel, solved by branch and bound (:mod:`simulator.optimize.exact.onoff`); on a
  node where it is on inside a group or across periods, its minimum is a priced floor.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import numpy.typing as npt

from simulator.io.errors import UsageError
from simulator.model.compiled import CompiledScenario
from simulator.model.curves import FloatArray, IntArray
from simulator.optimize.cost_space import CostMap
from simulator.optimize.exact.allocator import optimize_exact
from simulator.optimize.exact.onoff import NestedGroups
from simulator.optimize.problem import Group, OnOff, PricedConstraint, Problem

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
    priced_ratios: bool = False,
    keep_own: bool = False,
) -> Problem:
    """``p`` with the scenario's 1c limits; ``p`` itself where there are none.

    ``p`` is already in cost space where ``cmap`` is given (its items' axis is cost), so
    groups, periods and the channels' ratios (revenue or new customers over cost) are
    written on that axis; ``min_active_spend`` is media spend, mapped through ``cmap``.
    ``weights`` are each item's own line metrics (no halo brought to others);
    ``leave_out`` names a family of limits to relax (see :func:`crossing_relaxations`).
    ``priced_ratios``: a channel's own ratio over several concave items is one priced
    constraint (exact) rather than a bound on each item (stricter, but a plain solve: the
    caller tries that first and prices only where a per-item bound binds). ``keep_own``
    keeps each channel's own max beside a daily plan's periods (see :func:`_user_groups`).
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
    priced: list[PricedConstraint] = []
    can_price = _priced_channels(cs, p, channel_of)
    exact_ratio = can_price & priced_ratios
    for bound, w, rho, key in (
        (lim.cac_max, weights["new_customers"], 1.0 / lim.cac_max, "cac_max"),
        (lim.roi_min, weights["revenue"], lim.roi_min, "roi_min"),
    ):
        on = np.isfinite(bound) & (bound > 0)
        for c in np.nonzero(on)[0].tolist():
            idx = np.nonzero(channel_of == c)[0]
            a, b = ratio_interval(p, w, float(rho[c]), idx)
            if exact_ratio[c] or (can_price[c] and _short(cs, p, c, b, idx)):
                _keeps_channel_minimum(cs, p, c, idx, w, float(rho[c]), key)
                priced.append(own_ratio(cs, p, c, idx, w, float(rho[c]), key))
                continue
            _keeps_minimum(cs, p, c, b, idx, key)
            upper[idx] = np.minimum(upper[idx], b)
            minimum[c] = max(minimum[c], float(np.max(a, initial=0.0)))
    # a group that admits nothing (whole units pinned at 0 in a daily plan) must not be lost
    # where a channel's own groups are dropped or priced below: its items get no room at all
    for g in p.groups:
        if g.hi <= 0:
            upper[g.index] = 0.0
    p = replace(p, upper=upper)
    budget = p.budget
    if lim.periods and not daily:  # spent evenly: a period holds days / H of the cost
        budget = min(budget, *(per.hi * cs.horizon_days / per.days for per in lim.periods))
    groups, crossing = _user_groups(cs, p, channel_of, daily, keep_own)
    need = lim.min_active > cs.channel_min
    for c in np.nonzero(need)[0].tolist():
        idx = np.nonzero(channel_of == c)[0]
        minimum[c] = max(minimum[c], _active_cost(cs, cmap, idx, float(lim.min_active[c])))
    on_off = tuple(
        OnOff(cs.channel_ids[c], np.nonzero(channel_of == c)[0], float(minimum[c]))
        for c in range(cs.n_channels)
        if minimum[c] > 0
    )
    priced += crossing
    return replace(p, budget=budget, groups=groups, on_off=on_off, priced=(*p.priced, *priced))


PRICED_RATIO = "own:"  # the prefix of a channel's own ratio held by a multiplier


def _priced_channels(
    cs: CompiledScenario, p: Problem, channel_of: IntArray
) -> npt.NDArray[np.bool_]:
    """Channels whose own ratio is held exactly by a multiplier over all their items:
    several items, every one concave (the ratio's feasible set is then convex), and no
    halo pair (its CAC on the engine counts halo received, which the own weights omit).
    One item keeps its exact upper bound; S-curves keep the per-item interval."""
    counts = np.bincount(channel_of, minlength=cs.n_channels)
    concave = np.bincount(channel_of, p.curves.concave.astype(float), cs.n_channels)
    ok = (counts > 1) & (concave == counts)
    money = cs.money
    if money.has_halo:
        pairs = money.halo_rate > 0
        ok[cs.ad_set_channel[money.halo_from[pairs]]] = False
        ok[cs.ad_set_channel[money.halo_to[pairs]]] = False
    return np.asarray(ok, dtype=bool)


def own_ratio(
    cs: CompiledScenario, p: Problem, c: int, idx: IntArray, w: FloatArray, rho: float, key: str
) -> PricedConstraint:
    """Channel ``c``'s own ratio over its items ``idx``: ``sum_idx (w C - rho x) >= 0``."""
    rows = p.rows(w)
    mask = np.zeros(p.n)
    mask[idx] = 1.0
    weights = rows * mask if rows.shape[0] > 1 else rows[0] * mask
    metric = "new_customers" if key == "cac_max" else "revenue"
    name = f"{PRICED_RATIO}{cs.channel_ids[c]}:{key}"
    return PricedConstraint(name, weights, rho * mask, 0.0, metric)


def spend_cap(name: str, n: int, idx: IntArray, hi: float) -> PricedConstraint:
    """``sum_idx x <= hi`` as a priced constraint (a group that crosses the allocator's)."""
    price = np.zeros(n)
    price[idx] = 1.0
    return PricedConstraint(name, np.zeros(n), price, -float(hi))


def spend_floor(name: str, n: int, idx: IntArray, lo: float) -> PricedConstraint:
    """``sum_idx x >= lo`` as a priced constraint (a negative price: a subsidy)."""
    price = np.zeros(n)
    price[idx] = -1.0
    return PricedConstraint(name, np.zeros(n), price, float(lo))


def group_as_priced(g: Group, n: int) -> list[PricedConstraint]:
    """A group that would nest or cross as priced constraints (its limits that bind at all)."""
    out = []
    if np.isfinite(g.hi):
        out.append(spend_cap(f"group:{g.name}:max", n, g.index, g.hi))
    if g.lo > 0:
        out.append(spend_floor(f"group:{g.name}:min", n, g.index, g.lo))
    return out


class ConflictingLimits(UsageError):
    """A channel's own CAC or ROI limit allows less than its ``min_spend`` (or a lock):
    the two limits the user set contradict each other, so no plan keeps both."""


def _short(cs: CompiledScenario, p: Problem, c: int, allowed: FloatArray, idx: IntArray) -> bool:
    """Whether per-item bounds ``allowed`` leave less than the channel's required spend
    (then its ratio is priced even in the plain solve: the bounds alone would refuse it)."""
    own = [g.lo for g in p.groups if g.name == cs.channel_ids[c]]
    need = max(float(p.lower[idx].sum()), *own)
    short = p.lower[idx] > allowed * (1 + 1e-12) + 1e-9
    return bool(short.any() or need > float(allowed.sum()) * (1 + 1e-12) + 1e-9)


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


def _keeps_channel_minimum(
    cs: CompiledScenario, p: Problem, c: int, idx: IntArray, w: FloatArray, rho: float, key: str
) -> None:
    """Refuse a channel whose own ratio over its items is met at no split of its required
    spend (its min_spend over its items, or locks): the best surplus ``sum (w C - rho x)``
    at exactly that spend, from the exact allocator on the channel's items alone."""
    own = [g for g in p.groups if g.name == cs.channel_ids[c]]
    need = max(float(p.lower[idx].sum()), *(g.lo for g in own))
    if need <= 0:
        return
    rows = p.rows(w)[:, idx]
    profiles = tuple(curves.take(idx) for curves in p.profiles)
    sub = Problem(
        curves=profiles[0],
        lower=p.lower[idx],
        upper=p.upper[idx],
        objective=rows if rows.shape[0] > 1 else rows[0],
        budget=need,
        spend_cost=rho,
        groups=(Group("channel", np.arange(idx.size), need, need),),
        aov_curves=profiles[1] if len(profiles) > 1 else None,
    )
    best = optimize_exact(sub, diagnose=False)
    tol = 1e-9 * max(rho * need, 1e-300)
    if best.status == "optimal" and best.objective >= -tol:
        return
    _keeps_minimum(cs, p, c, np.zeros(idx.size), idx, key)


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
    cross (the allocator's groups must be disjoint), then ``""``: the whole problem with
    the periods priced (:func:`_user_groups`); ``("",)`` where they do not cross.

    Each relaxation's optimum that keeps the limits it left out is the optimum of the
    whole problem (a relaxation's feasible optimum); the certificate re-checks every limit.
    The relaxations come first because one that holds is a plain solve of disjoint groups.
    """
    if daily and cs.limits.groups and cs.limits.periods:
        return ("groups", "periods", "")
    return ("",)


def _trivial(g: Group, budget: float) -> bool:
    return g.lo <= 0 and g.hi >= budget


def _user_groups(
    cs: CompiledScenario, p: Problem, channel_of: IntArray, daily: bool, keep_own: bool = False
) -> tuple[tuple[Group, ...], list[PricedConstraint]]:
    """The Problem's groups with the scenario's channel groups and periods added, and the
    limits that would nest or cross them as priced constraints.

    A channel's own group over its items (its min/max) inside a channel group would nest:
    it is held by multipliers instead (:func:`group_as_priced`). A daily plan's periods
    cross every channel group: alone they are groups; beside any other group they are
    priced caps (the multipliers' outer search; :mod:`simulator.optimize.exact._targets`).
    ``keep_own``: keep each channel's own max too (one that bound after it was dropped).
    """
    lim = cs.limits
    if not lim.groups and not (lim.periods and daily):
        return p.groups, []
    own = {g.name: g for g in p.groups}
    keep = list(p.groups)
    extra: list[Group] = []
    priced: list[PricedConstraint] = []
    for sg in lim.groups:
        items = np.nonzero(np.isin(channel_of, sg.channels))[0]
        for c in sg.channels.tolist():
            g = own.get(cs.channel_ids[c])
            if g is None:
                continue
            keep.remove(g)
            priced += group_as_priced(g, p.n)
        extra.append(Group(sg.id, items, sg.lo, sg.hi))
    if lim.periods and daily:
        day = np.repeat(np.arange(cs.horizon_days), cs.n_ad_sets) + 1
        ids = set(cs.channel_ids)
        # alone, periods are the allocator's groups: a channel's own max over its days is
        # then checked after the solve (``_keeps_channel_max``; kept, it was no limit)
        loose = [g for g in keep if keep_own or not (g.name in ids and g.lo <= 0)]
        crossed = bool(loose or extra)
        if not crossed:
            keep = loose
        for k, per in enumerate(lim.periods):
            items = np.nonzero((day >= per.first) & (day <= per.last))[0]
            if crossed:
                priced.append(spend_cap(f"period:{k + 1}", p.n, items, per.hi))
            else:
                extra.append(Group(f"period:{k + 1}", items, 0.0, per.hi))
    return (*keep, *extra), priced
