"""Daily plan of 20 channels x 90 days (1,800 line items): the exact allocator vs SLSQP.

The scenario is the shared synthetic one with a 90-day horizon, a two-day sale event
(cost x1.8, conversions x2.5), adstock on every other channel and daily caps on a few.
Both solvers get the same line-item problem (``build_problem(cs, daily=True)``). SLSQP
gets analytic gradients, spends in units of an even day's share (numbers near one), and
a wall-clock cap; the gap of each is against the better of the two objectives.
Usage: python benchmarks/bench_daily.py [SLSQP_CAP_SECONDS]
"""

from __future__ import annotations

import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import minimize

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _scenarios import synthetic_data

from simulator.model.load import scenario_from_data
from simulator.optimize import optimize
from simulator.optimize.exact.allocator import optimize_exact
from simulator.optimize.lineitems import build_problem
from simulator.optimize.problem import Problem

N_CHANNELS, HORIZON, REPEATS = 20, 90, 5


def scenario_data() -> dict[str, Any]:
    data = synthetic_data(N_CHANNELS, seed=0, horizon_days=HORIZON)
    data["events"] = [
        {"name": "sale", "start": 60, "end": 61, "cost_multiplier": 1.8, "cvr_multiplier": 2.5}
    ]
    for i, ch in enumerate(data["channels"]):
        if i % 2:
            ch["adstock"] = {"decay": 0.2 + 0.05 * (i % 7)}
        if i % 5 == 0:
            ch["daily_cap"] = 0.9 * data["budget"]["total"] / N_CHANNELS / HORIZON
    return data


class Timeout(Exception):
    pass


def in_units(p: Problem, unit: float) -> Problem:
    """The same problem with spend counted in ``unit``."""
    ones = np.ones(p.n)
    return replace(
        p,
        curves=p.curves.scaled(ones, ones * unit),
        lower=p.lower / unit,
        upper=p.upper / unit,
        budget=p.budget / unit,
        groups=tuple(replace(g, lo=g.lo / unit, hi=g.hi / unit) for g in p.groups),
    )


def slsqp(p: Problem, cap_s: float) -> tuple[float, np.ndarray | None, float, str]:
    """SLSQP from the even plan; stops at the wall-clock cap (the last iterate is kept)."""
    n = p.n
    scale = max(abs(p.objective_value(np.full(n, p.budget / n))), 1e-9)
    cons = [{"type": "ineq", "fun": lambda x: p.budget - x.sum(), "jac": lambda x: -np.ones(n)}]
    for g in p.groups:
        e = np.zeros(n)
        e[g.index] = 1.0
        cons.append(
            {"type": "ineq", "fun": lambda x, e=e, g=g: e @ x - g.lo, "jac": lambda x, e=e: e}
        )
        if np.isfinite(g.hi):
            cons.append(
                {"type": "ineq", "fun": lambda x, e=e, g=g: g.hi - e @ x, "jac": lambda x, e=e: -e}
            )
    lo = np.maximum(p.lower, 1e-9)
    hi = np.minimum(p.upper, p.budget)
    last: dict[str, np.ndarray] = {}
    t0 = time.perf_counter()

    def obj(x: np.ndarray) -> tuple[float, np.ndarray]:
        grad = p.objective * p.curves.derivative(x) - p.spend_cost
        return -p.objective_value(x) / scale, -grad / scale

    def stop(x: np.ndarray) -> None:
        last["x"] = x.copy()
        if time.perf_counter() - t0 > cap_s:
            raise Timeout

    x0 = np.clip(np.full(n, p.budget / n), lo, hi)
    try:
        res = minimize(
            obj,
            x0,
            jac=True,
            method="SLSQP",
            bounds=list(zip(lo, hi, strict=True)),
            constraints=cons,
            callback=stop,
            options={"ftol": 1e-12, "maxiter": 500},
        )
        x, status = np.clip(res.x, lo, hi), f"finished: {res.message}"
    except Timeout:
        x, status = last.get("x"), f"did not finish in {cap_s:.0f} s"
    elapsed = time.perf_counter() - t0
    if x is None:
        return elapsed, None, -np.inf, status
    return elapsed, x, p.objective_value(x), status


def violation(p: Problem, x: np.ndarray) -> float:
    """The largest relative breach of the budget or a group bound."""
    worst = (x.sum() - p.budget) / p.budget
    for g in p.groups:
        s = x[g.index].sum()
        worst = max(worst, (g.lo - s) / p.budget, (s - g.hi) / p.budget)
    return float(worst)


def main() -> None:
    cap_s = float(sys.argv[1]) if len(sys.argv) > 1 else 60.0
    cs = scenario_from_data(scenario_data(), {}, "<bench>")
    problem = build_problem(cs, daily=True)
    times, full = [], []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        alloc = optimize_exact(problem)
        times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        result = optimize(cs, plan="daily")
        full.append(time.perf_counter() - t0)
    exact_t = statistics.median(times)
    unit = cs.budget / problem.n
    sl_t, sl_x, sl_obj, status = slsqp(in_units(problem, unit), cap_s)
    best = max(alloc.objective, sl_obj)
    print(f"daily plan: {N_CHANNELS} channels x {HORIZON} days = {problem.n:,} line items")
    print(
        f"  exact allocator   : {exact_t * 1e3:8.1f} ms (median of {REPEATS}), "
        f"gap {1 - alloc.objective / best:.2e}, status {alloc.status}"
    )
    whole = statistics.median(full) * 1e3
    print(f"  optimize(daily)   : {whole:8.1f} ms (with evaluation and explanations)")
    sl_gap = "no iterate" if sl_x is None else f"gap {1 - sl_obj / best:.2e}"
    if sl_x is not None and violation(in_units(problem, unit), sl_x) > 1e-9:
        sl_gap += f" (iterate infeasible by {violation(in_units(problem, unit), sl_x):.1e})"
    print(f"  SLSQP             : {sl_t * 1e3:8.1f} ms, {sl_gap}, {status}")
    if sl_x is not None and sl_t > 0:
        bound = ">= " if status.startswith("did not") else ""
        print(f"  speed-up          : {bound}{sl_t / exact_t:.0f}x")
    print(
        f"  check: revenue {result.totals['revenue']:,.0f} at spend {result.totals['spend']:,.0f}"
    )


if __name__ == "__main__":
    main()
