"""The mean over runs equals the expected-value engine wherever both model the same thing."""

from __future__ import annotations

import numpy as np
import pytest

from simulator import evaluate, optimize
from simulator.expected import evaluate_plan, evaluate_spend, totals
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


def _two_ctr_data(base_ctr: float, five: float, two: float, **extra) -> dict:
    """A feed with a 5% and a 2% CTR creative, written with either as the base."""
    creatives = [
        {"id": "five", "ctr_multiplier": five, "fatigue": extra.pop("fatigue", 0.0)},
        {"id": "two", "ctr_multiplier": two},
    ]
    feed = {
        "id": "feed",
        "response": {
            "type": "funnel",
            "pricing": "cpm",
            "cpm": 40,
            "ctr": base_ctr,
            "cvr": 0.03,
            "audience": 2000000,
            "max_frequency": 3,
        },
        "aov": 150,
        "new_customer_rate": 0.7,
        "creatives": creatives,
        **extra,
    }
    search = {
        "id": "search",
        "response": {"type": "hill", "max_conversions": 5000, "half_saturation": 200000},
        "aov": 200,
    }
    return {
        "name": "ctr",
        "horizon_days": 30,
        "budget": {"total": 400000},
        "channels": [feed, search],
    }


def _two_ctr_scenario(base_ctr: float, five: float, two: float, **extra) -> object:
    return scenario(_two_ctr_data(base_ctr, five, two, **extra))


FEED_SPLIT = {"feed": 200000, "search": 200000}


@pytest.mark.parametrize(("base", "five", "two"), [(0.05, 1.0, 0.4), (0.02, 2.5, 1.0)])
def test_creatives_simulate_at_the_engines_value(base: float, five: float, two: float) -> None:
    """Before, the 2%-base feed simulated at 2.3x the engine (which ignored the 5% one)."""
    cs = _two_ctr_scenario(base, five, two)
    sim = simulate(cs, FEED_SPLIT, runs=1500, seed=12)
    expected = _engine(cs, resolve_split(cs, FEED_SPLIT))
    _check(sim, expected, (*ADDITIVE, "impressions", "clicks"))
    # the engine values the test's mix: between always the 2% and always the 5% creative
    feed_only = {"feed": 200000}
    low = _engine(_two_ctr_scenario(0.02, 1.0, 1.0), resolve_split(cs, feed_only))
    high = _engine(_two_ctr_scenario(0.05, 1.0, 1.0), resolve_split(cs, feed_only))
    mine = _engine(cs, resolve_split(cs, feed_only))
    assert low["conversions"] < mine["conversions"] < high["conversions"]
    assert mine["conversions"] > 0.9 * high["conversions"]  # the 5% one wins most days


def test_which_creative_is_the_base_changes_neither_numbers_nor_plan() -> None:
    five_base = _two_ctr_scenario(0.05, 1.0, 0.4)
    two_base = _two_ctr_scenario(0.02, 2.5, 1.0)
    a = _engine(five_base, resolve_split(five_base, FEED_SPLIT))
    b = _engine(two_base, resolve_split(two_base, FEED_SPLIT))
    for metric in (*ADDITIVE, "clicks", "impressions"):
        assert a[metric] == pytest.approx(b[metric], rel=1e-9), metric
    plan_a, plan_b = optimize(five_base), optimize(two_base)
    assert plan_a.status == plan_b.status == "optimal"
    for cid in ("feed", "search"):
        assert plan_a.allocation[cid] == pytest.approx(plan_b.allocation[cid], rel=1e-6)
    assert plan_a.totals["revenue"] == pytest.approx(plan_b.totals["revenue"], rel=1e-9)
    # the plan really uses the creatives: with the 2% creative alone the feed gets less
    plain = optimize(_two_ctr_scenario(0.02, 1.0, 1.0))
    assert plain.allocation["feed"] < 0.9 * plan_a.allocation["feed"]


def test_optimiser_plans_with_the_mix_it_reports() -> None:
    """The optimum's marginal ROIs, from the engine with creatives, are equal (no cap binds)."""
    cs = _two_ctr_scenario(0.02, 2.5, 1.0)
    rec = optimize(cs)
    channels = evaluate(cs, rec.allocation).channels
    assert channels["feed"]["marginal_roi"] == pytest.approx(
        channels["search"]["marginal_roi"], rel=1e-4
    )


def test_tiring_creatives_with_adstock_events_and_a_daily_plan_equal_engine() -> None:
    data = _two_ctr_data(0.02, 2.5, 1.0, fatigue=0.8, adstock={"decay": 0.4})
    cs = scenario({**data, "events": [dict(EVENTS[0], channels=["feed"])]})
    rng = np.random.default_rng(8)
    plan = {cid: list(rng.uniform(0.3, 1.7, 30) * 200000 / 30) for cid in FEED_SPLIT}
    split = {"allocation": {k: float(sum(v)) for k, v in plan.items()}, "daily": plan}
    sim = simulate(cs, split, runs=1500, seed=13)
    _check(sim, _engine(cs, resolve_split(cs, split)), (*ADDITIVE, "carryover_after_horizon"))


def test_thompson_learning_residual_is_small_and_documented() -> None:
    """Each run learning on its own departs from the engine's mix by about 1% here (README)."""
    cs = _two_ctr_scenario(0.02, 2.5, 1.0)
    sim = simulate(cs, FEED_SPLIT, runs=1000, seed=14, creative_policy="thompson")
    engine = _engine(cs, resolve_split(cs, FEED_SPLIT))["revenue"]
    gap = float(sim.per_run["revenue"].mean()) / engine - 1.0
    assert -0.03 < gap < 0.01
