"""Whole units pinned at zero stay at zero in a daily plan with periods and groups.

Found by the combination strategy: a daily plan keeps each whole-unit channel at its
total from the plan by total (here 0: the period's cap keeps that plan to 300,000). With
budget periods, a channel's own group without a minimum is dropped from the daily problem
and checked afterwards against its max_spend, so the pin at 0 was lost too, and the plan
put 285,135 on a channel bought in units of 100,000 (reported ``unverified``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.model.load import load_scenario
from simulator.optimize import optimize

SCENARIO = """\
name: pinned-at-zero
horizon_days: 6
budget:
  total: 1000000
  periods: [{start: 1, end: 1, max: 50000}]
objective: new_customers
channels:
- id: feed
  response: {type: logistic, max_conversions: 3862, midpoint: 269527, steepness: 6.6}
  aov: 133.79
  new_customer_rate: 0.5
  max_spend: 809746
- id: kol_a
  response: {type: hill, max_conversions: 8583, half_saturation: 457877, shape: 0.5}
  aov: 30
  new_customer_rate: 0.2
  unit_cost: 100000
  max_spend: 300000
- id: kol_b
  response: {type: hill, max_conversions: 8583, half_saturation: 457877, shape: 0.5}
  aov: 30
  new_customer_rate: 0.2
  unit_cost: 100000
  max_spend: 300000
groups:
- {id: promotion, channels: [feed], min: 20000}
"""


@pytest.mark.slow  # ~8 s: an S-curve by day, with the period and the group priced
def test_units_pinned_at_zero_keep_zero_by_day(tmp_path: Path) -> None:
    path = tmp_path / "pinned.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    cs = load_scenario(path)
    by_total = optimize(cs, plan="total")
    assert by_total.allocation["kol_a"] == by_total.allocation["kol_b"] == 0.0
    daily = optimize(cs, plan="daily")
    assert daily.status in ("optimal", "feasible"), daily.warnings
    assert daily.allocation["kol_a"] == daily.allocation["kol_b"] == 0.0
    assert daily.split is not None
    assert daily.split.daily is not None
    assert daily.split.daily[:, 0].sum() <= 50000 * (1 + 1e-9)  # the period's cap on day 1
