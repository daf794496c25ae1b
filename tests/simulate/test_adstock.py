"""Adstock moves conversions later without creating or losing any."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.simulate import simulate
from simulator.simulate.adstock import Carryover
from tests.simulate.conftest import CORE, CORE_SPLIT, scenario, within_mc_error


@given(decay=st.floats(0.0, 0.9), delay=st.integers(0, 4), seed=st.integers(0, 2**32 - 1))
def test_landed_plus_carryover_is_what_was_produced(decay: float, delay: int, seed: int) -> None:
    """In law: a Poisson count with the total expected production (mean = variance)."""
    rng = np.random.default_rng(seed)
    runs = 4000
    expected = rng.uniform(0, 30, 15)
    pool = Carryover(np.array([decay]), runs=runs, delay_days=delay)
    landed_total = np.zeros(runs)
    for lam in expected:
        landed, value = pool.step(rng, np.full((runs, 1), lam), np.full((runs, 1), lam * 100.0))
        assert np.all(landed >= 0)
        np.testing.assert_allclose(value, landed * 100.0)  # a conversion keeps its value
        landed_total += landed[:, 0]
    total = landed_total + pool.pending(rng)
    produced = expected.sum()
    se = np.sqrt(produced / runs)
    assert abs(total.mean() - produced) < 5 * se
    assert total.var() == pytest.approx(produced, rel=0.12)


def test_geometric_lags_match_the_contract_weights() -> None:
    """One day's production lands ``(1 - d) d^j`` of it j days later, on average."""
    rng = np.random.default_rng(0)
    pool = Carryover(np.array([0.6]), runs=20000)
    days = [np.full((20000, 1), 10.0 if t == 0 else 0.0) for t in range(6)]
    means = np.array([pool.step(rng, lam, lam)[0].mean() for lam in days])
    np.testing.assert_allclose(means, 10 * 0.4 * 0.6 ** np.arange(6), rtol=0.03)


def test_the_delay_holds_production_before_it_starts_to_land() -> None:
    rng = np.random.default_rng(1)
    pool = Carryover(np.array([0.5]), runs=10, delay_days=3)
    first = [pool.step(rng, np.full((10, 1), 50.0), np.zeros((10, 1)))[0] for _ in range(4)]
    assert all(np.all(x == 0) for x in first[:3])
    assert np.all(first[3] > 0)


def _with_decay(decay: float):
    channels = [dict(ch) for ch in CORE["channels"]]
    for ch in channels:
        ch["adstock"] = {"decay": decay}
    return scenario(channels=channels)


def _centre_of_mass(daily: np.ndarray) -> float:
    profile = daily.mean(axis=0)
    return float((profile * np.arange(profile.size)).sum() / profile.sum())


def test_adstock_shifts_conversions_later_and_keeps_their_number() -> None:
    plain = simulate(_with_decay(0.0), CORE_SPLIT, runs=1500, seed=11)
    carried = simulate(_with_decay(0.7), CORE_SPLIT, runs=1500, seed=12)
    delayed = simulate(_with_decay(0.7), CORE_SPLIT, runs=1500, seed=13, adstock_delay_days=4)
    assert _centre_of_mass(carried.daily_conversions) > _centre_of_mass(plain.daily_conversions) + 1
    assert (
        _centre_of_mass(delayed.daily_conversions) > _centre_of_mass(carried.daily_conversions) + 1
    )
    assert np.all(delayed.daily_conversions[:, :4] == 0)  # the delay holds them 4 days
    assert np.all(delayed.daily_conversions[:, 4] > 0)
    # nothing created or lost: in-horizon plus carry-over is what the plain run produces
    produced = float(plain.per_run["conversions"].mean())
    for sim in (carried, delayed):
        both = sim.per_run["conversions"] + sim.per_run["carryover_after_horizon"]
        sim.per_run["both"] = both
        within_mc_error(sim, "both", produced, k=5.0)
    assert delayed.per_run["carryover_after_horizon"].mean() > (
        carried.per_run["carryover_after_horizon"].mean() * 2
    )
    # the first days land less than without adstock (it has not built up yet)
    assert carried.daily_conversions[:, 0].mean() < 0.5 * plain.daily_conversions[:, 0].mean()
