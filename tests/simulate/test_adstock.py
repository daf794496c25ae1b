"""Adstock moves conversions later without creating or losing any."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from simulator.simulate import simulate
from simulator.simulate.adstock import Carryover
from tests.simulate.conftest import CORE, CORE_SPLIT, scenario, within_mc_error


@given(
    decay=st.floats(0.0, 0.95),
    delay=st.integers(0, 5),
    seed=st.integers(0, 2**32 - 1),
)
def test_every_produced_conversion_lands_or_stays_pooled(
    decay: float, delay: int, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    pool = Carryover(np.array([decay, decay / 2]), runs=64, delay_days=delay)
    produced_total = np.zeros((64, 2))
    landed_total = np.zeros((64, 2))
    for _ in range(20):
        produced = rng.poisson(rng.uniform(0, 900), (64, 2)).astype(float)
        landed, value = pool.step(rng, produced, produced * 100.0)
        assert np.all(landed >= 0)
        assert np.allclose(value, landed * 100.0)  # a conversion keeps its order value
        produced_total += produced
        landed_total += landed
    pending = pool.count + pool.queue_count.sum(axis=0)
    np.testing.assert_array_equal(landed_total + pending, produced_total)


def test_geometric_lags_match_the_contract_weights() -> None:
    """One day's production lands ``(1 - d) d^j`` of it j days later, on average."""
    rng = np.random.default_rng(0)
    pool = Carryover(np.array([0.6]), runs=20000)
    landed = [
        pool.step(rng, np.full((20000, 1), 10.0 if t == 0 else 0.0), np.zeros((20000, 1)))[0]
        for t in range(6)
    ]
    means = np.array([x.mean() for x in landed])
    np.testing.assert_allclose(means, 10 * 0.4 * 0.6 ** np.arange(6), rtol=0.03)


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
