"""``ScenarioSpec`` -> ``CompiledScenario``: ad sets, their curves, and the day grid."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import numpy as np

from simulator.model.calendar import Calendar, build_calendar, resolve_day
from simulator.model.compiled import (
    BaseGrowth,
    Baseline,
    CompiledScenario,
    Limits,
    Money,
    Period,
    SpendGroup,
    Split,
)
from simulator.model.creatives import build_mix
from simulator.model.curve_set import CurveSet
from simulator.model.family import CurveContext
from simulator.model.schema import (
    FAMILIES,
    ChannelSpec,
    RetentionSpec,
    ScenarioSpec,
    SegmentSpec,
    TargetingSpec,
)


def repeat_orders(r: RetentionSpec | None) -> float:
    """Expected repeat orders of one new customer over the LTV window (geometric decay)."""
    if r is None or r.repeat_rate == 0:
        return 0.0
    periods = r.window_days // r.period_days
    return float(r.repeat_rate * sum(r.decay**k for k in range(periods)))


def _targeting(ch: ChannelSpec, segments: dict[str, SegmentSpec]) -> list[tuple[str, float]]:
    """(segment id, share of the channel's reach) per ad set; shares default to sizes."""
    entries = [
        (t.id, t.share) if isinstance(t, TargetingSpec) else (t, None) for t in ch.segments or []
    ]
    if not entries:
        return []
    sizes = [segments[sid].size or 1.0 for sid, _ in entries]
    given = sum(share for _, share in entries if share is not None)
    free = sum(size for (_, share), size in zip(entries, sizes, strict=True) if share is None)
    rest = max(1.0 - given, 0.0)
    return [
        (sid, share if share is not None else rest * size / free)
        for (sid, share), size in zip(entries, sizes, strict=True)
    ]


class _AdSetBuilder:
    """Collects one row per ad set; the arrays are built once at the end."""

    def __init__(self, spec: ScenarioSpec) -> None:
        self.spec = spec
        self.segments = {s.id: s for s in spec.segments or []}
        self.rows: list[dict[str, object]] = []

    def add_channel(self, c: int, ch: ChannelSpec) -> None:
        targets = _targeting(ch, self.segments)
        if not targets:
            self._add(c, ch, None, 1.0)
        for sid, share in targets:
            self._add(c, ch, self.segments[sid], share)

    def _add(self, c: int, ch: ChannelSpec, seg: SegmentSpec | None, share: float) -> None:
        ctr_m = seg.ctr_multiplier if seg else 1.0
        cvr_m = seg.cvr_multiplier if seg else 1.0
        retention = ch.role == "retention"
        base = self._reach(ch) if retention else None
        ctx = CurveContext(
            share=share,
            ctr_multiplier=ctr_m,
            cvr_multiplier=cvr_m,
            segment_size=seg.size if seg is not None else None,
            customer_base=base,
            horizon_days=self.spec.horizon_days,
        )
        curve = FAMILIES[ch.response.type].from_spec(ch.response, ctx)
        grows = base is not None and self._grows(ch) and ch.response.reaches_base(ctx)
        ips, ctr, cvr = ch.response.rates(ctx)
        aov = ch.aov * (seg.aov_multiplier if seg else 1.0)
        ncr = (
            0.0
            if retention
            else (
                seg.new_customer_rate
                if seg and seg.new_customer_rate is not None
                else ch.new_customer_rate
            )
        )
        retention_spec = seg.retention if seg and seg.retention else self.spec.ltv
        r_aov = retention_spec.aov_multiplier if retention_spec else 1.0
        self.rows.append(
            {
                "id": f"{ch.id}/{seg.id}" if seg else ch.id,
                "channel": c,
                "segment": seg.id if seg else None,
                "curve": curve,
                "aov": aov,
                "margin": ch.margin,
                "ncr": ncr,
                "orders": repeat_orders(retention_spec),
                "repeat": repeat_orders(retention_spec) * aov * r_aov,
                "repeat_value": aov * r_aov if repeat_orders(retention_spec) > 0 else 0.0,
                "referral": seg.referral_k if seg else 0.0,
                "base_size": base if grows else 0.0,
                "retention": retention,
                "ips": ips,
                "ctr": ctr,
                "cvr": cvr,
                "share": share,
                "unit": ch.unit_cost or ch.response.whole_unit(),
                "decay": ch.adstock.decay if ch.adstock else 0.0,
                "fee": 1.0 + (ch.fees.service_fee - ch.fees.rebate if ch.fees else 0.0),
                "commission": ch.commission,
                "stage_cost": sum(n * cost for _, n, cost in ch.response.stage_shares()),
            }
        )

    def _reach(self, ch: ChannelSpec) -> float | None:
        """Members a retention channel reaches: its recall group, else the whole base."""
        base = self.spec.base
        if base is None:
            return None
        if ch.recall_group is None:
            return base.total
        return next(g.size for g in base.groups or [] if g.id == ch.recall_group)

    def _grows(self, ch: ChannelSpec) -> bool:
        """New customers join the whole base and the group they join (default: the first)."""
        base = self.spec.base
        if base is None or not base.grows:
            return False
        if ch.recall_group is None:
            return True
        joins = base.joins or (base.groups[0].id if base.groups else None)
        return ch.recall_group == joins

    def column(self, key: str) -> np.ndarray:
        return np.array([row[key] for row in self.rows], dtype=float)


def _day_grid(cal: Calendar, b: _AdSetBuilder) -> tuple[np.ndarray, ...]:
    """Cost, conversion and order-value multipliers per (ad set, day), from the events."""
    n = len(b.rows)
    cost, cvr, aov = (np.ones((n, cal.horizon_days)) for _ in range(3))
    channel_of = [b.spec.channels[int(row["channel"])].id for row in b.rows]  # type: ignore[call-overload]  # rows hold object values
    for ev in cal.events:
        rows = [i for i, cid in enumerate(channel_of) if ev.covers(cid)]
        days = slice(ev.first_day - 1, ev.last_day)
        cost[rows, days] *= ev.cost_multiplier
        cvr[rows, days] *= ev.cvr_multiplier
        repeat = [i for i in rows if b.rows[i]["retention"]]  # repeat orders: retention's
        cvr[repeat, days] *= ev.repeat_multiplier
        aov[rows, days] *= ev.aov_multiplier
    return cost, cvr, aov


def _money(spec: ScenarioSpec, b: _AdSetBuilder) -> Money:
    """Fees, commission, stage costs, halo and the baseline as arrays over ad sets."""
    channel = np.array([r["channel"] for r in b.rows], dtype=np.intp)
    share = b.column("share")
    index = {ch.id: c for c, ch in enumerate(spec.channels)}
    pairs: list[tuple[int, int, float]] = []
    for c, ch in enumerate(spec.channels):
        for h in ch.halo or []:
            to = np.nonzero(channel == index[h.to])[0]  # its ad sets, in their default shares
            pairs += [
                (int(i), int(j), h.conversions_per_conversion * float(share[j]))
                for i in np.nonzero(channel == c)[0]
                for j in to
            ]
    base = spec.baseline
    return Money(
        fee_factor=b.column("fee"),
        commission=b.column("commission"),
        stage_cost=b.column("stage_cost"),
        halo_from=np.array([p[0] for p in pairs], dtype=np.intp),
        halo_to=np.array([p[1] for p in pairs], dtype=np.intp),
        halo_rate=np.array([p[2] for p in pairs], dtype=float),
        stages=tuple(
            tuple((name, n) for name, n, _ in ch.response.stage_shares()) for ch in spec.channels
        ),
        baseline=None
        if base is None
        else Baseline(base.conversions, base.aov, base.new_customer_rate),
    )


def _growth(b: _AdSetBuilder) -> BaseGrowth | None:
    """The retention ad sets that reach a growing base, with its size on day 1."""
    size = b.column("base_size")
    grows = np.nonzero(size > 0)[0]
    return BaseGrowth(grows, size[grows]) if grows.size else None


def spec_digest(spec: ScenarioSpec) -> str:
    """sha256 of the spec's canonical JSON (sorted keys, defaults filled in): two files
    that validate to the same scenario share it, whatever their layout or comments."""
    data = _without_unset_limits(spec.model_dump(mode="json"))
    if data["targets"].get("confidence") is None:  # unset: the digest it had before the key
        data["targets"].pop("confidence", None)
    text = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


_CHANNEL_LIMITS = {
    "cac_max": None,
    "roi_min": None,
    "min_active_spend": 0.0,
    "recall_group": None,
}


def _without_unset_limits(data: dict[str, Any]) -> dict[str, Any]:
    """The dump without the 1c limit keys left at their defaults, so a scenario that does
    not use them keeps the digest (cache keys, study names) it had before they existed."""
    if data.get("groups") is None:
        data.pop("groups", None)
    if data["budget"].get("periods") is None:
        data["budget"].pop("periods", None)
    if data["targets"].get("cac_basis") is None:
        data["targets"].pop("cac_basis", None)
    for ch in data["channels"]:
        for key, default in _CHANNEL_LIMITS.items():
            if key in ch and ch[key] == default:
                del ch[key]
    for event in data.get("events") or []:
        if event.get("repeat_multiplier") == 1.0:
            del event["repeat_multiplier"]
    base = data.get("customer_base")
    if isinstance(base, dict) and not (
        base.get("grows") or base.get("groups") or base.get("joins")
    ):
        data["customer_base"] = base.get("size")  # the short form, as it was dumped before
    return data


def compile_scenario(spec: ScenarioSpec) -> CompiledScenario:
    """Compile a validated spec (see ``validate.py``) into arrays."""
    b = _AdSetBuilder(spec)
    for c, ch in enumerate(spec.channels):
        b.add_channel(c, ch)
    calendar = build_calendar(spec)
    cost, cvr_m, aov_m = _day_grid(calendar, b)
    aov = b.column("aov")
    total = spec.budget.total
    maxes = [total if ch.max_spend is None else min(ch.max_spend, total) for ch in spec.channels]
    return CompiledScenario(
        name=spec.name,
        digest=spec_digest(spec),
        currency=spec.currency,
        horizon_days=spec.horizon_days,
        budget=total,
        max_change=spec.budget.max_change,
        objective=spec.objective,
        targets=spec.targets.model_dump(exclude_none=True, exclude={"cac_basis", "confidence"}),
        confidence=spec.targets.confidence,
        channel_ids=tuple(ch.id for ch in spec.channels),
        ad_set_ids=tuple(str(r["id"]) for r in b.rows),
        ad_set_channel=np.array([r["channel"] for r in b.rows], dtype=np.intp),
        ad_set_segment=tuple(r["segment"] for r in b.rows),  # type: ignore[misc]  # rows hold object values
        curves=CurveSet.of([r["curve"] for r in b.rows]),  # type: ignore[misc]  # rows hold object values
        aov=aov,
        margin=b.column("margin"),
        new_customer_rate=b.column("ncr"),
        repeat_orders=b.column("orders"),
        repeat_revenue=b.column("repeat"),
        repeat_order_value=b.column("repeat_value"),
        referral_k=b.column("referral"),
        referral_factor=b.column("referral") / (1.0 - b.column("referral")),
        is_retention=b.column("retention").astype(bool),
        impressions_per_spend=b.column("ips"),
        ctr=b.column("ctr"),
        cvr=b.column("cvr"),
        default_share=b.column("share"),
        unit_cost=b.column("unit"),
        channel_min=np.array([ch.min_spend for ch in spec.channels], dtype=float),
        channel_max=np.array(maxes, dtype=float),
        channel_locked=np.array([ch.locked for ch in spec.channels], dtype=bool),
        daily_cap=np.array([ch.daily_cap or np.inf for ch in spec.channels], dtype=float),
        cost_mult=cost,
        cvr_mult=cvr_m,
        aov_mult=aov_m,
        value_per_conversion=aov[:, None] * aov_m,
        calendar=calendar,
        decay=b.column("decay"),
        creatives=build_mix(
            spec.channels,
            np.array([r["channel"] for r in b.rows], dtype=np.intp),
            spec.horizon_days,
        ),
        money=_money(spec, b),
        labels={ch.id: ch.label for ch in spec.channels if ch.label},
        limits=compile_limits(spec),
        base_growth=_growth(b),
    )


def compile_limits(spec: ScenarioSpec) -> Limits:
    """The limits of CONTRACT 1c as arrays over channels (checked by ``checks.py``)."""
    index = {ch.id: c for c, ch in enumerate(spec.channels)}
    total = spec.budget.total
    groups = tuple(
        SpendGroup(
            g.id,
            np.array([index[cid] for cid in g.channels], dtype=np.intp),
            g.min,
            total if g.max is None else min(g.max, total),
            g.label or "",
        )
        for g in spec.groups or []
    )
    periods = tuple(
        Period(
            resolve_day(p.start, spec.start_date, spec.horizon_days),
            resolve_day(p.end, spec.start_date, spec.horizon_days),
            p.max,
        )
        for p in spec.budget.periods or []
    )
    return Limits(
        cac_max=np.array([ch.cac_max or np.inf for ch in spec.channels], dtype=float),
        roi_min=np.array([ch.roi_min or 0.0 for ch in spec.channels], dtype=float),
        min_active=np.array([ch.min_active_spend for ch in spec.channels], dtype=float),
        groups=groups,
        periods=periods,
        cac_basis=getattr(spec.targets, "cac_basis", None) or "all",  # built at run time
    )


def with_current(compiled: CompiledScenario, split: Split | None) -> CompiledScenario:
    """The same scenario carrying ``split`` as the plan in place now."""
    from dataclasses import replace

    return replace(compiled, current=split)
