"""JSON: the contract's document of ``optimize --format json``, plus any extra keys
(already plain JSON values: the caller applies ``json_safe`` where it needs to)."""

from __future__ import annotations

import json
from typing import Any

from simulator.exports.plan import PlanExport
from simulator.exports.registry import ExportKind


def json_text(doc: dict[str, Any]) -> str:
    """Indented, non-ASCII kept (channel names in Chinese stay readable), newline-ended."""
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def render(plan: PlanExport) -> bytes:
    doc = plan.result.to_json() | dict(plan.json_extra)
    return json_text(doc).encode("utf-8")


KIND = ExportKind[PlanExport]("json", (".json",), "application/json", "JSON", render)
