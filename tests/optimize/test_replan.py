"""Replanning mid-flight (optimize/replan.py) against hand-computed plans.

The small case: 4 days, budget 1000, revenue at aov 10.
- ``lin``: linear, 10 yuan per conversion (rate 0.1), adstock decay 0.5: day t's spend
  lands ``w_t = 1 - 0.5^(5 - t)`` of its conversions in the horizon (0.9375, 0.875, 0.75,
  0.5); its daily item is ``0.1 w_t x``.
- ``exp``: exponential, 100 conversions, scale 400, no adstock: its daily item is
  ``25 (1 - exp(-x / 100))``, marginal ``0.25 exp(-x / 100)``.
Actuals to day 2: lin 100 and 100, exp 50 and 0 (cost 250, so 750 is left).
Day 3 is lin's best day left (0.075 a yuan); day 4 pays only 0.05. exp spends until its
marginal falls to 0.075 on both days left: ``x = -100 ln 0.3`` = 120.397 each; lin takes
the rest, 750 - 2x, on day 3.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.expected import evaluate_plan, totals
from simulator.model.actuals import Actuals
from simulator.model.compiled import CompiledScenario, Split
from simulator.model.load import load_scenario
from simulator.optimize.certificate import certify, objective_total
from simulator.optimize.lineitems import cost_map
from simulator.optimize.problem import Allocation
from simulator.optimize.replan import (
    BASIS_OPTIMIZE,
    BASIS_SPLIT,
    cumulative,
    original_plan,
    past_by_ad_set,
    past_cost,
    replan,
    replan_problem,
    room_for_actuals,
    unit_totals,
)
from tests.strategies import replan_docs

SMALL = """\
name: small
horizon_days: 4
start_date: 2026-11-01
budget: {total: 1000}
channels:
  - id: lin
    response: {type: linear, cost_per_conversion: 10}
    aov: 10
    adstock: {decay: 0.5}
  - id: exp
    response: {type: exponential, max_conversions: 100, scale: 400}
    aov: 10
"""
X_EXP = -100 * math.log(0.3)


def small(tmp_path: Path, text: str = SMALL) -> CompiledScenario:
    path = tmp_path / "small.yaml"
    path.write_text(text, encoding="utf-8")
    return load_scenario(path)


def actuals(spend: list[list[float]], conversions: float = 0.0) -> Actuals:
    s = np.array(spend, dtype=float)
    conv = np.full_like(s, conversions)
    return Actuals(s.shape[1], s, conv, conv * 10, None)


def test_hand_computed_replan(tmp_path: Path) -> None:
    cs = small(tmp_path)
    result = replan(cs, actuals([[100, 100], [50, 0]]))
    assert result.status == "optimal"
    assert result.daily is not None
    np.testing.assert_allclose(result.daily["lin"], [100, 100, 750 - 2 * X_EXP, 0], atol=1e-4)
    np.testing.assert_allclose(result.daily["exp"], [50, 0, X_EXP, X_EXP], atol=1e-4)
    # the past's adstock still landing counts at 0.9375 and 0.875 of its production
    lin = 0.1 * (100 * 0.9375 + 100 * 0.875 + (750 - 2 * X_EXP) * 0.75)
    exp = 25 * (1 - math.exp(-0.5)) + 2 * 25 * (1 - 0.3)
    assert result.totals["revenue"] == pytest.approx(10 * (lin + exp), rel=1e-9)
    to_date = result.extra["to_date"]
    assert to_date["cost"] == 250
    assert to_date["budget_left"] == 750
    assert (to_date["day"], to_date["date"], to_date["days_left"]) == (2, "2026-11-02", 2)
    assert result.totals["spend"] == pytest.approx(1000)


def test_optimiser_believes_what_the_engine_computes(tmp_path: Path) -> None:
    """The problem's objective at its answer equals evaluate on the whole horizon."""
    cs = small(tmp_path)
    act = actuals([[100, 100], [50, 0]])
    plan = original_plan(cs)
    past = past_by_ad_set(cs, act, plan)
    problem = replan_problem(cs, past, {})
    result = replan(cs, act)
    assert result.split is not None
    assert result.split.daily is not None
    x = result.split.daily.T.ravel()  # items are day-major
    engine = totals(cs, evaluate_plan(cs, result.split.daily))["revenue"][0]
    assert problem.objective_value(x) == pytest.approx(engine, rel=1e-12)
    # the past items are held exactly: lower = upper = the actual spend
    t = act.today
    np.testing.assert_array_equal(problem.lower[: t * 2], problem.upper[: t * 2])
    np.testing.assert_array_equal(problem.lower[: t * 2], [100, 50, 100, 0])


def test_certificate_is_checked_over_the_whole_horizon(tmp_path: Path) -> None:
    """Re-read on the engine with the past held: budget and bounds kept, marginals of the
    days left balanced; moving money between the days left unbalances them."""
    cs = small(tmp_path)
    act = actuals([[100, 100], [50, 0]])
    result = replan(cs, act)
    cert = result.certificate
    assert cert is not None
    assert cert.checked
    assert cert.max_violation == 0
    assert cert.kkt_residual is not None
    assert cert.kkt_residual < 1e-5
    assert result.split is not None
    assert result.split.daily is not None
    plan = original_plan(cs)
    problem = replan_problem(cs, past_by_ad_set(cs, act, plan), {})
    moved = result.split.daily.copy()
    moved[1, 2] -= 50.0  # exp's day 3 to lin's day 3: exp's marginal is now above lin's
    moved[0, 2] += 50.0
    alloc = Allocation(moved.T.ravel(), 0.0, "optimal")
    worse = certify(cs, problem, alloc, Split(moved.sum(axis=1), moved), daily=True)
    assert not worse.checked
    assert worse.kkt_residual is not None
    assert worse.kkt_residual > 1e-3


def test_actual_cost_counts_fees(tmp_path: Path) -> None:
    text = SMALL.replace(
        "    aov: 10\n    adstock", "    aov: 10\n    fees: {service_fee: 0.1}\n    adstock"
    )
    cs = small(tmp_path, text)
    result = replan(cs, actuals([[100, 100], [50, 0]]))
    assert result.extra["to_date"]["cost"] == pytest.approx(270)
    assert result.totals["cost"] == pytest.approx(1000, rel=1e-9)
    assert result.status == "optimal"
    assert result.daily is not None
    assert result.daily["lin"][:2] == [100, 100]


def test_pace_against_the_scenario_split(tmp_path: Path) -> None:
    """Split spent evenly: 250 a day each. lin's expected landed conversions by day 2:
    day 1 lands 0.5 * 25 = 12.5 on day 1; day 2 gets 12.5 + 6.25 from day 1: 31.25 in all."""
    text = SMALL + "split:\n  allocation: {lin: 1000, exp: 0}\n"
    cs = small(tmp_path, text)
    act = Actuals(
        2,
        np.array([[250.0, 250.0], [0.0, 0.0]]),
        np.array([[10.0, 10.0], [0.0, 0.0]]),
        np.array([[100.0, 100.0], [0.0, 0.0]]),
        None,
    )
    result = replan(cs, act)
    assert result.extra["to_date"]["pace_basis"] == BASIS_SPLIT
    lin = result.extra["pace"]["lin"]
    assert lin["plan_conversions"] == pytest.approx(31.25)
    assert lin["plan_spend"] == pytest.approx(500)
    assert lin["ratio"] == pytest.approx(20 / 31.25)
    # |20 - 31.25| = 11.25 > 2 sqrt(31.25) = 11.18: off pace, with sentences
    assert lin["noise"] == pytest.approx(2 * math.sqrt(31.25))
    assert lin["off_pace"] is True
    assert lin["sentence"] == (
        "lin is behind pace: 20 conversions by day 2 against 31 expected by the plan (64%), "
        "more than chance explains (about ±11); it spent 500 where the plan had 500."
    )
    assert lin["sentence_zh"] == (
        "lin 进度落后：截至第 2 天转化 20，计划预期 31（64%），差距超出随机波动（约 ±11）；"
        "已花费 500，计划同期花费 500。"
    )
    ex = result.extra["pace"]["exp"]
    assert (ex["off_pace"], ex["sentence"], ex["ratio"]) == (False, None, None)


def test_pace_within_noise_is_on_pace(tmp_path: Path) -> None:
    text = SMALL + "split:\n  allocation: {lin: 1000, exp: 0}\n"
    cs = small(tmp_path, text)
    act = Actuals(
        2,
        np.array([[250.0, 250.0], [0.0, 0.0]]),
        np.array([[10.0, 11.0], [0.0, 0.0]]),  # 21: 10.25 short, inside 11.18
        np.array([[100.0, 110.0], [0.0, 0.0]]),
        None,
    )
    lin = replan(cs, act).extra["pace"]["lin"]
    assert lin["off_pace"] is False
    assert lin["sentence"] is None


def test_without_a_split_the_pace_basis_is_the_daily_optimum(tmp_path: Path) -> None:
    cs = small(tmp_path)
    assert original_plan(cs).basis == BASIS_OPTIMIZE
    result = replan(cs, actuals([[100, 100], [50, 0]]))
    assert result.extra["to_date"]["pace_basis"] == BASIS_OPTIMIZE


def test_whole_units_already_bought_stay(tmp_path: Path) -> None:
    """A unit of 300: the plan's units stay, and at least those paid for so far."""
    text = (
        SMALL.replace("scale: 400}\n    aov: 10", "scale: 400}\n    aov: 10\n    unit_cost: 300")
        + "split:\n  allocation: {lin: 700, exp: 300}\n"
    )
    cs = small(tmp_path, text)
    plan = original_plan(cs)
    # 350 spent on exp so far: two units are paid, more than the plan's one
    past = past_by_ad_set(cs, actuals([[0, 0], [200, 150]]), plan)
    assert unit_totals(cs, plan, past) == {1: 600.0}
    result = replan(cs, actuals([[0, 0], [200, 150]]))
    assert result.allocation["exp"] == pytest.approx(600)
    assert result.allocation["lin"] == pytest.approx(400)
    assert result.daily is not None
    assert result.daily["exp"][:2] == [200, 150]
    assert result.status in ("optimal", "feasible")


def test_actuals_above_the_budget_are_facts(tmp_path: Path) -> None:
    cs = small(tmp_path)
    result = replan(cs, actuals([[600, 600], [0, 0]]))
    assert result.extra["to_date"]["budget_left"] == -200
    assert any("above the budget of 1,000" in w for w in result.warnings)
    assert result.daily is not None
    assert result.daily["lin"] == [600, 600, 0, 0]
    assert result.status == "optimal"


def test_today_is_the_last_day_replans_nothing(tmp_path: Path) -> None:
    cs = small(tmp_path)
    result = replan(cs, actuals([[100, 100, 100, 100], [50, 0, 0, 0]]))
    assert result.daily is not None
    assert result.daily["exp"] == [50, 0, 0, 0]
    assert result.extra["to_date"]["days_left"] == 0


def test_bundled_double11_example_is_certified() -> None:
    from simulator.commands.replan import read_actuals
    from tests.conftest import ROOT

    cs = load_scenario(ROOT / "scenarios" / "double11.yaml")
    act = read_actuals(str(ROOT / "scenarios" / "double11.actuals.csv"), cs, None)
    result = replan(cs, act)
    assert act.today == 8
    assert result.status == "optimal"
    assert result.split is not None
    assert result.split.daily is not None
    np.testing.assert_allclose(
        cs.channel_sum(result.split.daily[:, :8].T).T, act.spend, rtol=0, atol=1e-9
    )
    assert [c for c, p in result.extra["pace"].items() if p["off_pace"]] == ["douyin_live"]
    assert result.certificate is not None
    assert result.certificate.checked


def test_cumulative_pace_series(tmp_path: Path) -> None:
    """lin spent evenly (250 a day, 25 produced a day): landed 12.5, 31.25, 40.625 +
    ... by hand: day u lands sum_t 25 * 0.5 * 0.5^(u-t)."""
    text = SMALL + "split:\n  allocation: {lin: 1000, exp: 0}\n"
    cs = small(tmp_path, text)
    act = actuals([[250, 250], [0, 0]], conversions=3.0)
    series = cumulative(cs, act, original_plan(cs))
    actual, expected = series["lin"]
    np.testing.assert_allclose(actual, [3, 6])
    landed = [12.5, 18.75, 21.875, 23.4375]
    np.testing.assert_allclose(expected, np.cumsum(landed))
    np.testing.assert_allclose(series["exp"][1], [0, 0, 0, 0])


@pytest.mark.slow  # ~2 s in all: each draw plans its scenario by day
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=replan_docs(), share=st.floats(0.1, 1.0), pace_factor=st.floats(0.3, 1.6))
def test_any_small_scenario_replans_with_the_past_held(
    doc: dict[str, Any], share: float, pace_factor: float, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Adstock, events, fees, commission, whole units, caps, an ROI target: the past
    stays as spent, the budget left is the budget minus its cost, nothing breaks a
    constraint it claims, and the optimiser's objective at the answer is the engine's
    over the whole horizon (the past's carry-over counted exactly once)."""
    path = tmp_path_factory.mktemp("replan") / "replan.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    cs = load_scenario(path)
    plan = original_plan(cs)
    t = min(max(round(share * cs.horizon_days), 1), cs.horizon_days)
    spend = cs.channel_sum(plan.daily[:, :t].T).T * pace_factor
    act = Actuals(t, spend, np.zeros_like(spend), np.zeros_like(spend), None)
    result = replan(cs, act, plan)
    assert result.status != "unverified", result.certificate.failures
    assert result.split is not None
    assert result.split.daily is not None
    held = cs.channel_sum(result.split.daily[:, :t].T).T
    np.testing.assert_allclose(held, spend, rtol=1e-12, atol=1e-9)
    past = past_by_ad_set(cs, act, plan)
    cost = past_cost(cs, past)
    assert result.extra["to_date"]["budget_left"] == pytest.approx(cs.budget - cost)
    if result.status != "infeasible":
        assert result.totals["cost"] <= max(cs.budget, cost) * (1 + 1e-8)
    if t == cs.horizon_days and not cs.active_targets():  # the past alone is the plan
        assert result.status in ("optimal", "feasible")  # feasible: the cost-bend caveat
    roomy, _ = room_for_actuals(cs, past)
    problem = replan_problem(roomy, past, unit_totals(roomy, plan, past))
    items = result.split.daily.T.ravel()
    cmap = cost_map(roomy, daily=True)
    if cmap is not None:
        items = cmap.to_cost(items)
    engine = objective_total(roomy, totals(roomy, evaluate_plan(roomy, result.split.daily)))
    assert problem.objective_value(items) == pytest.approx(engine, rel=1e-7, abs=1e-3)


def test_a_unit_begun_on_the_last_day_is_read_as_spent(tmp_path: Path) -> None:
    text = (
        SMALL.replace("scale: 400}\n    aov: 10", "scale: 400}\n    aov: 10\n    unit_cost: 300")
        + "split:\n  allocation: {lin: 400, exp: 600}\n"
    )
    cs = small(tmp_path, text)
    result = replan(cs, actuals([[0, 0, 0, 0], [200, 150, 0, 100]]))
    assert result.status == "optimal"
    assert result.allocation["exp"] == 450
    whole = replan(
        cs, actuals([[0, 0, 0, 0], [200, 100, 0, 0]])
    )  # one unit: the plan's second can no longer be bought
    assert (whole.status, whole.allocation["exp"]) == ("optimal", 300)
    assert "exp: 450 spent in all is not a whole number of units of 300; read as spent" in (
        result.warnings
    )
