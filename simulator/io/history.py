"""History CSV (CONTRACT.md section 3) to plain arrays, with located errors.

Long format, one row per day and channel: ``date,channel,spend,conversions,revenue``
(ISO dates), an optional ``new_customers`` column, other columns ignored. Every bad cell
is reported at once as ``FILE:LINE: column: what is wrong (got X)``.

A day inside the history's date range with no row for a channel is read as zero spend
(ad platforms leave zero-spend days out of their exports) with unknown results: its
outcomes are ``nan`` and ``observed`` is False, so a fit skips them while the adstock
recursion still runs through them.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path as FilePath
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from simulator.io.errors import Issue, ScenarioError

if TYPE_CHECKING:
    from _csv import Reader as _reader

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

REQUIRED = ("date", "channel", "spend", "conversions", "revenue")
OPTIONAL = ("new_customers",)
MIN_DAYS = 28  # four weeks: enough for a 5-parameter fit and a held-out tail of ~6 days
MAX_SPAN_DAYS = 3660
MAX_ISSUES = 50


@dataclass(frozen=True)
class ChannelHistory:
    """One channel's days over the history's full date range; arrays have shape ``(N,)``."""

    channel: str  # as written in the CSV
    first_line: int  # line of its first row, for errors about the channel as a whole
    spend: FloatArray  # 0 on days without a row
    conversions: FloatArray  # nan on days without a row
    revenue: FloatArray
    new_customers: FloatArray | None  # None when the file has no such column; nan = empty cell
    observed: BoolArray

    @property
    def n_observed(self) -> int:
        return int(self.observed.sum())


@dataclass(frozen=True)
class History:
    """A validated history: ``n_days`` consecutive days from ``start``, every channel aligned."""

    file: str
    start: date
    n_days: int
    channels: tuple[ChannelHistory, ...]

    @property
    def end(self) -> date:
        return date.fromordinal(self.start.toordinal() + self.n_days - 1)


@dataclass
class HistoryRow:
    """One checked row: its line, date, channel as written, and its numbers by column."""

    line: int
    day: date
    channel: str
    values: dict[str, float]


class _Issues:
    """Located issues; lists at most ``MAX_ISSUES`` so a wholly wrong file stays readable."""

    def __init__(self, file: str) -> None:
        self.file, self.items = file, list[Issue]()

    def add(self, line: int | None, column: str, message: str) -> None:
        self.items.append(Issue(self.file, line, column, message))

    def raise_if_any(self) -> None:
        if not self.items:
            return
        shown = self.items[:MAX_ISSUES]
        if len(self.items) > MAX_ISSUES:
            more = len(self.items) - MAX_ISSUES
            shown.append(Issue(self.file, None, "", f"... and {more} more problems"))
        raise ScenarioError(shown)


def read_history(path: str | FilePath) -> History:
    """Read and validate a history CSV file; raises ``ScenarioError`` with located issues."""
    name = str(path)
    try:
        raw = FilePath(path).read_bytes()
    except OSError as exc:
        raise ScenarioError([Issue(name, None, "", f"cannot read file: {exc.strerror}")]) from None
    return parse_history(raw, name)


def parse_history(data: bytes | str, file: str = "<history>") -> History:
    """Parse CSV bytes or text (the studio's upload) into a validated ``History``."""
    rows, has_new = parse_rows(data, file)
    issues = _Issues(file)
    history = _assemble(rows, file, has_new, issues)
    issues.raise_if_any()
    return history


def parse_rows(data: bytes | str, file: str) -> tuple[list[HistoryRow], bool]:
    """Every row of CSV bytes or text with its cells checked, and whether it has a
    ``new_customers`` column; raises ``ScenarioError`` locating every bad cell.

    Shared by the history (``calibrate``) and the actuals of ``replan``, which then check
    what their own use asks of the rows (days, channels).
    """
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ScenarioError(
                [Issue(file, 1, "", "not a UTF-8 text file (expected CSV)")]
            ) from None
    issues = _Issues(file)
    reader = csv.reader(io.StringIO(data.lstrip("\ufeff"), newline=""))
    columns = _read_header(reader, issues)
    rows = _read_rows(reader, columns, issues)
    issues.raise_if_any()
    if not rows:
        raise ScenarioError([Issue(file, 2, "", "no data rows after the header")])
    return rows, "new_customers" in columns


def _read_header(reader: _reader, issues: _Issues) -> dict[str, int]:
    expected = ",".join(REQUIRED)
    try:
        header = next(reader)
    except StopIteration:
        issues.add(1, "", f"the file is empty; expected a header line '{expected}'")
        issues.raise_if_any()
        raise AssertionError("unreachable") from None
    except csv.Error as exc:
        issues.add(1, "", f"not valid CSV: {exc}")
        issues.raise_if_any()
        raise AssertionError("unreachable") from None
    names = [h.strip().lower() for h in header]
    columns = {n: i for i, n in reversed(list(enumerate(names))) if n in REQUIRED + OPTIONAL}
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        got = ",".join(h.strip() for h in header)[:80]
        issues.add(
            1,
            "header",
            f"missing column(s) {', '.join(missing)}; the header must name {expected} "
            f"(optional new_customers; got '{got}')",
        )
        issues.raise_if_any()
    return columns


def _read_rows(reader: _reader, columns: dict[str, int], issues: _Issues) -> list[HistoryRow]:
    rows: list[HistoryRow] = []
    while True:
        # a quoted cell may span lines: a row (and its quote errors) starts after the last one
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return rows
        except csv.Error as exc:
            hint = (
                "; a quote opened on this line is never closed" if "end of data" in str(exc) else ""
            )
            issues.add(start, "", f"not valid CSV: {exc}{hint}")
            return rows
        if not any(c.strip() for c in cells):
            continue  # blank lines are harmless
        if reader.line_num > start:  # no history cell holds a line break: a stray quote
            issues.add(
                start,
                "",
                f"not valid CSV: a quoted cell runs from line {start} to {reader.line_num}; "
                "a quote opened on this line is never closed",
            )
            return rows
        row = _parse_row(cells, start, columns, issues)
        if row is not None:
            rows.append(row)


def _parse_row(
    cells: list[str], line: int, columns: dict[str, int], issues: _Issues
) -> HistoryRow | None:
    def cell(name: str) -> str:
        i = columns[name]
        return cells[i].strip() if i < len(cells) else ""

    before = len(issues.items)
    day = _parse_date(cell("date"), line, issues)
    channel = cell("channel")
    if not channel:
        issues.add(line, "channel", "missing channel name")
    values: dict[str, float] = {}
    for name in ("spend", "conversions", "revenue", "new_customers"):
        if name not in columns:
            continue
        value = _parse_number(cell(name), name, line, issues)
        if value is not None:
            values[name] = value
    new, conv = values.get("new_customers", math.nan), values.get("conversions", math.nan)
    if new > conv:
        issues.add(line, "new_customers", f"must be <= conversions (got {new:g} > {conv:g})")
    if len(issues.items) > before or day is None:
        return None
    return HistoryRow(line, day, channel, values)


def _parse_date(text: str, line: int, issues: _Issues) -> date | None:
    try:
        if len(text) != 10:
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        issues.add(line, "date", f"not an ISO date YYYY-MM-DD (got '{text}')")
        return None


def _parse_number(text: str, name: str, line: int, issues: _Issues) -> float | None:
    if not text:
        if name == "new_customers":
            return math.nan  # an empty optional cell: unknown that day
        issues.add(line, name, "missing value; a number >= 0 is needed")
        return None
    try:
        value = float(text)
    except ValueError:
        issues.add(line, name, f"not a number (got '{text}')")
        return None
    if not math.isfinite(value):
        issues.add(line, name, f"must be a finite number (got '{text}')")
        return None
    if value < 0:
        issues.add(line, name, f"must be >= 0 (got {text})")
        return None
    return value


def _assemble(rows: list[HistoryRow], file: str, has_new: bool, issues: _Issues) -> History:
    start = min(r.day for r in rows)
    last = max(rows, key=lambda r: r.day)
    n_days = last.day.toordinal() - start.toordinal() + 1
    if n_days > MAX_SPAN_DAYS:
        issues.add(last.line, "date", f"dates span {n_days} days; at most {MAX_SPAN_DAYS}")
        issues.raise_if_any()
    by_channel: dict[str, list[HistoryRow]] = {}
    for r in rows:
        by_channel.setdefault(r.channel, []).append(r)
    channels = tuple(
        _channel(name, group, start, n_days, has_new, issues) for name, group in by_channel.items()
    )
    return History(file, start, n_days, channels)


def _channel(
    name: str, rows: list[HistoryRow], start: date, n_days: int, has_new: bool, issues: _Issues
) -> ChannelHistory:
    spend = np.zeros(n_days)
    outcomes = {k: np.full(n_days, np.nan) for k in ("conversions", "revenue", "new_customers")}
    observed = np.zeros(n_days, dtype=bool)
    first_line: dict[int, int] = {}
    for r in rows:
        t = r.day.toordinal() - start.toordinal()
        if observed[t]:
            issues.add(
                r.line,
                "date",
                f"duplicate row for channel '{name}' on {r.day} (first at line {first_line[t]}); "
                "give one row per day and channel",
            )
            continue
        observed[t], first_line[t] = True, r.line
        spend[t] = r.values["spend"]
        for k, arr in outcomes.items():
            arr[t] = r.values.get(k, math.nan)
    if observed.sum() < MIN_DAYS:
        issues.add(
            rows[0].line,
            "channel",
            f"'{name}' has {int(observed.sum())} days of data; at least {MIN_DAYS} are needed "
            "to fit a response curve",
        )
    return ChannelHistory(
        channel=name,
        first_line=rows[0].line,
        spend=spend,
        conversions=outcomes["conversions"],
        revenue=outcomes["revenue"],
        new_customers=outcomes["new_customers"] if has_new else None,
        observed=observed,
    )
