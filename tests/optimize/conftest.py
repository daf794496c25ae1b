"""Shared builders and an independent reference solver (scipy SLSQP) for the allocator tests."""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize

from simulator.model.curve_set import CurveSet
from simulator.model.curves import Exponential, FloatArray, Hill, Linear
from simulator.optimize.problem import Problem


def curve_set(specs: list[tuple[str, float, float, float]]) -> CurveSet:
    """Items from ``(family, max_conversions, scale, shape)`` tuples."""
    curves = []
    for kind, m, s, k in specs:
        if kind == "hill":
            curves.append(Hill(np.array([m]), np.array([s]), np.array([k])))
        elif kind == "exponential":
            curves.append(Exponential(np.array([m]), np.array([s])))
        else:
            curves.append(Linear(np.array([m / s]), np.array([m])))
    return CurveSet.of(curves)


def constraint_values(p: Problem, x: FloatArray) -> dict[str, float]:
    """Each constraint's slack, relative to its size (>= -tol means met)."""
    conv = p.curves.value(x)
    out = {"budget": (p.budget - x.sum()) / p.budget}
    for r in p.ratios:
        lhs, rhs = float(r.weights @ conv), r.rho * float(x.sum())
        out[r.name] = (lhs - rhs) / max(lhs, rhs, 1e-300)
    for f in p.floors:
        out[f.name] = (float(f.weights @ conv) - f.floor) / f.floor
    for g in p.groups:
        s = float(x[g.index].sum())
        out[f"group:{g.name}:lo"] = (s - g.lo) / max(g.lo, 1.0)
        out[f"group:{g.name}:hi"] = (g.hi - s) / max(g.hi, 1.0) if np.isfinite(g.hi) else 1.0
    out["bounds"] = float(min(np.min(x - p.lower), np.min(p.upper - x)))
    return out


def slsqp(
    p: Problem, starts: int = 4, ftol: float = 1e-12, seed: int = 0
) -> tuple[float, FloatArray]:
    """Best feasible objective over several SLSQP starts (analytic gradients)."""
    n, budget = p.n, p.budget
    lo = np.maximum(p.lower, 1e-9 * budget)  # hill's infinite slope at 0 breaks SLSQP
    hi = np.minimum(p.upper, budget)
    scale = max(abs(p.objective_value(np.minimum(hi, budget / n))), 1e-9)

    def obj(x: FloatArray) -> tuple[float, FloatArray]:
        val = -p.objective_value(x) / scale
        grad = -(p.objective * p.curves.derivative(x) - p.spend_cost) / scale
        return val, grad

    cons = [
        {
            "type": "ineq",
            "fun": lambda x: (budget - x.sum()) / budget,
            "jac": lambda x: -np.ones(n) / budget,
        }
    ]
    for r in p.ratios:
        cons.append(
            {
                "type": "ineq",
                "fun": lambda x, r=r: (r.weights @ p.curves.value(x) - r.rho * x.sum()) / scale,
                "jac": lambda x, r=r: (r.weights * p.curves.derivative(x) - r.rho) / scale,
            }
        )
    for fl in p.floors:
        cons.append(
            {
                "type": "ineq",
                "fun": lambda x, f=fl: (f.weights @ p.curves.value(x) - f.floor) / f.floor,
                "jac": lambda x, f=fl: f.weights * p.curves.derivative(x) / f.floor,
            }
        )
    for g in p.groups:
        e = np.zeros(n)
        e[g.index] = 1.0
        cons.append(
            {
                "type": "ineq",
                "fun": lambda x, e=e, g=g: (e @ x - g.lo) / budget,
                "jac": lambda x, e=e: e / budget,
            }
        )
        if np.isfinite(g.hi):
            cons.append(
                {
                    "type": "ineq",
                    "fun": lambda x, e=e, g=g: (g.hi - e @ x) / budget,
                    "jac": lambda x, e=e: -e / budget,
                }
            )
    rng = np.random.default_rng(seed)
    best, best_x = -np.inf, lo
    for k in range(starts):
        x0 = np.clip(budget / n * (rng.uniform(0.2, 1.0, n) if k else np.ones(n)), lo, hi)
        res = minimize(
            obj,
            x0,
            jac=True,
            method="SLSQP",
            bounds=list(zip(lo, hi, strict=True)),
            constraints=cons,
            options={"ftol": ftol, "maxiter": 1000},
        )
        x = np.clip(res.x, lo, hi)
        slack = constraint_values(p, x)
        if min(slack.values()) < -1e-9:
            continue
        val = p.objective_value(x)
        if val > best:
            best, best_x = val, x
    return best, best_x
