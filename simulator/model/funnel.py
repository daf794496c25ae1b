"""Pricing and rates (CPM/CPC/CPA/flat fee, CTR, CVR, audience) -> a saturating curve.

Money buys impressions at a price; an audience of ``A`` people shown more than about
``max_frequency`` times stops responding. With ``I`` impressions bought, the effective
impressions are ``A*F*(1 - exp(-I / (A*F)))`` and conversions are that times CTR*CVR.
Since ``I`` is proportional to spend, the result is an exponential curve in spend: the
funnel compiles to ``Exponential`` and keeps the rates for reporting impressions and clicks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal

import numpy as np
from pydantic import Field

from simulator.io.errors import Path
from simulator.model.curves import Curve, Exponential, Linear
from simulator.model.family import CurveContext, Problem, ResponseSpec, Strict, register
from simulator.model.numbers import Count, Frequency, Money, MoneyOrZero, Rate

# Without a stated audience, a CPA buy is effectively unsaturated up to this many people.
_UNBOUNDED_AUDIENCE = 1e12


class StageSpec(Strict):
    """One step after the click or contact (注册 -> 进群 -> 首单): its pass rate and the
    cost paid per person who reaches it (a giveaway per sign-up, a coupon per order)."""

    name: Annotated[str, Field(min_length=1, max_length=64)]
    rate: Rate
    cost_each: MoneyOrZero = 0.0


_PRICE_FIELD = {"cpm": "cpm", "cpc": "cpc", "cpa": "cpa", "flat": "unit_price"}


class FunnelSpec(ResponseSpec):
    """Pricing and rates a planner knows, turned into a saturating curve."""

    type: Literal["funnel"]
    pricing: Literal["cpm", "cpc", "cpa", "flat"]
    cpm: Money | None = None
    cpc: Money | None = None
    cpa: Money | None = None
    unit_price: Money | None = None
    impressions_per_unit: Count | None = None
    ctr: Rate
    cvr: Rate | None = None  # either cvr, or stages whose rates multiply to it
    stages: Annotated[list[StageSpec], Field(min_length=1)] | None = None
    audience: Count | None = None
    max_frequency: Frequency = 3.0

    def problems(self, at: Path) -> list[Problem]:
        """The price of the chosen pricing model must be given."""
        field = _PRICE_FIELD[self.pricing]
        out: list[Problem] = []
        if getattr(self, field) is None:
            out.append(((*at, field), f"required when pricing is {self.pricing}"))
        if self.pricing == "flat" and self.impressions_per_unit is None:
            out.append(((*at, "impressions_per_unit"), "required when pricing is flat"))
        if self.cvr is None and self.stages is None:
            out.append(((*at, "cvr"), "required unless stages are given"))
        if self.cvr is not None and self.stages is not None:
            out.append(
                ((*at, "cvr"), "give either cvr or stages (cvr is then their rates' product)")
            )
        return out

    @property
    def conversion_rate(self) -> float:
        """Conversions per click: ``cvr``, or the product of the stage rates."""
        if self.stages is not None:
            return float(np.prod([s.rate for s in self.stages]))
        return float(self.cvr if self.cvr is not None else float("nan"))

    def stage_shares(self) -> tuple[tuple[str, float, float], ...]:
        """Stage k's count is clicks times the rates up to k, so per conversion it is
        ``1 / (product of the later stages' rates)``."""
        stages = self.stages or []
        out = []
        for k, st in enumerate(stages):
            later = float(np.prod([s.rate for s in stages[k + 1 :]]))
            out.append((st.name, 1.0 / later, st.cost_each))
        return tuple(out)

    def whole_unit(self) -> float:
        """A flat fee per post or board is bought in whole units of that fee."""
        return float(self.unit_price or 0.0) if self.pricing == "flat" else 0.0

    def pricing_model(self) -> str:
        return self.pricing

    def audience_of(self, ctx: CurveContext) -> float | None:
        """People the ad set can reach (None: unsaturated): the segment's size, capped
        by its share of the stated audience; else that share; else, for retention, the
        share of the customer base."""
        if ctx.segment_size is not None:
            if self.audience is None:
                return ctx.segment_size
            return min(ctx.segment_size, self.audience * ctx.share)
        if self.audience is not None:
            return self.audience * ctx.share
        if ctx.customer_base is not None:
            return ctx.customer_base * ctx.share
        return None

    def reaches_base(self, ctx: CurveContext) -> bool:
        """A retention funnel without its own audience saturates on the customer base."""
        return ctx.segment_size is None and self.audience is None and ctx.customer_base is not None

    def rates(self, ctx: CurveContext) -> tuple[float, float, float]:
        r = _rates(self, ctx.ctr_multiplier, ctx.cvr_multiplier)
        return r.impressions_per_spend, r.ctr, r.cvr


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
    rates = _rates(f, ctr_mult, cvr_mult)
    ips, ctr, cvr = rates.impressions_per_spend, rates.ctr, rates.cvr
    if audience is None:
        return Linear(np.array([ips * ctr * cvr]), np.array([np.inf])), rates
    capacity = audience * f.max_frequency
    curve = Exponential(np.array([capacity * ctr * cvr]), np.array([capacity / ips]))
    return curve, rates


def _rates(f: FunnelSpec, ctr_mult: float, cvr_mult: float) -> FunnelRates:
    ctr = min(f.ctr * ctr_mult, 1.0)
    cvr = min(f.conversion_rate * cvr_mult, 1.0)
    return FunnelRates(impressions_per_spend(f, ctr, cvr), ctr, cvr)


class Funnel:
    """The ``funnel`` family: compiles to an exponential (or, unsaturated, a linear) curve."""

    kind: ClassVar[str] = "funnel"
    spec: ClassVar[type[ResponseSpec]] = FunnelSpec
    editable: ClassVar[tuple[str, ...]] = (
        "cpm",
        "cpc",
        "cpa",
        "unit_price",
        "ctr",
        "cvr",
        "audience",
    )
    examples: ClassVar[tuple[dict[str, Any], ...]] = (
        {"type": "funnel", "pricing": "cpm", "cpm": 40, "ctr": 0.02, "cvr": 0.05, "audience": 2e6},
        {"type": "funnel", "pricing": "cpc", "cpc": 1.5, "ctr": 0.03, "cvr": 0.04},
        {"type": "funnel", "pricing": "cpa", "cpa": 90, "ctr": 0.01, "cvr": 0.1, "audience": 5e4},
        {
            "type": "funnel",
            "pricing": "flat",
            "unit_price": 300,
            "impressions_per_unit": 2000,
            "ctr": 0.05,
            "cvr": 0.1,
            "audience": 1e5,
        },
    )

    @classmethod
    def from_spec(cls, spec: Any, ctx: CurveContext) -> Curve:
        curve, _ = funnel_curve(spec, spec.audience_of(ctx), ctx.ctr_multiplier, ctx.cvr_multiplier)
        return curve


register("funnel", Funnel)
