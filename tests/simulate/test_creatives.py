"""Rotation moves the budget to the better creative; fatigue wears a creative out.

Every test runs under both creative policies: ``expected`` (the engine's compile-time mix,
the default) and ``thompson`` (each run learns from its own conversions).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from simulator.model.compiled import CompiledScenario
from simulator.model.load import load_scenario
from simulator.simulate import CREATIVE_POLICIES, simulate
from tests.conftest import ROOT
from tests.simulate.conftest import CORE, CORE_SPLIT, scenario, within_mc_error

both = pytest.mark.parametrize("policy", CREATIVE_POLICIES)


def _with_creatives(creatives: list[dict[str, Any]]) -> CompiledScenario:
    channels = [dict(ch) for ch in CORE["channels"]]
    channels[2]["creatives"] = creatives
    return scenario(channels=channels)


@both
def test_the_better_creative_takes_the_budget_over_the_run(policy: str) -> None:
    cs = _with_creatives([{"id": "plain"}, {"id": "strong", "cvr_multiplier": 1.5}])
    sim = simulate(cs, CORE_SPLIT, runs=500, seed=3, creative_policy=policy)
    picks = sim.creative_picks["notes"]  # (creatives, days): share of runs on each
    assert picks[1, 0] == pytest.approx(0.5, abs=0.1)  # day one: a coin flip, prior only
    assert picks[1, -5:].mean() > 0.9  # by the end nearly every run backs the winner
    assert sim.creatives["notes"]["strong"] > 0.8
    assert sim.creatives["notes"]["plain"] + sim.creatives["notes"]["strong"] == pytest.approx(1.0)


@both
def test_learning_lifts_the_mean_above_a_plain_creative_but_below_always_the_winner(
    policy: str,
) -> None:
    """The learnt mix pays a learning cost: above the plain creative, below always the winner."""
    strong = {"id": "b", "cvr_multiplier": 1.5}
    sims = {
        "plain": simulate(
            _with_creatives([{"id": "a"}]), CORE_SPLIT, runs=500, seed=4, creative_policy=policy
        ),
        "learned": simulate(
            _with_creatives([{"id": "a"}, strong]),
            CORE_SPLIT,
            runs=500,
            seed=4,
            creative_policy=policy,
        ),
        "oracle": simulate(
            _with_creatives([strong]), CORE_SPLIT, runs=500, seed=4, creative_policy=policy
        ),
    }
    notes = {k: float(sim.channels["notes"]["conversions"].mean()) for k, sim in sims.items()}
    assert notes["plain"] < notes["learned"] < notes["oracle"]


@both
def test_neutral_creatives_leave_the_engines_mean(policy: str) -> None:
    cs = _with_creatives([{"id": "a"}, {"id": "b"}])
    sim = simulate(cs, CORE_SPLIT, runs=1500, seed=5, creative_policy=policy)
    for metric in ("revenue", "conversions", "new_customers"):
        within_mc_error(sim, metric, sim.expected[metric])


@both
def test_fatigue_hands_the_budget_back_to_the_fresh_creative(policy: str) -> None:
    fresh = {"id": "fresh"}
    tiring = {"id": "tiring", "cvr_multiplier": 1.3, "fatigue": 0.9}
    sim = simulate(
        _with_creatives([fresh, tiring]), CORE_SPLIT, runs=400, seed=6, creative_policy=policy
    )
    picks = sim.creative_picks["notes"][1]
    assert picks[5:12].mean() > 0.6  # the better creative wins first ...
    assert picks[-5:].mean() < picks[5:12].mean() - 0.2  # ... then tires and loses share


@both
def test_bundled_creative_scenario_rotates_to_the_unboxing_video(policy: str) -> None:
    cs = load_scenario(ROOT / "scenarios" / "creative_test.yaml")
    sim = simulate(cs, cs.current, runs=300, seed=7, creative_policy=policy)
    assert sim.creatives["douyin_feed"]["unboxing"] > 0.75
    assert np.all(np.isfinite(sim.per_run["revenue"]))


def test_an_unknown_creative_policy_names_the_allowed_ones() -> None:
    with pytest.raises(
        ValueError, match="creative_policy: unknown 'greedy'; use expected, thompson"
    ):
        simulate(_with_creatives([{"id": "a"}]), CORE_SPLIT, runs=10, creative_policy="greedy")


def test_expected_policy_spends_in_the_compiled_shares() -> None:
    """Every run spends each day exactly in the engine's shares: the picks are the schedule."""
    cs = _with_creatives([{"id": "plain"}, {"id": "strong", "cvr_multiplier": 1.5}])
    sim = simulate(cs, CORE_SPLIT, runs=50, seed=1)
    notes = cs.ad_set_ids.index("notes")
    np.testing.assert_allclose(sim.creative_picks["notes"], cs.creatives.share[notes], atol=1e-12)
    spent = cs.creatives.share[notes] @ np.full(30, 150000 / 30)
    assert sim.creatives["notes"]["strong"] == pytest.approx(spent[1] / spent.sum(), rel=1e-9)


def test_cli_passes_the_creative_policy(write, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from simulator.cli import main

    path = write(
        "name: t\nbudget: {total: 1000}\nchannels:\n"
        "  - {id: a, aov: 10, response: {type: exponential, max_conversions: 50, scale: 500},\n"
        "     creatives: [{id: x}, {id: y, ctr_multiplier: 2}]}\n"
    )
    argv = ["simulate", str(path), "--runs", "20", "--format", "json"]
    for policy in CREATIVE_POLICIES:
        assert main([*argv, "--creative-policy", policy]) == 0
        doc = json.loads(capsys.readouterr().out)
        assert doc["options"]["creative_policy"] == policy
        assert set(doc["creatives"]["a"]) == {"x", "y"}
    with pytest.raises(SystemExit) as bad:  # argparse: bad input, exit 2
        main([*argv, "--creative-policy", "greedy"])
    assert bad.value.code == 2
    assert "invalid choice: 'greedy'" in capsys.readouterr().err
