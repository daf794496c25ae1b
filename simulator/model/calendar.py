"""Days of the horizon: event dates and day numbers resolved to 1..horizon_days.

``resolve_day`` is used twice: by validation (to locate a bad day) and by compile, which
resolves every event once into an :class:`EventSpan` and the horizon into a
:class:`Calendar`; past compile nothing reads the spec's dates again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from simulator.model.schema import ScenarioSpec


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


@dataclass(frozen=True)
class EventSpan:
    """An event's days (1..H, both ends included) and how it moves prices and conversion.

    ``channels`` is None when the event covers every channel.
    """

    name: str
    first_day: int
    last_day: int
    cost_multiplier: float
    cvr_multiplier: float
    aov_multiplier: float = 1.0
    channels: tuple[str, ...] | None = None
    repeat_multiplier: float = 1.0  # retention channels' repeat orders on these days

    def covers(self, channel_id: str) -> bool:
        return self.channels is None or channel_id in self.channels


@dataclass(frozen=True)
class Calendar:
    """The horizon's days: their dates (when the scenario has a ``start_date``) and events.

    ``dates[i]`` is the date of day ``i + 1``; ``labels[i]`` how a table or chart names
    it (the ISO date, or the day number when there is no start date).
    """

    horizon_days: int
    start_date: dt.date | None
    events: tuple[EventSpan, ...] = ()

    @property
    def dated(self) -> bool:
        return self.start_date is not None

    @property
    def dates(self) -> tuple[dt.date, ...] | None:
        if self.start_date is None:
            return None
        return tuple(self.start_date + dt.timedelta(days=d) for d in range(self.horizon_days))

    @property
    def labels(self) -> tuple[str, ...]:
        dates = self.dates
        if dates is None:
            return tuple(str(d) for d in range(1, self.horizon_days + 1))
        return tuple(d.isoformat() for d in dates)


def build_calendar(spec: ScenarioSpec) -> Calendar:
    """Resolve every event's start and end once (dates against ``start_date``), in order."""
    h, start = spec.horizon_days, spec.start_date
    spans = tuple(
        EventSpan(
            ev.name,
            resolve_day(ev.start, start, h),
            resolve_day(ev.end, start, h),
            ev.cost_multiplier,
            ev.cvr_multiplier,
            ev.aov_multiplier,
            None if ev.channels is None else tuple(ev.channels),
            ev.repeat_multiplier,
        )
        for ev in spec.events or ()
    )
    return Calendar(h, None if start is None else parse_date(start), spans)
