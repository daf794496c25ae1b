"""Pricing and rates (CPM/CPC/CPA/flat fee, CTR, CVR, audience) -> a saturating curve.

Money buys impressions at a price; an audience of ``A`` people shown more than about
``max_frequency`` times stops responding. With ``I`` impressions bought, the effective
impressions are ``A*F*(1 - exp(-I / (A*F)))`` and conversions are that times CTR*CVR.
Since ``I`` is proportional to spend, the result is an exponential curve in spend: the
funnel compiles to ``Exponential`` and keeps the rates for reporting impressions and clicks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.model.curves import Exponential, Linear
from simulator.model.schema import FunnelSpec

# Without a stated audience, a CPA buy is effectively unsaturated up to this many people.
_UNBOUNDED_AUDIENCE = 1e12


@dataclass(frozen=True)
class FunnelRates:
    """What a funnel buy reports besides conversions."""

    impressions_per_spend: float
    ctr: float
    cvr: float


def impressions_per_spend(f: FunnelSpec, ctr: float, cvr: float) -> float:
    """Paid impressions one unit of money buys, from the pricing model.

    Under CPC and CPA the price is per click or per action, so a better rate buys fewer
    impressions for the same money rather than more results.
    """
    if f.pricing == "cpm":
        assert f.cpm is not None
        return 1000.0 / f.cpm
    if f.pricing == "cpc":
        assert f.cpc is not None
        return 1.0 / (f.cpc * ctr)
    if f.pricing == "cpa":
        assert f.cpa is not None
        return 1.0 / (f.cpa * ctr * cvr)
    assert f.unit_price is not None
    assert f.impressions_per_unit is not None
    return f.impressions_per_unit / f.unit_price


def funnel_curve(
    f: FunnelSpec, audience: float | None, ctr_mult: float = 1.0, cvr_mult: float = 1.0
) -> tuple[Exponential | Linear, FunnelRates]:
    """The response of a funnel buy on an audience (``None``: unsaturated, linear)."""
    ctr = min(f.ctr * ctr_mult, 1.0)
    cvr = min(f.cvr * cvr_mult, 1.0)
    ips = impressions_per_spend(f, ctr, cvr)
    rates = FunnelRates(ips, ctr, cvr)
    if audience is None:
        return Linear(np.array([ips * ctr * cvr]), np.array([np.inf])), rates
    capacity = audience * f.max_frequency
    curve = Exponential(np.array([capacity * ctr * cvr]), np.array([capacity / ips]))
    return curve, rates
