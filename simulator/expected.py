"""The expected-value engine: the single source of every number.

Takes candidate splits as arrays and returns arrays. A split without a daily plan is
spent evenly over the horizon; with no events and no adstock that is exactly ``C(S)``
(the core model) and takes a fast path. Otherwise CONTRACT.md section 1b applies::

    produced[t] = v[t] * C(H * x[t] / m[t]) / H
    landed[u]   = sum_{t <= u} produced[t] * (1 - decay) * decay^(u - t)

so the share of day t's conversions that land inside the horizon is
``1 - decay^(H - t + 1)``; the rest is reported as carry-over.

Creatives: ``v[t]`` also carries the expected mix of the channel's rotating creatives
on day t (``model/creatives.py``: the rotation's expected share of each creative times
its lift and fatigue, computed at compile time), so a channel with a 5% and a 2% CTR
creative is worth what its A/B test is expected to earn, learning cost included, and
the optimiser's line items (which use the same ``response_mult``) plan with it exactly.
Clicks follow the mix's click multiplier (CTR), conversions its full lift.
Shapes: ``K`` candidates, ``A`` ad sets, ``C`` channels, ``H`` days.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.model import metrics
from simulator.model.compiled import CompiledScenario, Split
from simulator.model.curves import FloatArray


@dataclass(frozen=True)
class Outcome:
    """Expected outcomes per candidate and ad set; every array has shape ``(K, A)``."""

    spend: FloatArray
    cost: FloatArray  # what the advertiser pays (CONTRACT.md 1c); ``spend`` without fees
    conversions: FloatArray  # own plus halo received
    new_customers: FloatArray
    revenue: FloatArray
    gross_profit: FloatArray  # revenue * margin, before spend
    repeat_revenue: FloatArray  # expected repeat revenue of the new customers won
    impressions: FloatArray  # nan where the pricing does not define it
    clicks: FloatArray
    marginal_revenue: FloatArray  # d revenue / d spend, extra spend shaped like the plan
    carryover: FloatArray  # conversions produced in the horizon that land after it
    halo_conversions: FloatArray  # received from other channels' halo (in ``conversions``)
    referred: FloatArray  # new customers their new customers invited (in ``new_customers``)
    referred_revenue: FloatArray  # their first orders, at the ad set's aov (in ``revenue``)
    daily_conversions: FloatArray | None = None  # (K, A, H) landed per day
    daily_revenue: FloatArray | None = None  # (K, A, H)


def _as_candidates(x: FloatArray, ndim: int) -> FloatArray:
    x = np.asarray(x, dtype=float)
    return x[None] if x.ndim == ndim - 1 else x


def landed_fraction(cs: CompiledScenario) -> FloatArray:
    """Share of each (ad set, day)'s production that lands within the horizon: ``(A, H)``."""
    h = cs.horizon_days
    days_left = h - np.arange(h)  # H - t + 1 for t = 1..H
    return 1.0 - np.power(cs.decay[:, None], days_left[None, :])


def evaluate_spend(cs: CompiledScenario, spend: FloatArray) -> Outcome:
    """Outcomes of spending ``spend`` (``(A,)`` or ``(K, A)``) evenly over the horizon."""
    spend = _as_candidates(spend, 2)
    if cs.has_time_effects:
        even = np.repeat(spend[..., None] / cs.horizon_days, cs.horizon_days, axis=-1)
        return evaluate_plan(cs, even, spend=spend)
    conversions = cs.curves.value(spend)
    revenue = conversions * cs.aov
    with np.errstate(divide="ignore", invalid="ignore"):
        clicks = conversions / cs.cvr
    return _finish(
        cs,
        spend=spend,
        conversions=conversions,
        revenue=revenue,
        impressions=spend * cs.impressions_per_spend,
        clicks=clicks,
        marginal=cs.aov * cs.curves.derivative(spend),
        marginal_conversions=cs.curves.derivative(spend),
        carryover=np.zeros_like(spend),
    )


def evaluate_plan(
    cs: CompiledScenario,
    daily: FloatArray,
    series: bool = False,
    spend: FloatArray | None = None,
) -> Outcome:
    """Outcomes of a daily plan ``(A, H)`` or ``(K, A, H)``; ``series`` keeps daily arrays.

    ``spend`` (the plan's totals, when the caller has them exactly) avoids re-summing days.
    """
    x = _as_candidates(daily, 3)
    h = cs.horizon_days
    m, v = cs.cost_mult, cs.response_mult  # events' prices; events' and creatives' lift
    produced, slope = _produce(cs, x, m, v)
    if cs.base_growth is not None:  # the base grows with the new customers won so far
        produced, slope = _produce(cs, x, *grown_multipliers(cs, _land(cs, produced), m, v))
    w = landed_fraction(cs)
    value = cs.value_per_conversion  # revenue per conversion produced that day
    spend = x.sum(axis=-1) if spend is None else _as_candidates(spend, 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        shape = np.where(spend[..., None] > 0, x / spend[..., None], 1.0 / h)
        clicks = (produced * w * cs.creatives.clicks / (cs.cvr[:, None] * v)).sum(axis=-1)
    out = _finish(
        cs,
        spend=spend,
        conversions=(produced * w).sum(axis=-1),
        revenue=(produced * w * value).sum(axis=-1),
        impressions=(x * cs.impressions_per_spend[:, None] / m).sum(axis=-1),
        clicks=clicks,
        marginal=_weighted_slope(shape, slope * w * value),
        marginal_conversions=_weighted_slope(shape, slope * w),
        carryover=(produced * (1.0 - w)).sum(axis=-1),
    )
    if not series:
        return out
    conv_series, rev_series = _land(cs, produced), _land(cs, produced * value)
    if cs.money.has_halo:  # a receiver's day holds the halo its sources landed that day
        halo = np.swapaxes(cs.money.received(np.swapaxes(conv_series, -1, -2)), -1, -2)
        conv_series = conv_series + halo
        rev_series = rev_series + halo * cs.aov[:, None]
    if np.any(cs.referral_factor):  # referred first orders, on the day their inviter landed
        referral_value = cs.new_customer_rate * cs.referral_factor * cs.aov
        rev_series = rev_series + conv_series * referral_value[:, None]
    return Outcome(
        **{**out.__dict__, "daily_conversions": conv_series, "daily_revenue": rev_series}
    )


def _produce(
    cs: CompiledScenario, x: FloatArray, m: FloatArray, v: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Conversions produced per (candidate, ad set, day) and their slope in spend, for
    cost and response multipliers ``m``, ``v`` (``(A, H)`` or ``(K, A, H)``)."""
    h = cs.horizon_days
    y = np.swapaxes(h * x / m, -1, -2)  # (K, H, A) so curves broadcast over ad sets
    vt, mt = np.swapaxes(v, -1, -2), np.swapaxes(m, -1, -2)
    produced = np.swapaxes(vt * cs.curves.value(y), -1, -2) / h  # (K, A, H)
    slope = np.swapaxes(vt * cs.curves.derivative(y) / mt, -1, -2)  # d produced / d x
    return produced, slope


def new_per_day(cs: CompiledScenario, landed: FloatArray) -> FloatArray:
    """Paid new customers landing each day ``(K, H)``, from landed conversions
    ``(K, A, H)``: the ones that join a growing base (halo and referred customers are
    not dated, so they are counted in the totals but join no base within the horizon)."""
    return np.asarray(np.einsum("kah,a->kh", landed, cs.new_customer_rate), dtype=float)


def new_customers_by_day(cs: CompiledScenario, daily: FloatArray) -> FloatArray:
    """Paid new customers landing each day ``(K, H)`` of a daily plan ``(A, H)`` or
    ``(K, A, H)``: the members a growing base gains (the days sum to ``base_growth``).

    The same steps as ``evaluate_plan``: produced with the base grown once by the first
    pass's new customers, then landed through adstock."""
    x = _as_candidates(daily, 3)
    m, v = cs.cost_mult, cs.response_mult
    produced, _ = _produce(cs, x, m, v)
    if cs.base_growth is not None:
        produced, _ = _produce(cs, x, *grown_multipliers(cs, _land(cs, produced), m, v))
    return new_per_day(cs, _land(cs, produced))


def grown_multipliers(
    cs: CompiledScenario, landed: FloatArray, m: FloatArray, v: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Cost and response multipliers ``(K, A, H)`` with the base grown by the new
    customers of ``landed`` (``(K, A, H)``): ``rho * C(s / rho)`` on the growing ad sets."""
    growth = cs.base_growth
    assert growth is not None
    rho = np.ones(landed.shape)
    rho[:, growth.ad_sets, :] = growth.ratio(new_per_day(cs, landed))
    return m * rho, v * rho


def evaluate_split(cs: CompiledScenario, split: Split) -> Outcome:
    """Outcomes of one split: its daily plan where it has one, else spent evenly."""
    if split.daily is not None:
        return evaluate_plan(cs, split.daily)
    return evaluate_spend(cs, split.spend)


def _weighted_slope(shape: FloatArray, slope: FloatArray) -> FloatArray:
    """Sum over days of ``shape * slope``; a day without spend adds nothing, even where
    its slope is infinite (a hill with shape < 1 at 0)."""
    with np.errstate(invalid="ignore"):
        terms = shape * slope
    return np.asarray(np.where(shape > 0, terms, 0.0).sum(axis=-1), dtype=float)


def _land(cs: CompiledScenario, produced: FloatArray) -> FloatArray:
    """Geometric adstock: ``landed[u] = decay * landed[u-1] + (1 - decay) * produced[u]``."""
    out = np.empty_like(produced)
    d = cs.decay
    carry = np.zeros(produced.shape[:-1])
    for t in range(produced.shape[-1]):
        carry = d * carry + (1.0 - d) * produced[..., t]
        out[..., t] = carry
    return out


def _finish(cs: CompiledScenario, **parts: FloatArray) -> Outcome:
    """Per-ad-set outcomes from the curves' own conversions: halo received, cost.

    Halo is linear in the source's conversions: ad set ``j`` receives
    ``sum_i own_i * halo[i, j]`` at its own aov and new-customer rate, and the source's
    marginal revenue includes the halo revenue it brings. Stage costs are paid on a
    channel's own (funnel) conversions; commission on all its revenue, halo included.
    """
    own, revenue, marginal = parts["conversions"], parts["revenue"], parts["marginal"]
    money = cs.money
    halo_in = np.zeros_like(own)
    q = cs.referral_factor
    referral_value = cs.new_customer_rate * q * cs.aov  # per conversion: referred first orders
    if money.has_halo:
        halo_in = money.received(own)
        revenue = revenue + halo_in * cs.aov
        with np.errstate(invalid="ignore"):
            brought = money.brought(cs.aov + referral_value)
            marginal = marginal + parts["marginal_conversions"] * brought
    conversions = own + halo_in if money.has_halo else own
    spend = parts["spend"]
    cost = spend
    if not money.plain:  # commission is paid on the channel's own sales, not referrals'
        cost = spend * money.fee_factor + money.commission * revenue + money.stage_cost * own
    referred = conversions * cs.new_customer_rate * q
    new = conversions * cs.new_customer_rate + referred
    if np.any(q):
        revenue = revenue + referred * cs.aov
        with np.errstate(invalid="ignore"):
            marginal = marginal + parts["marginal_conversions"] * referral_value
    return Outcome(
        spend=spend,
        cost=cost,
        conversions=conversions,
        new_customers=new,
        revenue=revenue,
        gross_profit=revenue * cs.margin,
        repeat_revenue=new * cs.repeat_revenue,
        referred=referred,
        referred_revenue=referred * cs.aov,
        impressions=parts["impressions"],
        clicks=parts["clicks"],
        marginal_revenue=marginal,
        carryover=parts["carryover"],
        halo_conversions=halo_in,
    )


def by_source(cs: CompiledScenario, o: Outcome) -> Outcome:
    """The same outcome with halo credited to the ad set that brought it, not the one it
    landed on: each ad set's numbers then depend on its own spend alone (as the optimiser's
    line items and the certificate's per-item slopes need). Totals are unchanged."""
    money = cs.money
    if not money.has_halo:
        return o
    halo_in = o.halo_conversions
    own = o.conversions - halo_in

    def moved(per_ad_set: FloatArray, each: FloatArray) -> FloatArray:
        return np.asarray(per_ad_set - halo_in * each + own * money.brought(each))

    ncr, aov = cs.new_customer_rate, cs.aov
    q = cs.referral_factor
    new_each = ncr * (1.0 + q)  # own and referred new customers of one conversion
    revenue_each = aov * (1.0 + ncr * q)
    return Outcome(
        **{
            **o.__dict__,
            "conversions": moved(o.conversions, np.ones(cs.n_ad_sets)),
            "new_customers": moved(o.new_customers, new_each),
            "revenue": moved(o.revenue, revenue_each),
            "gross_profit": moved(o.gross_profit, revenue_each * cs.margin),
            "repeat_revenue": moved(o.repeat_revenue, new_each * cs.repeat_revenue),
            "referred": moved(o.referred, ncr * q),
            "referred_revenue": moved(o.referred_revenue, ncr * q * aov),
            "cost": moved(o.cost, money.commission * aov),
            "halo_conversions": np.zeros_like(halo_in),
        }
    )


NEGLIGIBLE_SPEND = 1e-9  # share of the budget: a spend at or below it is nothing spent


def _spent(cs: CompiledScenario, spend: FloatArray) -> FloatArray:
    """``spend`` where it is more than negligible, else 0, so its ratios are undefined (nan).

    A plan that only approaches a target as spend falls to 0 ends on a spend of 1e-8:
    its ROI and CAC are ratios of nothing and must not be shown beside a spend of 0.
    """
    return np.where(spend > NEGLIGIBLE_SPEND * cs.budget, spend, 0.0)


def _roi(cs: CompiledScenario, revenue: FloatArray, spend: FloatArray) -> FloatArray:
    return metrics.roi(revenue, _spent(cs, spend))


def _cac(cs: CompiledScenario, spend: FloatArray, new: FloatArray) -> FloatArray:
    """``spend / new``; undefined when either is nothing (no spend, or no new customer)."""
    return metrics.cac(_spent(cs, spend), new)


def _sum_defined(values: FloatArray) -> FloatArray:
    """Sum over ad sets where defined; nan only if no ad set defines it."""
    defined = ~np.isnan(values)
    return np.where(defined.any(axis=-1), np.nansum(values, axis=-1), np.nan)


def totals(cs: CompiledScenario, o: Outcome) -> dict[str, FloatArray]:
    """Scenario totals per candidate, each of shape ``(K,)``; definitions of CONTRACT.md."""
    spend, revenue = o.spend.sum(-1), o.revenue.sum(-1)
    cost = spend if cs.money.plain else o.cost.sum(-1)
    new = o.new_customers.sum(-1)
    first_order_new = first_order_revenue(cs, o).sum(-1)
    repeat = o.repeat_revenue.sum(-1)
    # targets.cac_basis: acquisition leaves retention channels' cost out of CAC
    cac_cost = cost if cs.limits.cac_basis == "all" else (o.cost * cs.cac_spend).sum(-1)
    cac = _cac(cs, cac_cost, new)
    ltv_per_customer = metrics.ltv_per_customer(first_order_new, repeat, new, _spent(cs, cost))
    return (
        {
            "spend": spend,
            "cost": cost,
            "revenue": revenue,
            "conversions": o.conversions.sum(-1),
            "new_customers": new,
            "profit": metrics.profit(o.gross_profit.sum(-1), cost),
            "roi": _roi(cs, revenue, cost),
            "cac": cac,
            "ltv": revenue + repeat,
            "ltv_per_customer": ltv_per_customer,
            "ltv_cac": metrics.ltv_cac(ltv_per_customer, cac),
            "repeat_revenue": repeat,
            "referred_customers": o.referred.sum(-1),
            "impressions": _sum_defined(o.impressions),
            "clicks": _sum_defined(o.clicks),
            "carryover_after_horizon": o.carryover.sum(-1),
        }
        | _baseline_totals(cs, revenue, cost)
        | _growth_totals(cs, o)
    )


def _growth_totals(cs: CompiledScenario, o: Outcome) -> dict[str, FloatArray]:
    """Members a growing base gained: paid new customers landed in the horizon (referred
    and halo ones are not dated, so they join none); only when ``customer_base.grows``."""
    if cs.base_growth is None:
        return {}
    own = o.conversions - o.halo_conversions
    return {"base_growth": (own * cs.new_customer_rate).sum(-1)}


def first_order_revenue(cs: CompiledScenario, o: Outcome) -> FloatArray:
    """First-order revenue of new customers per ad set ``(K, A)``: the paid orders' share
    that are new customers, plus every referred customer's first order."""
    paid = o.revenue - o.referred_revenue
    return np.asarray(paid * cs.new_customer_rate + o.referred_revenue, dtype=float)


def _baseline_totals(
    cs: CompiledScenario, revenue: FloatArray, cost: FloatArray
) -> dict[str, FloatArray]:
    """Organic revenue and paid + organic totals, only when a baseline is given."""
    base = cs.money.baseline
    if base is None:
        return {}
    total = revenue + base.revenue
    return {
        "baseline_revenue": np.full_like(revenue, base.revenue),
        "total_revenue": total,
        "total_roi": _roi(cs, total, cost),
    }


def per_ad_set(cs: CompiledScenario, o: Outcome) -> dict[str, FloatArray]:
    """Metrics per candidate and ad set, each ``(K, A)``."""
    return {
        "spend": o.spend,
        "cost": o.cost,
        "revenue": o.revenue,
        "conversions": o.conversions,
        "new_customers": o.new_customers,
        "roi": _roi(cs, o.revenue, o.cost),
        "cac": _cac(cs, o.cost, o.new_customers),
        "marginal_roi": o.marginal_revenue,
        "impressions": o.impressions,
        "clicks": o.clicks,
    }


def per_channel(cs: CompiledScenario, o: Outcome) -> dict[str, FloatArray]:
    """Metrics per candidate and channel, each ``(K, C)``; marginal ROI spend-weighted."""
    spend = cs.channel_sum(o.spend)
    cost = spend if cs.money.plain else cs.channel_sum(o.cost)
    revenue, new = cs.channel_sum(o.revenue), cs.channel_sum(o.new_customers)
    weight = np.where(o.spend > 0, o.spend, 0.0)
    channel_weight = cs.channel_sum(weight)
    weight = np.where(channel_weight[..., cs.ad_set_channel] > 0, weight, cs.default_share)
    with np.errstate(invalid="ignore"):
        weighted = np.where(weight > 0, weight * o.marginal_revenue, 0.0)
        marginal = metrics.ratio(cs.channel_sum(weighted), cs.channel_sum(weight))
    return {
        "spend": spend,
        "cost": cost,
        "revenue": revenue,
        "conversions": cs.channel_sum(o.conversions),
        "new_customers": new,
        "roi": _roi(cs, revenue, cost),
        "cac": _cac(cs, cost, new),
        "marginal_roi": marginal,
        "impressions": cs.channel_sum(np.nan_to_num(o.impressions)),
        "clicks": cs.channel_sum(np.nan_to_num(o.clicks)),
        "halo_conversions": cs.channel_sum(o.halo_conversions),
    }


def evaluate_totals(cs: CompiledScenario, spend: FloatArray) -> dict[str, FloatArray]:
    """Totals of many candidate splits ``(K, A)`` in one vectorised call."""
    return totals(cs, evaluate_spend(cs, spend))
