"""Write results to files, picked by extension; every write is atomic.

io knows formats, not the model: callers hand plain data (rows, a JSON document, the
scenario's text and a split as a mapping).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from simulator.io.csv_cells import csv_table
from simulator.io.errors import UsageError
from simulator.io.files import atomic_write as atomic_write  # the one writer, re-exported
from simulator.io.yaml_split import scenario_with_split

CSV_COLUMNS = (
    "id",
    "spend",
    "conversions",
    "new_customers",
    "revenue",
    "roi",
    "cac",
    "marginal_roi",
)


def csv_text(rows: Sequence[dict[str, Any]], columns: Sequence[str] = CSV_COLUMNS) -> str:
    """Rows as CSV; missing or non-finite values are left empty, text made inert
    (``csv_cells``)."""
    return csv_table(columns, ([row.get(c) for c in columns] for row in rows))


def json_text(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


Exporter = Callable[[dict[str, Any]], str]


def export_text(kind: str, payload: dict[str, Any]) -> str:
    """The file text of one export kind (``csv``, ``json``, ``yaml``) from its payload."""
    makers: dict[str, Exporter] = {
        "csv": lambda p: csv_text(p["rows"], p.get("columns", CSV_COLUMNS)),
        "json": lambda p: json_text(p["doc"]),
        "yaml": lambda p: scenario_with_split(p["source_text"], p["split"]),
    }
    return makers[kind](payload)


EXPORT_KINDS = {".csv": "csv", ".json": "json", ".yaml": "yaml", ".yml": "yaml"}


def export_kind(path: str | Path) -> str:
    """The export kind of a path by its extension; ValueError names the allowed ones."""
    suffix = Path(path).suffix.lower()
    if suffix not in EXPORT_KINDS:
        allowed = ", ".join(sorted(EXPORT_KINDS))
        raise UsageError(f"{path}: unknown export type '{suffix or '(none)'}'; use {allowed}")
    return EXPORT_KINDS[suffix]
