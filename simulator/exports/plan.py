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
    batch adds ``simulation`` and ``search``). ``labelled`` and ``decimals`` are for
    people rather than scripts (the studio's downloads): a label beside each id and a
    totals row in the CSV, numbers rounded to ``decimals`` places in the CSV and JSON.
    """

    cs: CompiledScenario
    result: Result
    source_text: str = ""
    json_extra: Mapping[str, Any] = field(default_factory=dict)
    labelled: bool = False
    decimals: int | None = None


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


def label_of(cs: CompiledScenario, key: str) -> str:
    """A channel's or ad set's label (an ad set without its own: ``channel label / segment``)."""
    if key in cs.labels:
        return cs.labels[key]
    channel, _, segment = key.partition("/")
    return f"{cs.labels[channel]} / {segment}" if segment and channel in cs.labels else ""


def with_labels(
    plan: PlanExport, rows: list[dict[str, Any]], columns: list[str]
) -> tuple[list[dict[str, Any]], list[str]]:
    """``rows`` with a ``label`` beside their id and a last row of totals (its id empty, so
    the file still reads back as a split). Totals: the result's own where it names the
    column (ratios included), else the sum over the rows of one level (channels, or days)."""
    key = "ad_set" if "ad_set" in columns else "id"
    at = columns.index(key) + 1
    out = [{**row, "label": label_of(plan.cs, str(row[key]))} for row in rows]
    level = [r for r in rows if key == "ad_set" or r[key] in plan.result.channels]
    total: dict[str, Any] = {key: "", "label": "total"}
    for col in columns[at:]:
        numbers = [v for v in (r.get(col) for r in level) if isinstance(v, int | float)]
        if key == "id" and col in plan.result.totals:
            total[col] = plan.result.totals[col]
        elif numbers and col != "marginal_roi":  # a marginal ROI does not add up
            total[col] = sum(numbers)
    return [*out, json_safe(total)], [*columns[:at], "label", *columns[at:]]


def shown_table(
    plan: PlanExport, rows: list[dict[str, Any]], columns: list[str]
) -> tuple[list[dict[str, Any]], list[str]]:
    """The table as the plan asks it shown: labelled (``with_labels``) and ``rounded``."""
    if plan.labelled:
        rows, columns = with_labels(plan, rows, columns)
    return rounded(rows, plan.decimals), columns


def rounded(value: Any, decimals: int | None) -> Any:
    """Every float in ``value`` (nested dicts and lists too) rounded to ``decimals`` places."""
    if decimals is None:
        return value
    if isinstance(value, float):
        return round(value, decimals)
    if isinstance(value, dict):
        return {k: rounded(v, decimals) for k, v in value.items()}
    if isinstance(value, list):
        return [rounded(v, decimals) for v in value]
    return value
