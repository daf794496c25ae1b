"""A growing customer base in every planner: Pareto, replan and the search's seed plan it
through ``optimize``'s fixed point (``fixed_point.plan_with_base``), never at its day-1 size.

The scenario: an exponential acquisition channel feeding a retention funnel on a base of
400 members over 6 days. Planned at the day-1 size, the retention channel is worth less
than it is (the base it reaches grows with the new customers), so the day-1 plan
under-spends it; evaluated on the engine, where the base grows, the fixed point's plans
earn at least as much.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
from pathlib import Path

import numpy as np
import pytest

from simulator import evaluate
from simulator.cli import main
from simulator.expected import evaluate_plan, totals
from simulator.model.actuals import Actuals
from simulator.model.compiled import CompiledScenario
from simulator.model.load import load_scenario
from simulator.optimize import fixed_point, optimize
from simulator.optimize.fixed_point import base_ratio
from simulator.optimize.lineitems import build_problem
from simulator.optimize.pareto import pareto_front, with_target
from simulator.optimize.replan import replan
from simulator.optimize.search.study import search

GROWS = """\
name: grows
horizon_days: 6
budget: {total: 3000}
customer_base: {size: 400, grows: true}
channels:
  - id: a
    response: {type: exponential, max_conversions: 300, scale: 1500}
    aov: 60
  - id: r
    role: retention
    response: {type: funnel, pricing: cpm, cpm: 100, ctr: 0.1, cvr: 0.5, max_frequency: 2}
    aov: 30
"""
REL = 1e-9


def run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def grows(tmp_path: Path) -> CompiledScenario:
    path = tmp_path / "grows.yaml"
    path.write_text(GROWS, encoding="utf-8")
    return load_scenario(path)


def day_one(cs: CompiledScenario) -> CompiledScenario:
    """The same scenario with its base frozen at the day-1 size: what the planners did."""
    return dataclasses.replace(cs, base_growth=None)


def revenue(cs: CompiledScenario, allocation: dict[str, float]) -> float:
    return float(evaluate(cs, allocation).totals["revenue"])


def test_build_problem_refuses_a_growing_base(grows: CompiledScenario) -> None:
    with pytest.raises(ValueError, match="grows with the plan"):
        build_problem(grows)
    assert build_problem(day_one(grows)).n == 2  # a frozen base is separable again


def test_pareto_points_are_fixed_points_that_beat_the_day_one_front(
    grows: CompiledScenario,
) -> None:
    front = pareto_front(grows, "cac", points=4)
    assert len(front.points) == 4
    assert not front.warnings
    for p in front.points:
        assert p.grown is not None
        status, loop = p.grown
        assert status == "feasible"  # a coupled base is never claimed optimal
        assert loop["converged"]
        assert loop["last_change"] <= fixed_point.TOLERANCE
        # the point, read on the engine where the base grows, keeps its target ...
        got = evaluate(grows, p.allocation).totals
        assert got["cac"] <= p.target * (1 + REL)
        assert got["revenue"] == pytest.approx(p.y, rel=REL)
        assert got["cost"] <= grows.budget * (1 + REL)
        # ... and earns at least what the day-1-size plan for the same target earns there
        flat = optimize(day_one(with_target(grows, "cac_max", p.target)))
        assert revenue(grows, flat.allocation) <= p.y * (1 + REL)
    # the free end is optimize's own answer
    free = optimize(grows)
    end = max(front.points, key=lambda p: p.x)
    for cid, spend in free.allocation.items():
        assert end.allocation[cid] == pytest.approx(spend, rel=1e-6)
    assert end.y == pytest.approx(free.totals["revenue"], rel=1e-9)
    # the day-1 plan is strictly worse here: the test can tell the two apart
    assert revenue(grows, optimize(day_one(grows)).allocation) < end.y * (1 - 1e-4)


def test_pareto_json_reports_the_fixed_point_only_where_the_base_grows(tmp_path: Path) -> None:
    grown = tmp_path / "grows.yaml"
    grown.write_text(GROWS, encoding="utf-8")
    fixed = tmp_path / "fixed.yaml"
    fixed.write_text(GROWS.replace("grows: true", "grows: false"), encoding="utf-8")
    code, out, _ = run_cli("pareto", str(grown), "--points", "2", "--format", "json")
    assert code == 0
    for point in json.loads(out)["points"]:
        assert point["status"] == "feasible"
        assert set(point["fixed_point"]) == {"iterations", "last_change", "converged"}
    code, out, _ = run_cli("pareto", str(fixed), "--points", "2", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert "warnings" not in doc
    assert all("status" not in p and "fixed_point" not in p for p in doc["points"])


def _actuals(spend: list[list[float]]) -> Actuals:
    s = np.array(spend, dtype=float)
    return Actuals(s.shape[1], s, np.zeros_like(s), np.zeros_like(s), None)


def test_replan_plans_the_days_left_on_the_base_they_grow(grows: CompiledScenario) -> None:
    past = [[300.0, 300.0], [50.0, 50.0]]
    res = replan(grows, _actuals(past))
    assert res.status == "feasible"
    assert res.certificate is not None
    loop = res.certificate.to_json()["fixed_point"]
    assert loop["converged"]
    assert res.split is not None
    daily = res.split.daily
    assert daily is not None
    np.testing.assert_array_equal(daily[:, :2], past)  # the days so far, as spent
    whole = totals(grows, evaluate_plan(grows, daily))
    assert float(whole["cost"][0]) == pytest.approx(grows.budget, rel=REL)  # budget conserved
    assert res.totals["revenue"] == pytest.approx(float(whole["revenue"][0]), rel=REL)
    # the plan grows the base it was solved for: its own trajectory is the frozen one
    rho = base_ratio(grows, res.split)
    assert rho[1, -1] > rho[1, 2] > 1.0
    # the day-1-size replan, read on the engine where the base grows, earns less
    flat = replan(day_one(grows), _actuals(past))
    assert flat.split is not None
    assert flat.split.daily is not None
    flat_revenue = float(totals(grows, evaluate_plan(grows, flat.split.daily))["revenue"][0])
    assert flat_revenue < res.totals["revenue"] * (1 - 1e-4)
    # and it spends more on retention on the later days, where the base is larger
    assert daily[1, 2:].sum() > flat.split.daily[1, 2:].sum()


def test_a_fixed_point_that_does_not_settle_says_so(
    grows: CompiledScenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fixed_point, "MAX_ITERATIONS", 1)
    res = optimize(grows)
    assert res.status == "feasible"
    assert any("did not converge in 1 iterations" in w for w in res.warnings)
    past = replan(grows, _actuals([[300.0], [50.0]]))
    assert past.status == "feasible"
    assert any("the customer base did not settle" in w for w in past.warnings)
    front = pareto_front(grows, "cac", points=2)
    assert front.warnings
    assert all(p.grown is not None and not p.grown[1]["converged"] for p in front.points)
    assert front.to_json()["warnings"] == front.warnings


def test_the_search_starts_from_the_fixed_point(grows: CompiledScenario) -> None:
    found = search(grows, trials=1, runs=20, seed=3)
    doc = found.to_json()
    assert doc["fixed_point"]["converged"]
    free = optimize(grows)
    for cid, spend in free.allocation.items():
        assert found.start[cid] == pytest.approx(spend, rel=1e-9)
