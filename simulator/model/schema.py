"""The scenario as the user writes it: a pydantic v2 schema of CONTRACT.md section 1.

This module only states shapes and ranges (the number ranges are in ``numbers.py``). Rules
that span fields (bounds that cross, unknown references, dates) live in ``checks.py``;
turning the spec into arrays lives in ``compile.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import BeforeValidator, Field, create_model

# curves and funnel register every family on import; the union below reads the registry
import simulator.model.curves
import simulator.model.funnel  # noqa: F401  (imported to register)
from simulator.model.family import FAMILIES as FAMILIES  # re-exported: registered by now
from simulator.model.family import ResponseSpec as ResponseSpecBase
from simulator.model.family import Strict
from simulator.model.numbers import (
    Confidence,
    Count,
    Decay,
    HorizonDays,
    MaxChange,
    Money,
    MoneyOrZero,
    Multiplier,
    OpenShare,
    PeriodDays,
    Ratio,
    RepeatRate,
    Share,
    WindowDays,
)
from simulator.model.targets import TARGETS

Id = Annotated[str, Field(pattern=r"^[a-z0-9_-]+$", min_length=1, max_length=64)]
DayOrDate = int | str


if TYPE_CHECKING:
    ResponseSpec = ResponseSpecBase
else:
    ResponseSpec = Annotated[
        Union[tuple(f.spec for f in FAMILIES.values())],  # noqa: UP007  (built at run time)
        Field(discriminator="type"),
    ]


class RetentionSpec(Strict):
    """Repeat purchases of a new customer: ``repeat_rate * decay^k`` orders in period k."""

    repeat_rate: RepeatRate = 0.0
    decay: Decay = 0.7
    period_days: PeriodDays = 30
    window_days: WindowDays = 365
    aov_multiplier: Multiplier = 1.0


class SegmentSpec(Strict):
    id: Id
    label: str | None = None
    size: Count | None = None
    ctr_multiplier: Multiplier = 1.0
    cvr_multiplier: Multiplier = 1.0
    aov_multiplier: Multiplier = 1.0
    new_customer_rate: Share | None = None
    retention: RetentionSpec | None = None
    referral_k: Decay = 0.0


class TargetingSpec(Strict):
    """One segment a channel aims at, with the share of the channel's reach it holds."""

    id: Id
    share: OpenShare | None = None


class CreativeSpec(Strict):
    id: Id
    ctr_multiplier: Multiplier = 1.0
    cvr_multiplier: Multiplier = 1.0
    fatigue: Decay = 0.0


class AdstockSpec(Strict):
    decay: Decay


class FeesSpec(Strict):
    """What the agency or platform adds to media spend, and what it returns (返点)."""

    service_fee: Annotated[float, Field(ge=0, le=10)] = 0.0  # share of media spend
    rebate: Share = 0.0  # share of media spend returned


class HaloSpec(Strict):
    """Conversions this channel brings to another one (种草 -> search), per own conversion."""

    to: Id
    conversions_per_conversion: Annotated[float, Field(ge=0, le=100)]


class BaselineSpec(Strict):
    """Organic sales over the horizon with zero paid spend; paid results add to it."""

    conversions: Annotated[float, Field(ge=0, le=1e12)]
    aov: Money
    new_customer_rate: Share = 1.0


class ChannelSpec(Strict):
    id: Id
    label: str | None = None
    role: Literal["acquisition", "retention"] = "acquisition"
    response: ResponseSpec
    aov: Money
    margin: OpenShare = 1.0
    new_customer_rate: Share = 1.0
    min_spend: MoneyOrZero = 0.0
    max_spend: MoneyOrZero | None = None
    unit_cost: MoneyOrZero = 0.0
    daily_cap: Money | None = None
    locked: bool = False
    adstock: AdstockSpec | None = None
    segments: list[Id | TargetingSpec] | None = None
    creatives: list[CreativeSpec] | None = None
    fees: FeesSpec | None = None
    commission: Share = 0.0  # CPS: share of the channel's revenue paid out
    halo: list[HaloSpec] | None = None
    cac_max: Money | None = None  # the channel's own average CAC, at most this
    roi_min: Ratio | None = None  # the channel's own ROI, at least this
    min_active_spend: MoneyOrZero = 0.0  # 0, or at least this much (worth running)
    recall_group: Id | None = None  # retention only: the part of the customer base it reaches


class GroupSpec(Strict):
    """Channels that share a limit (推广 vs 运营, one agency's share): their sum in [min, max]."""

    id: Id
    label: str | None = None  # how explanations name it (推广, 运营)
    channels: Annotated[list[Id], Field(min_length=1)]
    min: MoneyOrZero = 0.0
    max: Money | None = None


class PeriodSpec(Strict):
    """A sub-budget over days ``start..end`` (inclusive) that a plan's spend must respect."""

    start: DayOrDate
    end: DayOrDate
    max: MoneyOrZero


class RecallGroupSpec(Strict):
    """One part of the customer base by recency (RFM): active, silent_30d, lapsed, ...

    A retention channel that names it (``recall_group``) reaches these members only, so
    "a 10-yuan coupon to silent members" is a line item of its own with its own response.
    """

    id: Id
    label: str | None = None
    size: Count


class CustomerBaseSpec(Strict):
    """The CRM members retention channels reach; ``customer_base: 80000`` is the short form.

    ``grows``: new customers won on day t can be reached from day t + 1 (运营 <- 推广).
    ``groups``: recall groups; the new customers join ``joins`` (default: the first group).
    """

    size: Count | None = None
    grows: bool = False
    groups: Annotated[list[RecallGroupSpec], Field(min_length=1)] | None = None
    joins: Id | None = None

    @property
    def total(self) -> float:
        """Members in all: ``size``, else the groups' sizes added up."""
        if self.size is not None:
            return self.size
        return float(sum(g.size for g in self.groups or []))


def _long_form(value: Any) -> Any:
    """``customer_base: 80000`` is ``customer_base: {size: 80000}``."""
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    return {"size": value} if is_number else value


class BudgetSpec(Strict):
    total: Money
    max_change: MaxChange | None = None  # a share of the current spend
    periods: list[PeriodSpec] | None = None


# Each target is optional; its field (name, number type, so range and error text) comes
# from the table in ``targets.py``, so a new target is not restated here.
if TYPE_CHECKING:

    class TargetsSpec(Strict):
        # the fields that are not rows of the table
        cac_basis: Literal["all", "acquisition"] | None = None
        confidence: float | None = None

else:
    TargetsSpec = create_model(
        "TargetsSpec",
        __base__=Strict,
        **{
            t.name: (
                t.number | None,
                Field(None, description=f"{t.label}: {t.noun} of the whole plan, "
                      f"{'at least' if t.at_least else 'at most'} this."),
            )
            for t in TARGETS.values()
        },
        cac_basis=(
            Literal["all", "acquisition"] | None,
            Field(None, description="spend counted in CAC: all (default) or acquisition "
                  "channels' only"),
        ),
        # not a target (no row of the table, left out of CompiledScenario.targets)
        confidence=(
            Confidence | None,
            Field(None, description="Share of simulated runs (0.5 < c < 1) in which the plan "
                  "must meet every target: optimize plans with a safety margin."),
        ),
    )  # fmt: skip  # one field per row of the targets table, described from the row


class EventSpec(Strict):
    name: str
    start: DayOrDate
    end: DayOrDate
    cost_multiplier: Multiplier = 1.0
    cvr_multiplier: Multiplier = 1.0
    aov_multiplier: Multiplier = 1.0
    repeat_multiplier: Multiplier = 1.0  # retention channels' repeat orders on these days
    channels: list[Id] | None = None


class SplitSpec(Strict):
    allocation: dict[str, float] = Field(default_factory=dict)  # checked by split.py
    daily: dict[str, list[float]] | None = None


class ScenarioSpec(Strict):
    name: Annotated[str, Field(min_length=1)]
    currency: Annotated[str, Field(min_length=1, max_length=8)] = "CNY"
    horizon_days: HorizonDays = 30
    start_date: str | None = None
    budget: BudgetSpec
    objective: Literal["revenue", "conversions", "profit", "new_customers", "ltv", "min_spend"] = (
        "revenue"
    )
    targets: TargetsSpec = Field(default_factory=TargetsSpec)
    # a bare number is today's short form, read as ``{size: N}`` (errors then name the key)
    customer_base: Annotated[
        CustomerBaseSpec | None,
        BeforeValidator(_long_form, json_schema_input_type=Count | CustomerBaseSpec | None),
    ] = None

    @property
    def base(self) -> CustomerBaseSpec | None:
        """``customer_base`` in its long form."""
        return self.customer_base

    baseline: BaselineSpec | None = None
    ltv: RetentionSpec | None = None
    segments: list[SegmentSpec] | None = None
    channels: Annotated[list[ChannelSpec], Field(min_length=1)]
    groups: list[GroupSpec] | None = None
    events: list[EventSpec] | None = None
    split: SplitSpec | None = None
    sweep: dict[str, list[Any]] | None = None
    description: str | None = None
