"""The kinds of ``pareto --out``: one row per point (CSV, a workbook), the JSON, an offline
HTML plot."""

from __future__ import annotations

import json
from dataclasses import dataclass

from simulator.exports.csv import csv_text
from simulator.exports.registry import ExportKind, Registry
from simulator.exports.tables import Table, flat
from simulator.exports.xlsx import XLSX_MIME, workbook
from simulator.optimize.pareto import Front
from simulator.results import json_safe


@dataclass(frozen=True)
class FrontExport:
    """A traced front and the currency its money axes are labelled in."""

    front: Front
    currency: str


def _csv(sub: FrontExport) -> bytes:
    rows = sub.front.rows()
    return csv_text(rows, list(rows[0]) if rows else [sub.front.target]).encode("utf-8")


def _json(sub: FrontExport) -> bytes:
    return (json.dumps(json_safe(sub.front.to_json()), indent=2) + "\n").encode("utf-8")


def _tables(sub: FrontExport) -> list[Table]:
    rows = sub.front.rows()
    columns = list(rows[0]) if rows else [sub.front.target]
    doc = {k: v for k, v in sub.front.to_json().items() if k != "points"}
    return [
        Table("Front", columns, [[r.get(c) for c in columns] for r in rows]),
        Table("Summary", ["key", "value"], flat(doc)),
    ]


def _xlsx(sub: FrontExport) -> bytes:
    return workbook(_tables(sub))


def _html(sub: FrontExport) -> bytes:
    # plotly (~0.5 s to import) is loaded only when a plot is written
    from simulator.studio.figures import pareto_page

    return pareto_page(sub.front, sub.currency).encode("utf-8")


FRONT_KINDS = Registry[FrontExport](
    "Pareto front",
    [
        ExportKind("csv", (".csv",), "text/csv", "CSV", _csv),
        ExportKind("html", (".html",), "text/html", "HTML plot", _html),
        ExportKind("json", (".json",), "application/json", "JSON", _json),
        ExportKind("xlsx", (".xlsx",), XLSX_MIME, "Excel", _xlsx),
    ],
)
