"""The kinds of ``search --out``: the best split as a split file, the whole JSON, or the
split beside the start (CSV, a workbook with a summary sheet, an HTML table)."""

from __future__ import annotations

import yaml

from simulator.exports.csv import csv_text
from simulator.exports.json import json_text
from simulator.exports.registry import ExportKind, Registry
from simulator.exports.tables import Table, flat, html_page
from simulator.exports.xlsx import XLSX_MIME, workbook
from simulator.optimize.search.study import SearchResult
from simulator.results import json_safe

SPLIT_COLUMNS = ("channel", "start", "best", "change")


def _yaml(result: SearchResult) -> bytes:
    """``allocation:`` only: a split file ``evaluate --split`` and ``simulate`` read."""
    text = yaml.safe_dump({"allocation": result.best}, sort_keys=False, allow_unicode=True)
    return text.encode("utf-8")


def _json(result: SearchResult) -> bytes:
    return json_text(json_safe(result.to_json())).encode("utf-8")


def _tables(result: SearchResult) -> list[Table]:
    """The split (start, best, change per channel) and the search's scalars."""
    split = [
        [cid, result.start.get(cid, 0.0), spend, spend - result.start.get(cid, 0.0)]
        for cid, spend in result.best.items()
    ]
    return [
        Table("Split", SPLIT_COLUMNS, split),
        Table("Summary", ["key", "value"], flat(json_safe(result.to_json()))),
    ]


def _csv(result: SearchResult) -> bytes:
    split = _tables(result)[0]
    return csv_text(
        [dict(zip(split.columns, r, strict=True)) for r in split.rows], split.columns
    ).encode("utf-8")


def _xlsx(result: SearchResult) -> bytes:
    return workbook(_tables(result))


def _html(result: SearchResult) -> bytes:
    return html_page(f"{result.scenario} · search", _tables(result)).encode("utf-8")


SEARCH_KINDS = Registry[SearchResult](
    "search result",
    [
        ExportKind("json", (".json",), "application/json", "JSON", _json),
        ExportKind("yaml", (".yaml", ".yml"), "application/yaml", "Split YAML", _yaml),
        ExportKind("csv", (".csv",), "text/csv", "CSV", _csv),
        ExportKind("xlsx", (".xlsx",), XLSX_MIME, "Excel", _xlsx),
        ExportKind("html", (".html",), "text/html", "HTML table", _html),
    ],
)
