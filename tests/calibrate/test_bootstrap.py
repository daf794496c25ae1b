"""Bootstrap intervals: they hold the point estimate, are reproducible, and narrow with data."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.calibrate.bootstrap import _resample_blocks, bootstrap_channel, scenario_params
from simulator.calibrate.fit import fit_channel
from simulator.calibrate.model import DailyCurve

TRUTH = DailyCurve("exponential", 700.0, 18000.0, 1.0, 0.4, 0.0)


def history(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = 18000.0 * np.exp(rng.normal(0.0, 0.6, n))
    return x, rng.poisson(TRUTH.landed(x)).astype(float), np.ones(n, dtype=bool)


def intervals(n: int, seed: int, resamples: int = 30):
    x, y, mask = history(n, seed)
    fit = fit_channel(x, y, mask)
    rng = np.random.default_rng(1)
    return fit, bootstrap_channel(fit, x, y, mask, 30, resamples, rng)


def test_intervals_hold_the_point_estimate_and_the_truth() -> None:
    fit, iv = intervals(150, seed=2)
    point = scenario_params(fit.curve, 30)
    true = scenario_params(TRUTH, 30)
    assert set(iv.params) == {"max_conversions", "scale", "decay"}
    for name, (lo, hi) in iv.params.items():
        assert lo <= point[name] <= hi, name
        assert lo <= true[name] <= hi, name
    assert np.all(iv.curve_low <= iv.curve + 1e-9)
    assert np.all(iv.curve <= iv.curve_high + 1e-9)
    assert iv.grid[-1] == pytest.approx(1.5 * history(150, 2)[0].max())


def test_same_seed_same_intervals_and_more_days_narrower() -> None:
    _, a = intervals(150, seed=2)
    _, b = intervals(150, seed=2)
    assert a.params == b.params
    _, long = intervals(600, seed=2)
    width = {k: v[1] - v[0] for k, v in a.params.items()}
    assert all(long.params[k][1] - long.params[k][0] < width[k] for k in width)


def test_no_resamples_gives_the_point_as_its_own_interval() -> None:
    fit, iv = intervals(100, seed=3, resamples=0)
    for name, value in scenario_params(fit.curve, 30).items():
        assert iv.params[name] == (pytest.approx(value), pytest.approx(value))


def test_block_resample_keeps_blocks_and_centres_the_noise() -> None:
    z = np.arange(20, dtype=float)
    drawn = _resample_blocks(z, np.random.default_rng(0), 5)
    assert drawn.size == 20
    assert drawn.mean() == pytest.approx(0.0, abs=1e-12)
    steps = np.diff(drawn[:5])
    np.testing.assert_allclose(steps, 1.0)  # consecutive days stay consecutive
