"""Whole units and S-curves, together and by day: optimize vs a capped SLSQP baseline.

Three problems, each solved by ``optimize`` (median of REPEATS runs) and by SLSQP on the
same line-item problem in the same run, under a wall-clock cap (SLSQP starts from the even
plan, gets analytic gradients and reports "did not finish in N s" at the cap):

- daily plans of 5 channels (two S-shaped KOL channels) over 10 and 30 days;
- KOL posts bought whole with an S-shaped response, by total: SLSQP cannot buy whole
  units, so it is run once per post count with the rest continuous (sharing one cap).

Printed: the medians, the objective each reaches and ``optimize``'s proven upper bound.
Usage: python benchmarks/bench_combinations.py [SLSQP_CAP_SECONDS]
"""

from __future__ import annotations

import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_daily import in_units, slsqp

from simulator.model.load import scenario_from_data
from simulator.optimize import optimize
from simulator.optimize.lineitems import build_problem

REPEATS = 3


def daily_data(days: int) -> dict[str, Any]:
    """Two S-shaped KOL channels, three concave ones, a two-day sale and some adstock."""
    hill = {"type": "hill"}
    return {
        "name": f"kol-daily-{days}",
        "horizon_days": days,
        "budget": {"total": 300_000.0},
        "events": [
            {"name": "sale", "start": days - 2, "end": days - 1, "cost_multiplier": 1.6,
             "cvr_multiplier": 2.2}
        ],
        "channels": [
            {"id": "kol_a", "aov": 150.0, "response": hill | {"max_conversions": 6000.0,
             "half_saturation": 250_000.0, "shape": 2.2}},
            {"id": "kol_b", "aov": 170.0, "response": {"type": "logistic",
             "max_conversions": 4000.0, "midpoint": 150_000.0, "steepness": 5.0}},
            {"id": "search", "aov": 120.0, "response": {"type": "exponential",
             "max_conversions": 2500.0, "scale": 150_000.0}},
            {"id": "feed", "aov": 110.0, "response": hill | {"max_conversions": 5000.0,
             "half_saturation": 300_000.0, "shape": 0.8}},
            {"id": "notes", "aov": 140.0, "adstock": {"decay": 0.4}, "response": {
             "type": "exponential", "max_conversions": 1800.0, "scale": 120_000.0}},
        ],
    }  # fmt: skip  # one channel a line, as in a scenario file


def units_data() -> dict[str, Any]:
    """KOL posts at 20,000 each with an S-shaped response, next to a search and a feed."""
    return {
        "name": "kol-units",
        "horizon_days": 10,
        "budget": {"total": 200_000.0},
        "channels": [
            {"id": "kol_posts", "aov": 150.0, "unit_cost": 20_000.0, "response": {
             "type": "hill", "max_conversions": 3000.0, "half_saturation": 80_000.0,
             "shape": 2.5}},
            {"id": "search", "aov": 120.0, "response": {"type": "exponential",
             "max_conversions": 1200.0, "scale": 60_000.0}},
            {"id": "feed", "aov": 130.0, "response": {"type": "logistic",
             "max_conversions": 1500.0, "midpoint": 70_000.0, "steepness": 4.0}},
        ],
    }  # fmt: skip  # one channel a line, as in a scenario file


def timed(cs: Any, plan: str) -> tuple[float, Any]:
    times, rec = [], None
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        rec = optimize(cs, plan=plan)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), rec


def report(label: str, t: float, rec: Any, sl: tuple[float, float, str]) -> None:
    print(label)
    print(
        f"  optimize : {t:8.2f} s (median of {REPEATS}), revenue {rec.totals['revenue']:,.0f}, "
        f"upper bound {rec.upper_bound:,.0f}"
    )
    sl_t, sl_obj, status = sl
    reached = f"revenue {sl_obj:,.0f}" if np.isfinite(sl_obj) else "no feasible iterate"
    print(f"  SLSQP    : {sl_t:8.2f} s, {reached}, {status}")


def bench_daily(days: int, cap_s: float) -> None:
    cs = scenario_from_data(daily_data(days), {}, "<bench>")
    t, rec = timed(cs, "daily")
    p = build_problem(cs, daily=True)
    unit = cs.budget / p.n
    sl_t, _, sl_obj, status = slsqp(in_units(p, unit), cap_s)
    report(f"daily plan, 5 channels x {days} days (two S-curves)", t, rec, (sl_t, sl_obj, status))


def bench_units(cap_s: float) -> None:
    cs = scenario_from_data(units_data(), {}, "<bench>")
    t, rec = timed(cs, "total")
    p = build_problem(cs)
    start, best, status = time.perf_counter(), -np.inf, "finished every post count"
    for count in range(int(cs.budget // 20_000) + 1):
        left = cap_s - (time.perf_counter() - start)
        if left <= 0:
            status = f"did not finish in {cap_s:.0f} s"
            break
        lo, hi = p.lower.copy(), p.upper.copy()
        lo[0] = hi[0] = count * 20_000.0
        hi[0] = max(hi[0], 1e-3)  # SLSQP's floor is 1e-9 of a unit: keep hi above it
        _, _, obj, st = slsqp(in_units(replace(p, lower=lo, upper=hi), cs.budget / p.n), left)
        best = max(best, obj)
        if st.startswith("did not"):
            status = f"did not finish in {cap_s:.0f} s"
            break
    report(
        "whole KOL posts on an S-curve, by total",
        t,
        rec,
        (time.perf_counter() - start, best, status),
    )


def main() -> None:
    cap_s = float(sys.argv[1]) if len(sys.argv) > 1 else 30.0
    bench_daily(10, cap_s)
    bench_daily(30, cap_s)
    bench_units(cap_s)


if __name__ == "__main__":
    main()
