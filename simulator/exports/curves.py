"""Response-curve data for users' own dashboards (``adsim curves``): CSV or JSON.

Each channel's spend grid with conversions, revenue and marginal ROI, sampled from the
expected-value engine with the other channels held at the recommended split
(``studio.curves``), then the channel's current and recommended points as ``evaluate``
and ``optimize`` report them. The grid reaches past both points (and the channel's bound
where that is not far into flat ground: ``studio.curves``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from simulator.exports.csv import csv_text
from simulator.exports.plan import label_of
from simulator.exports.registry import ExportKind, Registry
from simulator.model.compiled import CompiledScenario
from simulator.results import Result, json_safe
from simulator.studio.curves import sample_curves

COLUMNS = ("channel", "label", "point", "spend", "conversions", "revenue", "marginal_roi")
METRICS = COLUMNS[3:]


@dataclass(frozen=True)
class CurveData:
    """The rows of every channel's curve and points, and the scenario they belong to."""

    scenario: str
    currency: str
    rows: list[dict[str, Any]]
    bounds: dict[str, tuple[float, float]]


def curve_data(
    cs: CompiledScenario, recommended: Result, current: Result | None, points: int = 40
) -> CurveData:
    """Grid rows (``point`` = ``grid``), then ``current`` and ``recommended`` per channel."""
    marks = {
        cid: [r.channels[cid]["spend"] for r in (recommended, current) if r is not None]
        for cid in cs.channel_ids
    }
    samples = sample_curves(cs, recommended.allocation, marks, points)
    rows: list[dict[str, Any]] = []
    for cid in cs.channel_ids:
        s, label = samples[cid], label_of(cs, cid)
        for k in range(s.spend.size):
            values = (s.spend[k], s.conversions[k], s.revenue[k], s.marginal_roi[k])
            rows.append(
                {"channel": cid, "label": label, "point": "grid"}
                | {m: float(v) for m, v in zip(METRICS, values, strict=True)}
            )
        for name, result in (("current", current), ("recommended", recommended)):
            if result is not None:
                row = result.channels[cid]
                rows.append(
                    {"channel": cid, "label": label, "point": name}
                    | {m: row.get(m) for m in METRICS}
                )
    bounds = {
        cid: (float(cs.channel_min[j]), float(cs.channel_max[j]))
        for j, cid in enumerate(cs.channel_ids)
    }
    plain: list[dict[str, Any]] = json_safe(rows)
    return CurveData(cs.name, cs.currency, plain, bounds)


def to_json(data: CurveData) -> dict[str, Any]:
    """Per channel: label, bounds, the grid as columns, and each point as a mapping."""
    channels: dict[str, Any] = {}
    for row in data.rows:
        ch = channels.setdefault(
            row["channel"],
            {
                "label": row["label"],
                "min_spend": data.bounds[row["channel"]][0],
                "max_spend": data.bounds[row["channel"]][1],
                "grid": {m: [] for m in METRICS},
            },
        )
        if row["point"] == "grid":
            for m in METRICS:
                ch["grid"][m].append(row[m])
        else:
            ch[row["point"]] = {m: row[m] for m in METRICS}
    doc = {"scenario": data.scenario, "currency": data.currency, "channels": channels}
    plain: dict[str, Any] = json_safe(doc)
    return plain


def _csv(data: CurveData) -> bytes:
    return csv_text(data.rows, COLUMNS).encode("utf-8")


def _json(data: CurveData) -> bytes:
    return (json.dumps(to_json(data), indent=2, ensure_ascii=False) + "\n").encode("utf-8")


CURVE_KINDS = Registry[CurveData](
    "curve table",
    [
        ExportKind("csv", (".csv",), "text/csv", "CSV", _csv),
        ExportKind("json", (".json",), "application/json", "JSON", _json),
    ],
)
