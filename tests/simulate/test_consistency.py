"""The mean over runs equals the expected-value engine wherever both model the same thing."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.evaluate import evaluate_plan, evaluate_spend, totals
from simulator.model.load import load_scenario
from simulator.simulate import simulate
from simulator.simulate.core import resolve_split
from tests.conftest import ROOT
from tests.simulate.conftest import ADDITIVE, CORE, CORE_SPLIT, scenario, within_mc_error

EVENTS = [
    {
        "name": "sale",
        "start": 10,
        "end": 12,
        "cost_multiplier": 1.8,
        "cvr_multiplier": 2.5,
        "aov_multiplier": 0.85,
    },
    {"name": "push", "start": 20, "end": 24, "cost_multiplier": 1.3, "channels": ["search"]},
]


def _engine(cs, split) -> dict[str, float]:
    o = (
        evaluate_plan(cs, split.daily)
        if split.daily is not None
        else evaluate_spend(cs, split.spend)
    )
    return {k: float(v[0]) for k, v in totals(cs, o).items()}


def _check(sim, expected: dict[str, float], metrics=ADDITIVE) -> None:
    for metric in metrics:
        within_mc_error(sim, metric, expected[metric])


def test_core_model_mean_equals_engine() -> None:
    cs = scenario()
    sim = simulate(cs, CORE_SPLIT, runs=2000, seed=1)
    expected = _engine(cs, resolve_split(cs, CORE_SPLIT))
    _check(sim, expected, (*ADDITIVE, "repeat_revenue", "ltv", "referred_customers", "impressions"))
    assert sim.per_run["spend"] == pytest.approx(np.full(2000, 600000.0), rel=1e-12)
    # the engine's own figures are reported next to the simulation's
    assert sim.expected["revenue"] == pytest.approx(expected["revenue"])


def test_daily_model_with_events_adstock_and_a_plan_equals_engine() -> None:
    channels = [dict(ch) for ch in CORE["channels"]]
    channels[1]["adstock"] = {"decay": 0.5}
    channels[2]["adstock"] = {"decay": 0.8}
    cs = scenario(channels=channels, events=EVENTS)
    rng = np.random.default_rng(3)
    plan = {cid: list(rng.uniform(0.2, 1.8, 30) * total / 30) for cid, total in CORE_SPLIT.items()}
    split = {"allocation": {k: float(sum(v)) for k, v in plan.items()}, "daily": plan}
    sim = simulate(cs, split, runs=2000, seed=2)
    expected = _engine(cs, resolve_split(cs, split))
    _check(sim, expected, (*ADDITIVE, "carryover_after_horizon", "repeat_revenue"))
    assert expected["carryover_after_horizon"] > 10  # adstock is really in play


def test_even_pacing_under_events_and_adstock_equals_engine() -> None:
    channels = [dict(ch) for ch in CORE["channels"]]
    channels[0]["adstock"] = {"decay": 0.3}
    cs = scenario(channels=channels, events=EVENTS)
    sim = simulate(cs, CORE_SPLIT, runs=2000, seed=4)
    _check(sim, _engine(cs, resolve_split(cs, CORE_SPLIT)))


def test_bundled_scenario_with_its_split_equals_engine() -> None:
    cs = load_scenario(ROOT / "scenarios" / "ecommerce_q4.yaml")
    sim = simulate(cs, cs.current, runs=1500, seed=5)
    _check(sim, _engine(cs, cs.current), (*ADDITIVE, "ltv"))


def test_without_noise_spend_and_means_still_match() -> None:
    cs = scenario()
    sim = simulate(cs, CORE_SPLIT, runs=1000, seed=6, cost_noise=0.0, competitor_noise=0.0)
    _check(sim, _engine(cs, resolve_split(cs, CORE_SPLIT)))


def test_consistency_check_can_fail() -> None:
    """A 5% gap is far outside the tolerance: the check is not vacuous."""
    cs = scenario()
    sim = simulate(cs, CORE_SPLIT, runs=1000, seed=7)
    wrong = _engine(cs, resolve_split(cs, CORE_SPLIT))["revenue"] * 1.05
    with pytest.raises(AssertionError):
        within_mc_error(sim, "revenue", wrong)
