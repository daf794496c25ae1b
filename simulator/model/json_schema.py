"""The scenario format as a JSON Schema, for editors (VS Code's YAML extension, JetBrains).

Generated from the pydantic spec (``schema.ScenarioSpec``), so it cannot drift from what
``adsim validate`` accepts: every field gets its description from ``schema_docs`` unless
the spec gives one itself. The schema checks shape and ranges while typing; the located
errors of ``adsim validate`` (unknown segment ids, units, events before ``start_date``...)
stay the final word.
"""

from __future__ import annotations

from typing import Any

from simulator.model.schema import ScenarioSpec
from simulator.model.schema_docs import DESCRIPTIONS

DIALECT = "https://json-schema.org/draft/2020-12/schema"
ROOT = "ScenarioSpec"


def _models(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(model name, its schema node) for the root and every definition."""
    return [(ROOT, schema), *schema.get("$defs", {}).items()]


def scenario_schema() -> dict[str, Any]:
    """The JSON Schema of a scenario file, every property described."""
    schema = ScenarioSpec.model_json_schema()
    for name, node in _models(schema):
        docs = DESCRIPTIONS.get(name, {})
        for field, prop in node.get("properties", {}).items():
            if "description" not in prop and field in docs:
                prop["description"] = docs[field]
    return {
        "$schema": DIALECT,
        **schema,
        "title": "adsim scenario",
        "description": "An ad-budget scenario for adsim: budget, objective, targets, channels.",
    }


def undescribed(schema: dict[str, Any]) -> list[str]:
    """``Model.field`` of every property without a description (empty when complete)."""
    return [
        f"{name}.{field}"
        for name, node in _models(schema)
        for field, prop in node.get("properties", {}).items()
        if not prop.get("description")
    ]
