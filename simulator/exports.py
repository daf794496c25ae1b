"""A result as the payload of each export kind: CSV rows, the JSON, the runnable YAML."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from simulator.io.export import atomic_write, export_kind, export_text
from simulator.model.compiled import CompiledScenario
from simulator.model.split import split_to_data
from simulator.results import Result, json_safe


def csv_rows(result: Result) -> list[dict[str, Any]]:
    """One row per channel, then one per ad set where the scenario has segments."""
    rows = [{"id": cid, **row} for cid, row in result.channels.items()]
    rows += [{"id": aid, **row} for aid, row in result.ad_sets.items()]
    return json_safe(rows)  # type: ignore[no-any-return]


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
