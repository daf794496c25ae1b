"""YAML: the scenario itself with ``split:`` set to the plan, runnable again."""

from __future__ import annotations

from simulator.exports.plan import PlanExport, split_data
from simulator.exports.registry import ExportKind
from simulator.io.yaml_split import scenario_with_split


def render(plan: PlanExport) -> bytes:
    """Every byte of ``source_text`` but its ``split:`` (comments kept; ``yaml_split``)."""
    return scenario_with_split(plan.source_text, split_data(plan.cs, plan.result)).encode("utf-8")


KIND = ExportKind[PlanExport](
    "yaml", (".yaml", ".yml"), "application/yaml", "Runnable YAML", render
)
