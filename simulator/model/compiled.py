"""The compiled scenario: arrays over ad sets and days that every engine reads.

An ad set is a channel aimed at one segment; a channel without segments is its one ad
set, with the channel's id. Shapes: ``A`` ad sets, ``C`` channels, ``H`` days.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from simulator.model.calendar import Calendar
from simulator.model.creatives import CreativeMix
from simulator.model.curve_set import CurveSet
from simulator.model.curves import FloatArray, IntArray
from simulator.model.targets import TARGETS

TARGET_NAMES = tuple(TARGETS)  # the contract's order: ratio targets, then the floors


@dataclass(frozen=True)
class Split:
    """Spend per ad set over the horizon, and optionally a daily plan.

    ``spend`` has shape ``(A,)``; ``daily`` (when given) ``(A, H)`` and sums to ``spend``.
    """

    spend: FloatArray
    daily: FloatArray | None = None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class SpendGroup:
    """``lo <= sum of the channels' cost <= hi`` (CONTRACT 1c ``groups:``)."""

    id: str
    channels: IntArray  # indices into channel_ids
    lo: float
    hi: float
    label: str = ""


@dataclass(frozen=True)
class Period:
    """Cost on days ``first..last`` (1-based, inclusive) of every channel, at most ``hi``."""

    first: int
    last: int
    hi: float

    @property
    def days(self) -> int:
        return self.last - self.first + 1


@dataclass(frozen=True)
class Limits:
    """The planning limits of CONTRACT 1c: per-channel ratios and on-off minimums,
    channel groups, the budget's periods and the CAC basis. Shapes ``(C,)``; ``inf`` /
    0 where a channel has none, so a scenario without the keys has no limits at all."""

    cac_max: FloatArray  # (C,) inf = none
    roi_min: FloatArray  # (C,) 0 = none
    min_active: FloatArray  # (C,) 0 = none
    groups: tuple[SpendGroup, ...] = ()
    periods: tuple[Period, ...] = ()
    cac_basis: str = "all"

    @classmethod
    def none(cls, n_channels: int) -> Limits:
        return cls(np.full(n_channels, np.inf), np.zeros(n_channels), np.zeros(n_channels))

    @property
    def any_ratio(self) -> bool:
        return bool(np.any(np.isfinite(self.cac_max)) or np.any(self.roi_min > 0))


@dataclass(frozen=True)
class Baseline:
    """Organic sales over the horizon with zero paid spend (paid results add to it)."""

    conversions: float
    aov: float
    new_customer_rate: float

    @property
    def revenue(self) -> float:
        return self.conversions * self.aov


@dataclass(frozen=True)
class Money:
    """Cost of each ad set beyond its media spend, and the halo between ad sets.

    ``cost = spend * fee_factor + commission * revenue + stage_cost * own conversions``
    (shapes ``(A,)``). Halo is a list of pairs, not an ``(A, A)`` matrix (10,000 ad sets
    would need 800 MB): ad set ``halo_to[p]`` gains ``halo_rate[p]`` conversions per
    conversion of ad set ``halo_from[p]`` (the rate times the receiver's share of its
    channel). ``stages[c]`` lists channel ``c``'s funnel stages as (name, count per
    conversion).
    """

    fee_factor: FloatArray
    commission: FloatArray
    stage_cost: FloatArray
    halo_from: IntArray
    halo_to: IntArray
    halo_rate: FloatArray
    stages: tuple[tuple[tuple[str, float], ...], ...]
    baseline: Baseline | None = None

    @property
    def plain(self) -> bool:
        """True when cost is spend and no halo moves conversions (today's model)."""
        return self.cost_is_spend and not self.has_halo

    @property
    def cost_is_spend(self) -> bool:
        """True when every ad set's cost is its spend (no fees, commission or stage costs)."""
        return bool(
            np.all(self.fee_factor == 1)
            and not np.any(self.commission)
            and not np.any(self.stage_cost)
        )

    @property
    def has_halo(self) -> bool:
        return bool(np.any(self.halo_rate))

    def received(self, own: FloatArray) -> FloatArray:
        """Halo conversions each ad set receives from ``own`` conversions ``(..., A)``."""
        out = np.zeros_like(own)
        np.add.at(out.T, self.halo_to, (own[..., self.halo_from] * self.halo_rate).T)
        return out

    def brought(self, each: FloatArray) -> FloatArray:
        """What one own conversion of each ad set brings its receivers, ``each`` being the
        worth of one conversion at each ad set ``(A,)``: ``(A,)``."""
        worth = self.halo_rate * np.asarray(each, dtype=float)[self.halo_to]
        out = np.bincount(self.halo_from, weights=worth, minlength=len(self.fee_factor))
        return np.asarray(out, dtype=float)


@dataclass(frozen=True)
class BaseGrowth:
    """``customer_base.grows``: retention ad sets whose audience is the base (or the recall
    group new customers join), which grows by the new customers won before each day.

    An audience ``rho`` times larger turns the curve ``C`` into ``rho * C(s / rho)`` (a
    funnel's saturation scales with the people it reaches), so a day's growth acts like
    an event with cost and conversion multipliers both ``rho``.
    """

    ad_sets: IntArray  # (J,) the growing retention ad sets
    size: FloatArray  # (J,) members each reaches on day 1 (the whole base, or its group)

    def ratio(self, new_daily: FloatArray) -> FloatArray:
        """``rho[..., j, t] = 1 + (new customers landed before day t) / size[j]``, from new
        customers per day ``(..., H)``: shape ``(..., J, H)``."""
        before = np.cumsum(new_daily, axis=-1) - new_daily
        return np.asarray(1.0 + before[..., None, :] / self.size[:, None], dtype=float)


@dataclass(frozen=True)
class CompiledScenario:
    """A validated scenario as arrays; read-only, shared by every engine and the studio.

    Everything an engine or the studio needs is compiled here, once; the validated spec
    is not kept, so no caller can re-derive a number past compile. ``digest`` names the
    validated scenario for caches and study names.
    """

    name: str
    digest: str  # sha256 of the validated spec's canonical JSON
    currency: str
    horizon_days: int
    budget: float
    max_change: float | None  # a channel may move this share of its current spend at most
    objective: str
    targets: dict[str, float]  # the targets table's rows only (not ``confidence``)
    channel_ids: tuple[str, ...]
    ad_set_ids: tuple[str, ...]
    ad_set_channel: IntArray  # (A,) index into channel_ids
    ad_set_segment: tuple[str | None, ...]
    curves: CurveSet  # (A,) conversions produced over the horizon by even spend
    aov: FloatArray  # (A,)
    margin: FloatArray  # (A,)
    new_customer_rate: FloatArray  # (A,) 0 for retention channels
    repeat_orders: FloatArray  # (A,) expected repeat orders of one new customer (LTV window)
    repeat_revenue: FloatArray  # (A,) expected repeat revenue of one new customer (LTV window)
    repeat_order_value: FloatArray  # (A,) revenue of one repeat order (0 without repeats)
    referral_k: FloatArray  # (A,)
    # (A,) referred new customers per own new customer: k / (1 - k), a geometric chain
    referral_factor: FloatArray
    is_retention: npt.NDArray[np.bool_]  # (A,)
    impressions_per_spend: FloatArray  # (A,) nan where the pricing does not define it
    ctr: FloatArray  # (A,) nan where not defined
    cvr: FloatArray  # (A,) nan where not defined
    default_share: FloatArray  # (A,) how a channel-level spend divides among its ad sets
    unit_cost: FloatArray  # (A,) 0 = continuous
    channel_min: FloatArray  # (C,)
    channel_max: FloatArray  # (C,)
    channel_locked: npt.NDArray[np.bool_]  # (C,)
    daily_cap: FloatArray  # (C,) inf where none
    cost_mult: FloatArray  # (A, H)
    cvr_mult: FloatArray  # (A, H)
    aov_mult: FloatArray  # (A, H)
    value_per_conversion: FloatArray  # (A, H) revenue of a conversion produced that day
    calendar: Calendar  # the days' dates and the events as day spans
    decay: FloatArray  # (A,)
    creatives: CreativeMix  # the rotation's expected mix per (ad set, day)
    money: Money  # what spend costs the advertiser (CONTRACT.md 1c)
    current: Split | None = None
    labels: dict[str, str] = field(default_factory=dict)
    limits: Limits = field(default_factory=lambda: Limits.none(0))

    @property
    def cac_spend(self) -> npt.NDArray[np.bool_]:
        """``(A,)``: the ad sets whose spend counts in CAC (``targets.cac_basis``)."""
        if self.limits.cac_basis == "acquisition":
            return np.asarray(~self.is_retention)
        return np.ones(self.n_ad_sets, dtype=bool)

    base_growth: BaseGrowth | None = None  # customer_base.grows (None: a fixed base)
    confidence: float | None = None  # targets.confidence: share of runs meeting every target

    @property
    def n_ad_sets(self) -> int:
        return len(self.ad_set_ids)

    @property
    def n_channels(self) -> int:
        return len(self.channel_ids)

    @property
    def has_segments(self) -> bool:
        return any(s is not None for s in self.ad_set_segment)

    @property
    def response_mult(self) -> FloatArray:
        """Multiplier on the conversions produced per (ad set, day) ``(A, H)``: the events'
        ``cvr_multiplier`` times the creatives' expected mix (``model/creatives.py``)."""
        return np.asarray(self.cvr_mult * self.creatives.response, dtype=float)

    @property
    def has_time_effects(self) -> bool:
        """True when events, adstock or creatives make the daily model differ from ``C(S)``."""
        return bool(
            np.any(self.decay > 0)
            or np.any(self.cost_mult != 1)
            or np.any(self.cvr_mult != 1)
            or np.any(self.aov_mult != 1)
            or np.any(self.creatives.response != 1)
            or self.base_growth is not None
        )

    def ad_sets_of(self, channel: int) -> IntArray:
        return np.nonzero(self.ad_set_channel == channel)[0]

    def channel_sum(self, per_ad_set: FloatArray) -> FloatArray:
        """Sum the last axis over each channel's ad sets: ``(..., A) -> (..., C)``.

        A segmented sum, not a product with a membership matrix: ``inf * 0`` there would
        turn one ad set's infinite marginal into every channel's nan.
        """
        order = np.argsort(self.ad_set_channel, kind="stable")
        starts = np.searchsorted(self.ad_set_channel[order], np.arange(self.n_channels))
        values = np.asarray(per_ad_set, dtype=float)[..., order]
        return np.asarray(np.add.reduceat(values, starts, axis=-1), dtype=float)

    def active_targets(self) -> dict[str, float]:
        return {k: v for k, v in self.targets.items() if k in TARGET_NAMES}
