"""History CSV reader: values, gaps, and a located error for every kind of bad input."""

from __future__ import annotations

import math
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.io.errors import ScenarioError
from simulator.io.history import MIN_DAYS, parse_history, read_history

HEADER = "date,channel,spend,conversions,revenue"


def rows(n_days: int = MIN_DAYS, channels: tuple[str, ...] = ("search",), start: int = 0) -> str:
    """``n_days`` good rows per channel: spend 100 + t, conversions t, revenue 10 t."""
    out = []
    for t in range(start, start + n_days):
        day = date(2025, 1, 1) + timedelta(days=t)
        out += [f"{day},{ch},{100 + t},{t},{10 * t}" for ch in channels]
    return "\n".join(out) + "\n"


def errors(text: str, file: str = "h.csv") -> list[str]:
    with pytest.raises(ScenarioError) as info:
        parse_history(text, file)
    return [str(issue) for issue in info.value.issues]


def test_reads_values_in_date_order_per_channel() -> None:
    text = HEADER + "\n" + rows(channels=("search", "feed"))
    h = parse_history(text, "h.csv")
    assert h.start == date(2025, 1, 1)
    assert h.n_days == MIN_DAYS
    assert [c.channel for c in h.channels] == ["search", "feed"]
    feed = h.channels[1]
    np.testing.assert_array_equal(feed.spend, 100 + np.arange(MIN_DAYS))
    np.testing.assert_array_equal(feed.revenue, 10 * np.arange(MIN_DAYS))
    assert feed.new_customers is None
    assert feed.n_observed == MIN_DAYS
    assert feed.first_line == 3


def test_missing_day_is_zero_spend_with_unknown_results() -> None:
    lines = (HEADER + "\n" + rows(MIN_DAYS + 1)).splitlines()
    del lines[6]  # day index 5
    h = parse_history("\n".join(lines), "h.csv")
    ch = h.channels[0]
    assert h.n_days == MIN_DAYS + 1
    assert ch.spend[5] == 0.0
    assert math.isnan(ch.conversions[5])
    assert not ch.observed[5]
    assert ch.n_observed == MIN_DAYS


def test_header_is_case_and_space_tolerant_extra_columns_ignored_bom_ok() -> None:
    text = "\ufeffDate , Channel,Spend,note,Conversions,Revenue,New_Customers\n"
    text += "2025-01-01,search,10,x,4,40,3\n" + "\n".join(
        f"2025-01-{d:02d},search,10,y,4,40," for d in range(2, MIN_DAYS + 1)
    )
    h = parse_history(text.encode("utf-8"), "h.csv")
    ch = h.channels[0]
    assert ch.new_customers is not None
    assert ch.new_customers[0] == 3.0
    assert math.isnan(ch.new_customers[1])  # an empty optional cell is unknown, not 0
    assert ch.conversions[0] == 4.0


def test_negative_spend_is_located_by_line_and_column() -> None:
    text = HEADER + "\n" + rows().replace("2025-01-03,search,102,", "2025-01-03,search,-5,")
    assert errors(text) == ["h.csv:4: spend: must be >= 0 (got -5)"]


@pytest.mark.parametrize(
    ("cell", "column", "message"),
    [
        ("abc", "conversions", "not a number (got 'abc')"),
        ("", "conversions", "missing value; a number >= 0 is needed"),
        ("nan", "conversions", "must be a finite number (got 'nan')"),
        ("-1", "conversions", "must be >= 0 (got -1)"),
    ],
)
def test_bad_numbers(cell: str, column: str, message: str) -> None:
    text = (
        HEADER + "\n" + rows().replace("2025-01-02,search,101,1,", f"2025-01-02,search,101,{cell},")
    )
    assert errors(text) == [f"h.csv:3: {column}: {message}"]


@pytest.mark.parametrize("bad", ["03/01/2025", "2025-13-01", "2025-1-3", "yesterday", ""])
def test_unparseable_dates(bad: str) -> None:
    text = HEADER + "\n" + f"{bad},search,1,1,1\n" + rows()
    assert errors(text) == [f"h.csv:2: date: not an ISO date YYYY-MM-DD (got '{bad}')"]


def test_missing_columns_named_on_line_1() -> None:
    (msg,) = errors("date,channel,spend,conversions\n2025-01-01,a,1,1\n")
    assert msg.startswith("h.csv:1: header: missing column(s) revenue;")
    assert "date,channel,spend,conversions,revenue" in msg


def test_empty_file_and_header_only() -> None:
    assert errors("")[0].startswith("h.csv:1: the file is empty")
    assert errors(HEADER + "\n") == ["h.csv:2: no data rows after the header"]


def test_duplicate_day_and_channel_names_both_lines() -> None:
    text = HEADER + "\n" + rows() + "2025-01-02,search,5,5,5\n"
    (msg,) = errors(text)
    assert msg.startswith(f"h.csv:{MIN_DAYS + 2}: date: duplicate row for channel 'search'")
    assert "(first at line 3)" in msg


def test_too_few_days_says_how_many_are_needed() -> None:
    text = HEADER + "\n" + rows(channels=("search",)) + rows(5, channels=("kol",))
    assert errors(text) == [
        f"h.csv:{MIN_DAYS + 2}: channel: 'kol' has 5 days of data; at least {MIN_DAYS} "
        "are needed to fit a response curve"
    ]


def test_new_customers_above_conversions() -> None:
    text = "date,channel,spend,conversions,revenue,new_customers\n2025-01-01,a,1,2,20,3\n"
    assert errors(text)[0] == "h.csv:2: new_customers: must be <= conversions (got 3 > 2)"


def test_every_bad_cell_reported_at_once_and_capped() -> None:
    text = HEADER + "\n" + "\n".join(f"2025-01-{d:02d},a,-1,x,1" for d in range(1, 29))
    found = errors(text)
    assert found[:2] == [
        "h.csv:2: spend: must be >= 0 (got -1)",
        "h.csv:2: conversions: not a number (got 'x')",
    ]
    assert len(found) == 51
    assert found[-1] == "h.csv: ... and 6 more problems"


def test_not_utf8_and_missing_file(tmp_path: Path) -> None:
    assert errors(b"\xff\xfe\x00garbage")[0] == "h.csv:1: not a UTF-8 text file (expected CSV)"
    with pytest.raises(ScenarioError, match="cannot read file"):
        read_history(tmp_path / "nope.csv")


@given(
    st.lists(
        st.tuples(st.floats(0, 1e7, allow_nan=False), st.integers(0, 10_000), st.floats(0, 1e8)),
        min_size=MIN_DAYS,
        max_size=MIN_DAYS + 10,
    )
)
def test_values_round_trip(days: list[tuple[float, int, float]]) -> None:
    lines = [HEADER]
    for t, (spend, conv, rev) in enumerate(days):
        lines.append(f"{date(2024, 2, 20) + timedelta(days=t)},x,{spend!r},{conv},{rev!r}")
    ch = parse_history("\n".join(lines), "h.csv").channels[0]
    np.testing.assert_array_equal(ch.spend, [d[0] for d in days])
    np.testing.assert_array_equal(ch.conversions, [d[1] for d in days])
    np.testing.assert_array_equal(ch.revenue, [d[2] for d in days])


def test_an_unclosed_quote_is_reported_at_the_row_where_it_opens() -> None:
    text = (HEADER + "\n" + rows(MIN_DAYS)).splitlines(keepends=True)
    text[3] = text[3].replace(",search,", ',"search,', 1)  # line 4 of the file
    found = errors("".join(text))
    assert found == [
        f"h.csv:4: not valid CSV: a quoted cell runs from line 4 to {len(text)}; "
        "a quote opened on this line is never closed"
    ]
