"""Whole units: items bought only in multiples of a unit price (a KOL post, a board, a staff-day).

Method: branch and bound over the lumpy items' unit counts, with the exact allocator as
the bound. A node fixes the counts of the first lumpy items (their spend becomes both
lower and upper bound) and relaxes the rest to continuous spend within their bounds. The
relaxation contains every whole-unit split below the node, and the curves are concave,
so the exact allocator's optimum of the relaxation is a valid upper bound, and it also
meets the budget, bounds, groups, ratio targets and floors exactly as the final answer
must. A leaf (every count fixed) is solved exactly for the continuous items, so the
best leaf is the proven optimum; nodes whose bound cannot beat it, or whose relaxation
is infeasible, are cut. Children are tried nearest the relaxed spend first, which finds
a good incumbent early and makes the cuts bite.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from simulator.model.curves import FloatArray, IntArray
from simulator.optimize.exact import optimize_exact
from simulator.optimize.problem import Allocation, Infeasibility, Problem

_SLACK = 1e-12  # relative: a bound this close to the incumbent cannot beat it


@dataclass
class _Search:
    """Branch-and-bound state: the incumbent and the work budget."""

    problem: Problem
    unit: FloatArray
    order: IntArray
    n_min: IntArray
    n_max: IntArray
    best: Allocation | None = None
    nodes: int = 0
    max_nodes: int = 200_000

    def relax(self, lower: FloatArray, upper: FloatArray) -> Allocation | None:
        self.nodes += 1
        sol = optimize_exact(replace(self.problem, lower=lower, upper=upper), diagnose=False)
        return sol if sol.status == "optimal" else None

    def beaten(self, bound: float) -> bool:
        return self.best is not None and bound <= self.best.objective + _SLACK * abs(
            self.best.objective
        )

    def branch(self, depth: int, lower: FloatArray, upper: FloatArray, sol: Allocation) -> None:
        """Fix lumpy item ``order[depth]`` to each feasible count, nearest the relaxation first."""
        if depth == self.order.size:
            if self.best is None or sol.objective > self.best.objective:
                self.best = sol
            return
        j = int(self.order[depth])
        counts = np.arange(self.n_min[j], self.n_max[j] + 1)
        for c in counts[np.argsort(np.abs(counts * self.unit[j] - sol.x[j]), kind="stable")]:
            if self.nodes >= self.max_nodes:
                return
            lo, hi = lower.copy(), upper.copy()
            lo[j] = hi[j] = c * self.unit[j]
            child = self.relax(lo, hi)
            if child is not None and not self.beaten(child.objective):
                self.branch(depth + 1, lo, hi, child)


def optimize_lumpy(problem: Problem, unit_cost: FloatArray, max_nodes: int = 200_000) -> Allocation:
    """The best split when item ``i`` spends a whole multiple of ``unit_cost[i]`` (0: any amount).

    Exact (every curve must be concave; see :mod:`simulator.optimize.nonconcave` for
    S-curves) unless ``max_nodes`` relaxations run out first, in which case the best split
    found is returned with the root relaxation's optimum as ``upper_bound``.

    Raises:
        ValueError: for a negative unit cost or a non-concave curve.
    """
    unit = np.asarray(unit_cost, dtype=float)
    if np.any(unit < 0):
        raise ValueError(f"optimize_lumpy: unit_cost must be >= 0 (got {unit.tolist()})")
    p = problem
    order = np.nonzero(unit > 0)[0]
    safe = np.where(unit > 0, unit, 1.0)
    n_min = np.ceil(p.lower / safe - 1e-9).astype(np.intp)
    n_max = np.floor(np.minimum(p.upper, p.budget) / safe + 1e-9).astype(np.intp)
    lower = np.where(unit > 0, n_min * unit, p.lower)
    upper = np.where(unit > 0, n_max * unit, p.upper)
    root = optimize_exact(replace(p, lower=lower, upper=upper))
    if root.status != "optimal" or order.size == 0:
        return _with_units(root, unit)
    search = _Search(p, unit, order, n_min, n_max, max_nodes=max_nodes)
    search.branch(0, lower, upper, root)
    if search.best is None:
        return _no_whole_split(p, root)
    exhausted = search.nodes >= max_nodes
    return _with_units(search.best, unit, root.objective if exhausted else None)


def _with_units(sol: Allocation, unit: FloatArray, bound: float | None = None) -> Allocation:
    """Label whole-unit items ``unit`` (their spend is fixed by the count, not a price)."""
    if sol.status != "optimal":
        return sol
    active = tuple("unit" if u > 0 else a for u, a in zip(unit, sol.active, strict=True))
    return replace(sol, active=active, upper_bound=bound)


def _no_whole_split(p: Problem, relaxed: Allocation) -> Allocation:
    """Fractional units would meet the targets, whole ones do not: name the first target."""
    names = [(r.name, r.rho) for r in p.ratios] + [(f.name, f.floor) for f in p.floors]
    name, required = names[0] if names else ("budget", p.budget)
    info = Infeasibility(name, required, float("nan"), float("nan"))
    return replace(relaxed, status="infeasible", infeasibility=info, upper_bound=None)
