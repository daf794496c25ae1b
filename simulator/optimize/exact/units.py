"""Whole units: items bought only in multiples of a unit price (a KOL post, a board, a staff-day).

Method: branch and bound over the lumpy items' unit counts. A node fixes the counts of
the first lumpy items (their spend becomes both lower and upper bound) and relaxes the
rest to continuous spend within their bounds. The relaxation contains every whole-unit
split below the node, so its optimum is a valid upper bound; it also meets the budget,
bounds, groups, ratio targets and floors exactly as the final answer must. Nodes whose
bound cannot beat the incumbent, or whose relaxation is infeasible, are cut. Children
are tried nearest the relaxed spend first, which finds a good incumbent early and makes
the cuts bite.

Concave curves: the relaxation is solved by the exact allocator and a leaf (every count
fixed) is solved exactly, so the best leaf is the proven optimum.

S-curves (a KOL post bought whole with an S-shaped response, the headline case): the
relaxation replaces every free S-curve by its concave envelope on its root range (the
envelope lies above the curve, so the bound stays valid) and pins each fixed item at its
own exact value. A leaf hands the free S-curves to :mod:`simulator.optimize.exact.scurves`,
whose envelope bound at that leaf joins the answer's ``upper_bound``: the best of the
incumbent and every leaf bound, a proven bound on the whole-unit optimum. With two
profiles (``aov_multiplier`` events) each profile gets its own envelope and its own pins.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from simulator.model.curves import FloatArray, IntArray
from simulator.optimize.exact.allocator import optimize_exact
from simulator.optimize.exact.scurves import (
    Profiles,
    concave_items,
    envelopes,
    optimize_nonconcave,
    problem_tangents,
)
from simulator.optimize.problem import Allocation, Problem

_SLACK = 1e-12  # relative: a bound this close to the incumbent cannot beat it


@dataclass
class _Search:
    """Branch-and-bound state: the incumbent, the leaves' bounds and the work budget.

    Scores are "higher is better": the objective, or minus the spend for ``minimize_spend``.
    ``tangent`` (per profile, ``(P, n)``) is None when every curve is concave (then every
    leaf is exact).
    """

    problem: Problem
    unit: FloatArray
    order: IntArray
    n_min: IntArray
    n_max: IntArray
    tangent: FloatArray | None = None
    best: Allocation | None = None
    best_score: float = -np.inf
    leaf_bound: float = -np.inf
    nodes: int = 0
    max_nodes: int = 200_000

    def score(self, objective: float) -> float:
        return -objective if self.problem.minimize_spend else objective

    def curves_at(self, lower: FloatArray, upper: FloatArray) -> Profiles:
        """Fixed items pinned at their spend, free S-curves replaced by their envelopes
        (each profile its own)."""
        p = self.problem
        if self.tangent is None:
            return p.profiles
        fixed = (self.unit > 0) & (lower >= upper)
        start = np.where(fixed, lower, p.lower)
        return envelopes(p, start, np.where(fixed, lower, self.tangent))

    def relax(self, lower: FloatArray, upper: FloatArray) -> Allocation | None:
        self.nodes += 1
        q = self.problem.with_profiles(self.curves_at(lower, upper))
        q = replace(q, lower=lower, upper=upper)
        sol = optimize_exact(q, diagnose=False)
        return sol if sol.status == "optimal" else None

    def beaten(self, bound: float) -> bool:
        return bound <= self.best_score + _SLACK * abs(self.best_score)

    def leaf(self, lower: FloatArray, upper: FloatArray, sol: Allocation) -> None:
        """Every count fixed: the rest exactly (concave) or by the S-curve method."""
        p = self.problem
        free_s = ~concave_items(p) & (self.unit == 0)
        if self.tangent is not None and free_s.any():
            fixed = self.unit > 0
            pins = envelopes(p, lower, lower, only=fixed)
            q = replace(p.with_profiles(pins), lower=lower, upper=upper)
            sol = optimize_nonconcave(q, incumbent=self.best_score)
            if sol.status != "optimal":
                return
            if sol.upper_bound is not None:
                self.leaf_bound = max(self.leaf_bound, self.score(sol.upper_bound))
        sol = replace(sol, objective=p.objective_value(sol.x))
        if self.score(sol.objective) > self.best_score:
            self.best, self.best_score = sol, self.score(sol.objective)

    def branch(self, depth: int, lower: FloatArray, upper: FloatArray, sol: Allocation) -> None:
        """Fix lumpy item ``order[depth]`` to each feasible count, nearest the relaxation first."""
        if depth == self.order.size:
            self.leaf(lower, upper, sol)
            return
        j = int(self.order[depth])
        counts = np.arange(self.n_min[j], self.n_max[j] + 1)
        for c in counts[np.argsort(np.abs(counts * self.unit[j] - sol.x[j]), kind="stable")]:
            if self.nodes >= self.max_nodes:
                return
            lo, hi = lower.copy(), upper.copy()
            lo[j] = hi[j] = c * self.unit[j]
            child = self.relax(lo, hi)
            if child is not None and not self.beaten(self.score(child.objective)):
                self.branch(depth + 1, lo, hi, child)


def optimize_lumpy(problem: Problem, unit_cost: FloatArray, max_nodes: int = 200_000) -> Allocation:
    """The best split when item ``i`` spends a whole multiple of ``unit_cost[i]`` (0: any amount).

    Exact for concave curves unless ``max_nodes`` relaxations run out first, in which
    case the best split found is returned with the root relaxation's optimum as
    ``upper_bound``. With S-curves the answer always carries ``upper_bound`` (equal to
    the objective where the search proves it). When no whole-unit split meets the
    targets, the infeasibility is diagnosed over whole units too
    (:mod:`simulator.optimize.exact.units_diagnose`).

    Raises:
        ValueError: for a negative unit cost.
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
    upper = np.maximum(np.where(unit > 0, n_max * unit, p.upper), lower)
    rounded = replace(p, lower=lower, upper=upper)
    s_curves = not np.all(concave_items(p))
    tangent = problem_tangents(rounded) if s_curves else None
    search = _Search(rounded, unit, order, n_min, n_max, tangent, max_nodes=max_nodes)
    root = search.relax(lower, upper) if order.size else None
    if root is None:
        return _no_whole_split(rounded, unit, order.size == 0)
    search.branch(0, lower, upper, root)
    if search.best is None:
        return _no_whole_split(rounded, unit, False)
    bound: float | None = None
    if search.nodes >= max_nodes:
        bound = root.objective
    elif s_curves:
        bound = max(search.best_score, search.leaf_bound)
        bound = -bound if p.minimize_spend else bound
    return _with_units(search.best, unit, bound)


def _with_units(sol: Allocation, unit: FloatArray, bound: float | None = None) -> Allocation:
    """Label whole-unit items ``unit`` (their spend is fixed by the count, not a price)."""
    if sol.status != "optimal":
        return sol
    active = tuple("unit" if u > 0 else a for u, a in zip(unit, sol.active, strict=True))
    return replace(sol, active=active, upper_bound=bound)


def _no_whole_split(p: Problem, unit: FloatArray, no_units: bool) -> Allocation:
    """No whole-unit split meets the targets: which fails first, and its best over whole units."""
    from simulator.optimize.exact.units_diagnose import diagnose_whole

    if no_units:  # nothing lumpy: the continuous solvers answer (and diagnose) directly
        return optimize_nonconcave(p) if not np.all(concave_items(p)) else optimize_exact(p)
    info, x = diagnose_whole(p, unit)
    return Allocation(x, p.objective_value(x), "infeasible", infeasibility=info)
