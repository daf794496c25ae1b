"""Downloads of a result: CSV per channel and ad set, the contract JSON, runnable YAML.

Small stand-ins until ``simulator/io/export.py`` (the optimiser's ``--out``) exists;
the columns and forms follow CONTRACT.md so both give the same files.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from typing import Any

import yaml

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


def result_csv(result: Result) -> str:
    """One row per channel, then per ad set (``channel/segment``); empty where undefined."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    rows = {**result.channels, **result.ad_sets}
    for key, row in rows.items():
        values = json_safe([row.get(c) for c in CSV_COLUMNS[1:]])
        writer.writerow([key, *("" if v is None else repr(float(v)) for v in values)])
    return buffer.getvalue()


def result_json(result: Result) -> str:
    """The JSON document of ``adsim evaluate/optimize --format json``."""
    return json.dumps(result.to_json(), indent=2, ensure_ascii=False) + "\n"


def scenario_yaml(data: Mapping[str, Any], allocation: Mapping[str, float]) -> str:
    """The scenario's plain data with ``split:`` set to ``allocation``: runnable again."""
    doc = {k: v for k, v in data.items() if k != "split"}
    doc["split"] = {"allocation": {k: float(v) for k, v in allocation.items()}}
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)
