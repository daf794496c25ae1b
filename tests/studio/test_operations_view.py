"""The plan's operations view: referred customers, members joined, the base by day."""

from __future__ import annotations

import json

import numpy as np
import pytest

from simulator.api import evaluate
from simulator.expected import new_customers_by_day
from simulator.io.yaml_loader import parse_yaml
from simulator.model.load import load_scenario, scenario_from_data
from simulator.model.split import as_split
from simulator.studio.operations import base_figure, daily_plan, has_operations, operations
from tests.studio.conftest import ROOT
from tests.test_operations import GROWS


def _grows(text: str = GROWS):
    data, lines = parse_yaml(text, "grows.yaml")
    return scenario_from_data(data, lines, "grows.yaml")


def test_the_base_by_day_by_hand() -> None:
    cs = _grows()
    plan = {"a": 1000.0, "r": 500.0}
    ops = operations(cs, plan, evaluate(cs, plan))
    # 1,000 spent at 10 a conversion, evenly over 5 days: 20 new customers a day, each a
    # member from the next day on
    assert ops.base_by_day == pytest.approx([1000, 1020, 1040, 1060, 1080])
    assert ops.joined == pytest.approx(100)
    assert ops.referred == 0


def test_the_days_sum_to_the_engines_base_growth() -> None:
    cs = load_scenario(ROOT / "scenarios" / "community_groupbuy.yaml")
    split = as_split(cs, None)
    new = new_customers_by_day(cs, daily_plan(cs, split))
    result = evaluate(cs)
    assert new.sum() == pytest.approx(result.totals["base_growth"], rel=1e-9)
    ops = operations(cs, split, result)
    assert ops.referred == result.totals["referred_customers"] > 0
    assert ops.base_by_day is not None
    assert np.all(np.diff(ops.base_by_day) >= 0)
    assert ops.base_by_day[0] == 26_000  # the whole base (the group pushes reach it all)


def test_no_growth_no_series() -> None:
    cs = _grows(GROWS.replace("grows: true", "grows: false"))
    ops = operations(cs, {"a": 1000.0}, evaluate(cs, {"a": 1000.0}))
    assert (ops.joined, ops.base_by_day) == (None, None)
    assert not has_operations(cs)
    assert has_operations(load_scenario(ROOT / "scenarios" / "local_brand.yaml"))  # referrals


def test_the_figure_reads_in_both_languages() -> None:
    fig = base_figure([("plan", np.array([1000.0, 1020.0]))], "zh")
    spec = json.loads(fig.to_json())
    assert spec["layout"]["yaxis"]["title"]["text"] == "会员数"
    assert spec["layout"]["xaxis"]["title"]["text"] == "天"
    assert spec["data"][0]["y"] == [1000.0, 1020.0]
    assert spec["data"][0]["x"] == [1, 2]
