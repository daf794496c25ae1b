"""Each channel's marginal return, in every metric the explanations speak of.

Every number comes from the expected-value engine: a split and the same split plus a
small amount on every channel at once. That is one evaluation of two candidates, not one
candidate per channel, because every metric here is a sum over ad sets of what each ad
set earns from its own spend (separable), so one channel's extra spend does not change
another channel's numbers. Time and memory stay linear in the number of channels.
"""

from __future__ import annotations

import math

import numpy as np

from simulator.expected import Outcome, by_source, evaluate_plan, evaluate_spend
from simulator.model.compiled import CompiledScenario
from simulator.model.curves import FloatArray
from simulator.results import Result

STEP = 1e-6  # the extra amount, as a share of the channel's spend


def _per_ad_set(o: Outcome) -> dict[str, FloatArray]:
    """Each metric's contribution per candidate and ad set; their sums are the totals'."""
    return {
        "revenue": o.revenue,
        "conversions": o.conversions,
        "new_customers": o.new_customers,
        "profit": o.gross_profit - o.cost,
        "ltv": o.revenue + o.repeat_revenue,
    }


def channel_marginals(
    cs: CompiledScenario, spend: FloatArray, daily: FloatArray | None = None
) -> dict[str, FloatArray]:
    """d metric / d spend of each channel at per-ad-set ``spend`` ``(A,)``: ``(C,)`` each.

    A channel's extra amount is spread over its ad sets like its current spend (like its
    default shares where it spends nothing), as more budget to that channel would be, and
    over the days like the daily plan ``(A, H)`` when there is one (evenly otherwise): a
    plan that skips expensive days earns its marginal on the days it spends.
    """
    spend = np.asarray(spend, dtype=float)
    channel = cs.ad_set_channel
    spent = cs.channel_sum(spend)
    # relative to the channel's own spend: a step sized on the budget would swamp a small channel
    step = STEP * np.where(spent > 0, spent, cs.budget / cs.n_channels)
    share = np.where(spent[channel] > 0, spend, cs.default_share)
    share_sum = cs.channel_sum(share)[channel]
    with np.errstate(divide="ignore", invalid="ignore"):
        bump = step[channel] * np.where(share_sum > 0, share / share_sum, 1.0)
    o = _with_step(cs, spend, bump, daily)
    if cs.money.plain:
        metrics = _per_ad_set(o)
        return {k: cs.channel_sum(v[1] - v[0]) / step for k, v in metrics.items()}
    # per yuan of cost, halo credited to the channel that brings it: what the optimiser levels
    o = by_source(cs, o)
    metrics = _per_ad_set(o)
    extra_cost = cs.channel_sum(o.cost[1] - o.cost[0])
    return {k: cs.channel_sum(v[1] - v[0]) / extra_cost for k, v in metrics.items()}


def cost_slopes(
    cs: CompiledScenario, spend: FloatArray, daily: FloatArray | None = None
) -> tuple[FloatArray, FloatArray]:
    """d cost / d spend of each channel ``(C,)`` and ad set ``(A,)``, read from the engine.

    Every ad set gets its own small extra amount at once (cost is separable once halo's
    commission is credited to the ad set that brings it, as ``by_source`` does), shaped
    over the days like the plan. A channel's slope weighs its ad sets as the engine's
    ``per_channel`` weighs their marginal ROI (by spend; by default share at 0), so the
    channel's marginal ROI over its slope is d revenue / d cost in that same direction.
    """
    spend = np.asarray(spend, dtype=float)
    step = STEP * np.where(spend > 0, spend, cs.budget / cs.n_ad_sets)
    o = _with_step(cs, spend, step, daily)
    cost = by_source(cs, o).cost
    ad_set = (cost[1] - cost[0]) / step
    weight = np.where(spend > 0, spend, 0.0)
    weight = np.where(cs.channel_sum(weight)[cs.ad_set_channel] > 0, weight, cs.default_share)
    with np.errstate(divide="ignore", invalid="ignore"):
        channel = cs.channel_sum(weight * ad_set) / cs.channel_sum(weight)
    return np.asarray(channel, dtype=float), np.asarray(ad_set, dtype=float)


def marginal_roi_per_cost(cs: CompiledScenario, result: Result) -> dict[str, float | None]:
    """Each channel's and ad set's marginal ROI per yuan of cost, keyed by id.

    The JSON's ``marginal_roi`` is d revenue / d spend (CONTRACT.md 2); a planner paying
    fees and commission compares channels by what the next yuan *paid* earns, as the
    explanations and the optimiser do: that marginal over d cost / d spend. Where cost is
    spend the result's own numbers are returned unchanged; an undefined one stays None.
    """
    rows = {**result.channels, **result.ad_sets}
    shown = {k: _finite(row.get("marginal_roi")) for k, row in rows.items()}
    if cs.money.cost_is_spend:
        return shown
    split = result.split
    if split is not None:
        spend, daily = split.spend, split.daily
    else:
        alloc = np.array([result.allocation.get(c, 0.0) for c in cs.channel_ids])
        spend, daily = alloc[cs.ad_set_channel] * cs.default_share, None
    channel, ad_set = cost_slopes(cs, spend, daily)
    slopes = dict(zip(cs.channel_ids, channel, strict=True))
    if result.ad_sets:
        slopes |= dict(zip(cs.ad_set_ids, ad_set, strict=True))
    return {k: None if m is None else _finite(m / float(slopes[k])) for k, m in shown.items()}


def _finite(value: object) -> float | None:
    if isinstance(value, int | float) and math.isfinite(value):
        return float(value)
    return None


def _with_step(
    cs: CompiledScenario, spend: FloatArray, step: FloatArray, daily: FloatArray | None
) -> Outcome:
    """The engine at the plan and at the plan plus ``step`` per ad set (shaped over the
    days like the plan, evenly where it spends nothing): the two points of a secant."""
    if daily is None:
        return evaluate_spend(cs, np.stack([spend, spend + step]))
    days = np.asarray(daily, dtype=float)
    total = days.sum(axis=-1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        shape = np.where(total > 0, days / total, 1.0 / cs.horizon_days)
    return evaluate_plan(cs, np.stack([days, days + step[:, None] * shape]))
