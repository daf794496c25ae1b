"""Cost, halo and stage costs in the simulation: its means agree with the engine."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from simulator.expected import evaluate_spend, totals
from simulator.simulate import simulate
from simulator.simulate.core import resolve_split
from tests.simulate.conftest import ADDITIVE, CORE, CORE_SPLIT, scenario, within_mc_error


def _with_money() -> dict:
    doc = copy.deepcopy(CORE)
    search, feed, notes = doc["channels"]
    search["fees"] = {"service_fee": 0.06, "rebate": 0.1}
    search["commission"] = 0.08
    feed["response"].pop("cvr")
    feed["response"]["stages"] = [
        {"name": "register", "rate": 0.3, "cost_each": 2.0},
        {"name": "first_order", "rate": 0.1, "cost_each": 15.0},
    ]
    notes["halo"] = [{"to": "search", "conversions_per_conversion": 0.4}]
    notes["adstock"] = {"decay": 0.3}
    doc["baseline"] = {"conversions": 2000, "aov": 120, "new_customer_rate": 0.2}
    return doc


def test_cost_and_halo_means_equal_engine() -> None:
    cs = scenario(_with_money())
    sim = simulate(cs, CORE_SPLIT, runs=1000, seed=4)
    split = resolve_split(cs, CORE_SPLIT)
    expected = {k: float(v[0]) for k, v in totals(cs, evaluate_spend(cs, split.spend)).items()}
    assert expected["cost"] != pytest.approx(expected["spend"], rel=1e-3)  # the keys matter
    for metric in (*ADDITIVE, "cost"):
        within_mc_error(sim, metric, expected[metric])
    per_channel = sum(sim.channels[c]["cost"] for c in ("search", "feed", "notes"))
    np.testing.assert_allclose(per_channel, sim.per_run["cost"], rtol=1e-12)
    # a run's roi is its revenue over its cost
    np.testing.assert_allclose(
        sim.per_run["roi"], sim.per_run["revenue"] / sim.per_run["cost"], rtol=1e-12
    )


def test_a_scenario_without_the_keys_draws_the_same_runs() -> None:
    a = simulate(scenario(), CORE_SPLIT, runs=50, seed=2).to_json()
    doc = copy.deepcopy(CORE)
    doc["channels"][0]["fees"] = {"service_fee": 0.0, "rebate": 0.0}  # cost is spend
    b = simulate(scenario(doc), CORE_SPLIT, runs=50, seed=2).to_json()
    assert a["totals"] == b["totals"]
    assert a["totals"]["cost"] == a["totals"]["spend"]
