"""Trade-offs: the exact front of the objective against CAC or ROI, and its chance.

"How much more revenue if I accept a higher CAC?" For the expected-value model the front
is exact: each point is ``optimize`` on the scenario with the swept target (``cac_max``
or ``roi_min``) set to one value, the other targets kept. Because the exact allocator is
optimal at each value, no split earns more at that CAC (or ROI): the points are the front,
not a sample of it. The sweep runs from the best reachable value of the target (the
allocator's Dinkelbach bound) to the value the unconstrained optimum reaches.

``chance`` adds, per point, the share of simulated runs whose ROI reaches a threshold:
revenue against P(ROI >= target), the trade a cautious planner makes.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from simulator.model.compiled import CompiledScenario
from simulator.model.targets import TARGETS, meets
from simulator.optimize import optimize
from simulator.optimize.exact.diagnose import best_ratio
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
        doc = dataclasses.asdict(self)
        doc["points"] = [dataclasses.asdict(p) for p in self.points]
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
    problem = build_problem(with_target(cs, name, 1.0), daily=plan == "daily")
    k = [r.name for r in problem.ratios].index(name)
    best, x_best, at_zero = best_ratio(problem, k)
    small_budget = free.totals["cost"] / (2.0 * points)  # the items are in cost
    if not at_zero and math.isfinite(best) and best > 0 and x_best.sum() >= small_budget:
        return (1.0 / best if TARGETS[name].inverted else best), at_free
    small = dataclasses.replace(with_target(cs, name, None), budget=small_budget)
    return _reached(optimize(small, plan=plan).totals, axis), at_free


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
    sweep = list(targets_between(best, at_free, points))
    for i, t in enumerate(sweep):
        res = optimize(with_target(cs, name, t), plan=plan)
        if on_step is not None:
            on_step(i + 1, len(sweep))
        if res.status not in ("optimal", "feasible") or not res.totals["spend"] > 0:
            skipped.append(t)
            continue
        x, y = _reached(res.totals, axis), float(res.totals[cs.objective])
        front.append(FrontPoint(t, x, y, dict(res.totals), dict(res.allocation)))
    front.sort(key=lambda p: p.x)
    return Front(cs.name, axis, name, cs.objective, front, skipped)


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
