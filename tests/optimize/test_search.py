"""Search by simulation: Optuna studies over splits, their constraints, storage and answer."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import optuna
import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator import load_scenario
from simulator.api import optimize
from simulator.cli import main
from simulator.model.compiled import CompiledScenario
from simulator.model.load import load_split
from simulator.optimize.search.space import ChanceTarget, project, wilson_lower
from simulator.optimize.search.study import search
from simulator.simulate import simulate

Write = Callable[[str, str], Path]

SMALL = """\
name: search-small
horizon_days: 10
budget: {total: 300000}
TARGETS
channels:
  - id: search
    response: {type: hill, max_conversions: 4000, half_saturation: 150000, shape: 0.9}
    aov: 220
    new_customer_rate: 0.6
  - id: feed
    response: {type: exponential, max_conversions: 3000, scale: 100000}
    aov: 160
  - id: notes
    response: {type: exponential, max_conversions: 1500, scale: 80000}
    aov: 200
    min_spend: 10000
    max_spend: 100000
"""


def small(write: Write, targets: str = "") -> CompiledScenario:
    return load_scenario(write(SMALL.replace("TARGETS", targets), "small.yaml"))


def share_meeting_roi(cs: CompiledScenario, alloc: dict[str, float], seed: int) -> float:
    sim = simulate(cs, alloc, runs=400, seed=seed)
    return float(np.mean(sim.per_run["roi"] >= 3.0))


def test_search_improves_on_a_bad_start_within_its_constraints(write: Write) -> None:
    cs = small(write, "targets: {cac_max: 120}")
    bad = {"search": 10000.0, "feed": 10000.0, "notes": 100000.0}  # most money in the weakest
    res = search(cs, trials=16, runs=64, seed=3, start=bad)
    c = res.comparison
    assert res.start == pytest.approx(bad)
    assert res.improved
    assert res.feasible
    assert c.low > 0
    assert c.best > c.start * 1.2
    best = np.array(list(res.best.values()))
    assert best.sum() <= 300000 * (1 + 1e-9)
    assert 10000 * (1 - 1e-9) <= res.best["notes"] <= 100000 * (1 + 1e-9)
    assert np.all(best >= 0)
    sim = simulate(cs, res.best, runs=200, seed=77)  # the CAC target holds on fresh runs
    assert sim.per_run["spend"].mean() / sim.per_run["new_customers"].mean() <= 120


def test_study_resumes_from_its_sqlite_file(write: Write, tmp_path: Path) -> None:
    cs = small(write)
    url = f"sqlite:///{tmp_path / 'studies.db'}"
    first = search(cs, trials=3, runs=16, seed=1, storage=url)
    again = search(cs, trials=2, runs=16, seed=1, storage=url)
    assert first.study == again.study
    assert (first.trials, again.trials) == (3, 5)
    study = optuna.load_study(study_name=again.study, storage=url)
    assert len(study.trials) == 5
    starts = [t for t in study.trials if t.params == study.trials[0].params]
    assert len(starts) == 1  # the exact answer is enqueued once, not on every resume
    assert again.in_sample["start"] == first.in_sample["start"]


def test_chance_target_is_met_in_a_fresh_simulation(write: Write) -> None:
    """The exact answer sits on roi_min 3 in expectation, so half its runs miss it."""
    cs = small(write, "targets: {roi_min: 3.0}")
    exact = optimize(cs)
    assert exact.totals["roi"] == pytest.approx(3.0, rel=1e-6)
    assert share_meeting_roi(cs, exact.allocation, seed=99) < 0.7
    res = search(cs, trials=24, runs=100, seed=5, chance=[ChanceTarget.parse("roi_min=3:0.9")])
    assert res.feasible
    assert res.improved
    assert res.comparison.chance_best[0] >= 0.9
    assert share_meeting_roi(cs, res.best, seed=99) >= 0.9  # another seed, more runs
    assert res.comparison.diff < 0  # safety costs revenue, and the answer says so
    assert "meets it" in res.message


def test_search_without_gain_says_so(write: Write) -> None:
    """One free channel and a lower bound equal to the budget: nothing else to try."""
    text = SMALL.replace("TARGETS", "").replace("min_spend: 10000", "min_spend: 100000")
    cs = load_scenario(write(text.replace("total: 300000", "total: 100000"), "one.yaml"))
    res = search(cs, trials=3, runs=16, seed=0)
    assert res.best == pytest.approx(res.start)
    assert not res.improved
    assert "no split better" in res.message


@given(
    st.lists(st.floats(0, 1), min_size=4, max_size=4),
    st.floats(0, 1),
)
def test_projection_meets_total_and_bounds(weights: list[float], level: float) -> None:
    lo, hi = np.array([0.0, 10.0, 0.0, 5.0]), np.array([50.0, 40.0, 30.0, 5.0])
    total = lo.sum() + level * (hi.sum() - lo.sum())
    x = project(np.array(weights), total, lo, hi)
    assert x.sum() == pytest.approx(total, rel=1e-9, abs=1e-9)
    assert np.all(x >= lo - 1e-9)
    assert np.all(x <= hi + 1e-9)


def test_projection_keeps_a_feasible_split() -> None:
    lo, hi = np.zeros(3), np.array([100.0, 100.0, 50.0])
    x = np.array([30.0, 70.0, 50.0])
    np.testing.assert_allclose(project(x / 70.0, 150.0, lo, hi), x, rtol=1e-12)


def test_wilson_lower_bound_by_hand() -> None:
    # 90 of 100 at 97.5% one-sided (the 95% two-sided interval): 0.8256
    z = 1.959963984540054
    centre, spread = 0.9 + z * z / 200, z * math.sqrt(0.0009 + z * z / 40000)
    assert wilson_lower(90, 100, 0.975) == pytest.approx((centre - spread) / (1 + z * z / 100))
    assert wilson_lower(90, 100, 0.975) == pytest.approx(0.8256, abs=1e-4)
    assert wilson_lower(90, 100, 0.5) == 0.9


@pytest.mark.parametrize("text", ["roi_min", "roi_min=3", "roi=3:0.9", "roi_min=3:1.5"])
def test_bad_chance_target_is_a_clear_error(text: str) -> None:
    with pytest.raises(ValueError, match="--chance"):
        ChanceTarget.parse(text)


def test_cli_search_json_out_and_bad_input(
    write: Write, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(SMALL.replace("TARGETS", ""), "small.yaml")
    out = tmp_path / "best.yaml"
    args = ["search", str(path), "--trials", "3", "--runs", "16", "--format", "json"]
    code = main([*args, "--out", str(out)])
    captured = capsys.readouterr()
    doc = json.loads(captured.out)
    assert code == 0
    assert doc["trials"] == 3
    assert set(doc["best"]) == {"search", "feed", "notes"}
    assert (tmp_path / "studies.db").exists()  # SQLite next to --out by default
    split = load_split(load_scenario(path), out)
    assert split.spend.sum() == pytest.approx(sum(doc["best"].values()))
    code = main(["search", str(path), "--chance", "roi_min=3", "--storage", "sqlite://"])
    assert code == 2
    assert "--chance" in capsys.readouterr().err
