"""Actuals to date (CONTRACT.md 1d): the history CSV's rows placed on the horizon's days.

``adsim replan`` reads what was spent and won on days 1..today in the history CSV format
(section 3). The cells are checked by :func:`simulator.io.history.parse_rows`; this module
checks what replanning asks of them against the scenario: a known channel, a day of the
horizon no later than today, one row per channel and day. Days are dates: with a
``start_date`` they count from it; without one the earliest date in the file is day 1 (said
in ``warnings``). A channel without a row on a day spent nothing that day.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np

from simulator.io.errors import Issue, ScenarioError, UsageError
from simulator.io.history import MAX_ISSUES, HistoryRow
from simulator.model.calendar import Calendar, parse_date
from simulator.model.curves import FloatArray


@dataclass(frozen=True)
class Actuals:
    """What each channel spent and won on days 1..today: arrays of shape ``(C, today)``.

    ``new_customers`` is None when the file has no such column (nan for an empty cell).
    """

    today: int
    spend: FloatArray
    conversions: FloatArray
    revenue: FloatArray
    new_customers: FloatArray | None
    warnings: tuple[str, ...] = field(default=())


def _day_one(calendar: Calendar, rows: list[HistoryRow]) -> tuple[dt.date, list[str]]:
    if calendar.start_date is not None:
        return calendar.start_date, []
    first = min(r.day for r in rows)
    return first, [f"the scenario has no start_date: the actuals' first date {first} is day 1"]


def resolve_today(text: str | None, first: dt.date, horizon_days: int, last_day: int) -> int:
    """``--today`` as a day number ``1..H`` or an ISO date; the actuals' last day when None.

    Raises:
        UsageError: not a day of the horizon (exit 2, before any work).
    """
    if text is None:
        day = last_day
    elif text.strip().isdigit():
        day = int(text)
    else:
        try:
            day = (parse_date(text.strip()) - first).days + 1
        except ValueError as exc:
            raise UsageError(f"--today: {exc}; or give a day number 1..{horizon_days}") from None
    if not 1 <= day <= horizon_days:
        raise UsageError(
            f"--today: day {day} is outside the horizon; give 1..{horizon_days} "
            f"or a date from {first} to {first + dt.timedelta(days=horizon_days - 1)}"
        )
    return day


def place_actuals(
    channel_ids: tuple[str, ...],
    calendar: Calendar,
    rows: list[HistoryRow],
    has_new_customers: bool,
    file: str,
    today: str | None = None,
) -> Actuals:
    """The rows as ``(C, today)`` arrays; every bad row located in one ``ScenarioError``."""
    h = calendar.horizon_days
    first, notes = _day_one(calendar, rows)
    day_of = {id(r): (r.day - first).days + 1 for r in rows}
    last = max(day_of.values())
    t = resolve_today(today, first, h, min(max(last, 1), h))
    known = {cid: j for j, cid in enumerate(channel_ids)}
    issues: list[Issue] = []
    arrays = {k: np.zeros((len(channel_ids), t)) for k in ("spend", "conversions", "revenue")}
    arrays["new_customers"] = np.zeros((len(channel_ids), t))
    seen: dict[tuple[int, int], int] = {}
    for r in rows:
        day = day_of[id(r)]
        j = known.get(r.channel)
        if j is None:
            issues.append(
                Issue(
                    file,
                    r.line,
                    "channel",
                    f"unknown channel '{r.channel}'; use one of the scenario's: "
                    + ", ".join(channel_ids),
                )
            )
            continue
        if not 1 <= day <= t:
            issues.append(Issue(file, r.line, "date", _outside(r.day, day, t, first)))
            continue
        if (j, day) in seen:
            issues.append(
                Issue(
                    file,
                    r.line,
                    "date",
                    f"a second row for '{r.channel}' on {r.day} (first at line "
                    f"{seen[(j, day)]}); give one row per day and channel",
                )
            )
            continue
        seen[(j, day)] = r.line
        for k, arr in arrays.items():
            arr[j, day - 1] = r.values.get(k, math.nan)
    if len(issues) > MAX_ISSUES:  # a wholly wrong file stays readable
        more = len(issues) - MAX_ISSUES
        issues = [*issues[:MAX_ISSUES], Issue(file, None, "", f"... and {more} more problems")]
    if issues:
        raise ScenarioError(issues)
    missing = [cid for j, cid in enumerate(channel_ids) if not any(k[0] == j for k in seen)]
    if missing:
        notes.append(f"no actuals for {', '.join(missing)}: read as no spend to date")
    return Actuals(
        today=t,
        spend=arrays["spend"],
        conversions=arrays["conversions"],
        revenue=arrays["revenue"],
        new_customers=arrays["new_customers"] if has_new_customers else None,
        warnings=tuple(notes),
    )


def _outside(when: dt.date, day: int, today: int, first: dt.date) -> str:
    """Why a row's date is not one of days 1..today, and which dates are."""
    allowed = f"give dates from {first} (day 1) to {first + dt.timedelta(days=today - 1)}"
    if day < 1:
        return f"{when} is before day 1; {allowed}"
    return f"{when} is day {day}, after today (day {today}); {allowed}"
