"""Operations on the plan's view: referred customers, the base's growth and its size by day.

Promotion feeds operations: with ``customer_base.grows``, the paid new customers landed
on day t join the base retention channels reach from day t + 1. The numbers come from
the engine (``evaluate`` for the totals, ``expected.new_customers_by_day`` for the days),
so the chart's last day and the card's "member base grew by" are the same number.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from simulator.expected import new_customers_by_day
from simulator.model.compiled import CompiledScenario, Split
from simulator.model.curves import FloatArray
from simulator.model.split import as_split
from simulator.results import Result
from simulator.studio.figures import base_layout, color, figure
from simulator.studio.i18n import t


@dataclass(frozen=True)
class Operations:
    """One plan's operations figures: referred customers, members joined, and the base
    by day (members at the start of each day, ``(H,)``) where it grows."""

    referred: float
    joined: float | None
    base_by_day: FloatArray | None = None


def has_operations(cs: CompiledScenario) -> bool:
    """Whether the scenario has referrals or a growing base to show."""
    return bool(np.any(cs.referral_factor > 0)) or cs.base_growth is not None


def base_start(cs: CompiledScenario) -> float:
    """Members on day 1 of the largest audience that grows: the whole base where a
    retention channel reaches it all, else the recall group new customers join."""
    growth = cs.base_growth
    return float(growth.size.max()) if growth is not None else 0.0


def daily_plan(cs: CompiledScenario, split: Split) -> FloatArray:
    """A split's plan by day ``(A, H)``: its own, or each ad set's spend spread evenly."""
    if split.daily is not None:
        return np.asarray(split.daily, dtype=float)
    return np.repeat(split.spend[:, None] / cs.horizon_days, cs.horizon_days, axis=1)


def operations(
    cs: CompiledScenario, allocation: Mapping[str, float] | Split, result: Result
) -> Operations:
    """The figures of one plan; ``result`` is the engine's result of the same plan."""
    referred = float(result.totals.get("referred_customers") or 0.0)
    joined = result.totals.get("base_growth")
    if cs.base_growth is None or joined is None:
        return Operations(referred, None)
    split = allocation if isinstance(allocation, Split) else as_split(cs, dict(allocation))
    new = new_customers_by_day(cs, daily_plan(cs, split))[0]
    before = np.cumsum(new) - new  # a customer landed on day t is a member from day t + 1
    return Operations(referred, float(joined), base_start(cs) + before)


def base_figure(series: list[tuple[str, FloatArray]], lang: str) -> go.Figure:
    """The base by day, one line per plan; the page titles it (``ops_base_title``) above,
    where a plotly title would sit on the legend."""
    data = [
        {
            "type": "scatter",
            "mode": "lines",
            "name": name,
            "x": list(range(1, len(values) + 1)),
            "y": [float(v) for v in values],
            "line": {"color": color(i), "width": 2},
        }
        for i, (name, values) in enumerate(series)
    ]
    layout = base_layout(260, top=40)
    layout["xaxis"] = {"title": {"text": t("day", lang)}}
    layout["yaxis"] = {"title": {"text": t("ops_base_axis", lang)}, "tickformat": ",.0f"}
    return figure(data, layout)
