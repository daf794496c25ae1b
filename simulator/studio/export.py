"""Downloads of one column: the optimiser's exporters, fed the edited scenario.

``simulator.exports.render_export`` writes the CSV, the contract JSON and the runnable
YAML (the scenario's own text with ``split:`` replaced, comments kept). When the studio
has edited assumptions, the YAML must carry the edits, so the edited plain data is
dumped as the source text instead (comments are then lost: the values matter more).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import yaml

from simulator.exports import render_export
from simulator.model.compiled import CompiledScenario
from simulator.results import Result
from simulator.studio.edits import Edits, apply_edits
from simulator.studio.format import defined

KINDS = {"csv": "text/csv", "json": "application/json", "yaml": "application/yaml"}


def source_text(text: str, data: Mapping[str, Any], edits: Edits) -> str:
    """The scenario text a runnable YAML starts from: the file's own, or the edited data."""
    if not edits:
        return text
    edited = {k: v for k, v in apply_edits(data, edits).items() if k != "split"}
    return yaml.safe_dump(edited, sort_keys=False, allow_unicode=True, width=100)


def _nan(row: Mapping[str, Any]) -> dict[str, Any]:
    """``format.defined`` with None as nan: the exporters write nan as null / an empty cell."""
    return {k: float("nan") if v is None else v for k, v in defined(row).items()}


def shown_result(result: Result) -> Result:
    """``result`` with the ratios the cards show as "–" undefined in the files too.

    A download should say what its card says: no ROI beside a spend of ¥0.
    """
    return replace(
        result,
        totals=_nan(result.totals),
        channels={k: _nan(row) for k, row in result.channels.items()},
        ad_sets={k: _nan(row) for k, row in result.ad_sets.items()},
    )


def export(
    cs: CompiledScenario,
    result: Result,
    kind: str,
    text: str,
    data: Mapping[str, Any],
    edits: Edits,
) -> str:
    """The file text of ``kind`` (csv, json or yaml) for ``result``."""
    source = source_text(text, data, edits) if kind == "yaml" else ""
    return render_export(cs, shown_result(result), kind, source)
