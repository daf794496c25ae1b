"""Pacing never overspends a daily cap or a channel's budget."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.simulate import PACING_RULES, simulate
from simulator.simulate.pacing import channel_day
from tests.simulate.conftest import CORE, CORE_SPLIT, scenario


@given(
    rule=st.sampled_from(PACING_RULES),
    budget=st.floats(0, 1e7),
    cap=st.floats(1.0, 1e6) | st.just(np.inf),
    days=st.integers(1, 120),
    planned=st.none() | st.lists(st.floats(0, 5e5), min_size=1, max_size=1),
)
def test_a_channel_never_spends_past_its_cap_or_budget(rule, budget, cap, days, planned) -> None:
    remaining, spent = budget, []
    for t in range(days):
        plan = None if planned is None else np.array(planned) * (1 + t % 3)
        today = channel_day(
            rule,
            remaining,
            days - t,
            cap,
            np.array([0.3, 0.7])[: 1 if plan is not None else 2],
            plan,
        )
        assert np.all(today >= 0)
        assert today.sum() <= cap * (1 + 1e-12)
        remaining -= today.sum()
        spent.append(today.sum())
    assert sum(spent) <= budget * (1 + 1e-9) + 1e-9


def test_even_pacing_without_a_binding_cap_is_the_engines_even_plan() -> None:
    today = [
        channel_day("even", 900.0 - 30.0 * t, 30 - t, np.inf, np.array([1.0]), None)
        for t in range(30)
    ]
    np.testing.assert_allclose(np.concatenate(today), 30.0)


def _capped(cap: float):
    channels = [dict(ch) for ch in CORE["channels"]]
    channels[0]["daily_cap"] = cap
    return scenario(channels=channels)


@pytest.mark.parametrize("rule", PACING_RULES)
def test_simulated_spend_respects_caps_and_budgets(rule: str) -> None:
    cap = 7000.0  # search wants 250,000 / 30 = 8,333 a day: the cap binds
    sim = simulate(_capped(cap), CORE_SPLIT, runs=20, seed=0, pacing=rule)
    for cid, budget in CORE_SPLIT.items():
        daily = np.array(sim.daily_spend[cid])
        assert daily.sum() <= budget * (1 + 1e-12)
        assert np.all(daily >= 0)
    search = np.array(sim.daily_spend["search"])
    assert search.max() <= cap * (1 + 1e-12)
    assert search.sum() == pytest.approx(min(250000.0, 30 * cap))
    assert np.all(sim.per_run["spend"] == sim.per_run["spend"][0])


def test_front_loaded_and_asap_spend_earlier_than_even() -> None:
    split = {"feed": 200000}
    days = {
        rule: np.array(simulate(scenario(), split, runs=4, pacing=rule).daily_spend["feed"])
        for rule in PACING_RULES
    }
    assert np.allclose(days["even"], 200000 / 30)
    assert days["front_loaded"][0] > days["front_loaded"][-1] > 0
    assert days["asap"][0] == pytest.approx(200000)
    assert days["asap"][1:].sum() == 0


def test_a_daily_plan_above_the_cap_is_clipped_not_moved() -> None:
    plan = [20000.0] * 10 + [0.0] * 20
    split = {"allocation": {"search": 200000.0}, "daily": {"search": plan}}
    sim = simulate(_capped(15000.0), split, runs=4)
    np.testing.assert_allclose(sim.daily_spend["search"], [15000.0] * 10 + [0.0] * 20)
