"""A plan to export, and the plain tables every plan format is rendered from.

Each format module (``csv``, ``json``, ``yaml``, ``parquet``) turns a ``PlanExport`` into
bytes from these pieces, so the formats cannot drift apart: the CSV and the Parquet file
hold the same rows, the YAML the same split the JSON reports.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from simulator.model.compiled import CompiledScenario
from simulator.model.split import split_to_data
from simulator.results import Result, json_safe

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


@dataclass(frozen=True)
class PlanExport:
    """What a plan's files are made of.

    ``source_text`` is the scenario text the runnable YAML starts from (its comments are
    kept); only the YAML reads it. ``json_extra`` adds keys after the contract's JSON (the
    batch adds ``simulation`` and ``search``).
    """

    cs: CompiledScenario
    result: Result
    source_text: str = ""
    json_extra: Mapping[str, Any] = field(default_factory=dict)


def table_rows(result: Result) -> list[dict[str, Any]]:
    """One row per channel, then one per ad set of a channel with segments (a channel
    without segments is its one ad set, already a row). A daily plan adds its days as
    ``day_1..day_H``, so the CSV reads back as the same plan. Non-finite numbers are None."""
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


def table_columns(result: Result) -> list[str]:
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
