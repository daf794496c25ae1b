"""Days of the horizon: event dates and day numbers resolved to 1..horizon_days."""

from __future__ import annotations

import datetime as dt


def parse_date(text: str) -> dt.date:
    """An ISO date (``2026-11-01``), or ValueError with what is allowed."""
    try:
        return dt.date.fromisoformat(str(text))
    except ValueError:
        raise ValueError(f"not a date; use YYYY-MM-DD (got {text!r})") from None


def resolve_day(value: int | str, start_date: str | None, horizon_days: int) -> int:
    """Day number 1..horizon_days of an event bound given as a day number or a date."""
    if isinstance(value, int) and not isinstance(value, bool):
        day = value
    else:
        text = str(value)
        if text.isdigit():
            day = int(text)
        else:
            when = parse_date(text)
            if start_date is None:
                raise ValueError(f"a date ({text}) needs start_date; or give a day number")
            day = (when - parse_date(start_date)).days + 1
    if not 1 <= day <= horizon_days:
        raise ValueError(f"day {day} is outside the horizon 1..{horizon_days} (got {value})")
    return day
