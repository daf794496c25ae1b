"""A run's recommendation in every plan export kind (the formats of ``optimize --out``).

Rendered in the worker and written by the parent, so a Dask worker on another machine
needs no access to the output folder. The kinds are ``simulator.exports.PLAN_KINDS``, so a
new format reaches the batch's ``runs/`` folder with no change here; the JSON adds the
run's ``simulation`` summary (and ``search``).
"""

from __future__ import annotations

from typing import Any

import yaml

from simulator.exports import PLAN_KINDS, PlanExport
from simulator.model.compiled import CompiledScenario
from simulator.results import Result, json_safe


def recommendation_files(
    sc: CompiledScenario,
    data: Any,
    source: str,
    result: Result,
    simulation: dict[str, Any],
    searched: dict[str, Any] | None = None,
) -> dict[str, bytes]:
    """``{".csv": ..., ".json": ..., ".yaml": ..., ...}`` for one run, one per plan kind.

    ``source`` is the scenario file's text (its comments are kept in the YAML); for a sweep
    point it is empty and the expanded data is written instead, so the YAML holds the
    point's values and reruns exactly this run. ``searched`` (a run with
    ``--search-trials``) is added to the JSON as ``search``.
    """
    extra: dict[str, Any] = {}
    if simulation:
        extra["simulation"] = json_safe(simulation)
    if searched:
        extra["search"] = searched
    if not source:
        plain = {k: v for k, v in dict(data).items() if k not in ("sweep", "split")}
        source = yaml.safe_dump(json_safe(plain), sort_keys=False, allow_unicode=True)
    plan = PlanExport(sc, result, source, extra)
    return {kind.suffix: kind.render(plan) for kind in PLAN_KINDS}
