"""A CSV export read back as a split, so every export of a plan can be evaluated again.

Three layouts, all written by adsim: ``id,spend,...[,day_1..day_H]`` (``optimize --out
x.csv``: one row per channel and ad set), ``day[,date],<channel or ad set>...`` (the
studio's daily plan) and ``day,date,channel,ad_set,spend,...`` (a daily plan's CSV, long
format). The result is the plain data of a YAML split with a line map, so the
model validates it with the same located errors.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path as FilePath
from typing import Any

from simulator.io.csv_cells import read_cell
from simulator.io.errors import Issue, Path, ScenarioError

LineMap = dict[Path, int]


def _number(text: str) -> Any:
    """A float where the cell is one; otherwise the text, which the model reports."""
    try:
        return float(text)
    except ValueError:
        return text


def _rows_split(header: list[str], rows: list[list[str]]) -> tuple[dict[str, Any], LineMap]:
    spend_at = header.index("spend")
    days = [i for i, h in enumerate(header) if h.startswith("day_")]
    allocation: dict[str, Any] = {}
    daily: dict[str, Any] = {}
    ad_sets: dict[str, Any] = {}
    lines: LineMap = {}
    for line, row in enumerate(rows, start=2):
        cells = [read_cell(c) for c in row] + [""] * (len(header) - len(row))
        key = cells[header.index("id")]
        if not key:  # the totals row of a download for people (labelled, id left empty)
            continue
        spend = _number(cells[spend_at])
        series = [_number(cells[i]) for i in days] or None
        if "/" in key:
            ad_sets[key] = {"spend": spend, **({"daily": series} if series else {})}
            lines[("ad_sets", key)] = lines[("ad_sets", key, "spend")] = line
            lines[("ad_sets", key, "daily")] = line
        elif key not in allocation:  # an older export repeated unsegmented ad sets
            allocation[key] = spend
            lines[("allocation", key)] = line
            if series:
                daily[key] = series
                lines[("daily", key)] = line
    data: dict[str, Any] = {"allocation": allocation}
    if daily:
        data["daily"] = daily
    if ad_sets:
        data["ad_sets"] = ad_sets
    return data, lines


def _daily_split(header: list[str], rows: list[list[str]]) -> tuple[dict[str, Any], LineMap]:
    first = 2 if len(header) > 1 and header[1] == "date" else 1
    ids = header[first:]
    daily = {key: [_number(r[first + j]) if len(r) > first + j else "" for r in rows]
             for j, key in enumerate(ids)}  # fmt: skip  # the comprehension reads as one statement
    lines: LineMap = {("daily", key): 1 for key in ids}
    for key in ids:
        lines.update({("daily", key, d): d + 2 for d in range(len(rows))})
    return {"daily": daily}, lines


def _sum(values: list[Any]) -> Any:
    """The days' total where every day is a number; else the text, which the model reports."""
    return sum(values) if all(isinstance(v, float) for v in values) else values


def _long_split(
    header: list[str], rows: list[list[str]], file: str
) -> tuple[dict[str, Any], LineMap]:
    """``day,...,ad_set,spend,...``: a daily plan in long format, one row per day and ad set."""
    day_at, key_at, spend_at = header.index("day"), header.index("ad_set"), header.index("spend")
    series: dict[str, dict[int, Any]] = {}
    lines: LineMap = {}
    for line, row in enumerate(rows, start=2):
        cells = [read_cell(c) for c in row] + [""] * (len(header) - len(row))
        key, day = cells[key_at], _number(cells[day_at])
        if not key:  # a totals row
            continue
        if not isinstance(day, float) or day != int(day) or day < 1:
            message = f"not a day number; use 1, 2, ... (got {day!r})"
            raise ScenarioError([Issue(file, line, "day", message)])
        series.setdefault(key, {})[int(day)] = _number(cells[spend_at])
        lines.setdefault(("daily", key), line)
        lines[("daily", key, int(day) - 1)] = line
    daily = {k: [days.get(d, 0.0) for d in range(1, max(days) + 1)] for k, days in series.items()}
    plain = {k: v for k, v in daily.items() if "/" not in k}
    data: dict[str, Any] = {"daily": plain} if plain else {}
    ad_sets = {k: {"spend": _sum(v), "daily": v} for k, v in daily.items() if "/" in k}
    if ad_sets:
        data["ad_sets"] = ad_sets
        lines.update({("ad_sets", k, "daily"): lines[("daily", k)] for k in ad_sets})
    return data, lines


def read_split_csv(text: str, file: str) -> tuple[dict[str, Any], LineMap]:
    """Plain split data and its line map from a CSV export; an unknown layout is located."""
    try:
        table = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    except csv.Error as exc:
        raise ScenarioError([Issue(file, None, "", f"not a valid CSV: {exc}")]) from None
    table = [r for r in table if any(c.strip() for c in r)]
    header = [read_cell(h).strip() for h in table[0]] if table else []
    if "id" in header and "spend" in header:
        return _rows_split(header, table[1:])
    if {"day", "ad_set", "spend"} <= set(header):
        return _long_split(header, table[1:], file)
    if header and header[0] == "day":
        return _daily_split(header, table[1:])
    message = (
        "a split CSV needs the columns id,spend (as `adsim optimize --out x.csv` writes) "
        "or day,<channel>... (a daily plan) or day,...,ad_set,spend (a daily plan, long format)"
    )
    raise ScenarioError([Issue(file, 1, "header", message)])


def read_split_csv_file(file: str | FilePath) -> tuple[dict[str, Any], LineMap]:
    """``read_split_csv`` of a file; unreadable or non-UTF-8 files are located errors."""
    name = str(file)
    try:
        text = FilePath(file).read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise ScenarioError([Issue(name, None, "", f"cannot read file: {exc.strerror}")]) from None
    except UnicodeDecodeError:
        raise ScenarioError([Issue(name, 1, "", "not a text file (expected UTF-8 CSV)")]) from None
    return read_split_csv(text, name)
