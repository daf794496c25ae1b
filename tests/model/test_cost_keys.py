"""CONTRACT.md 1c: fees, rebate, commission, funnel stages, baseline and halo.

Every number is checked against a value computed by hand from the definitions; every
bad input the issue names gets a located error.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from simulator import ScenarioError, evaluate, load_scenario
from simulator.cli import main

Write = Callable[..., Path]

ONE = """\
name: fees
budget: {total: 100000}
objective: profit
channels:
  - id: a
    response: {type: exponential, max_conversions: 1000, scale: 50000}
    aov: 100
    margin: 0.5
    new_customer_rate: 0.6
    fees: {service_fee: 0.05, rebate: 0.15}
    commission: 0.1
"""

TWO = """\
name: halo
budget: {total: 100000}
baseline: {conversions: 1000, aov: 50, new_customer_rate: 0.3}
channels:
  - id: notes
    response: {type: exponential, max_conversions: 1000, scale: 50000}
    aov: 100
    halo: [{to: search, conversions_per_conversion: 0.3}]
  - id: search
    response:
      type: funnel
      pricing: cpc
      cpc: 2
      ctr: 0.02
      audience: 100000
      stages:
        - {name: register, rate: 0.5, cost_each: 3}
        - {name: first_order, rate: 0.2, cost_each: 10}
    aov: 200
    new_customer_rate: 0.5
    commission: 0.05
"""


def _errors(path: Path) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return [str(i) for i in info.value.issues]


def test_fees_and_commission_against_the_closed_form(write: Write) -> None:
    res = evaluate(load_scenario(write(ONE)), {"a": 50_000})
    conv = 1000 * (1 - math.exp(-1))  # exponential at spend = scale
    revenue = 100 * conv
    cost = 50_000 * (1 + 0.05 - 0.15) + 0.1 * revenue
    t, ch = res.totals, res.channels["a"]
    assert t["spend"] == 50_000
    assert t["cost"] == pytest.approx(cost, rel=1e-12)
    assert ch["cost"] == pytest.approx(cost, rel=1e-12)
    assert t["roi"] == pytest.approx(revenue / cost, rel=1e-12)
    assert t["cac"] == pytest.approx(cost / (0.6 * conv), rel=1e-12)
    assert t["profit"] == pytest.approx(0.5 * revenue - cost, rel=1e-12)


def test_without_the_keys_cost_is_spend(core_file: Path) -> None:
    res = evaluate(load_scenario(core_file), {"baidu_search": 350_000, "douyin_feed": 250_000})
    assert res.totals["cost"] == res.totals["spend"]
    assert all(c["cost"] == c["spend"] for c in res.channels.values())
    assert "baseline_revenue" not in res.totals
    assert all("halo_conversions" not in c for c in res.channels.values())


def test_stages_halo_and_baseline_by_hand(write: Write) -> None:
    res = evaluate(load_scenario(write(TWO)), {"notes": 50_000, "search": 40_000})
    notes_conv = 1000 * (1 - math.exp(-1))
    impressions = 40_000 / (2 * 0.02)  # cpc buys clicks; impressions per yuan 1/(cpc*ctr)
    capacity = 100_000 * 3.0  # audience * max_frequency
    clicks = capacity * (1 - math.exp(-impressions / capacity)) * 0.02
    own = clicks * 0.5 * 0.2  # conversions = clicks x the product of the stage rates
    halo = 0.3 * notes_conv
    s = res.channels["search"]
    assert s["stages"]["register"] == pytest.approx(clicks * 0.5, rel=1e-12)
    assert s["stages"]["first_order"] == pytest.approx(own, rel=1e-12)
    assert s["halo_conversions"] == pytest.approx(halo, rel=1e-12)
    assert s["conversions"] == pytest.approx(own + halo, rel=1e-12)
    assert s["new_customers"] == pytest.approx(0.5 * (own + halo), rel=1e-12)
    revenue = 200 * (own + halo)  # halo counts at the receiver's aov
    assert s["revenue"] == pytest.approx(revenue, rel=1e-12)
    stage_cost = clicks * 0.5 * 3 + own * 10
    assert s["cost"] == pytest.approx(40_000 + 0.05 * revenue + stage_cost, rel=1e-12)
    assert res.channels["notes"]["halo_conversions"] == 0
    t = res.totals
    assert t["revenue"] == pytest.approx(100 * notes_conv + revenue, rel=1e-12)
    assert t["baseline_revenue"] == 50_000
    assert t["total_revenue"] == pytest.approx(t["revenue"] + 50_000, rel=1e-12)
    assert t["total_roi"] == pytest.approx(t["total_revenue"] / t["cost"], rel=1e-12)
    assert t["roi"] == pytest.approx(t["revenue"] / t["cost"], rel=1e-12)  # incremental


def test_marginal_roi_includes_the_halo_a_source_brings(write: Write) -> None:
    cs = load_scenario(write(TWO))
    res = evaluate(cs, {"notes": 50_000, "search": 40_000})
    slope = 1000 / 50_000 * math.exp(-1)  # d conversions / d spend of notes
    expected = slope * (100 + 0.3 * 200)
    assert res.channels["notes"]["marginal_roi"] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("old", "new", "fragment"),
    [
        (
            "fees: {service_fee: 0.05, rebate: 0.15}",
            "fees: {service_fee: 0, rebate: 1}",
            ":10: channels[0].fees.rebate: 1 + service_fee - rebate must stay above 0",
        ),
        ("commission: 0.1", "commission: 1.5", ":11: channels[0].commission:"),
        ("commission: 0.1", "commission: -0.1", ":11: channels[0].commission:"),
        (
            "fees: {service_fee: 0.05, rebate: 0.15}",
            "fees: {service_fee: 0.05, rebate: -0.1}",
            ":10: channels[0].fees.rebate:",
        ),
    ],
)
def test_bad_money_is_located(write: Write, old: str, new: str, fragment: str) -> None:
    assert old in ONE
    errors = _errors(write(ONE.replace(old, new)))
    assert any(fragment in e for e in errors), errors


@pytest.mark.parametrize(
    ("new", "fragment"),
    [
        ("{to: nowhere, conversions_per_conversion: 0.3}", "unknown channel 'nowhere'"),
        ("{to: notes, conversions_per_conversion: 0.3}", "cannot bring halo to itself"),
        ("{to: search, conversions_per_conversion: -1}", "conversions_per_conversion"),
    ],
)
def test_bad_halo_is_located(write: Write, new: str, fragment: str) -> None:
    text = TWO.replace("{to: search, conversions_per_conversion: 0.3}", new)
    errors = _errors(write(text))
    assert any(":8: channels[0].halo[0]" in e and fragment in e for e in errors), errors


def test_cvr_and_stages_are_either_or(write: Write) -> None:
    both = TWO.replace("      audience: 100000\n", "      audience: 100000\n      cvr: 0.1\n")
    errors = _errors(write(both))
    assert any("channels[1].response.cvr: give either cvr or stages" in e for e in errors)
    neither = TWO.replace("      stages:\n", "      x_stages:\n")
    assert _errors(write(neither))  # unknown key; and without stages cvr is required
    no_rate = TWO.split("      stages:")[0] + "    aov: 200\n"
    errors = _errors(write(no_rate))
    assert any("channels[1].response.cvr: required unless stages are given" in e for e in errors)


def test_bad_input_exits_2_without_traceback(write: Write, capsys: pytest.CaptureFixture) -> None:
    path = write(TWO.replace("to: search", "to: notes"))
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert f"{path}:8: channels[0].halo[0].to:" in err


def test_compiled_arrays(write: Write) -> None:
    cs = load_scenario(write(TWO))
    m = cs.money
    np.testing.assert_allclose(m.fee_factor, [1.0, 1.0])
    np.testing.assert_allclose(m.commission, [0.0, 0.05])
    np.testing.assert_allclose(m.stage_cost, [0.0, 3 / 0.2 + 10])  # per own conversion
    assert (m.halo_from.tolist(), m.halo_to.tolist()) == ([0], [1])
    np.testing.assert_allclose(m.halo_rate, [0.3])
    np.testing.assert_allclose(m.received(np.array([[10.0, 5.0]])), [[0.0, 3.0]])
    np.testing.assert_allclose(m.brought(np.array([1.0, 200.0])), [60.0, 0.0])
    assert m.baseline is not None
    assert m.baseline.revenue == 50_000
