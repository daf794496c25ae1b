"""Excel: the plan as a workbook a media team opens, one sheet per view.

Sheets: Summary (totals), Channels, Ad sets (each with labels beside ids and a totals
row), Daily (one row per day, one column per channel), Weekly, Assumptions, and
Simulation when the plan carries a Monte Carlo summary (the batch's runs). Numbers stay
numbers (with number formats), so the team's own formulas work on them; headers are
frozen. Written with openpyxl, which also reads the file back in the tests.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from typing import Any

from simulator.exports.days import DAYS_PER_WEEK, channel_days
from simulator.exports.plan import PlanExport
from simulator.exports.registry import ExportKind
from simulator.exports.tables import Table
from simulator.model.compiled import CompiledScenario
from simulator.results import json_safe

MONEY, COUNT, RATIO = "#,##0", "#,##0", "0.00"
ROW_KEYS = ("spend", "conversions", "new_customers", "revenue", "roi", "cac", "marginal_roi")
FORMATS = {"roi": RATIO, "cac": "#,##0.00", "marginal_roi": RATIO, "share": "0.0%"}
SUMMED = ("spend", "conversions", "new_customers", "revenue")
WIDTH = 16
EPOCH = dt.datetime(1980, 1, 1)  # the earliest time a zip entry can hold


def _cell(value: Any) -> Any:
    """A plain number or text: non-finite numbers as empty cells, text made inert."""
    value = json_safe(value)
    if isinstance(value, str) and value.startswith("="):
        return "'" + value  # openpyxl writes text starting with = as a formula
    return value


def _sheet(wb: Any, title: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> Any:
    """A sheet with a bold frozen header, the rows, and each column's number format."""
    from openpyxl.styles import Font

    ws = wb.create_sheet(title)
    ws.append(list(header))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([_cell(v) for v in row])
    ws.freeze_panes = "A2"
    for j, name in enumerate(header, start=1):
        ws.column_dimensions[ws.cell(1, j).column_letter].width = WIDTH
        fmt = FORMATS.get(name, MONEY if name not in ("day", "week", "date") else "General")
        for r in range(2, ws.max_row + 1):
            ws.cell(r, j).number_format = fmt
    return ws


def _bold_last(ws: Any) -> None:
    from openpyxl.styles import Font

    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)


def _table(cs: CompiledScenario, rows: dict[str, dict[str, Any]], totals: dict[str, Any]) -> Any:
    """Rows of a Channels or Ad sets sheet, each with its label and share, then totals."""
    spend = totals.get("spend") or 0.0
    out = []
    for key, row in rows.items():
        share = row["spend"] / spend if spend else None
        out.append([key, cs.labels.get(key, ""), *(row.get(k) for k in ROW_KEYS), share])
    total = [totals.get(k) if k in SUMMED else None for k in ROW_KEYS]
    total[ROW_KEYS.index("roi")] = totals.get("roi")
    total[ROW_KEYS.index("cac")] = totals.get("cac")
    out.append(["total", "", *total, 1.0 if spend else None])
    return out


def _daily(wb: Any, cs: CompiledScenario, plan: PlanExport) -> None:
    spend = channel_days(cs, plan.result)  # (C, H)
    labels = cs.calendar.labels
    rows = [[d + 1, labels[d], *spend[:, d]] for d in range(cs.horizon_days)]
    rows.append(["total", "", *spend.sum(axis=1)])
    _bold_last(_sheet(wb, "Daily", ["day", "date", *cs.channel_ids], rows))
    weeks = []
    for w, first in enumerate(range(0, cs.horizon_days, DAYS_PER_WEEK), start=1):
        last = min(first + DAYS_PER_WEEK, cs.horizon_days)
        weeks.append([w, f"{labels[first]} – {labels[last - 1]}", *spend[:, first:last].sum(1)])
    weeks.append(["total", "", *spend.sum(axis=1)])
    _bold_last(_sheet(wb, "Weekly", ["week", "days", *cs.channel_ids], weeks))


def _assumptions(cs: CompiledScenario) -> list[list[Any]]:
    rows: list[list[Any]] = [
        ["scenario", "", cs.name],
        ["currency", "", cs.currency],
        ["horizon_days", "", cs.horizon_days],
        ["start_date", "", cs.calendar.labels[0] if cs.calendar.dated else ""],
        ["budget", "", cs.budget],
        ["objective", "", cs.objective],
    ]
    rows += [[f"targets.{k}", "", v] for k, v in cs.targets.items()]
    for j, cid in enumerate(cs.channel_ids):
        rows.append([f"{cid}.min_spend", cs.labels.get(cid, ""), float(cs.channel_min[j])])
        rows.append([f"{cid}.max_spend", cs.labels.get(cid, ""), float(cs.channel_max[j])])
    rows += [
        [f"event.{e.name}", f"days {e.first_day}-{e.last_day}", ""] for e in cs.calendar.events
    ]
    return rows


def render(plan: PlanExport) -> bytes:
    from openpyxl import Workbook

    cs, result = plan.cs, plan.result
    wb = Workbook()
    wb.remove(wb.active)
    summary: list[list[Any]] = [["scenario", "", cs.name], ["status", "", result.status]]
    if result.message:
        summary.append(["message", "", result.message])
    summary += [[k, "", v] for k, v in result.totals.items()]
    _sheet(wb, "Summary", ["metric", "note", "value"], summary)
    header = ["id", "label", *ROW_KEYS, "share"]
    _bold_last(_sheet(wb, "Channels", header, _table(cs, result.channels, result.totals)))
    ad_sets = result.ad_sets or result.channels
    _bold_last(_sheet(wb, "Ad sets", header, _table(cs, ad_sets, result.totals)))
    _daily(wb, cs, plan)
    _sheet(wb, "Assumptions", ["key", "label", "value"], _assumptions(cs))
    simulation = plan.json_extra.get("simulation")
    if simulation:
        stats = ("mean", "p10", "p50", "p90")
        rows = [[m, *(s.get(k) for k in stats)] for m, s in simulation["totals"].items()]
        rows.append(["p_targets_met", simulation.get("p_targets_met")])
        _sheet(wb, "Simulation", ["metric", *stats], rows)
    return _save(wb)


def workbook(tables: Sequence[Table]) -> bytes:
    """Any tables as one workbook, a sheet each (titles cut to Excel's 31 characters)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for table in tables:
        _sheet(wb, table.title[:31], list(table.columns), table.rows)
    return _save(wb)


class _FixedTimeZip(zipfile.ZipFile):
    """A zip whose entries all carry ``EPOCH``: the same plan gives the same bytes (the batch
    promises identical files whatever the worker count), not bytes stamped with the clock."""

    def writestr(self, zinfo_or_arcname: Any, data: Any, *args: Any, **kwargs: Any) -> None:
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = zipfile.ZipInfo(zinfo_or_arcname, date_time=EPOCH.timetuple()[:6])
            zinfo_or_arcname.compress_type = zipfile.ZIP_DEFLATED
        super().writestr(zinfo_or_arcname, data, *args, **kwargs)

    def write(self, filename: Any, arcname: Any = None, *args: Any, **kwargs: Any) -> None:
        """openpyxl writes each sheet from a temp file: its bytes, not its mtime."""
        with open(filename, "rb") as f:
            self.writestr(str(arcname or filename), f.read())


def _save(wb: Any) -> bytes:
    """The workbook's bytes, with fixed timestamps (openpyxl's ``save`` stamps the clock)."""
    from openpyxl.writer.excel import ExcelWriter

    wb.properties.created = wb.properties.modified = EPOCH
    buf = io.BytesIO()
    with _FixedTimeZip(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).write_data()
    return buf.getvalue()


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KIND = ExportKind[PlanExport]("xlsx", (".xlsx",), XLSX_MIME, "Excel", render)
