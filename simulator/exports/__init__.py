"""Every file adsim exports, and the one way they are picked and written.

What lives where:

- ``registry``: ``ExportKind`` (suffixes, mime type, label, render to bytes) and
  ``Registry`` (pick a kind by a path's suffix; render, then write atomically).
- ``plan``: ``PlanExport`` (a result, its scenario and the YAML's source text) and the
  plain tables its formats share; ``csv``, ``json``, ``yaml``, ``parquet``: one plan
  format each. ``PLAN_KINDS`` below lists them: ``optimize --out``, the batch's per-run
  files and the studio's download buttons all offer exactly these.
- ``studio``: the plan as the studio's downloads show it (edited scenario, "–" ratios).
- ``search``, ``front``: the kinds of ``search --out`` and ``pareto --out``.
- ``simulator.io.files.atomic_write``: bytes to disk, the only file writer.

A new plan format is one module with a ``render(plan) -> bytes`` and one entry below.
"""

from __future__ import annotations

from pathlib import Path

from simulator.exports import csv, json, parquet, yaml
from simulator.exports.plan import PlanExport, split_data
from simulator.exports.registry import ExportKind, Registry
from simulator.model.compiled import CompiledScenario
from simulator.results import Result

PLAN_KINDS = Registry[PlanExport]("plan", [csv.KIND, json.KIND, yaml.KIND, parquet.KIND])

__all__ = ["PLAN_KINDS", "ExportKind", "PlanExport", "Registry", "split_data", "write_export"]


def write_export(
    cs: CompiledScenario, result: Result, path: str | Path, source: str | Path
) -> None:
    """Write ``result`` to ``path`` by its suffix, atomically (nothing on failure).

    ``source`` is the scenario file, read only for the runnable YAML.
    """
    kind = PLAN_KINDS.for_path(path)
    text = Path(source).read_text(encoding="utf-8") if kind.name == "yaml" else ""
    PLAN_KINDS.write(path, PlanExport(cs, result, text))
