"""Stored runs -> one wide table (one row per run) as CSV text and Parquet bytes.

Columns: ``name, hash, file, status, error, message, engine`` (the engine fingerprint of
the code that made the row), then ``sweep.<field>``,
``spend.<channel>`` (the recommended allocation), ``total.<metric>`` (expected values) and
``sim.<metric>.<stat>`` (simulation mean and percentiles), then ``p_targets_met``; a batch
run with ``--search-trials`` adds ``search_improved``, ``search_message`` and
``search_spend.<channel>`` (the searched split, which is the start when not improved). Column
order is first-seen over rows in batch order, so the same batch gives the same bytes
whichever executor ran it. Floats are written as their shortest exact repr.
"""

from __future__ import annotations

import io
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from simulator.io.csv_cells import csv_table
from simulator.results import json_safe

TEXT_COLUMNS = ("name", "hash", "file", "status", "error", "message", "engine")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def flatten(row: dict[str, Any]) -> dict[str, Any]:
    """One stored run as a flat ``{column: value}`` mapping."""
    flat: dict[str, Any] = {c: row.get(c) or "" for c in TEXT_COLUMNS}
    flat.update({f"sweep.{k}": v for k, v in row["sweep"].items()})
    flat.update({f"spend.{k}": v for k, v in row["allocation"].items()})
    flat.update({f"total.{k}": v for k, v in row["totals"].items()})
    for metric, stats in row["simulation"].items():
        if isinstance(stats, dict):
            flat.update({f"sim.{metric}.{s}": v for s, v in stats.items()})
    flat["p_targets_met"] = row.get("p_targets_met")
    searched = row.get("search") or {}
    if searched:
        flat["search_improved"] = bool(searched["improved"])
        flat["search_message"] = searched["message"]
        flat.update({f"search_spend.{k}": v for k, v in searched["best"].items()})
    return flat


def columns(flat_rows: list[dict[str, Any]]) -> list[str]:
    """Every column in a stable order: text, sweep, spend, total, sim, p_targets_met, then
    the search's columns when some run searched."""
    seen: dict[str, None] = dict.fromkeys(TEXT_COLUMNS)
    for prefix in ("sweep.", "spend.", "total.", "sim."):
        for flat in flat_rows:
            seen.update({k: None for k in flat if k.startswith(prefix)})
    seen["p_targets_met"] = None
    for flat in flat_rows:
        seen.update({k: None for k in flat if k.startswith("search_")})
    return list(seen)


def table_csv(rows: list[dict[str, Any]]) -> str:
    """The results table as CSV text (empty cells where a run has no such column)."""
    flat_rows = [flatten(r) for r in rows]
    cols = columns(flat_rows)
    return csv_table(cols, ([json_safe(flat.get(c)) for c in cols] for flat in flat_rows))


def _arrow_column(values: list[Any], text: bool) -> pa.Array:
    """float64 where every value is a number (or missing), bool where every one is a
    bool, else text."""
    present = [v for v in values if v is not None]
    if not text and present and all(isinstance(v, bool) for v in present):
        return pa.array(values, type=pa.bool_())
    if not text and all(v is None or _is_number(v) for v in values):
        return pa.array([None if v is None else float(v) for v in values], type=pa.float64())
    return pa.array([None if v is None else str(v) for v in values], type=pa.string())


def table_parquet(rows: list[dict[str, Any]]) -> bytes:
    """The results table as Parquet bytes (pyarrow), typed per column."""
    flat_rows = [flatten(r) for r in rows]
    cols = columns(flat_rows)
    arrays = [_arrow_column([f.get(c) for f in flat_rows], c in TEXT_COLUMNS) for c in cols]
    table = pa.Table.from_arrays(arrays, names=cols)
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()
