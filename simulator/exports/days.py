"""A plan by day and by week, as plain rows: what the daily CSV, its weekly roll-up and the
workbook's Daily and Weekly sheets share.

Every number is the expected-value engine's (``evaluate_plan(series=True)``): conversions
and revenue *landed* on each day, adstock included, so a day's revenue is what a media team
sees arrive that day. A plan without a daily plan is spent evenly, as the engine assumes.
Weeks are days 1-7, 8-14, ... of the horizon (the last one may be shorter), not calendar
weeks: a horizon need not start on a Monday.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from simulator.expected import evaluate_plan
from simulator.model.compiled import CompiledScenario
from simulator.model.curves import FloatArray
from simulator.results import Result

DAY_COLUMNS = ("day", "date", "channel", "ad_set", "spend", "conversions", "revenue")
WEEK_COLUMNS = (
    "week",
    "first_day",
    "last_day",
    "channel",
    "ad_set",
    "spend",
    "conversions",
    "revenue",
)
DAYS_PER_WEEK = 7


def plan_days(cs: CompiledScenario, result: Result) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Spend, landed conversions and landed revenue per (ad set, day): each ``(A, H)``."""
    h = cs.horizon_days
    split = result.split
    if split is not None and split.daily is not None:
        daily = np.asarray(split.daily, dtype=float)
    else:
        spend = np.asarray(
            split.spend if split is not None else _ad_set_spend(cs, result), dtype=float
        )
        daily = np.repeat(spend[:, None] / h, h, axis=1)
    o = evaluate_plan(cs, daily, series=True)
    conv, rev = o.daily_conversions, o.daily_revenue
    if conv is None or rev is None:  # series=True always keeps them
        raise AssertionError("evaluate_plan(series=True) returned no daily series")
    return daily, conv[0], rev[0]


def _ad_set_spend(cs: CompiledScenario, result: Result) -> FloatArray:
    """Per ad set spend of a result without its split (its ad sets, else its channels)."""
    if result.ad_sets:
        return np.array([result.ad_sets[a]["spend"] for a in cs.ad_set_ids], dtype=float)
    return np.array([result.allocation[cs.channel_ids[c]] for c in cs.ad_set_channel], dtype=float)


def day_rows(cs: CompiledScenario, result: Result) -> list[dict[str, Any]]:
    """Long format: one row per day and ad set (``DAY_COLUMNS``); ``date`` None undated."""
    spend, conv, rev = plan_days(cs, result)
    dates = cs.calendar.dates
    rows = []
    for d in range(cs.horizon_days):
        for a, aid in enumerate(cs.ad_set_ids):
            rows.append(
                {
                    "day": d + 1,
                    "date": dates[d].isoformat() if dates else None,
                    "channel": cs.channel_ids[cs.ad_set_channel[a]],
                    "ad_set": aid,
                    "spend": float(spend[a, d]),
                    "conversions": float(conv[a, d]),
                    "revenue": float(rev[a, d]),
                }
            )
    return rows


def week_rows(cs: CompiledScenario, result: Result) -> list[dict[str, Any]]:
    """The roll-up of ``day_rows``: one row per week and ad set (``WEEK_COLUMNS``)."""
    spend, conv, rev = plan_days(cs, result)
    rows = []
    for w, first in enumerate(range(0, cs.horizon_days, DAYS_PER_WEEK), start=1):
        last = min(first + DAYS_PER_WEEK, cs.horizon_days)
        for a, aid in enumerate(cs.ad_set_ids):
            rows.append(
                {
                    "week": w,
                    "first_day": first + 1,
                    "last_day": last,
                    "channel": cs.channel_ids[cs.ad_set_channel[a]],
                    "ad_set": aid,
                    "spend": float(spend[a, first:last].sum()),
                    "conversions": float(conv[a, first:last].sum()),
                    "revenue": float(rev[a, first:last].sum()),
                }
            )
    return rows


def channel_days(cs: CompiledScenario, result: Result) -> FloatArray:
    """Spend per channel and day ``(C, H)`` (the workbook's Daily sheet)."""
    spend, _, _ = plan_days(cs, result)
    return cs.channel_sum(spend.T).T
