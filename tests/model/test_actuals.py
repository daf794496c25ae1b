"""Actuals placed on the horizon's days (model/actuals.py)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from simulator.io.errors import ScenarioError, UsageError
from simulator.io.history import parse_rows
from simulator.model.actuals import place_actuals, resolve_today
from simulator.model.calendar import Calendar

IDS = ("search", "feed")
HEADER = "date,channel,spend,conversions,revenue,new_customers\n"


def place(text: str, calendar: Calendar, today: str | None = None):  # type: ignore[no-untyped-def]
    rows, has_new = parse_rows(HEADER + text, "a.csv")
    return place_actuals(IDS, calendar, rows, has_new, "a.csv", today)


def test_days_count_from_start_date_and_gaps_spend_nothing() -> None:
    cal = Calendar(10, dt.date(2026, 11, 1))
    act = place("2026-11-03,search,30,3,300,1\n2026-11-01,search,10,1,100,\n", cal)
    assert act.today == 3
    np.testing.assert_array_equal(act.spend, [[10, 0, 30], [0, 0, 0]])
    np.testing.assert_array_equal(act.revenue[0], [100, 0, 300])
    assert act.new_customers is not None
    assert np.isnan(act.new_customers[0, 0])
    assert act.warnings == ("no actuals for feed: read as no spend to date",)


def test_without_start_date_the_first_date_is_day_one() -> None:
    cal = Calendar(10, None)
    act = place("2026-05-04,search,5,1,10,1\n2026-05-05,feed,7,1,10,1\n", cal, "2026-05-06")
    assert act.today == 3
    np.testing.assert_array_equal(act.spend, [[5, 0, 0], [0, 7, 0]])
    assert (
        act.warnings[0]
        == "the scenario has no start_date: the actuals' first date 2026-05-04 is day 1"
    )


def test_a_wholly_wrong_file_lists_fifty_problems() -> None:
    cal = Calendar(10, dt.date(2026, 11, 1))
    with pytest.raises(ScenarioError) as info:
        place("".join(f"2026-11-01,x{i},1,1,1,1\n" for i in range(60)), cal)
    issues = [str(i) for i in info.value.issues]
    assert len(issues) == 51
    assert issues[0].startswith("a.csv:2: channel: unknown channel 'x0'")
    assert issues[-1] == "a.csv: ... and 10 more problems"


@pytest.mark.parametrize(("text", "day"), [(None, 4), ("2", 2), (" 2026-11-05 ", 5), ("10", 10)])
def test_resolve_today(text: str | None, day: int) -> None:
    assert resolve_today(text, dt.date(2026, 11, 1), 10, 4) == day


def test_resolve_today_names_what_is_allowed() -> None:
    with pytest.raises(UsageError, match=r"day 11 is outside the horizon; give 1\.\.10 or a date "
                       r"from 2026-11-01 to 2026-11-10"):  # fmt: skip
        resolve_today("11", dt.date(2026, 11, 1), 10, 4)
