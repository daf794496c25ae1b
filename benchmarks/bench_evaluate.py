"""Evaluate 100,000 candidate splits of a 20-channel scenario in one vectorised call.

Baseline measured in the same run: a plain Python loop over candidates calling the
single-split path, capped in time and extrapolated (said so when it is).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _scenarios import synthetic

from simulator.expected import evaluate_totals

N_CANDIDATES, N_CHANNELS, REPEATS, LOOP_CAP_S = 100_000, 20, 5, 10.0


def main() -> None:
    sc = synthetic(N_CHANNELS)
    rng = np.random.default_rng(1)
    spend = rng.dirichlet(np.ones(N_CHANNELS), size=N_CANDIDATES) * sc.budget
    times = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        out = evaluate_totals(sc, spend)
        times.append(time.perf_counter() - t0)
    vec = statistics.median(times)
    done, t0 = 0, time.perf_counter()
    while done < N_CANDIDATES and time.perf_counter() - t0 < LOOP_CAP_S:
        evaluate_totals(sc, spend[done])
        done += 1
    loop_each = (time.perf_counter() - t0) / done
    loop = loop_each * N_CANDIDATES
    note = "" if done == N_CANDIDATES else f" (extrapolated from {done:,} in {LOOP_CAP_S:.0f} s)"
    print(f"evaluate {N_CANDIDATES:,} splits x {N_CHANNELS} channels, median of {REPEATS}")
    print(f"  vectorised one call : {vec * 1e3:8.1f} ms  ({N_CANDIDATES / vec:,.0f} splits/s)")
    print(f"  python loop         : {loop * 1e3:8.1f} ms{note}")
    print(f"  speed-up            : {loop / vec:8.0f}x")
    print(f"  check: mean revenue {out['revenue'].mean():,.0f}")


if __name__ == "__main__":
    main()
