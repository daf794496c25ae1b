"""The promises every exact solver keeps, importable so each solver runs the same checks.

A solver registered in ``simulator.optimize.exact.solver.SOLVERS`` is run on problems it
accepts (drawn by :func:`problems_for`) and held to: the budget and every bound; whole
units where asked; the objective it reports is the objective of its split; no split on a
fine grid of the budget beats it (and a reported upper bound is above both); and a floor
no split can reach is reported ``infeasible`` with the best reachable value, never a
split that misses it.
"""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
from hypothesis import strategies as st

from simulator.model.curve_set import CurveSet
from simulator.model.curves import Exponential, FloatArray, Hill, Logistic
from simulator.optimize.exact.solver import Solver
from simulator.optimize.problem import Allocation, FloorConstraint, OnOff, Problem

GRID = 48  # grid steps of the budget per item in the reference search


def _curve(kind: str, m: float, s: float) -> Hill | Exponential | Logistic:
    one = np.array
    if kind == "hill":
        return Hill(one([m]), one([s]), one([0.8]))
    if kind == "exponential":
        return Exponential(one([m]), one([s]))
    return Logistic(one([m]), one([s]), one([5.0]))


@st.composite
def problems_for(draw: st.DrawFn, kind: str) -> tuple[Problem, FloatArray]:
    """A small problem (2-3 items) the ``kind`` of solver takes, and its unit sizes.

    ``kind``: "concave" (hill and exponential), "scurves" (at least one logistic) or
    "units" (concave curves, some bought in whole units) or "onoff" (concave curves, the
    first item 0 or at least a minimum).
    """
    n = draw(st.integers(2, 3))
    families = ["hill", "exponential"] + (["logistic"] if kind == "scurves" else [])
    kinds = [draw(st.sampled_from(families)) for _ in range(n)]
    if kind == "scurves" and "logistic" not in kinds:
        kinds[0] = "logistic"
    budget = draw(st.floats(100.0, 1000.0))
    curves = [
        _curve(k, draw(st.floats(50.0, 500.0)), draw(st.floats(0.1, 0.6)) * budget) for k in kinds
    ]
    value = np.array([draw(st.floats(1.0, 3.0)) for _ in range(n)])
    units = np.zeros(n)
    if kind == "units":
        units[0] = budget / draw(st.integers(2, 6))
    p = Problem(CurveSet.of(curves), np.zeros(n), np.full(n, np.inf), value, budget)
    if kind == "onoff":
        minimum = draw(st.floats(0.2, 0.8)) * budget
        p = replace(p, on_off=(OnOff("first", np.array([0]), minimum),))
    return p, units


def _grid_best(p: Problem, units: FloatArray) -> float:
    """Best objective over a grid of splits of the budget (whole units on their grid)."""
    axes = []
    for i in range(p.n):
        if units[i] > 0:
            axes.append(np.arange(0.0, p.budget + 1e-9, units[i]))
        else:
            axes.append(np.linspace(0.0, p.budget, GRID + 1))
    best = -np.inf
    for point in itertools.product(*axes):
        x = np.array(point)
        if not all(_keeps_on_off(c, x) for c in p.on_off):
            continue
        if x.sum() <= p.budget * (1 + 1e-12):
            best = max(best, p.objective_value(x))
    return best


def _keeps_on_off(choice: OnOff, x: FloatArray) -> bool:
    s = float(np.sum(x[choice.index]))
    return s == 0 or s >= choice.minimum * (1 - 1e-12)


def check_answer(solver: Solver, p: Problem, units: FloatArray) -> Allocation:
    """The promises on one accepted problem; returns the answer for further checks."""
    assert solver.accepts(p, units)
    r = solver.solve(p, units)
    assert r.status == "optimal", (solver.name, r.status)
    x = np.asarray(r.x, dtype=float)
    assert x.sum() <= p.budget * (1 + 1e-9)
    assert np.all(x >= p.lower - 1e-9)
    assert np.all(x <= p.upper + 1e-9)
    whole = units > 0
    for choice in p.on_off:  # 0 or at least the minimum
        assert _keeps_on_off(choice, np.where(x < 1e-9 * p.budget, 0.0, x))
    if np.any(whole):
        counts = x[whole] / units[whole]
        np.testing.assert_allclose(counts, np.round(counts), atol=1e-9)
    assert np.isclose(r.objective, p.objective_value(x), rtol=1e-9)
    reference = _grid_best(p, units)
    assert r.objective >= reference * (1 - 1e-9) - 1e-9, (solver.name, r.objective, reference)
    if r.upper_bound is not None:
        assert r.upper_bound >= r.objective * (1 - 1e-12)
        assert r.upper_bound >= reference * (1 - 1e-9)
    return r


def check_unreachable_floor(solver: Solver, p: Problem, units: FloatArray) -> None:
    """A conversions floor above what the whole budget on every item buys is infeasible."""
    ceiling = float(np.sum(p.curves.value(np.full(p.n, p.budget))))
    floor = FloorConstraint("conversions_min", np.ones(p.n), 2.0 * ceiling + 1.0)
    q = Problem(p.curves, p.lower, p.upper, p.objective, p.budget, floors=(floor,))
    q = replace(q, on_off=p.on_off)
    r = solver.solve(q, units)
    assert r.status == "infeasible", (solver.name, r.status)
    assert r.infeasibility is not None
    assert r.infeasibility.constraint == "conversions_min"
    assert r.infeasibility.best_value < floor.floor
