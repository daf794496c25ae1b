"""A result as the payload of each export kind: CSV rows, the JSON, the runnable YAML."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from simulator.io.export import CSV_COLUMNS, atomic_write, export_kind, export_text
from simulator.model.compiled import CompiledScenario
from simulator.model.split import split_to_data
from simulator.results import Result, json_safe


def csv_rows(result: Result) -> list[dict[str, Any]]:
    """One row per channel, then one per ad set of a channel with segments (a channel
    without segments is its one ad set, already a row). A daily plan adds its days as
    ``day_1..day_H``, so the CSV reads back as the same plan."""
    rows = [{"id": cid, **row} for cid, row in result.channels.items()]
    rows += [
        {"id": aid, **row} for aid, row in result.ad_sets.items() if aid not in result.channels
    ]
    if result.daily is not None:
        series = dict(result.daily) | {aid: row.get("daily") for aid, row in result.ad_sets.items()}
        for row in rows:
            days = series.get(row["id"]) or []
            row.update({f"day_{d}": x for d, x in enumerate(days, start=1)})
    plain: list[dict[str, Any]] = json_safe(rows)
    return plain


def csv_columns(result: Result) -> list[str]:
    """The contract's columns, then ``day_1..day_H`` for a daily plan."""
    days = len(next(iter(result.daily.values()), [])) if result.daily else 0
    return [*CSV_COLUMNS, *(f"day_{d}" for d in range(1, days + 1))]


def split_data(cs: CompiledScenario, result: Result) -> dict[str, Any]:
    """The recommendation as a split mapping (per channel, or per ad set with segments)."""
    if result.split is None:
        return {"allocation": dict(result.allocation)}
    data = split_to_data(cs, result.split)
    if not cs.has_segments:
        data["allocation"] = dict(result.allocation)
        if result.daily is not None:
            data["daily"] = result.daily
    return data


def export_payload(cs: CompiledScenario, result: Result, source_text: str) -> dict[str, Any]:
    return {
        "rows": csv_rows(result),
        "columns": csv_columns(result),
        "doc": result.to_json(),
        "source_text": source_text,
        "split": split_data(cs, result),
    }


def render_export(cs: CompiledScenario, result: Result, kind: str, source_text: str) -> str:
    """The text of one export (``csv``, ``json`` or ``yaml``); the studio offers these too."""
    return export_text(kind, export_payload(cs, result, source_text))


def write_export(
    cs: CompiledScenario, result: Result, path: str | Path, source: str | Path
) -> None:
    """Write ``result`` to ``path`` by its extension, atomically (nothing on failure)."""
    kind = export_kind(path)
    text = Path(source).read_text(encoding="utf-8") if kind == "yaml" else ""
    atomic_write(path, render_export(cs, result, kind, text))
