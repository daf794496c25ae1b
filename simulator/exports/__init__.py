"""Every file adsim exports, and the one way they are picked and written.

What lives where:

- ``registry``: ``ExportKind`` (suffixes, mime type, label, render to bytes) and
  ``Registry`` (pick a kind by a path's suffix; render, then write atomically).
- ``plan``: ``PlanExport`` (a result, its scenario and the YAML's source text) and the
  plain tables its formats share; ``csv``, ``json``, ``yaml``, ``parquet``: one plan
  format each; ``xlsx`` the workbook (Summary, Channels, Ad sets, Daily, Weekly,
  Assumptions); ``days`` the plan by day and week that the daily CSV and the workbook
  share. ``PLAN_KINDS`` below lists them: ``optimize --out``, the batch's per-run files
  and the studio's download buttons all offer exactly these.
- ``studio``: the plan as the studio's downloads show it (edited scenario, "–" ratios).
- ``search``, ``front``: the kinds of ``search --out`` and ``pareto --out``.
- ``simulator.io.files.atomic_write``: bytes to disk, the only file writer.

A new plan format is one module with a ``render(plan) -> bytes`` and one entry below.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from simulator.exports import csv, json, parquet, xlsx, yaml
from simulator.exports.plan import PlanExport, split_data
from simulator.exports.registry import ExportKind, Registry
from simulator.io.files import atomic_write
from simulator.model.compiled import CompiledScenario
from simulator.results import Result, json_safe

PLAN_KINDS = Registry[PlanExport]("plan", [csv.KIND, json.KIND, yaml.KIND, parquet.KIND, xlsx.KIND])

__all__ = [
    "PLAN_KINDS",
    "ExportKind",
    "PlanExport",
    "Registry",
    "split_data",
    "weekly_path",
    "write_export",
    "write_simulation",
]


def write_export(
    cs: CompiledScenario, result: Result, path: str | Path, source: str | Path
) -> None:
    """Write ``result`` to ``path`` by its suffix, atomically (nothing on failure).

    ``source`` is the scenario file, read only for the runnable YAML. A daily plan's CSV
    gets its weekly roll-up beside it: ``plan.csv`` and ``plan.weekly.csv``.
    """
    kind = PLAN_KINDS.for_path(path)
    text = Path(source).read_text(encoding="utf-8") if kind.name == "yaml" else ""
    plan = PlanExport(cs, result, text)
    weekly = csv.weekly(plan) if kind.name == "csv" and result.daily is not None else None
    PLAN_KINDS.write(path, plan)
    if weekly is not None:
        atomic_write(weekly_path(path), weekly)


def write_simulation(
    cs: CompiledScenario,
    plan: Result,
    simulation: Mapping[str, Any],
    path: str | Path,
    source: str | Path,
) -> None:
    """Write the simulated split (``plan``, its expected outcome) with the Monte Carlo
    summary attached, by the path's suffix, as a batch run's files are: the JSON gains
    ``simulation``, the workbook a Simulation sheet."""
    kind = PLAN_KINDS.for_path(path)
    text = Path(source).read_text(encoding="utf-8") if kind.name == "yaml" else ""
    PLAN_KINDS.write(path, PlanExport(cs, plan, text, {"simulation": json_safe(dict(simulation))}))


def weekly_path(path: str | Path) -> Path:
    """Where a daily CSV's weekly roll-up goes: ``plan.csv`` -> ``plan.weekly.csv``."""
    p = Path(path)
    return p.with_name(f"{p.stem}.weekly{p.suffix}")
