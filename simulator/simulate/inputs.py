"""The fixed inputs of a simulation: a compiled scenario and a split as per-ad-set arrays.

Everything here is deterministic and shared by every run; the processes in ``engine.py``
only read it. Shapes: ``A`` ad sets, ``C`` channels, ``H`` days, ``K`` creatives.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.model.compiled import CompiledScenario, Split
from simulator.model.creatives import CreativeMix
from simulator.model.curve_set import CurveSet
from simulator.model.curves import FloatArray, IntArray


@dataclass(frozen=True)
class SimInputs:
    """The scenario and the split as the simulation reads them."""

    name: str
    horizon_days: int
    channel_ids: tuple[str, ...]
    ad_set_ids: tuple[str, ...]
    ad_set_channel: IntArray  # (A,)
    curves: CurveSet
    cost_mult: FloatArray  # (A, H) events' price multiplier
    cvr_mult: FloatArray  # (A, H) events' conversion lift
    value: FloatArray  # (A, H) revenue of one conversion produced that day
    margin: FloatArray  # (A,)
    new_customer_rate: FloatArray  # (A,)
    decay: FloatArray  # (A,)
    repeat_orders: FloatArray  # (A,) expected repeat orders of one new customer
    repeat_value: FloatArray  # (A,) revenue of one repeat order
    referral_k: FloatArray  # (A,)
    impressions_per_spend: FloatArray  # (A,) nan where the pricing has none
    cvr: FloatArray  # (A,) nan where not defined
    spend: FloatArray  # (A,) the split
    daily: FloatArray | None  # (A, H) a daily plan, or None: paced by the pacing rule
    channel_budget: FloatArray  # (C,) what each channel may spend over the horizon
    ad_set_share: FloatArray  # (A,) an ad set's share of its channel's daily spend
    daily_cap: FloatArray  # (C,) inf where none
    targets: dict[str, float]
    creatives: CreativeMix  # the compiled creatives and their expected mix

    @property
    def n_ad_sets(self) -> int:
        return len(self.ad_set_ids)


def _retention_terms(cs: CompiledScenario) -> tuple[FloatArray, FloatArray]:
    """Expected repeat orders per new customer and the revenue of one, per ad set."""
    orders = cs.repeat_orders
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(orders > 0, cs.repeat_revenue / np.where(orders > 0, orders, 1.0), 0.0)
    return orders, value


def _shares(cs: CompiledScenario, spend: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Each channel's budget and each ad set's share of it (default shares if it is 0)."""
    budget = cs.channel_sum(spend)
    of_channel = budget[cs.ad_set_channel]
    default = cs.default_share / cs.channel_sum(cs.default_share)[cs.ad_set_channel]
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(of_channel > 0, spend / np.where(of_channel > 0, of_channel, 1.0), default)
    return budget, share


def build_inputs(cs: CompiledScenario, split: Split) -> SimInputs:
    """Read a compiled scenario and a split into the simulation's arrays."""
    spend = np.asarray(split.spend, dtype=float)
    budget, share = _shares(cs, spend)
    orders, repeat_value = _retention_terms(cs)
    return SimInputs(
        name=cs.name,
        horizon_days=cs.horizon_days,
        channel_ids=cs.channel_ids,
        ad_set_ids=cs.ad_set_ids,
        ad_set_channel=cs.ad_set_channel,
        curves=cs.curves,
        cost_mult=cs.cost_mult,
        cvr_mult=cs.cvr_mult,
        value=cs.aov[:, None] * cs.aov_mult,
        margin=cs.margin,
        new_customer_rate=cs.new_customer_rate,
        decay=cs.decay,
        repeat_orders=orders,
        repeat_value=repeat_value,
        referral_k=cs.referral_k,
        impressions_per_spend=cs.impressions_per_spend,
        cvr=cs.cvr,
        spend=spend,
        daily=None if split.daily is None else np.asarray(split.daily, dtype=float),
        channel_budget=budget,
        ad_set_share=share,
        daily_cap=cs.daily_cap,
        targets=cs.active_targets(),
        creatives=cs.creatives,
    )
