"""Why no whole-unit split meets the targets, and the best whole units reach.

The continuous diagnosis (:mod:`simulator.optimize.exact.diagnose`) may name a best that only
slivers of a unit reach ("the lowest CAC is 31.58, approached as spend falls to 0" when
one staff-day already costs 31.93 a customer) and return such a sliver as the plan. Here
every search runs over whole units: the first target (in the contract's order) that the
targets before it leave unreachable is named with its best over whole units, and the
returned split buys whole units only.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from simulator.model.curves import FloatArray
from simulator.optimize.exact.diagnose import _limit_at_zero, min_feasible_spend, prior
from simulator.optimize.problem import Infeasibility, Problem

_MAX_STEPS = 60  # Dinkelbach steps; each is one whole-unit search
_TOL = 1e-9


def best_ratio_whole(p: Problem, k: int, unit: FloatArray) -> tuple[float, FloatArray, bool]:
    """The highest ratio ``k`` over whole-unit splits meeting the targets before it.

    Dinkelbach: maximise ``sum w C - R sum x`` over whole units, move ``R`` to the ratio
    reached, until it stops rising (exact: each step is a whole-unit branch and bound).
    Only continuous items can approach zero spend, so the limit at zero is theirs alone.
    """
    from simulator.optimize.exact.units import optimize_lumpy

    w = np.asarray(p.ratios[k].weights, float)
    r, x_best = 0.0, np.asarray(p.lower, float)
    for _ in range(_MAX_STEPS):
        sol = optimize_lumpy(prior(p, k, w, r), unit)
        if sol.status != "optimal" or sol.x.sum() <= 0:
            break
        r_new = p.metric(w, sol.x) / float(sol.x.sum())
        if r_new <= r * (1 + 1e-13):
            break
        r, x_best = r_new, sol.x
    continuous = unit <= 0
    zero_ok = not np.any(p.lower > 0) and all(g.lo <= 0 for g in p.groups) and k == 0
    if zero_ok and continuous.any():
        only_continuous = np.where(continuous, p.upper, 0.0)
        limit = _limit_at_zero(replace(p, upper=only_continuous), w, r)
        if limit is not None:
            return limit, x_best, True
    return r, x_best, False


def diagnose_whole(p: Problem, unit: FloatArray) -> tuple[Infeasibility, FloatArray]:
    """The first target (in order) whole units cannot meet with those before it, and its best."""
    from simulator.optimize.exact.units import optimize_lumpy

    info = min_feasible_spend(p)
    if info is not None:
        return info, np.asarray(p.lower, float)
    for k, ratio in enumerate(p.ratios):
        best, x, at_zero = best_ratio_whole(p, k, unit)
        if best < ratio.rho * (1 - _TOL) or x.sum() <= 0:
            spend = 0.0 if at_zero else float(x.sum())
            return Infeasibility(ratio.name, ratio.rho, best, spend, at_zero), x
    nr = len(p.ratios)
    for i, floor in enumerate(p.floors):
        sol = optimize_lumpy(prior(p, nr + i, floor.weights, 0.0), unit)
        if sol.status != "optimal":
            continue
        volume = p.metric(floor.weights, sol.x)
        if volume < floor.floor * (1 - _TOL):
            return Infeasibility(floor.name, floor.floor, volume, float(sol.x.sum())), sol.x
    names = [r.name for r in p.ratios] + [f.name for f in p.floors]
    lower = np.asarray(p.lower, float)
    return Infeasibility(names[0] if names else "budget", np.nan, np.nan, np.nan), lower
