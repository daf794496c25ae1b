"""Pace: each channel's actual results to date against what the plan expected by then.

The rule (README "Replanning mid-flight"): conversions are counts, so with ``e``
expected their chance spread is about ``sqrt(e)`` (Poisson). A channel is *off pace* when
``|actual - e| > 2 * sqrt(e)`` (about a 5% false alarm on a channel that is on plan), and
then it gets a sentence in English and Chinese. With nothing expected, any conversion is
off pace; nothing won where nothing was expected is on pace.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

NOISE_SIGMAS = 2.0


@dataclass(frozen=True)
class ChannelPace:
    """One channel's numbers to date: actual and the plan's expectation by ``today``."""

    channel: str
    today: int
    spend: float
    plan_spend: float
    conversions: float
    plan_conversions: float
    revenue: float
    plan_revenue: float

    @property
    def noise(self) -> float:
        """How far from the plan chance alone plausibly moves the count: ``2 sqrt(e)``."""
        return NOISE_SIGMAS * math.sqrt(max(self.plan_conversions, 0.0))

    @property
    def ratio(self) -> float | None:
        e = self.plan_conversions
        return self.conversions / e if e > 0 else None

    @property
    def off_pace(self) -> bool:
        return abs(self.conversions - self.plan_conversions) > self.noise

    def to_json(self) -> dict[str, Any]:
        ratio = self.ratio
        rev = self.revenue / self.plan_revenue if self.plan_revenue > 0 else None
        return {
            "spend": self.spend,
            "plan_spend": self.plan_spend,
            "conversions": self.conversions,
            "plan_conversions": self.plan_conversions,
            "ratio": ratio,
            "revenue": self.revenue,
            "plan_revenue": self.plan_revenue,
            "revenue_ratio": rev,
            "noise": self.noise,
            "off_pace": self.off_pace,
            "sentence": sentence(self, "en"),
            "sentence_zh": sentence(self, "zh"),
        }


def sentence(p: ChannelPace, lang: str = "en") -> str | None:
    """Why a channel is off pace, for a marketer; None when noise explains the gap."""
    if not p.off_pace:
        return None
    ahead = p.conversions > p.plan_conversions
    if lang == "zh":
        state = "超前" if ahead else "落后"
        share_zh = "" if p.ratio is None else f"（{p.ratio:.0%}）"
        return (
            f"{p.channel} 进度{state}：截至第 {p.today} 天转化 {p.conversions:,.0f}，"
            f"计划预期 {p.plan_conversions:,.0f}{share_zh}，"
            f"差距超出随机波动（约 ±{p.noise:,.0f}）；"
            f"已花费 {p.spend:,.0f}，计划同期花费 {p.plan_spend:,.0f}。"
        )
    share = "" if p.ratio is None else f" ({p.ratio:.0%})"
    state = "ahead of" if ahead else "behind"
    return (
        f"{p.channel} is {state} pace: {p.conversions:,.0f} conversions by day {p.today} "
        f"against {p.plan_conversions:,.0f} expected by the plan{share}, more than chance "
        f"explains (about ±{p.noise:,.0f}); it spent {p.spend:,.0f} where the plan had "
        f"{p.plan_spend:,.0f}."
    )
