"""Replanning in the studio: actuals uploaded, pace shown, the plan for the days left.

The page (``app_pages/replan.py``) only presents: the numbers come from
:func:`simulator.optimize.replan.replan` and :func:`~simulator.optimize.replan.cumulative`,
read through the same history-CSV checks as ``adsim replan``, so a bad upload shows the
same located errors the command prints.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from simulator.io.errors import Issue, ScenarioError, UsageError
from simulator.io.history import parse_rows
from simulator.model.actuals import place_actuals
from simulator.model.compiled import CompiledScenario
from simulator.optimize.replan import cumulative, original_plan, replan
from simulator.results import Result
from simulator.studio.daily import plan_days
from simulator.studio.figures import base_layout, color
from simulator.studio.i18n import t

PACE_COLUMNS = (
    "channel",
    "spend",
    "plan_spend",
    "conversions",
    "plan_conversions",
    "ratio",
    "noise",
    "pace",
)


@dataclass(frozen=True)
class Replanned:
    """One upload's answer (``result``, ``series``) or its located errors (``issues``).

    ``key`` names the scenario identity, the file's bytes and ``today`` it was made for.
    """

    key: str
    result: Result | None = None
    series: dict[str, tuple[list[float], list[float]]] | None = None
    issues: tuple[Issue, ...] = ()


def upload_key(identity: str, raw: bytes, today: str) -> str:
    return f"{identity}|{hashlib.sha256(raw).hexdigest()[:16]}|{today}"


def replan_upload(
    cs: CompiledScenario, raw: bytes, name: str, today: str, identity: str
) -> Replanned:
    """Read the upload as ``adsim replan --actuals`` does and replan; errors as issues."""
    key = upload_key(identity, raw, today)
    try:
        rows, has_new = parse_rows(raw, name)
        actuals = place_actuals(cs.channel_ids, cs.calendar, rows, has_new, name, today or None)
    except ScenarioError as exc:
        return Replanned(key, issues=tuple(exc.issues))
    except UsageError as exc:
        return Replanned(key, issues=(Issue(name, None, "", str(exc)),))
    plan = original_plan(cs)
    result = replan(cs, actuals, plan)
    series = {
        cid: ([float(v) for v in a], [float(v) for v in e])
        for cid, (a, e) in cumulative(cs, actuals, plan).items()
    }
    return Replanned(key, result=result, series=series)


def pace_state(row: dict[str, Any], lang: str) -> str:
    """``on pace``, ``ahead`` or ``behind``, in ``lang``."""
    if not row["off_pace"]:
        return t("pace_on", lang)
    return t("pace_ahead" if row["conversions"] > row["plan_conversions"] else "pace_behind", lang)


def pace_rows(result: Result, lang: str) -> list[dict[str, Any]]:
    """The pace table: one row per channel, the JSON's numbers unrounded."""
    return [
        {
            "channel": cid,
            **{k: row[k] for k in PACE_COLUMNS[1:-1]},
            "pace": pace_state(row, lang),
        }
        for cid, row in result.extra["pace"].items()
    ]


def pace_sentences(result: Result, lang: str) -> list[str]:
    """The off-pace channels' sentences in ``lang``."""
    key = "sentence_zh" if lang == "zh" else "sentence"
    return [row[key] for row in result.extra["pace"].values() if row[key]]


def pace_figure(
    cs: CompiledScenario, series: dict[str, tuple[list[float], list[float]]], lang: str
) -> dict[str, Any]:
    """Cumulative conversions per channel: actual (solid, to today) against the plan's
    expectation (dotted, the whole horizon). A plain-dict figure."""
    x = plan_days(cs)
    data: list[dict[str, Any]] = []
    for j, (cid, (actual, expected)) in enumerate(series.items()):
        name = cs.labels.get(cid, cid)
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": f"{name} · {t('pace_plan', lang)}",
                "x": x,
                "y": expected,
                "line": {"color": color(j), "dash": "dot", "width": 1.5},
                "hovertemplate": "%{y:,.0f}",
            }
        )
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": f"{name} · {t('pace_actual', lang)}",
                "x": x[: len(actual)],
                "y": actual,
                "line": {"color": color(j), "width": 2.5},
                "marker": {"size": 5},
                "hovertemplate": "%{y:,.0f}",
            }
        )
    layout = base_layout(420, top=60) | {"hovermode": "x unified"}
    layout["legend"] = {"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom"}
    layout["margin"] = {**layout["margin"], "b": 90}
    layout["yaxis"] = {"title": {"text": t("pace_axis", lang)}, "rangemode": "tozero"}
    return {"data": data, "layout": layout}
