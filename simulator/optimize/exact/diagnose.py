"""Why a problem has no split, and how close the best split comes.

An infeasible answer is only useful if it says which target fails first (in the
contract's order) and what the best reachable value of that target is, with the spend that
reaches it: "the best ROI is 2.7 at 41,000 spend" tells a marketer what to change. Bounds
and group limits are checked first, by sums alone; a target is then judged by maximising
its own metric subject to the targets before it.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from simulator.model.curves import FloatArray
from simulator.optimize.exact._targets import Allocator
from simulator.optimize.problem import Infeasibility, Problem


def min_feasible_spend(p: Problem) -> Infeasibility | None:
    """Lower bounds, group minimums and maximums that no split within the budget meets."""
    owner = np.full(p.n, -1)
    need = 0.0
    for j, grp in enumerate(p.groups):
        owner[grp.index] = j
        lo_sum = float(np.sum(p.lower[grp.index]))
        up_sum = float(np.sum(np.minimum(p.upper[grp.index], p.budget)))
        if grp.lo > up_sum * (1 + 1e-12) or grp.hi < lo_sum * (1 - 1e-12):
            best = up_sum if grp.lo > up_sum else lo_sum
            return Infeasibility(
                f"group:{grp.name}", grp.lo if grp.lo > up_sum else grp.hi, best, best
            )
        need += max(grp.lo, lo_sum)
    need += float(np.sum(p.lower[owner < 0]))
    if need > p.budget * (1 + 1e-12):
        return Infeasibility("budget", p.budget, need, need)
    return None


def prior(p: Problem, k: int, weights: FloatArray, cost: float) -> Problem:
    """Maximise target ``k``'s metric subject to the targets before it (the contract's order)."""
    nr = len(p.ratios)
    return replace(
        p,
        objective=weights,
        spend_cost=cost,
        ratios=p.ratios[: min(k, nr)],
        floors=p.floors[: max(0, k - nr)],
        minimize_spend=False,
    )


def best_ratio(p: Problem, k: int) -> tuple[float, FloatArray, bool]:
    """The highest ``sum w C / sum x`` of ratio ``k`` (given the earlier targets), by Dinkelbach.

    ``w`` may span two profiles (``Problem.rows``); the ratio is then ``Problem.metric``.

    Each step maximises ``sum w C - R sum x`` with the same allocator and moves ``R`` to
    the ratio it reaches; ``R`` rises monotonically to the best ratio. Where the best is
    only approached as spend falls to 0 (concave curves with zero lower bounds: the ratio
    at 0 is the steepest item's ``w C'(0)``), the flag says so and that limit is returned.
    """
    w = np.asarray(p.ratios[k].weights, float)
    r, x_best = 0.0, np.asarray(p.lower, float)
    for _ in range(200):
        sol = Allocator(prior(p, k, w, r)).run()
        if sol is None or sol.x.sum() <= 0:
            break
        r_new = p.metric(w, sol.x) / float(sol.x.sum())
        if r_new <= r * (1 + 1e-13):
            break
        r, x_best = r_new, sol.x
    zero_ok = not np.any(p.lower > 0) and all(g.lo <= 0 for g in p.groups) and k == 0
    limit = _limit_at_zero(p, w, r) if zero_ok else None
    if limit is not None:
        return limit, x_best, True
    return r, x_best, False


def _limit_at_zero(p: Problem, w: FloatArray, r: float) -> float | None:
    """The steepest item's ``w C'(0)`` if it beats ``r`` and is only reached as spend -> 0."""
    d0 = np.where(p.upper > 0, p.item_marginals(w, np.zeros(p.n)), 0.0)
    j = int(np.argmax(d0))
    eps = np.zeros(p.n)
    eps[j] = 1e-9 * p.budget
    strict = p.metric(w, eps) < d0[j] * eps[j] * (1 - 1e-12)
    return float(d0[j]) if d0[j] >= r * (1 - 1e-9) and strict else None


def diagnose_infeasible(p: Problem, al: Allocator) -> tuple[Infeasibility, FloatArray]:
    """The first target (in order) that cannot be met with those before it, and its best."""
    nr = len(p.ratios)
    for k, name in enumerate(al.names):
        rho = float(al.rho[k])
        sol = Allocator(prior(p, k, al.w[k], rho)).run()
        if sol is None:
            continue
        gap = al.gap(k, sol.x)
        if k < nr and (gap < -al.tol(k, sol.x) or sol.x.sum() <= 0):
            best, x, at_zero = best_ratio(p, k)
            info = Infeasibility(name, rho, best, 0.0 if at_zero else float(x.sum()), at_zero)
            return info, x
        if k >= nr and gap < -al.tol(k, sol.x):
            vol = p.metric(al.w[k], sol.x)
            return Infeasibility(name, float(al.floor[k]), vol, float(sol.x.sum())), sol.x
    name = al.names[0] if al.names else "budget"
    return Infeasibility(name, float("nan"), float("nan"), float("nan")), np.asarray(p.lower)
