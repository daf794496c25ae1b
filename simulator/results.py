"""One split's expected outcome as the API and JSON present it (CONTRACT.md section 2).

Numbers come from ``expected.py``; this module only picks candidate 0 and names things.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from simulator.expected import evaluate_split, per_ad_set, per_channel, totals
from simulator.model.compiled import CompiledScenario, Split

CHANNEL_KEYS = (
    "spend",
    "cost",
    "revenue",
    "conversions",
    "new_customers",
    "roi",
    "cac",
    "marginal_roi",
)
TOTAL_KEYS = ("spend", "cost", "revenue", "conversions", "new_customers", "profit", "roi", "cac")


@dataclass
class Result:
    """What ``evaluate`` and ``optimize`` return: allocation, totals, per channel and ad set."""

    scenario: str
    status: str
    allocation: dict[str, float]
    totals: dict[str, float]
    channels: dict[str, dict[str, Any]]
    ad_sets: dict[str, dict[str, Any]] = field(default_factory=dict)
    message: str = ""
    daily: dict[str, list[float]] | None = None
    warnings: list[str] = field(default_factory=list)
    explanations: list[str] = field(default_factory=list)
    upper_bound: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    split: Split | None = None
    certificate: Any = None  # optimize's Certificate (``to_json``, ``summary``), else None

    def to_json(self) -> dict[str, Any]:
        """The JSON document of CONTRACT.md: contract keys first, ratios ``null`` when undefined."""
        doc: dict[str, Any] = {
            "scenario": self.scenario,
            "status": self.status,
            "message": self.message,
            "allocation": self.allocation,
            "totals": self.totals,
            "channels": self.channels,
        }
        if self.ad_sets:
            doc["ad_sets"] = self.ad_sets
        if self.daily is not None:
            doc["daily"] = self.daily
        if self.upper_bound is not None:
            doc["upper_bound"] = self.upper_bound
        if self.explanations:
            doc["explanations"] = self.explanations
        if self.certificate is not None:
            doc["certificate"] = self.certificate.to_json()
        doc.update(self.extra)
        doc["warnings"] = self.warnings
        safe: dict[str, Any] = json_safe(doc)
        return safe


def json_safe(value: Any) -> Any:
    """Plain JSON values: numpy scalars to floats, non-finite numbers to None."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _row(metrics: dict[str, np.ndarray], j: int, keys: tuple[str, ...]) -> dict[str, float]:
    return {k: float(metrics[k][0, j]) for k in keys}


def outcome_result(
    cs: CompiledScenario, split: Split, status: str = "evaluated", message: str = ""
) -> Result:
    """Evaluate one split (daily plan if it has one) and name every number."""
    o = evaluate_split(cs, split)
    tot = {k: float(v[0]) for k, v in totals(cs, o).items()}
    ordered = {k: tot[k] for k in TOTAL_KEYS} | {
        k: v for k, v in tot.items() if k not in TOTAL_KEYS
    }
    ch = per_channel(cs, o)
    channels = {cid: _row(ch, j, CHANNEL_KEYS) for j, cid in enumerate(cs.channel_ids)}
    # one segmented sum, not a scan of every ad set per channel (quadratic at 10^4 channels)
    priced = cs.channel_sum((~np.isnan(o.impressions[0])).astype(float)) > 0
    for j in np.nonzero(priced)[0]:
        cid = cs.channel_ids[j]
        channels[cid]["impressions"] = float(ch["impressions"][0, j])
        channels[cid]["clicks"] = float(ch["clicks"][0, j])
    _money_rows(cs, ch, channels)
    ad_sets: dict[str, dict[str, Any]] = {}
    if cs.has_segments:
        ad = per_ad_set(cs, o)
        ad_sets = {aid: _row(ad, i, CHANNEL_KEYS) for i, aid in enumerate(cs.ad_set_ids)}
        if split.daily is not None:  # per ad set, so the JSON fed back as a split is exact
            for aid, row in zip(cs.ad_set_ids, split.daily, strict=True):
                ad_sets[aid]["daily"] = [float(x) for x in row]
    daily = None
    if split.daily is not None:
        per_channel_daily = cs.channel_sum(split.daily.T).T
        daily = {
            cid: [float(x) for x in per_channel_daily[j]] for j, cid in enumerate(cs.channel_ids)
        }
    return Result(
        scenario=cs.name,
        status=status,
        message=message,
        allocation={cid: channels[cid]["spend"] for cid in cs.channel_ids},
        totals=ordered,
        channels=channels,
        ad_sets=ad_sets,
        daily=daily,
        warnings=list(split.warnings) + cap_warnings(cs, split),
        split=split,
    )


def _money_rows(
    cs: CompiledScenario, ch: dict[str, np.ndarray], channels: dict[str, dict[str, Any]]
) -> None:
    """``halo_conversions`` (where a scenario has halo) and each funnel stage's count.

    A stage's count is a fixed multiple of the channel's own conversions (those it made,
    not the halo it received), so it is reported from them.
    """
    money = cs.money
    for j, cid in enumerate(cs.channel_ids):
        halo = float(ch["halo_conversions"][0, j])
        if money.has_halo:
            channels[cid]["halo_conversions"] = halo
        if money.stages[j]:
            own = float(ch["conversions"][0, j]) - halo
            channels[cid]["stages"] = {name: own * n for name, n in money.stages[j]}


def cap_warnings(cs: CompiledScenario, split: Split) -> list[str]:
    """Channels whose daily spend in ``split`` exceeds their ``daily_cap``.

    The simulation never spends more than the cap on a day, so such a split is not what
    gets spent: spread evenly a channel's total over ``horizon_days`` days is its daily
    spend; with a daily plan, each day's sum over the channel's ad sets is.
    """
    h, out = cs.horizon_days, []
    if split.daily is not None:
        per_day = cs.channel_sum(np.asarray(split.daily, dtype=float).T).T  # (C, H)
    else:
        per_day = np.repeat(cs.channel_sum(split.spend)[:, None] / h, h, axis=1)
    tol = 1e-9 * np.maximum(cs.daily_cap, 1.0)
    for j, cid in enumerate(cs.channel_ids):
        cap = float(cs.daily_cap[j])
        over = np.nonzero(per_day[j] > cap + tol[j])[0]
        if not over.size:
            continue
        if split.daily is None:
            out.append(
                f"{cid}: {per_day[j, 0] * h:,.0f} spent evenly is {per_day[j, 0]:,.0f} a day, "
                f"above its daily_cap of {cap:,.0f}; at most {cap * h:,.0f} can be spent "
                f"over {h} days"
            )
        else:
            days = ", ".join(str(int(t) + 1) for t in over[:5]) + (", ..." if over.size > 5 else "")
            out.append(
                f"{cid}: the daily plan spends more than its daily_cap of {cap:,.0f} "
                f"on day(s) {days} (highest {float(per_day[j].max()):,.0f})"
            )
    return out
