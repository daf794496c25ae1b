"""Draws keep the engine's means: Poisson counts, binomial thinning, mean-one jitter."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.simulate.noise import LARGE, mean_one_lognormal, poisson, thin


@pytest.mark.parametrize("lam", [0.0, 3.0, LARGE - 1, LARGE, 5000.0])
def test_poisson_mean_and_variance(lam: float) -> None:
    x = poisson(np.random.default_rng(0), np.full(200_000, lam))
    assert np.all(x == np.round(x))
    assert np.all(x >= 0)
    assert x.mean() == pytest.approx(lam, abs=4 * np.sqrt(max(lam, 1e-9) / 200_000) + 1e-12)
    assert x.var() == pytest.approx(lam, rel=0.02, abs=1e-12)


def test_poisson_mixes_small_and_large_means() -> None:
    lam = np.array([[1.0, 1000.0]] * 100_000)
    x = poisson(np.random.default_rng(1), lam)
    np.testing.assert_allclose(x.mean(axis=0), [1.0, 1000.0], rtol=0.01)


@pytest.mark.parametrize(("n", "p"), [(10.0, 0.3), (50_000.0, 0.5), (3000.0, 0.99)])
def test_thinning_stays_within_the_pool(n: float, p: float) -> None:
    x = thin(np.random.default_rng(2), np.full(100_000, n), p)
    assert np.all((x >= 0) & (x <= n))
    assert x.mean() == pytest.approx(n * p, rel=0.005)


def test_lognormal_jitter_has_mean_one() -> None:
    x = mean_one_lognormal(np.random.default_rng(3), 0.3, (400_000,))
    assert x.mean() == pytest.approx(1.0, abs=0.003)
    assert np.all(mean_one_lognormal(np.random.default_rng(3), 0.0, (5,)) == 1.0)
