"""The rotation's expected mix: shares that learn, scale-free, and a reference integral."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from scipy import integrate, stats

from simulator.model.creatives import EVIDENCE_PER_DAY, rotation_schedule, win_probabilities

lifts = st.lists(st.floats(0.2, 5.0), min_size=2, max_size=4)
fatigues = st.floats(0.0, 0.9)


def _reference_win(shape: list[float], rate: list[float], k: int) -> float:
    """P(draw k is highest), integrated by scipy.integrate.quad: an independent check."""

    def integrand(x: float) -> float:
        others = [
            stats.gamma.cdf(x * r, a)
            for j, (a, r) in enumerate(zip(shape, rate, strict=True))
            if j != k
        ]
        return float(stats.gamma.pdf(x * rate[k], shape[k]) * rate[k] * np.prod(others))

    return float(integrate.quad(integrand, 0, np.inf, limit=200)[0])


@pytest.mark.parametrize(
    ("shape", "rate"),
    [([7.667, 14.333], [11.0, 11.0]), ([3.0, 5.0, 4.0], [2.0, 3.5, 2.5]), ([1.0, 1.0], [1.0, 4.0])],
)
def test_win_probabilities_match_a_reference_integral(
    shape: list[float], rate: list[float]
) -> None:
    p = win_probabilities(np.array(shape), np.array(rate))
    ref = [_reference_win(shape, rate, k) for k in range(len(shape))]
    np.testing.assert_allclose(p, ref, atol=2e-5)
    # two exponentials (shape 1): P(X0 > X1) = rate1 / (rate0 + rate1) in closed form
    if shape == [1.0, 1.0]:
        assert p[0] == pytest.approx(4.0 / 5.0, abs=2e-5)


def test_two_days_by_hand() -> None:
    """Day 1 is an even test; day 2 follows the evidence of half a day each."""
    share, tired = rotation_schedule(np.array([1.0, 2.0]), np.zeros(2), 2)
    np.testing.assert_allclose(share[:, 0], [0.5, 0.5])
    n = EVIDENCE_PER_DAY
    shape = [1 + n * 0.5 * 1.0 / 1.5, 1 + n * 0.5 * 2.0 / 1.5]  # prior mean: the average lift
    rate = [1 + n * 0.5, 1 + n * 0.5]
    assert share[1, 1] == pytest.approx(_reference_win(shape, rate, 1), abs=2e-5)
    assert share[1, 1] > 0.8  # the better creative already takes most of day 2
    np.testing.assert_array_equal(tired, 1.0)


def test_fatigue_compounds_per_horizon_on_air() -> None:
    share, tired = rotation_schedule(np.array([1.3]), np.array([0.5]), 4)
    np.testing.assert_array_equal(share, 1.0)
    np.testing.assert_allclose(tired[0], 0.5 ** (np.arange(4) / 4))


@given(lifts, fatigues, st.floats(0.01, 100.0))
def test_only_the_ratios_of_the_lifts_matter(lift: list[float], fat: float, c: float) -> None:
    """Writing another creative as the base (all lifts scaled by c) gives the same shares."""
    a = np.array(lift)
    f = np.full(a.size, fat)
    s1, t1 = rotation_schedule(a, f, 8)
    s2, t2 = rotation_schedule(a * c, f, 8)
    np.testing.assert_allclose(s1, s2, atol=1e-9)
    np.testing.assert_allclose(t1, t2, atol=1e-12)


@given(lifts, fatigues)
def test_shares_sum_to_one_start_even_and_follow_the_creatives(lift: list[float], f: float) -> None:
    a = np.array(lift)
    share, _ = rotation_schedule(a, np.full(a.size, f), 6)
    np.testing.assert_allclose(share.sum(axis=0), 1.0, atol=1e-12)
    np.testing.assert_allclose(share[:, 0], 1.0 / a.size, atol=1e-9)
    order = np.array([*range(1, a.size), 0])  # the same creatives listed in another order
    moved, _ = rotation_schedule(a[order], np.full(a.size, f), 6)
    np.testing.assert_allclose(moved, share[order], atol=1e-9)


@given(lifts)
def test_without_fatigue_the_best_creative_gains_share(lift: list[float]) -> None:
    a = np.array(lift)
    assume(np.sort(a)[-1] >= 1.05 * np.sort(a)[-2])  # near ties learn slowly on 10 days
    share, _ = rotation_schedule(a, np.zeros(a.size), 10)
    best = int(np.argmax(a))
    assert share[best, -1] > share[best, 0]
    assert share[best, -1] == share[:, -1].max()
