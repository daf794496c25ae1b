"""Same scenario, split, runs and seed: the same numbers, whatever the number of workers."""

from __future__ import annotations

import json

import numpy as np
import pytest

from simulator.cli import main
from simulator.simulate import simulate
from tests.conftest import ROOT
from tests.simulate.conftest import CORE_SPLIT, scenario


def _doc(**kwargs) -> str:
    return json.dumps(simulate(scenario(), CORE_SPLIT, **kwargs).to_json(), sort_keys=False)


def test_same_seed_same_bytes_and_a_new_seed_differs() -> None:
    assert _doc(runs=300, seed=9) == _doc(runs=300, seed=9)
    assert _doc(runs=300, seed=9) != _doc(runs=300, seed=10)


def test_workers_do_not_change_any_number() -> None:
    one = simulate(scenario(), CORE_SPLIT, runs=2100, seed=3, workers=1)
    two = simulate(scenario(), CORE_SPLIT, runs=2100, seed=3, workers=2)
    assert json.dumps(one.to_json()) == json.dumps(two.to_json())
    np.testing.assert_array_equal(one.daily_revenue, two.daily_revenue)


def test_a_run_draws_the_same_numbers_whatever_the_run_count() -> None:
    """Chunks of 1,024 runs own their streams: run 5 is run 5 in 1,024 or 1,500 runs."""
    small = simulate(scenario(), CORE_SPLIT, runs=1024, seed=4)
    large = simulate(scenario(), CORE_SPLIT, runs=1500, seed=4)
    np.testing.assert_array_equal(small.per_run["revenue"], large.per_run["revenue"][:1024])


@pytest.mark.slow  # imports every command module (dask, streamlit): several seconds
def test_cli_json_is_byte_identical_across_calls_and_workers(capsys) -> None:
    path = str(ROOT / "scenarios" / "ecommerce_q4.yaml")
    outputs = []
    for workers in ("1", "1", "2"):
        argv = ["simulate", path, "--current", "--runs", "1100", "--seed", "7", "--format", "json"]
        assert main([*argv, "--workers", workers]) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1] == outputs[2]
    doc = json.loads(outputs[0])
    assert list(doc)[:6] == ["scenario", "runs", "seed", "allocation", "totals", "p_targets_met"]
    assert set(doc["totals"]["roi"]) == {"mean", "p10", "p50", "p90"}
    assert doc["runs"] == 1100
