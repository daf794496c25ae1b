"""A run's recommendation as CSV, JSON and YAML text (the formats of ``optimize --out``).

Rendered in the worker and written by the parent, so a Dask worker on another machine
needs no access to the output folder. The numbers are the optimiser's and the
simulation's; this module only lays them out.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import yaml

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


def recommendation_files(
    sc: CompiledScenario, data: Any, result: Result, simulation: dict[str, Any]
) -> dict[str, str]:
    """``{".csv": ..., ".json": ..., ".yaml": ...}`` for one run."""
    return {
        ".csv": recommendation_csv(result),
        ".json": recommendation_json(result, simulation),
        ".yaml": recommendation_yaml(sc, data, result),
    }


def cell(value: Any) -> str:
    """A CSV cell: floats as their shortest exact repr, missing or non-finite as empty."""
    value = json_safe(value)
    if value is None:
        return ""
    return repr(float(value)) if isinstance(value, float) else str(value)


def recommendation_csv(result: Result) -> str:
    """One row per channel, then per ad set (``channel/segment``) when there are segments."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    rows = list(result.channels.items()) + list(result.ad_sets.items())
    for key, row in rows:
        writer.writerow([key, *(cell(row.get(c)) for c in CSV_COLUMNS[1:])])
    return buf.getvalue()


def recommendation_json(result: Result, simulation: dict[str, Any]) -> str:
    """The CONTRACT JSON of the recommendation, plus ``simulation`` when one ran."""
    doc = result.to_json()
    if simulation:
        doc["simulation"] = json_safe(simulation)
    return json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def recommendation_yaml(sc: CompiledScenario, data: Any, result: Result) -> str:
    """The run's scenario with ``split:`` set to the recommendation: runnable again."""
    doc = {k: v for k, v in dict(data).items() if k not in ("sweep", "split")}
    if result.split is not None:
        doc["split"] = split_to_data(sc, result.split)
    else:
        doc["split"] = {"allocation": dict(result.allocation)}
    return yaml.safe_dump(json_safe(doc), sort_keys=False, allow_unicode=True)
