"""Calibration accuracy on synthetic truths: the likelihood fit vs the former least squares.

Each seed draws three hill channels (shapes 0.7-0.95), 150 days of varied spend, Poisson
counts and revenue per order within +-10% of the AOV, calibrates the history both ways and
reads the relative error of the fitted scenario's expected revenue at 0.5x, 1x and 2x each
channel's half-saturation spend. Then the 90% bootstrap intervals' coverage of the true
curve at those levels over repeated single-channel histories.
Usage: python benchmarks/bench_calibration.py [N_SEEDS] [N_COVERAGE_HISTORIES] [RESAMPLES]
"""

from __future__ import annotations

import sys
import time

import numpy as np

from simulator.calibrate import calibrate
from simulator.calibrate.bootstrap import bootstrap_channel
from simulator.calibrate.fit import fit_channel
from simulator.calibrate.recovery import (
    LEVELS,
    hill_truth,
    history_spend,
    poisson_counts,
    poisson_history_csv,
    recovery_errors,
)

N_DAYS = 150


def recovery(method: str, n_seeds: int, decay: float) -> np.ndarray:
    """Absolute revenue errors, ``(seeds, levels, channels)``."""
    out = []
    for seed in range(n_seeds):
        truth = hill_truth(np.random.default_rng(seed), decay=decay)
        csv = poisson_history_csv(truth, N_DAYS, seed + 1000)
        cal = calibrate(csv.encode(), n_resamples=0, seed=seed, method=method)
        assert cal.scenario is not None
        out.append(np.abs(recovery_errors(truth, cal.scenario)["revenue"]))
    return np.array(out)


def coverage(n_histories: int, n_resamples: int) -> np.ndarray:
    """Share of histories whose 90% interval holds the true curve, per level."""
    hits = np.zeros(len(LEVELS))
    for s in range(n_histories):
        rng = np.random.default_rng([7, s])
        truth = hill_truth(rng, n_channels=1)
        x = history_spend(truth, N_DAYS, rng)[0]
        y = poisson_counts(truth, [x], rng)[0][0]
        mask = np.ones(x.size, dtype=bool)
        iv = bootstrap_channel(fit_channel(x, y, mask), x, y, mask, 30, n_resamples, rng)
        points = np.array(LEVELS) * truth.curves[0].spend_scale
        true = truth.curves[0].produced(points)
        lo, hi = iv.produced_interval(points)
        hits += (lo <= true) & (true <= hi)
    return hits / n_histories


def main() -> None:
    n_seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 8
    n_cov = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    n_res = int(sys.argv[3]) if len(sys.argv) > 3 else 30
    print(f"revenue error at {LEVELS} x half-saturation, {n_seeds} seeds x 3 channels")
    for decay in (0.0, 0.4):
        for method in ("lsq", "likelihood"):
            t0 = time.perf_counter()
            err = recovery(method, n_seeds, decay)
            med = np.median(err, axis=(0, 2))
            worst = err.max(axis=(0, 2))
            print(
                f"  decay {decay:.1f} {method:>10}: median "
                + " ".join(f"{v:6.2%}" for v in med)
                + "  worst "
                + " ".join(f"{v:6.2%}" for v in worst)
                + f"  ({time.perf_counter() - t0:.1f} s)"
            )
    if n_cov:
        t0 = time.perf_counter()
        cov = coverage(n_cov, n_res)
        print(
            f"90% interval coverage over {n_cov} histories ({n_res} resamples): "
            + " ".join(f"{k}x {v:.0%}" for k, v in zip(LEVELS, cov, strict=True))
            + f"  ({time.perf_counter() - t0:.1f} s)"
        )


if __name__ == "__main__":
    main()
