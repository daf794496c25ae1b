"""Recovery on synthetic truths (issue 20, item 5): hill channels, Poisson counts, AOV +-10%.

The fitted scenario's expected conversions and revenue at 0.5x, 1x and 2x each channel's
half-saturation spend must be within 5% of the truth's; a decay appears only when the
truth has one, and a true decay is found.
"""

from __future__ import annotations

import numpy as np
import pytest

from simulator.calibrate import Calibration, calibrate
from simulator.calibrate.recovery import Truth, hill_truth, poisson_history_csv, recovery_errors

N_DAYS = 150


def fitted(seed: int, decay: float = 0.0) -> tuple[Truth, Calibration]:
    truth = hill_truth(np.random.default_rng(seed), decay=decay)
    csv = poisson_history_csv(truth, N_DAYS, seed + 1000)
    return truth, calibrate(csv.encode(), n_resamples=0, seed=seed)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_conversions_and_revenue_within_5_percent_without_adstock(seed: int) -> None:
    truth, cal = fitted(seed)
    assert cal.scenario is not None
    for name, err in recovery_errors(truth, cal.scenario).items():
        assert np.abs(err).max() < 0.05, (name, err)
    decays = [ch.fit.curve.decay for ch in cal.channels]
    assert all(ch.fit.method == "likelihood" for ch in cal.channels)
    assert decays == [0.0, 0.0, 0.0]  # no spurious adstock absorbs the saturation


@pytest.mark.slow
def test_true_adstock_is_found_and_recovery_holds() -> None:
    truth, cal = fitted(seed=5, decay=0.4)
    assert cal.scenario is not None
    for ch in cal.channels:
        assert ch.fit.adstock
        assert ch.fit.curve.decay == pytest.approx(0.4, abs=0.1)
    for name, err in recovery_errors(truth, cal.scenario).items():
        assert np.abs(err).max() < 0.05, (name, err)


def test_recovery_errors_are_zero_for_the_truth_itself() -> None:
    truth = hill_truth(np.random.default_rng(0))
    for err in recovery_errors(truth, truth.scenario()).values():
        np.testing.assert_allclose(err, 0.0, atol=1e-12)
        assert err.shape == (3, 3)


def test_the_former_least_squares_fit_stays_reachable() -> None:
    truth, _ = fitted(0)
    cal = calibrate(poisson_history_csv(truth, N_DAYS, 1000).encode(), n_resamples=0, method="lsq")
    assert {ch.fit.method for ch in cal.channels} == {"lsq"}
    with pytest.raises(ValueError, match="method must be one of likelihood, lsq"):
        calibrate(poisson_history_csv(truth, 30, 1).encode(), n_resamples=0, method="ols")
