"""On-off minimums (``min_active_spend``): each channel spends 0 or at least its minimum.

Method: branch and bound over the choices, as whole units do over counts. The root
relaxes every choice, so a minimum that does not bind costs one solve; a channel of several
items switched on gets a group holding its minimum, which must not cross another group
(a daily plan's periods): such a node is refused (:class:`NestedGroups`), not guessed. A node fixes
the first choices (off: the channel's items capped at 0; on: its spend at least the
minimum, on its one item or on its channel group) and relaxes the rest to their plain
bounds. The relaxation contains every plan below the node, so its optimum (or the proven
bound a solver reports, for S-curves) bounds them all; nodes that cannot beat the
incumbent are cut, and a relaxation whose answer already keeps every open choice is that
subtree's optimum. Each node is solved by the solver its curves and units call for, so the
best leaf of concave channels is the proven optimum, and the answer's ``upper_bound`` is
the best of the incumbent and every cut node's bound.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from simulator.io.errors import UsageError
from simulator.model.curves import FloatArray
from simulator.optimize.problem import Allocation, Group, OnOff, PricedConstraint, Problem

_SLACK = 1e-9  # relative: a bound this close to the incumbent cannot beat it
MAX_NODES = 4096  # past this, open nodes' bounds go into the reported upper bound


class NestedGroups(UsageError):
    """A limit the line items cannot write exactly (a period's cost by total where
    commission meets events, an on-off minimum over items whose cost bends): refused
    rather than guessed. Nested and crossing groups are priced instead
    (:class:`simulator.optimize.problem.PricedConstraint`)."""


def switch(p: Problem, choice: OnOff, on: bool) -> Problem | None:
    """``p`` with ``choice`` fixed off or on; None when that side is impossible."""
    idx = choice.index
    own = [k for k, g in enumerate(p.groups) if np.array_equal(np.sort(g.index), np.sort(idx))]
    floors = [c for c in p.priced if c.name == f"group:{choice.name}:min"]
    if not on:
        held = any(p.groups[k].lo > 0 for k in own) or any(c.floor > 0 for c in floors)
        if np.any(p.lower[idx] > 0) or held:
            return None  # its min_spend keeps it on
        upper = p.upper.copy()
        upper[idx] = 0.0
        return replace(p, upper=upper)
    if idx.size == 1:
        if p.upper[idx[0]] < choice.minimum:
            return None
        lower = p.lower.copy()
        lower[idx] = np.maximum(lower[idx], choice.minimum)
        return replace(p, lower=lower)
    if float(np.sum(p.upper[idx])) < choice.minimum:
        return None
    groups = list(p.groups)
    if own:
        g = groups[own[0]]
        if g.hi < choice.minimum:
            return None
        groups[own[0]] = replace(g, lo=max(g.lo, choice.minimum))
    elif any(np.intersect1d(g.index, idx).size for g in groups):
        # inside a group or across periods: the minimum is held by a multiplier
        price = np.zeros(p.n)
        price[idx] = -1.0
        floor = PricedConstraint(f"on:{choice.name}", np.zeros(p.n), price, choice.minimum)
        return replace(p, priced=(*p.priced, floor))
    else:
        groups.append(Group(choice.name, idx, choice.minimum))
    return replace(p, groups=tuple(groups))


def _keeps(choice: OnOff, x: FloatArray) -> bool:
    s = float(np.sum(x[choice.index]))
    return s <= 1e-9 * max(choice.minimum, 1.0) or s >= choice.minimum * (1 - 1e-9)


@dataclass
class _Search:
    units: FloatArray
    minimize: bool
    best: Allocation | None = None
    best_score: float = -np.inf
    bounds: list[float] = field(default_factory=list)
    nodes: int = 0

    def score(self, a: Allocation) -> float:
        return -a.objective if self.minimize else a.objective

    def bound(self, a: Allocation) -> float:
        ub = a.upper_bound if a.upper_bound is not None else a.objective
        return -ub if self.minimize else ub

    def offer(self, a: Allocation) -> None:
        self.bounds.append(self.bound(a))
        if self.score(a) > self.best_score:
            self.best, self.best_score = a, self.score(a)


NodeSolver = Callable[[Problem, FloatArray], Allocation]


def optimize_on_off(
    problem: Problem, units: FloatArray, solve_node: NodeSolver | None = None
) -> Allocation:
    """The best plan whose on-off channels spend 0 or at least their minimum.

    ``solve_node`` answers each node (default: the solver its curves and units call for;
    whole units whose cost bends pass the branch and bound on their cost grid)."""
    from simulator.optimize.exact.solver import solve_problem

    solve_node = solve_node or solve_problem
    choices = problem.on_off
    search = _Search(units, problem.minimize_spend)
    stack: list[tuple[Problem, int]] = [(replace(problem, on_off=()), 0)]
    while stack:
        node, k = stack.pop()
        a = solve_node(node, units)
        if a.status == "infeasible":
            continue
        b = search.bound(a)
        if search.nodes >= MAX_NODES:
            search.bounds.append(b)
            continue
        search.nodes += 1
        if b <= search.best_score + _SLACK * max(abs(search.best_score), 1.0):
            search.bounds.append(b)
            continue
        open_ = choices[k:]
        if all(_keeps(c, np.asarray(a.x)) for c in open_):
            search.offer(a)
            continue
        c = open_[0]
        near_on = float(np.sum(np.asarray(a.x)[c.index])) >= 0.5 * c.minimum
        for on in (not near_on, near_on):  # the nearer side is popped first
            child = switch(node, c, on)
            if child is not None:
                stack.append((child, k + 1))
    if search.best is None:
        return _infeasible(problem, units, solve_node)
    top = max(search.bounds, default=search.best_score)
    upper = -top if search.minimize else top
    return replace(search.best, upper_bound=upper)


def _infeasible(problem: Problem, units: FloatArray, solve_node: NodeSolver) -> Allocation:
    """No on-off choice is feasible: the relaxation's own diagnosis where it has one."""
    relaxed = solve_node(replace(problem, on_off=()), units)
    if relaxed.status == "infeasible":
        return relaxed
    x = np.asarray(problem.lower, dtype=float)
    return Allocation(x, problem.objective_value(x), "infeasible")
