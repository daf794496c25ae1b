"""Trade-offs: the exact front of the objective against CAC or ROI, and its chance.

"How much more revenue if I accept a higher CAC?" For the expected-value model the front
is exact: each point is ``optimize`` on the scenario with the swept target (``cac_max``
or ``roi_min``) set to one value, the other targets kept. Because the exact allocator is
optimal at each value, no split earns more at that CAC (or ROI): the points are the front,
not a sample of it. The sweep runs from the best reachable value of the target (the
allocator's Dinkelbach bound) to the value the unconstrained optimum reaches.

``chance`` adds, per point, the share of simulated runs whose ROI reaches a threshold:
revenue against P(ROI >= target), the trade a cautious planner makes.

A customer base that grows with the plan is planned through ``optimize``'s fixed point at
every point and at the tight end: each point then says ``status`` (``feasible``) and
``fixed_point``, and a point whose base did not settle is named in ``warnings``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from simulator.model.compiled import CompiledScenario, Split
from simulator.model.curves import FloatArray
from simulator.model.targets import TARGETS, meets
from simulator.optimize import optimize, split_of
from simulator.optimize.exact.diagnose import best_ratio
from simulator.optimize.fixed_point import loop_sentence, plan_with_base
from simulator.optimize.lineitems import build_problem
from simulator.simulate import simulate

# axis (the metric swept) -> the target that sweeps it: the ratio targets of the table
AXES = {TARGETS[n].metric: n for n in ("cac_max", "roi_min")}


def with_target(cs: CompiledScenario, name: str, value: float | None) -> CompiledScenario:
    """The scenario with one target set (or removed with None); the rest unchanged, except
    ``targets.confidence``: the front is the exact one, targets met in expectation."""
    targets = {k: v for k, v in cs.targets.items() if k != name}
    if value is not None:
        targets[name] = float(value)
    return dataclasses.replace(cs, targets=targets, confidence=None)


@dataclass(frozen=True)
class FrontPoint:
    """One optimum: the target it was solved for and what it reaches."""

    target: float
    x: float  # the CAC or ROI reached
    y: float  # the objective reached
    totals: dict[str, float]
    allocation: dict[str, float]
    p_target: float | None = None  # share of simulated runs meeting the chance threshold
    # a growing base: (status, certificate.fixed_point) of the point's plan; None otherwise
    grown: tuple[str, dict[str, Any]] | None = None

    def to_json(self) -> dict[str, Any]:
        """The point; ``status`` and ``fixed_point`` only where the base grows."""
        doc = {k: v for k, v in dataclasses.asdict(self).items() if k != "grown"}
        if self.grown is not None:
            doc["status"], doc["fixed_point"] = self.grown[0], dict(self.grown[1])
        return doc


@dataclass
class Front:
    """The front, ordered by ``x``; ``rows()`` for CSV, ``figure()`` for the plot."""

    scenario: str
    axis: str  # "cac" or "roi"
    target: str  # "cac_max" or "roi_min"
    objective: str
    points: list[FrontPoint]
    skipped: list[float] = field(default_factory=list)  # targets the optimiser could not meet
    chance: dict[str, Any] | None = None  # {"roi": threshold, "runs": R, "seed": S}
    warnings: list[str] = field(default_factory=list)  # points whose base did not settle

    def rows(self) -> list[dict[str, Any]]:
        out = []
        for p in self.points:
            row: dict[str, Any] = {self.target: p.target, self.axis: p.x, self.objective: p.y}
            row |= {k: p.totals[k] for k in ("spend", "revenue", "new_customers", "roi", "cac")}
            if p.p_target is not None:
                row["p_roi_target"] = p.p_target
            row |= {f"spend:{cid}": v for cid, v in p.allocation.items()}
            out.append(row)
        return out

    def to_json(self) -> dict[str, Any]:
        doc = {k: v for k, v in dataclasses.asdict(self).items() if k != "warnings"}
        doc["points"] = [p.to_json() for p in self.points]
        if self.warnings:
            doc["warnings"] = list(self.warnings)
        return doc


def _reached(totals: dict[str, float], axis: str) -> float:
    return float(totals[axis])


def sweep_range(cs: CompiledScenario, axis: str, plan: str, points: int) -> tuple[float, float]:
    """(the tight end of the sweep, the value at the optimum without the target).

    The tight end is the best reachable value (Dinkelbach) where it is reached at a
    useful spend. Concave curves reach their best only as spend falls to zero (a hill
    with shape < 1 even has an infinite ROI there), so where the best sits below a small
    budget, ``1 / (2 * points)`` of the free optimum's spend, the end is the value the
    optimum reaches on that small budget.
    """
    name = AXES[axis]
    free = optimize(with_target(cs, name, None), plan=plan)
    at_free = _reached(free.totals, axis)
    best, x_best, at_zero = tightest(with_target(cs, name, 1.0), name, plan == "daily")
    small_budget = free.totals["cost"] / (2.0 * points)  # the items are in cost
    if not at_zero and math.isfinite(best) and best > 0 and x_best.sum() >= small_budget:
        return (1.0 / best if TARGETS[name].inverted else best), at_free
    small = dataclasses.replace(with_target(cs, name, None), budget=small_budget)
    return _reached(optimize(small, plan=plan).totals, axis), at_free


def tightest(cs: CompiledScenario, name: str, daily: bool) -> tuple[float, FloatArray, bool]:
    """The best reachable value of target ``name`` (Dinkelbach: ``best_ratio``), its items and
    whether it is only approached at zero spend; a growing base through the fixed point
    (the ratio is then read on the base the best plan grows)."""

    def best_of(sc: CompiledScenario) -> tuple[Split, tuple[float, FloatArray, bool]]:
        problem = build_problem(sc, daily=daily)
        k = [r.name for r in problem.ratios].index(name)
        best, x_best, at_zero = best_ratio(problem, k)
        return split_of(sc, x_best, daily), (best, x_best, at_zero)

    return plan_with_base(cs, best_of)[2]


def targets_between(best: float, at_free: float, points: int) -> list[float]:
    """``points`` target values from one step inside the tight end to the free optimum's."""
    if not (math.isfinite(best) and math.isfinite(at_free)) or points < 1:
        return [at_free] if math.isfinite(at_free) else []
    steps = np.arange(1, points + 1) / points
    values = best + (at_free - best) * steps
    return sorted({float(v) for v in values})


def pareto_front(
    cs: CompiledScenario,
    axis: str = "cac",
    points: int = 20,
    plan: str = "total",
    on_step: Callable[[int, int], None] | None = None,
) -> Front:
    """The exact front of the objective against ``axis`` ("cac" or "roi").

    ``on_step(done, total)`` is called after each point, for a progress bar.
    """
    if axis not in AXES:
        raise ValueError(f"axis: use cac or roi (got {axis!r})")
    if cs.objective == "min_spend":
        raise ValueError("pareto: objective min_spend has no front; use revenue, profit, ...")
    name = AXES[axis]
    best, at_free = sweep_range(cs, axis, plan, points)
    front: list[FrontPoint] = []
    skipped: list[float] = []
    warnings: list[str] = []
    sweep = list(targets_between(best, at_free, points))
    for i, t in enumerate(sweep):
        res = optimize(with_target(cs, name, t), plan=plan)
        if on_step is not None:
            on_step(i + 1, len(sweep))
        if res.status not in ("optimal", "feasible") or not res.totals["spend"] > 0:
            skipped.append(t)
            continue
        x, y = _reached(res.totals, axis), float(res.totals[cs.objective])
        loop = res.certificate.fixed_point if res.certificate is not None else None
        grown = None if loop is None else (res.status, loop.to_json())
        front.append(FrontPoint(t, x, y, dict(res.totals), dict(res.allocation), grown=grown))
        unsettled = loop_sentence(loop)
        if unsettled is not None:
            warnings.append(f"{name} {t:g}: {unsettled}")
    front.sort(key=lambda p: p.x)
    return Front(cs.name, axis, name, cs.objective, front, skipped, warnings=warnings)


def add_chance(
    cs: CompiledScenario, front: Front, roi: float, runs: int = 500, seed: int = 0
) -> Front:
    """Each point's share of simulated runs with ROI >= ``roi`` (same seed for all)."""
    points = []
    for p in front.points:
        sim = simulate(cs, p.allocation, runs=runs, seed=seed)
        share = float(np.mean(meets("roi_min", sim.per_run["roi"], roi)))
        points.append(dataclasses.replace(p, p_target=share))
    chance = {"roi": roi, "runs": runs, "seed": seed}
    return dataclasses.replace(front, points=points, chance=chance)
