"""JSON: the contract's document of ``optimize --format json``, plus any extra keys
(already plain JSON values: the caller applies ``json_safe`` where it needs to)."""

from __future__ import annotations

import json
from typing import Any

from simulator.exports.plan import PlanExport, label_of, rounded
from simulator.exports.registry import ExportKind


def json_text(doc: dict[str, Any]) -> str:
    """Indented, non-ASCII kept (channel names in Chinese stay readable), newline-ended."""
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def render(plan: PlanExport) -> bytes:
    doc = plan.result.to_json() | dict(plan.json_extra)
    if plan.labelled:
        keys = [*plan.result.channels, *plan.result.ad_sets]
        doc["labels"] = {k: label_of(plan.cs, k) for k in keys if label_of(plan.cs, k)}
    return json_text(rounded(doc, plan.decimals)).encode("utf-8")


KIND = ExportKind[PlanExport]("json", (".json",), "application/json", "JSON", render)
