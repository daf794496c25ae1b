"""Each channel's marginal return, in every metric the explanations speak of.

Every number comes from the expected-value engine: a split and the same split plus a
small amount on every channel at once. That is one evaluation of two candidates, not one
candidate per channel, because every metric here is a sum over ad sets of what each ad
set earns from its own spend (separable), so one channel's extra spend does not change
another channel's numbers. Time and memory stay linear in the number of channels.
"""

from __future__ import annotations

import numpy as np

from simulator.expected import Outcome, by_source, evaluate_plan, evaluate_spend
from simulator.model.compiled import CompiledScenario
from simulator.model.curves import FloatArray

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
    if daily is None:
        o = evaluate_spend(cs, np.stack([spend, spend + bump]))
    else:
        days = np.asarray(daily, dtype=float)
        total = days.sum(axis=-1, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            shape = np.where(total > 0, days / total, 1.0 / cs.horizon_days)
        o = evaluate_plan(cs, np.stack([days, days + bump[:, None] * shape]))
    if cs.money.plain:
        metrics = _per_ad_set(o)
        return {k: cs.channel_sum(v[1] - v[0]) / step for k, v in metrics.items()}
    # per yuan of cost, halo credited to the channel that brings it: what the optimiser levels
    o = by_source(cs, o)
    metrics = _per_ad_set(o)
    extra_cost = cs.channel_sum(o.cost[1] - o.cost[0])
    return {k: cs.channel_sum(v[1] - v[0]) / extra_cost for k, v in metrics.items()}
