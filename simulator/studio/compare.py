"""A baseline and its variants, evaluated by the engine, with deltas and target checks."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from simulator.api import evaluate
from simulator.model.compiled import CompiledScenario
from simulator.results import TOTAL_KEYS, Result
from simulator.studio.variants import Allocation, Variant, apply_variant

# target -> (total it reads, +1 for a floor (>=), -1 for a cap (<=))
TARGET_RULES: dict[str, tuple[str, int]] = {
    "roi_min": ("roi", 1),
    "cac_max": ("cac", -1),
    "ltv_cac_min": ("ltv_cac", 1),
    "revenue_min": ("revenue", 1),
    "conversions_min": ("conversions", 1),
    "new_customers_min": ("new_customers", 1),
}
_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Column:
    """One column of the comparison: what it is, its outcome, and how it differs."""

    key: str
    variant: Variant | None
    allocation: Allocation | None
    result: Result | None
    deltas: dict[str, float | None] = field(default_factory=dict)
    checks: dict[str, bool] = field(default_factory=dict)

    @property
    def targets_met(self) -> bool:
        return all(self.checks.values())


def target_checks(targets: Mapping[str, float], totals: Mapping[str, float]) -> dict[str, bool]:
    """Whether each target holds; an undefined ratio (nothing spent) meets none."""
    out: dict[str, bool] = {}
    for name, bound in targets.items():
        if name not in TARGET_RULES:
            continue
        key, sense = TARGET_RULES[name]
        value = totals.get(key)
        if value is None or not math.isfinite(value):
            out[name] = False
        elif sense > 0:
            out[name] = value >= bound * (1 - _TOLERANCE)
        else:
            out[name] = value <= bound * (1 + _TOLERANCE)
    return out


def deltas(result: Result, baseline: Result) -> dict[str, float | None]:
    """Each headline total minus the baseline's (None where either is undefined)."""
    out: dict[str, float | None] = {}
    for key in TOTAL_KEYS:
        a, b = result.totals.get(key), baseline.totals.get(key)
        ok = a is not None and b is not None and math.isfinite(a) and math.isfinite(b)
        out[key] = (a - b) if ok and a is not None and b is not None else None
    return out


def _column(
    cs: CompiledScenario,
    key: str,
    variant: Variant | None,
    allocation: Allocation | None,
    result: Result | None,
) -> Column:
    checks = target_checks(cs.active_targets(), result.totals) if result else {}
    return Column(key, variant, allocation, result, {}, checks)


def compare(
    cs: CompiledScenario,
    baseline: Mapping[str, float],
    variants: Sequence[Variant] = (),
    recommendation: Result | None = None,
) -> list[Column]:
    """Evaluate the baseline and each variant; the optimiser's column uses its own split.

    A variant that cannot be evaluated yet (the optimiser's split before it has run) is a
    column with ``result=None``. Raises ``ScenarioError`` for an allocation the split rules
    reject (e.g. not a whole number of units).
    """
    base_alloc = dict(baseline)
    base = evaluate(cs, base_alloc)
    columns = [_column(cs, "baseline", None, base_alloc, base)]
    recommended = recommendation.allocation if recommendation else None
    for i, variant in enumerate(variants, start=1):
        alloc = apply_variant(cs, base_alloc, variant, recommended)
        result: Result | None = None
        if variant.kind == "optimize" and recommendation is not None:
            result = evaluate(cs, recommendation.split or recommendation.allocation)
        elif alloc is not None:
            result = evaluate(cs, alloc)
        col = _column(cs, f"v{i}", variant, alloc, result)
        if result is not None:
            col = Column(col.key, variant, alloc, result, deltas(result, base), col.checks)
        columns.append(col)
    return columns
