"""CSV: one row per channel and ad set, the contract's columns (and a daily plan's days)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from simulator.exports.plan import CSV_COLUMNS, PlanExport, table_columns, table_rows
from simulator.exports.registry import ExportKind
from simulator.io.csv_cells import csv_table


def csv_text(rows: Sequence[dict[str, Any]], columns: Sequence[str] = CSV_COLUMNS) -> str:
    """Rows as CSV; missing or non-finite values are left empty, text made inert
    (``csv_cells``)."""
    return csv_table(columns, ([row.get(c) for c in columns] for row in rows))


def render(plan: PlanExport) -> bytes:
    return csv_text(table_rows(plan.result), table_columns(plan.result)).encode("utf-8")


KIND = ExportKind[PlanExport]("csv", (".csv",), "text/csv", "CSV", render)
