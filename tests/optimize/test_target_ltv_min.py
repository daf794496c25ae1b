"""``ltv_min``, the target added as one table row: validate, optimise, simulate, search, Pareto.

One exponential channel ``C(S) = M (1 - exp(-S / scale))`` without repeat purchases has
``ltv = aov * C(S)``, so the least spend meeting ``ltv_min = X`` is
``-scale * ln(1 - X / (M * aov))`` and the most LTV a budget B reaches is ``aov * C(B)``.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from simulator import load_scenario
from simulator.api import optimize
from simulator.cli import main
from simulator.expected import evaluate_totals
from simulator.model.compiled import CompiledScenario
from simulator.optimize.pareto import pareto_front
from simulator.optimize.search.score import Settings, constraint_values
from simulator.optimize.search.space import ChanceTarget
from simulator.simulate import simulate

Write = Callable[[str, str], Path]
M, SCALE, AOV, BUDGET = 9000.0, 250_000.0, 160.0, 1_000_000.0

ONE = f"""\
name: ltv-floor
budget: {{total: {BUDGET:.0f}}}
objective: OBJECTIVE
targets:
  ltv_min: FLOOR
channels:
  - id: feed
    response: {{type: exponential, max_conversions: {M:.0f}, scale: {SCALE:.0f}}}
    aov: {AOV:.0f}
    margin: 0.3
"""


def one(write: Write, floor: str, objective: str = "min_spend") -> Path:
    return write(ONE.replace("FLOOR", floor).replace("OBJECTIVE", objective), "ltv.yaml")


def least_spend(floor: float, per_conversion: float = AOV) -> float:
    return -SCALE * math.log(1 - floor / (M * per_conversion))


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("-3", "targets.ltv_min: must be > 0 (got -3)"),
        ("true", "targets.ltv_min: must be a number (got true)"),
        ("'1e6'", "targets.ltv_min: must be a number (got '1e6')"),
        ("1e13", "targets.ltv_min: must be <= 1e+12 (got 1e+13)"),
    ],
)
def test_bad_ltv_min_is_located_bad_input(
    write: Write, capsys: pytest.CaptureFixture[str], value: str, says: str
) -> None:
    path = one(write, value)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:5: {says}" in err
    assert "Traceback" not in err


def test_least_spend_meeting_ltv_min_by_hand(write: Write) -> None:
    floor = 600_000.0
    res = optimize(load_scenario(one(write, f"{floor:.0f}")))
    assert res.status == "optimal"
    assert res.certificate.checked
    assert res.totals["spend"] == pytest.approx(least_spend(floor), rel=1e-9)
    assert res.totals["ltv"] == pytest.approx(floor, rel=1e-9)


def test_repeat_revenue_counts_in_ltv_min(write: Write) -> None:
    text = one(write, "600000").read_text() + "ltv: {repeat_rate: 0.5, decay: 0.5}\n"
    cs = load_scenario(write(text, "repeat.yaml"))
    per_conversion = AOV + float(cs.new_customer_rate[0] * cs.repeat_revenue[0])
    assert per_conversion > AOV  # the repeat orders are worth something
    res = optimize(cs)
    assert res.status == "optimal"
    assert res.certificate.checked
    assert res.totals["spend"] == pytest.approx(least_spend(6e5, per_conversion), rel=1e-9)


def test_ltv_min_holds_a_profit_plan_above_its_own_optimum(write: Write) -> None:
    free = optimize(load_scenario(one(write, "1", objective="profit")))
    floor = 1.5 * free.totals["ltv"]
    cs = load_scenario(one(write, f"{floor:.0f}", objective="profit"))
    res = optimize(cs)
    assert res.status == "optimal"
    assert res.certificate.checked
    assert res.totals["ltv"] == pytest.approx(round(floor), rel=1e-9)  # binding: met exactly
    assert res.totals["spend"] == pytest.approx(least_spend(round(floor)), rel=1e-9)
    assert res.channels["feed"]["active"] == "ltv_min"


def test_unreachable_ltv_min_names_the_best_ltv(
    write: Write, capsys: pytest.CaptureFixture[str]
) -> None:
    best = AOV * M * -math.expm1(-BUDGET / SCALE)
    path = one(write, "2000000")
    assert main(["optimize", str(path), "--format", "json"]) == 3
    doc = json.loads(capsys.readouterr().out)
    assert doc["status"] == "infeasible"
    assert doc["message"] == (
        "ltv_min 2,000,000 cannot be met: the most LTV reachable within the budget and "
        f"bounds is {best:,.0f}, at a spend of {BUDGET:,.0f}"
    )


def test_simulated_share_meeting_ltv_min(write: Write) -> None:
    cs = load_scenario(one(write, "1"))
    split = {"feed": 300_000.0}
    expected = float(evaluate_totals(cs, np.array([[300_000.0]]))["ltv"][0])
    at_mean = dataclasses.replace(cs, targets={"ltv_min": expected})
    sim = simulate(at_mean, split, runs=400, seed=3)
    share = float(np.mean(np.asarray(sim.per_run["ltv"]) >= expected))
    assert sim.p_targets_met == share
    assert 0.2 < share < 0.8  # a floor at the mean is met in about half the runs
    assert simulate(cs, split, runs=50, seed=3).p_targets_met == 1.0


def test_search_reads_ltv_min_and_its_chance(write: Write) -> None:
    cs: CompiledScenario = load_scenario(one(write, "400000", objective="revenue"))
    chance = ChanceTarget.parse("ltv_min=500000:0.9")
    per_run = {
        "spend": np.array([1.0, 1.0, 1.0, 1.0]),
        "ltv": np.array([300_000.0, 500_000.0, 600_000.0, np.nan]),
    }
    assert chance.met(per_run).tolist() == [0.0, 1.0, 1.0, 0.0]
    mean_ltv = np.nanmean(per_run["ltv"])
    gaps = constraint_values(cs, per_run, Settings(runs=4, chance=(chance,), confidence=0.5))
    assert gaps[0] == pytest.approx((400_000.0 - mean_ltv) / 400_000.0)
    assert gaps[1] == pytest.approx(0.9 - 0.5)


def test_pareto_front_keeps_ltv_min(write: Write) -> None:
    text = one(write, "1", objective="profit").read_text()
    text = text.replace("ltv_min: 1", "ltv_min: 900000") + (
        "  - id: search\n"
        "    response: {type: exponential, max_conversions: 12000, scale: 400000}\n"
        "    aov: 220\n"
        "    new_customer_rate: 0.6\n"
    )
    front = pareto_front(load_scenario(write(text, "two.yaml")), axis="cac", points=4)
    assert front.points
    for p in front.points:
        assert p.totals["ltv"] >= 900_000 * (1 - 1e-9)
