"""CSV: one row per channel and ad set, the contract's columns; a daily plan by day.

A total plan keeps the contract's layout (``id,spend,...,marginal_roi``). A daily plan is
written in long format, one row per day and ad set (``days.DAY_COLUMNS``), the shape a
spreadsheet pivot or a BI tool reads; ``weekly`` renders its roll-up by week, which
``optimize --out plan.csv`` writes beside it as ``plan.weekly.csv``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from simulator.exports.days import DAY_COLUMNS, WEEK_COLUMNS, day_rows, week_rows
from simulator.exports.plan import (
    CSV_COLUMNS,
    PlanExport,
    shown_table,
    table_columns,
    table_rows,
)
from simulator.exports.registry import ExportKind
from simulator.io.csv_cells import csv_table


def csv_text(rows: Sequence[dict[str, Any]], columns: Sequence[str] = CSV_COLUMNS) -> str:
    """Rows as CSV; missing or non-finite values are left empty, text made inert
    (``csv_cells``)."""
    return csv_table(columns, ([row.get(c) for c in columns] for row in rows))


def _text(plan: PlanExport, rows: list[dict[str, Any]], columns: Sequence[str]) -> bytes:
    """The CSV bytes; a labelled plan gets labels and a totals row, numbers rounded."""
    shown, cols = shown_table(plan, rows, list(columns))
    return csv_text(shown, cols).encode("utf-8")


def render(plan: PlanExport) -> bytes:
    if plan.result.daily is not None:
        return _text(plan, day_rows(plan.cs, plan.result), DAY_COLUMNS)
    return _text(plan, table_rows(plan.result), table_columns(plan.result))


def weekly(plan: PlanExport) -> bytes:
    """The plan rolled up by week of the horizon, one row per week and ad set."""
    return _text(plan, week_rows(plan.cs, plan.result), WEEK_COLUMNS)


KIND = ExportKind[PlanExport]("csv", (".csv",), "text/csv", "CSV", render)
