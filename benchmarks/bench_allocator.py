"""The exact allocator against scipy SLSQP (analytic gradients) on the same random problems.

Prints one table: median wall time of each method over several repeats, the time ratios,
and each method's objective gap to the best objective any method found (relative), so a
speed-up is never bought with accuracy. SLSQP is run at ftol 1e-12 and at its defaults,
and stopped (reported as "did not finish") when one solve passes ``--cap`` seconds.

    .venv/bin/python benchmarks/bench_allocator.py [--cap 60] [--repeats 5] [--no-slsqp]

``--no-slsqp`` times the allocator alone (gaps then compare it with itself): SLSQP takes
minutes at N = 1,000, which is too slow to iterate on the allocator's speed.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import replace

import numpy as np
from scipy.optimize import minimize

from simulator.model.curve_set import CurveSet
from simulator.model.curves import Exponential, FloatArray, Hill
from simulator.optimize.exact.allocator import optimize_exact
from simulator.optimize.problem import Problem, RatioConstraint


class _TimeUp(Exception):
    pass


def random_problem(n: int, seed: int, roi: bool = False) -> Problem:
    """Half hill (shape 0.4-1), half exponential; the budget binds; optional binding roi_min."""
    rng = np.random.default_rng(seed)
    curves = []
    for i in range(n):
        m, s = rng.uniform(1e3, 1e4, 1), rng.uniform(1e4, 1e5, 1)
        curves.append(Hill(m, s, rng.uniform(0.4, 1.0, 1)) if i % 2 else Exponential(m, s))
    aov = rng.uniform(50, 300, n)
    p = Problem(CurveSet.of(curves), np.zeros(n), np.full(n, np.inf), aov, 5e4 * n)
    if roi:
        free = optimize_exact(p)
        rho = 1.2 * float(aov @ p.curves.value(free.x)) / free.x.sum()
        p = replace(p, ratios=(RatioConstraint("roi_min", aov, rho),))
    return p


def slsqp(p: Problem, ftol: float | None, cap: float) -> FloatArray:
    """SLSQP from the even split, variables scaled to O(1), analytic gradients."""
    unit = p.budget / p.n
    scale = abs(p.objective_value(np.full(p.n, unit)))
    lo = np.full(p.n, 1e-9)  # hill's slope is infinite at 0

    def obj(z: FloatArray) -> tuple[float, FloatArray]:
        x = z * unit
        return -p.objective_value(x) / scale, -p.objective * p.curves.derivative(x) * unit / scale

    cons: list[dict[str, object]] = [
        {"type": "ineq", "fun": lambda z: p.n - z.sum(), "jac": lambda z: -np.ones(p.n)}
    ]
    for r in p.ratios:
        cons.append(
            {
                "type": "ineq",
                "fun": lambda z, r=r: (
                    (r.weights @ p.curves.value(z * unit) - r.rho * z.sum() * unit) / scale
                ),
                "jac": lambda z, r=r: (
                    (r.weights * p.curves.derivative(z * unit) - r.rho) * unit / scale
                ),
            }
        )
    start = time.perf_counter()

    def stop(_: FloatArray) -> None:
        if time.perf_counter() - start > cap:
            raise _TimeUp

    options = {"maxiter": 10_000} | ({"ftol": ftol} if ftol is not None else {})
    res = minimize(
        obj,
        np.ones(p.n),
        jac=True,
        method="SLSQP",
        bounds=[(lo[0], p.n)] * p.n,
        constraints=cons,
        options=options,
        callback=stop,
    )
    return np.asarray(res.x) * unit


def feasible_value(p: Problem, x: FloatArray) -> float:
    """The objective, or -inf where a constraint is broken by more than 1e-9 relative."""
    if x.sum() > p.budget * (1 + 1e-9):
        return -np.inf
    conv = p.curves.value(x)
    for r in p.ratios:
        if r.weights @ conv < r.rho * x.sum() * (1 - 1e-9):
            return -np.inf
    return p.objective_value(x)


def timed(
    fn: Callable[[], FloatArray], repeats: int, cap: float
) -> tuple[float, FloatArray | None]:
    """Median seconds over ``repeats`` runs and the last answer (None if it hit the cap)."""
    times, x = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        try:
            x = fn()
        except _TimeUp:
            return np.inf, None
        times.append(time.perf_counter() - t)
        if times[-1] * repeats > 3 * cap:
            break
    return float(np.median(times)), x


GOALS_MS = {"N=100": 1.5, "N=100+roi_min": 3.0, "N=10000": 10.0}  # issue 20 item 1
MEASURED_MS: dict[str, float] = {}


def row(label: str, p: Problem, repeats: int, cap: float, with_slsqp: bool = True) -> str:
    optimize_exact(p)  # warm caches and lazy imports
    runs = {"alloc": timed(lambda: optimize_exact(p).x, repeats * 3, cap)}
    if with_slsqp:
        runs["ftol12"] = timed(lambda: slsqp(p, 1e-12, cap), repeats, cap)
        runs["default"] = timed(lambda: slsqp(p, None, cap), repeats, cap)
    values = {k: feasible_value(p, x) if x is not None else np.nan for k, (_, x) in runs.items()}
    best = max(v for v in values.values() if np.isfinite(v))
    cells = [label]
    for k in ("alloc", "ftol12", "default"):
        if k not in runs:
            cells += ["-", "-"]
            continue
        t = runs[k][0]
        gap = (best - values[k]) / abs(best) if np.isfinite(values[k]) else np.nan
        cells.append(f"{t * 1e3:10.2f}" if np.isfinite(t) else f"DNF>{cap:.0f}s")
        cells.append("infeasible" if values[k] == -np.inf else f"{gap:9.1e}")
    t0 = runs["alloc"][0]
    MEASURED_MS[label] = t0 * 1e3
    for k in ("ftol12", "default"):
        t = runs.get(k, (np.nan, None))[0]
        cells.append(f"{t / t0:9.0f}x" if np.isfinite(t) else "-")
    return " | ".join(f"{c:>12}" for c in cells)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cap", type=float, default=60.0, help="seconds before SLSQP is stopped")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--no-slsqp", action="store_true", help="time the allocator alone")
    args = ap.parse_args()
    head = [
        "problem",
        "alloc ms",
        "alloc gap",
        "slsqp12 ms",
        "gap",
        "default ms",
        "gap",
        "x vs 1e-12",
        "x vs dflt",
    ]
    print(" | ".join(f"{h:>12}" for h in head))
    slsqp = not args.no_slsqp
    for n in (10, 100, 1000):
        print(row(f"N={n}", random_problem(n, n), args.repeats, args.cap, slsqp), flush=True)
    for n in (10, 100):
        print(
            row(f"N={n}+roi_min", random_problem(n, n, roi=True), args.repeats, args.cap, slsqp),
            flush=True,
        )
    print(row("N=10000", random_problem(10_000, 7), args.repeats, args.cap, with_slsqp=False))
    print(row("N=10000+roi", random_problem(10_000, 7, roi=True), args.repeats, args.cap, False))
    print(
        "goals (issue 20): "
        + "; ".join(
            f"{k} {MEASURED_MS[k]:.2f} ms vs {g} ms ({MEASURED_MS[k] / g:.2f}x)"
            for k, g in GOALS_MS.items()
        )
    )


if __name__ == "__main__":
    main()
