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

from collections.abc import Callable
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


@dataclass(frozen=True)
class UnitGrid:
    """Where each item's whole unit counts sit on its line-item axis.

    Items are spend by default: ``n`` units sit at ``n * unit``. A caller whose items are
    something else (cost, :mod:`simulator.optimize.cost_space`, where ``n`` staff-days
    with stage costs cost ``K(n * unit)``) passes the two monotone maps: ``level`` from
    counts to item values and ``count`` back (fractional), both over all ``(n,)`` items.
    """

    unit: FloatArray
    level: Callable[[FloatArray], FloatArray] | None = None
    count: Callable[[FloatArray], FloatArray] | None = None

    def at(self, counts: FloatArray | IntArray) -> FloatArray:
        """Item values of these counts ``(n,)`` (items without units: the counts unused)."""
        whole = np.asarray(counts, dtype=float)
        out = whole * self.unit if self.level is None else self.level(whole)
        return np.asarray(out, dtype=float)

    def at_item(self, j: int, counts: FloatArray) -> FloatArray:
        """Item ``j``'s value at each of ``counts``."""
        if self.level is None:
            return np.asarray(counts, dtype=float) * float(self.unit[j])
        one = np.zeros(self.unit.size)
        out = []
        for c in np.asarray(counts, dtype=float):
            one[j] = c
            out.append(float(self.level(one)[j]))
        return np.asarray(out)

    def counts(self, values: FloatArray) -> FloatArray:
        """Fractional unit counts of item values ``(n,)``."""
        safe = np.where(self.unit > 0, self.unit, 1.0)
        values = np.asarray(values, dtype=float)
        return values / safe if self.count is None else self.count(values)


@dataclass
class _Search:
    """Branch-and-bound state: the incumbent, the leaves' bounds and the work budget.

    Scores are "higher is better": the objective, or minus the spend for ``minimize_spend``.
    ``tangent`` (per profile, ``(P, n)``) is None when every curve is concave (then every
    leaf is exact).
    """

    problem: Problem
    grid: UnitGrid
    order: IntArray
    n_min: IntArray
    n_max: IntArray
    tangent: FloatArray | None = None
    best: Allocation | None = None
    best_score: float = -np.inf
    leaf_bound: float = -np.inf
    nodes: int = 0
    max_nodes: int = 200_000

    @property
    def unit(self) -> FloatArray:
        return self.grid.unit

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
        """Fix lumpy item ``order[depth]`` to each feasible count, nearest the relaxation first.

        With concave curves the children's bounds are concave in the fixed level and peak
        at the parent's relaxed spend ``sol.x[j]`` (a concave program's optimum as one
        variable is fixed, over a convex feasible set), so they fall away from it on each
        side: once a child on one side is cut (beaten or infeasible), every level beyond
        it on that side is too, and is not solved. S-curves' pinned values break that
        shape, so their children are all solved.
        """
        if depth == self.order.size:
            self.leaf(lower, upper, sol)
            return
        j = int(self.order[depth])
        levels = self.grid.at_item(j, np.arange(self.n_min[j], self.n_max[j] + 1))
        closed = [False, False]  # the sides below and above sol.x[j]: every level cut
        for level in levels[np.argsort(np.abs(levels - sol.x[j]), kind="stable")]:
            if self.nodes >= self.max_nodes:
                return
            side = int(level > sol.x[j])
            if closed[side]:
                continue
            lo, hi = lower.copy(), upper.copy()
            lo[j] = hi[j] = level
            child = self.relax(lo, hi)
            if child is not None and not self.beaten(self.score(child.objective)):
                self.branch(depth + 1, lo, hi, child)
            else:
                closed[side] = self.tangent is None


def optimize_lumpy(
    problem: Problem,
    unit_cost: FloatArray,
    max_nodes: int = 200_000,
    grid: UnitGrid | None = None,
) -> Allocation:
    """The best split when item ``i`` spends a whole multiple of ``unit_cost[i]`` (0: any amount).

    Exact for concave curves unless ``max_nodes`` relaxations run out first, in which
    case the best split found is returned with the root relaxation's optimum as
    ``upper_bound``. With S-curves the answer always carries ``upper_bound`` (equal to
    the objective where the search proves it). When no whole-unit split meets the
    targets, the infeasibility is diagnosed over whole units too
    (:mod:`simulator.optimize.exact.units_diagnose`). ``grid`` places the counts where the
    items are not spend (see :class:`UnitGrid`; its ``unit`` must be ``unit_cost``).

    Raises:
        ValueError: for a negative unit cost.
    """
    unit = np.asarray(unit_cost, dtype=float)
    if np.any(unit < 0):
        raise ValueError(f"optimize_lumpy: unit_cost must be >= 0 (got {unit.tolist()})")
    p = problem
    grid = UnitGrid(unit) if grid is None else grid
    order = np.nonzero(unit > 0)[0]
    n_min = np.ceil(grid.counts(p.lower) - 1e-9).astype(np.intp)
    n_max = np.floor(grid.counts(np.minimum(p.upper, p.budget)) + 1e-9).astype(np.intp)
    lower = np.where(unit > 0, grid.at(n_min), p.lower)
    upper = np.maximum(np.where(unit > 0, grid.at(n_max), p.upper), lower)
    rounded = replace(p, lower=lower, upper=upper)
    s_curves = not np.all(concave_items(p))
    tangent = problem_tangents(rounded) if s_curves else None
    search = _Search(rounded, grid, order, n_min, n_max, tangent, max_nodes=max_nodes)
    root = search.relax(lower, upper) if order.size else None
    if root is None:
        return _no_whole_split(rounded, grid, order.size == 0)
    search.branch(0, lower, upper, root)
    if search.best is None:
        return _no_whole_split(rounded, grid, False)
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


def _no_whole_split(p: Problem, grid: UnitGrid, no_units: bool) -> Allocation:
    """No whole-unit split meets the targets: which fails first, and its best over whole
    units (diagnosed on a spend grid; on another grid, the relaxation's diagnosis)."""
    from simulator.optimize.exact.units_diagnose import diagnose_whole

    if no_units or grid.level is not None:  # the continuous solvers answer and diagnose
        sol = optimize_nonconcave(p) if not np.all(concave_items(p)) else optimize_exact(p)
        return sol if no_units or sol.status != "optimal" else replace(sol, status="infeasible")
    info, x = diagnose_whole(p, grid.unit)
    return Allocation(x, p.objective_value(x), "infeasible", infeasibility=info)
