"""A run's recommendation as CSV, JSON and YAML text (the formats of ``optimize --out``).

Rendered in the worker and written by the parent, so a Dask worker on another machine
needs no access to the output folder. The layouts are the optimiser's exports
(``simulator.exports``); the JSON adds the run's ``simulation`` summary (and ``search``).
"""

from __future__ import annotations

from typing import Any

import yaml

from simulator.exports import render_export, split_data
from simulator.io.export import json_text
from simulator.io.yaml_split import scenario_with_split
from simulator.model.compiled import CompiledScenario
from simulator.results import Result, json_safe


def recommendation_files(
    sc: CompiledScenario,
    data: Any,
    source: str,
    result: Result,
    simulation: dict[str, Any],
    searched: dict[str, Any] | None = None,
) -> dict[str, str]:
    """``{".csv": ..., ".json": ..., ".yaml": ...}`` for one run.

    ``source`` is the scenario file's text (its comments are kept in the YAML); for a sweep
    point it is empty and the expanded data is written instead, so the YAML holds the
    point's values and reruns exactly this run. ``searched`` (a run with
    ``--search-trials``) is added to the JSON as ``search``.
    """
    doc = result.to_json()
    if simulation:
        doc["simulation"] = json_safe(simulation)
    if searched:
        doc["search"] = searched
    if not source:
        plain = {k: v for k, v in dict(data).items() if k not in ("sweep", "split")}
        source = yaml.safe_dump(json_safe(plain), sort_keys=False, allow_unicode=True)
    return {
        ".csv": render_export(sc, result, "csv", ""),
        ".json": json_text(doc),
        ".yaml": scenario_with_split(source, split_data(sc, result)),
    }
