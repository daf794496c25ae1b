"""A plan as the studio's download buttons export it: what the page shows, edits included.

The studio renders the same ``PLAN_KINDS`` as ``optimize --out``, for people rather than
scripts: labels beside ids, a totals row, numbers rounded to cents (``DECIMALS``), and a
file named after the plan's title. Ratios the cards show as "–" (no ROI beside a spend of
¥0) are left undefined in the files too. The optimiser's column carries the optimiser's
status (optimal / infeasible) and message, not ``evaluated``. When assumptions were edited,
the runnable YAML must carry the edits, so the edited plain data is dumped as its source
text (comments are then lost: the values matter more).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import yaml

from simulator.exports import PLAN_KINDS, PlanExport
from simulator.model.compiled import CompiledScenario
from simulator.results import Result
from simulator.studio.edits import Edits, apply_edits
from simulator.studio.format import defined

DECIMALS = 2  # cents, and ratios to the hundredth as the cards show them


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
    """``result`` with the ratios the cards show as "–" undefined in the files too."""
    return replace(
        result,
        totals=_nan(result.totals),
        channels={k: _nan(row) for k, row in result.channels.items()},
        ad_sets={k: _nan(row) for k, row in result.ad_sets.items()},
    )


def as_recommended(result: Result, rec: Result | None) -> Result:
    """The optimiser column's result with the optimiser's own status, message, sentences
    and certificate (the column is evaluated again from its split: status ``evaluated``)."""
    if rec is None:
        return result
    return replace(
        result,
        status=rec.status,
        message=rec.message,
        explanations=rec.explanations,
        certificate=rec.certificate,
        upper_bound=rec.upper_bound,
    )


def file_name(scenario: str, title: str, suffix: str) -> str:
    """``<scenario>-<plan title><suffix>``: letters (any script), digits, ``.``, ``_`` and
    ``-`` kept, every other run of characters one ``-`` ("+30% budget" -> ``30-budget``)."""
    parts = [re.sub(r"[^\w.-]+", "-", p).strip("-.") for p in (scenario, title)]
    return "-".join(p for p in parts if p) + suffix


def export(
    cs: CompiledScenario,
    result: Result,
    kind: str,
    text: str,
    data: Mapping[str, Any],
    edits: Edits,
) -> bytes:
    """The file bytes of the registered plan kind ``kind`` (its name: csv, json, ...)."""
    source = source_text(text, data, edits) if kind == "yaml" else ""
    plan = PlanExport(cs, shown_result(result), source, labelled=True, decimals=DECIMALS)
    return PLAN_KINDS[kind].render(plan)
