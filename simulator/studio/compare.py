"""A baseline and its variants, evaluated by the engine, with deltas and target checks."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from simulator.api import evaluate
from simulator.model.compiled import CompiledScenario
from simulator.model.targets import TARGET_METRICS, meets
from simulator.results import TOTAL_KEYS, Result
from simulator.studio.format import defined
from simulator.studio.guard_rails import Breach, breaches
from simulator.studio.variants import Allocation, Variant, apply_variant, real_percent

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
    breaches: tuple[Breach, ...] = ()
    actual_percent: float | None = None
    unplaced: float = 0.0

    @property
    def targets_met(self) -> bool:
        """Every target holds and the plan keeps the budget and each channel's bounds."""
        return all(self.checks.values()) and not self.breaches


def target_checks(
    targets: Mapping[str, float], totals: Mapping[str, float | None]
) -> dict[str, bool]:
    """Whether each target holds; an undefined ratio (nothing spent) meets none.

    Ratios over a total shown as 0 are undefined too (``format.defined``): a column that
    spends ¥0 never shows "targets met" for its ROI floor.
    """
    totals = defined(totals)
    return {
        name: bool(meets(name, _number(totals.get(TARGET_METRICS[name][0])), bound, _TOLERANCE))
        for name, bound in targets.items()
        if name in TARGET_METRICS
    }


def _number(value: float | None) -> float:
    return float("nan") if value is None else float(value)


def deltas(result: Result, baseline: Result) -> dict[str, float | None]:
    """Each headline total minus the baseline's (None where either is undefined)."""
    out: dict[str, float | None] = {}
    mine, base = defined(result.totals), defined(baseline.totals)
    extra = [k for k in ("total_revenue", "total_roi") if k in mine]  # with a baseline
    for key in (*TOTAL_KEYS, *extra):
        a, b = mine.get(key), base.get(key)
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
    broken = tuple(breaches(cs, allocation)) if allocation is not None else ()
    return Column(key, variant, allocation, result, {}, checks, broken)


def _unplaced(
    baseline: Mapping[str, float], variant: Variant, allocation: Allocation | None
) -> float:
    """Money a budget change asked for but could not place under the channels' caps."""
    if variant.kind != "scale" or allocation is None or variant.percent <= 0:
        return 0.0
    goal = sum(baseline.values()) * (1.0 + variant.percent / 100.0)
    left = goal - sum(allocation.values())
    return left if left > 0.5 else 0.0


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
        columns.append(
            replace(
                col,
                deltas=deltas(result, base) if result is not None else {},
                actual_percent=real_percent(base_alloc, variant, alloc),
                unplaced=_unplaced(base_alloc, variant, alloc),
            )
        )
    return columns
