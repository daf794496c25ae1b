"""The daily plan in the studio: the optimiser's spend by day, the events it paces around.

``optimize(cs, plan="daily")`` returns each channel's spend per day; the simulation's
pacing follows it. The studio draws it as stacked areas with each event shaded, compares
it with the even pacing of the same channel totals (both from ``evaluate``) and offers it
as a CSV. Nothing here computes an outcome: the numbers are the engine's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from simulator.api import evaluate
from simulator.io.csv_cells import csv_table
from simulator.model.calendar import EventSpan
from simulator.model.compiled import CompiledScenario, Split
from simulator.results import Result
from simulator.studio.figures import FONT, base_layout, color
from simulator.studio.i18n import t

BAND = ("rgba(110,110,110,0.13)", "rgba(110,110,110,0.22)")  # alternate so neighbours part


def event_spans(cs: CompiledScenario) -> list[EventSpan]:
    """The scenario's events as compiled day spans (dates already resolved), in order."""
    return list(cs.calendar.events)


def plan_days(cs: CompiledScenario) -> list[Any]:
    """The x values of the plan: ISO dates when the scenario has a start date, else 1..H."""
    if not cs.calendar.dated:
        return list(range(1, cs.horizon_days + 1))
    return list(cs.calendar.labels)


def _daily(result: Result) -> dict[str, list[float]]:
    if result.daily is None:
        raise ValueError("this result has no daily plan; use optimize(cs, plan='daily')")
    return result.daily


def _band_edges(cs: CompiledScenario, span: EventSpan) -> tuple[Any, Any]:
    """A band from half a day before the first day to half a day after the last."""
    if cs.calendar.start_date is None:
        return span.first_day - 0.5, span.last_day + 0.5
    start = dt.datetime.combine(cs.calendar.start_date, dt.time())
    half = dt.timedelta(hours=12)
    lo = start + dt.timedelta(days=span.first_day - 1) - half
    hi = start + dt.timedelta(days=span.last_day - 1) + half
    return lo.isoformat(sep=" "), hi.isoformat(sep=" ")


def _multipliers(span: EventSpan, lang: str, aov: bool = True) -> str:
    """``cost ×1.8 · CVR ×2.5`` (and AOV when it moves and ``aov``)."""
    parts = [f"{t('event_cost', lang)} ×{span.cost_multiplier:g}"]
    parts.append(f"{t('event_cvr', lang)} ×{span.cvr_multiplier:g}")
    if aov and span.aov_multiplier != 1.0:
        parts.append(f"{t('event_aov', lang)} ×{span.aov_multiplier:g}")
    return " · ".join(parts)


def describe_event(cs: CompiledScenario, span: EventSpan, lang: str) -> str:
    """``double_11 (days 10–11): cost ×1.8 · CVR ×2.5 · AOV ×0.85`` for the hover."""
    key = "event_day" if span.first_day == span.last_day else "event_days"
    days = t(key, lang, first=span.first_day, last=span.last_day)
    text = f"{span.name} ({days}): {_multipliers(span, lang)}"
    if span.channels is not None:
        names = ", ".join(cs.labels.get(c, c) for c in span.channels)
        text += f"<br>{t('event_only', lang, channels=names)}"
    return text


def _event_shapes(
    cs: CompiledScenario, spans: Sequence[EventSpan], lang: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """One translucent band per event and its name above the plot, details on hover."""
    shapes, notes = [], []
    for i, span in enumerate(spans):
        x0, x1 = _band_edges(cs, span)
        shapes.append(
            {
                "type": "rect",
                "xref": "x",
                "yref": "paper",
                "x0": x0,
                "x1": x1,
                "y0": 0,
                "y1": 1,
                "fillcolor": BAND[i % 2],
                "line": {"width": 0},
                "layer": "above",
            }
        )
        notes.append(
            {
                "x": x0,
                "xref": "x",
                "xanchor": "left",
                "y": 1.0 if i % 2 == 0 else 1.07,
                "yref": "paper",
                "yanchor": "bottom",
                "text": f"<b>{span.name}</b> {_multipliers(span, lang, aov=False)}",
                "hovertext": describe_event(cs, span, lang),
                "showarrow": False,
                "font": {"size": 11, "family": FONT, "color": "#555"},
            }
        )
    return shapes, notes


def _event_rows(cs: CompiledScenario, spans: Sequence[EventSpan], lang: str) -> list[str]:
    """Each day's events, for the unified hover (empty on an ordinary day)."""
    rows = [[] for _ in range(cs.horizon_days)]  # type: list[list[str]]
    for span in spans:
        for day in range(span.first_day, span.last_day + 1):
            rows[day - 1].append(describe_event(cs, span, lang))
    return ["<br>".join(r) for r in rows]


def _x_axis(cs: CompiledScenario, lang: str) -> dict[str, Any]:
    """Dates in the language's short form (ISO in the hover); plain day numbers otherwise."""
    if not cs.calendar.dated:
        axis: dict[str, Any] = {"title": {"text": t("day", lang)}}
        return axis | ({"dtick": 1} if cs.horizon_days <= 31 else {})
    return {"tickformat": t("date_tick", lang), "hoverformat": "%Y-%m-%d"}


def daily_plan_figure(cs: CompiledScenario, result: Result, lang: str) -> dict[str, Any]:
    """Stacked areas of each channel's daily spend, events shaded (a plain-dict figure).

    The stacked traces carry ``result.daily`` unchanged; one more, invisible trace puts
    each day's events into the unified hover.
    """
    daily, x = _daily(result), plan_days(cs)
    money = f"%{{y:,.0f}} {cs.currency}"
    data: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "lines",
            "stackgroup": "spend",
            "name": cs.labels.get(cid, cid),
            "x": x,
            "y": list(series),
            "line": {"width": 0.8, "color": color(j), "shape": "hvh"},  # a day is a step
            "hovertemplate": money,
        }
        for j, (cid, series) in enumerate(daily.items())
    ]
    spans = event_spans(cs)
    if spans:
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": x,
                "y": [0.0] * len(x),
                "customdata": _event_rows(cs, spans, lang),
                "marker": {"opacity": 0, "size": 1},
                "name": t("events", lang),
                "showlegend": False,
                "hovertemplate": "%{customdata}<extra></extra>",
            }
        )
    shapes, notes = _event_shapes(cs, spans, lang)
    layout = base_layout(440, top=60) | {"hovermode": "x unified"}
    layout["shapes"], layout["annotations"] = shapes, notes
    # below the plot: above it, the legend would run into the modebar and event names
    layout["legend"] = {"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom"}
    layout["margin"] = {**layout["margin"], "b": 80}
    layout["xaxis"] = _x_axis(cs, lang)
    layout["yaxis"] = {
        "title": {"text": t("daily_spend_axis", lang, currency=cs.currency)},
        "rangemode": "tozero",
    }
    return {"data": data, "layout": layout}


def daily_plan_csv(cs: CompiledScenario, result: Result) -> str:
    """``day[,date],<channel or ad set>...``: one row per day, spends exactly as the optimiser
    gave; per ad set (``channel/segment``) where there are segments, so that
    ``adsim evaluate FILE --split plan.csv`` reads it back to the same numbers."""
    daily = _daily(result)
    if cs.has_segments and result.split is not None and result.split.daily is not None:
        per_ad_set = zip(cs.ad_set_ids, result.split.daily, strict=True)
        daily = {aid: [float(x) for x in row] for aid, row in per_ad_set}
    dated = cs.calendar.dated
    dates = plan_days(cs)
    rows = (
        [d + 1, *([dates[d]] if dated else []), *(float(daily[k][d]) for k in daily)]
        for d in range(cs.horizon_days)
    )
    return csv_table(["day", *(["date"] if dated else []), *daily], rows)


def even_vs_daily(cs: CompiledScenario, result: Result) -> tuple[Result, Result]:
    """``evaluate`` of the daily plan and of the same ad-set totals spent evenly by day.

    Both come from the engine, so the page shows what pacing by day earns over
    spreading the same money evenly (adstock and events make the difference).
    """
    split = result.split
    if split is None or split.daily is None:
        raise ValueError("this result has no daily plan; use optimize(cs, plan='daily')")
    return evaluate(cs, split), evaluate(cs, Split(split.spend.copy()))
