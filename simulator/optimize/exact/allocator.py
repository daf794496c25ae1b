"""The exact allocator for concave response curves.

With concave ``C_i`` the problem is convex, and at the optimum every item not held by a
bound earns the same marginal return per unit of spend (KKT). For multipliers ``m_k`` on
the targets (ratios and floors), ``lambda`` on the budget and ``eta_g`` on each binding
group, item ``i`` spends

    x_i = clip(C_i'^-1(price_i / coef_i), lower_i, upper_i)
    coef_i  = objective_i + sum_k m_k w_k,i
    price_i = spend_cost + sum_k m_k rho_k + lambda + eta_g(i)

so the whole problem reduces to a few one-dimensional monotone root finds:

- each group's price thresholds (where its spend hits ``hi`` or ``lo``), all groups at
  once, and then the budget's price, by safeguarded Newton in log-price space (bracketed,
  so it cannot fail; bisection takes over where Newton does not shrink the residual):
  :mod:`simulator.optimize.exact._core` with :func:`simulator.optimize.exact._roots.solve_prices`;
- each active target's multiplier, by a bracketed regula falsi (Anderson-Bjorck) in log
  space, nested when more than one target binds (the partially minimised dual stays
  convex, so every level is a monotone 1-D problem): :mod:`simulator.optimize.exact._targets`.

Every root find ends on a bracket whose two allocations straddle the constraint; the
answer is the convex combination that meets it exactly. That fills ties of flat
marginals (linear curves, several items at one price) and, because the targets are
concave in ``x``, keeps every ratio and floor met.

This module is the entry point: it checks the bounds, runs the dual, labels what holds
each item and, when no split meets the targets, asks :mod:`simulator.optimize.exact.diagnose`
which target fails first and how close the best split comes.
"""

from __future__ import annotations

import numpy as np

from simulator.optimize.exact._core import Solution
from simulator.optimize.exact._targets import Allocator
from simulator.optimize.exact.diagnose import best_ratio, diagnose_infeasible, min_feasible_spend
from simulator.optimize.problem import Allocation, Problem

__all__ = ["best_ratio", "optimize_exact"]  # best_ratio: re-exported for older callers


def _labels(p: Problem, al: Allocator, sol: Solution) -> tuple[str, ...]:
    """What holds each item: a bound, a group, the strongest binding target, or the budget."""
    x, tol = sol.x, 1e-9 * (1.0 + np.abs(sol.x))
    nr = len(p.ratios)
    share = sol.m[:nr] * al.rho[:nr] if nr else np.zeros(0)
    ratio = al.names[int(np.argmax(share))] if share.size and share.max() > sol.lam else ""
    floors = [al.names[k] for k in range(nr, al.n_targets) if sol.m[k] > 0]
    coupled = ratio or ("budget" if sol.lam > 0 else (floors[0] if floors else "optimum"))
    labels = np.full(p.n, coupled, dtype=object)  # vectorised: N can be 10^4 and more
    owner = al.core.owner
    if p.groups:
        held = (owner >= 0) & (sol.eta[np.maximum(owner, 0)] != 0)
        names = np.array([f"group:{g.name}" for g in p.groups], dtype=object)
        labels[held] = names[owner[held]]
    labels[x >= p.upper - tol] = "max_spend"
    labels[x <= p.lower + tol] = "min_spend"
    return tuple(labels.tolist())


def _finish(p: Problem, al: Allocator, sol: Solution) -> Allocation:
    """The answer with its multipliers, net marginal returns and what holds each item."""
    x = np.minimum(np.maximum(sol.x, p.lower), al.core.upper)  # upper: at most the budget
    mult = {"budget": sol.lam} | dict(zip(al.names, map(float, sol.m), strict=True))
    mult |= {f"group:{g.name}": float(e) for g, e in zip(p.groups, sol.eta, strict=True)}
    marginal = p.item_marginals(al.a, x) - al.c
    return Allocation(x, p.objective_value(x), "optimal", mult, marginal, _labels(p, al, sol))


def optimize_exact(problem: Problem, diagnose: bool = True) -> Allocation:
    """The optimal split for concave curves, or the best approach to the first failed target.

    ``diagnose=False`` skips the search for the best reachable value of a failed target
    (callers that only need feasibility, such as branch and bound, save that work); the
    infeasible answer then carries no ``infeasibility``.

    Raises:
        ValueError: if any curve is not concave (use :mod:`simulator.optimize.exact.scurves`).
    """
    p = problem
    if not np.all(p.curves.concave):
        bad = np.nonzero(~p.curves.concave)[0].tolist()
        raise ValueError(f"optimize_exact: items {bad} have non-concave curves; use nonconcave")
    info = min_feasible_spend(p)
    if info is not None:
        x = np.asarray(p.lower, float)
        return Allocation(x, p.objective_value(x), "infeasible", infeasibility=info)
    al = Allocator(p)
    sol = al.run()
    if sol is not None:
        return _finish(p, al, sol)
    if not diagnose:
        return Allocation(p.lower, -np.inf, "infeasible")
    info, x = diagnose_infeasible(p, al)
    return Allocation(x, p.objective_value(x), "infeasible", infeasibility=info)
