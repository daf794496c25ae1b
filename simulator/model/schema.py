"""The scenario as the user writes it: a pydantic v2 schema of CONTRACT.md section 1.

This module only states shapes and ranges. Rules that span fields (bounds that cross,
unknown references, dates) live in ``checks.py``; turning the spec into arrays lives in
``compile.py``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Id = Annotated[str, Field(pattern=r"^[a-z0-9_-]+$", min_length=1, max_length=64)]
Positive = Annotated[float, Field(gt=0)]
NonNegative = Annotated[float, Field(ge=0)]
Share = Annotated[float, Field(ge=0, le=1)]
Multiplier = Annotated[float, Field(gt=0)]
DayOrDate = int | str

OBJECTIVES = ("revenue", "conversions", "profit", "new_customers", "ltv", "min_spend")


class Strict(BaseModel):
    """Every block rejects unknown keys and non-finite numbers."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)


class HillSpec(Strict):
    type: Literal["hill"]
    max_conversions: Positive
    half_saturation: Positive
    shape: Annotated[float, Field(gt=0, le=10)] = 1.0


class ExponentialSpec(Strict):
    type: Literal["exponential"]
    max_conversions: Positive
    scale: Positive


class LogisticSpec(Strict):
    type: Literal["logistic"]
    max_conversions: Positive
    midpoint: Positive
    steepness: Annotated[float, Field(gt=0, le=100)] = 4.0


class LinearSpec(Strict):
    type: Literal["linear"]
    cost_per_conversion: Positive
    max_conversions: Positive | None = None


class FunnelSpec(Strict):
    """Pricing and rates a planner knows, turned into a saturating curve (see funnel.py)."""

    type: Literal["funnel"]
    pricing: Literal["cpm", "cpc", "cpa", "flat"]
    cpm: Positive | None = None
    cpc: Positive | None = None
    cpa: Positive | None = None
    unit_price: Positive | None = None
    impressions_per_unit: Positive | None = None
    ctr: Annotated[float, Field(gt=0, le=1)]
    cvr: Annotated[float, Field(gt=0, le=1)]
    audience: Positive | None = None
    max_frequency: Annotated[float, Field(gt=0, le=1000)] = 3.0


ResponseSpec = Annotated[
    HillSpec | ExponentialSpec | LogisticSpec | LinearSpec | FunnelSpec,
    Field(discriminator="type"),
]


class RetentionSpec(Strict):
    """Repeat purchases of a new customer: ``repeat_rate * decay^k`` orders in period k."""

    repeat_rate: Annotated[float, Field(ge=0, le=5)] = 0.0
    decay: Annotated[float, Field(ge=0, lt=1)] = 0.7
    period_days: Annotated[int, Field(ge=1, le=365)] = 30
    window_days: Annotated[int, Field(ge=1, le=3650)] = 365
    aov_multiplier: Multiplier = 1.0


class SegmentSpec(Strict):
    id: Id
    label: str | None = None
    size: Positive | None = None
    ctr_multiplier: Multiplier = 1.0
    cvr_multiplier: Multiplier = 1.0
    aov_multiplier: Multiplier = 1.0
    new_customer_rate: Share | None = None
    retention: RetentionSpec | None = None
    referral_k: Annotated[float, Field(ge=0, lt=1)] = 0.0


class TargetingSpec(Strict):
    """One segment a channel aims at, with the share of the channel's reach it holds."""

    id: Id
    share: Annotated[float, Field(gt=0, le=1)] | None = None


class CreativeSpec(Strict):
    id: Id
    ctr_multiplier: Multiplier = 1.0
    cvr_multiplier: Multiplier = 1.0
    fatigue: Annotated[float, Field(ge=0, lt=1)] = 0.0


class AdstockSpec(Strict):
    decay: Annotated[float, Field(ge=0, lt=1)]


class ChannelSpec(Strict):
    id: Id
    label: str | None = None
    role: Literal["acquisition", "retention"] = "acquisition"
    response: ResponseSpec
    aov: Positive
    margin: Annotated[float, Field(gt=0, le=1)] = 1.0
    new_customer_rate: Share = 1.0
    min_spend: NonNegative = 0.0
    max_spend: NonNegative | None = None
    unit_cost: NonNegative = 0.0
    daily_cap: Positive | None = None
    locked: bool = False
    adstock: AdstockSpec | None = None
    segments: list[Id | TargetingSpec] | None = None
    creatives: list[CreativeSpec] | None = None


class BudgetSpec(Strict):
    total: Positive
    max_change: Annotated[float, Field(gt=0)] | None = None


class TargetsSpec(Strict):
    roi_min: Positive | None = None
    cac_max: Positive | None = None
    ltv_cac_min: Positive | None = None
    revenue_min: Positive | None = None
    conversions_min: Positive | None = None
    new_customers_min: Positive | None = None


class EventSpec(Strict):
    name: str
    start: DayOrDate
    end: DayOrDate
    cost_multiplier: Multiplier = 1.0
    cvr_multiplier: Multiplier = 1.0
    aov_multiplier: Multiplier = 1.0
    channels: list[Id] | None = None


class SplitSpec(Strict):
    allocation: dict[str, float] = Field(default_factory=dict)
    daily: dict[str, list[float]] | None = None


class ScenarioSpec(Strict):
    name: Annotated[str, Field(min_length=1)]
    currency: Annotated[str, Field(min_length=1, max_length=8)] = "CNY"
    horizon_days: Annotated[int, Field(ge=1, le=3660)] = 30
    start_date: str | None = None
    budget: BudgetSpec
    objective: Literal["revenue", "conversions", "profit", "new_customers", "ltv", "min_spend"] = (
        "revenue"
    )
    targets: TargetsSpec = Field(default_factory=TargetsSpec)
    customer_base: Positive | None = None
    ltv: RetentionSpec | None = None
    segments: list[SegmentSpec] | None = None
    channels: Annotated[list[ChannelSpec], Field(min_length=1)]
    events: list[EventSpec] | None = None
    split: SplitSpec | None = None
    sweep: dict[str, list[Any]] | None = None
    description: str | None = None
