"""Issue 16: operations feed promotion (CONTRACT.md 1c).

Referrals, ``events[].repeat_multiplier``, a customer base that grows with the plan and
recall groups: each checked against numbers computed by hand from the definitions, the
simulation's mean against the engine, the fixed point against a multi-start search on
the engine, and every bad input the issue names located with exit 2.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import minimize

from simulator import evaluate, load_scenario, optimize, simulate
from simulator.cli import main
from simulator.expected import evaluate_totals
from simulator.optimize.fixed_point import base_ratio

Write = Callable[..., Path]

REFERRALS = """\
name: referrals
horizon_days: 10
budget: {total: 10000}
segments:
  - id: s
    new_customer_rate: 0.5
    referral_k: 0.2
    retention: {repeat_rate: 1.0, decay: 0.5, period_days: 30, window_days: 60}
channels:
  - id: a
    response: {type: linear, cost_per_conversion: 10}
    aov: 100
    margin: 0.4
    segments: [s]
"""

REPEAT = """\
name: repeat
horizon_days: 10
budget: {total: 10000}
customer_base: 5000
channels:
  - id: a
    response: {type: linear, cost_per_conversion: 20}
    aov: 50
  - id: r
    role: retention
    response: {type: linear, cost_per_conversion: 10}
    aov: 40
events:
  - {name: second_cup_free, start: 1, end: 5, repeat_multiplier: 1.5, cvr_multiplier: 2}
"""

# a linear acquisition channel feeding a retention funnel on a base of 1,000 members
GROWS = """\
name: grows
horizon_days: 5
budget: {total: 2000}
customer_base: {size: 1000, grows: true}
channels:
  - id: a
    response: {type: linear, cost_per_conversion: 10}
    aov: 100
  - id: r
    role: retention
    response: {type: funnel, pricing: cpm, cpm: 100, ctr: 0.1, cvr: 0.5, max_frequency: 1}
    aov: 20
"""

GROUPS = """\
name: groups
budget: {total: 10000}
customer_base:
  size: 30000
  groups:
    - {id: active, size: 10000}
    - {id: silent_30d, size: 5000}
channels:
  - id: push
    role: retention
    response: {type: funnel, pricing: cpm, cpm: 100, ctr: 0.1, cvr: 0.5, max_frequency: 1}
    aov: 20
  - id: recall
    role: retention
    recall_group: silent_30d
    response: {type: funnel, pricing: cpm, cpm: 100, ctr: 0.1, cvr: 0.5, max_frequency: 1}
    aov: 20
"""


def test_referrals_count_in_new_customers_revenue_and_repeats(write: Write) -> None:
    cs = load_scenario(write(REFERRALS))
    t = evaluate(cs, {"a": 1000}).totals
    # 100 conversions, 50 new; each brings 0.2 / 0.8 = 0.25 more: 12.5 referred
    assert t["conversions"] == pytest.approx(100)
    assert t["referred_customers"] == pytest.approx(12.5)
    assert t["new_customers"] == pytest.approx(62.5)
    assert t["revenue"] == pytest.approx(100 * 100 + 12.5 * 100)
    assert t["profit"] == pytest.approx(0.4 * 11250 - 1000)
    # repeat orders per customer: 1 + 0.5 over two 30-day periods, at aov 100
    assert t["repeat_revenue"] == pytest.approx(62.5 * 1.5 * 100)
    assert t["ltv_per_customer"] == pytest.approx((50 * 100 + 1250 + 9375) / 62.5)
    assert t["cac"] == pytest.approx(1000 / 62.5)


def test_referrals_are_priced_by_the_optimiser(write: Write) -> None:
    """The objective is linear in new customers: the allocator stays exact (certified)."""
    text = REFERRALS.replace(
        "budget: {total: 10000}",
        "budget: {total: 10000}\nobjective: new_customers\ntargets: {cac_max: 17}",
    )
    text = text.replace(
        "response: {type: linear, cost_per_conversion: 10}",
        "response: {type: exponential, max_conversions: 500, scale: 4000}",
    )
    res = optimize(load_scenario(write(text)))
    assert res.status == "optimal"
    assert res.certificate.checked
    # cac 17 binds: with referrals counted each new customer costs 17 exactly
    assert res.totals["cac"] == pytest.approx(17, rel=1e-6)


def test_referrals_in_the_simulation_match_the_engine(write: Write) -> None:
    cs = load_scenario(write(REFERRALS))
    sim = simulate(cs, {"a": 1000}, runs=400, seed=5)
    exp = evaluate(cs, {"a": 1000}).totals
    for key in ("referred_customers", "new_customers", "revenue", "repeat_revenue"):
        assert sim.totals[key]["mean"] == pytest.approx(exp[key], rel=0.03), key


HALO_REFERRALS = """\
name: halo-referrals
horizon_days: 10
budget: {total: 20000}
segments:
  - {id: s, new_customer_rate: 0.6, referral_k: 0.3}
channels:
  - id: notes
    response: {type: exponential, max_conversions: 400, scale: 8000}
    aov: 80
    halo: [{to: search, conversions_per_conversion: 0.5}]
  - id: search
    response: {type: linear, cost_per_conversion: 20}
    aov: 100
    segments: [s]
"""


def test_halo_into_a_referral_ad_set_invites_too(write: Write) -> None:
    cs = load_scenario(write(HALO_REFERRALS))
    split = {"notes": 8000, "search": 4000}
    exp = evaluate(cs, split).totals
    # search: 200 own + 0.5 x notes' 400 (1 - e^-1) halo conversions; 60% new; k / (1 - k)
    search = 200 + 0.5 * 400 * -math.expm1(-1)
    assert exp["referred_customers"] == pytest.approx(search * 0.6 * 0.3 / 0.7)
    sim = simulate(cs, split, runs=400, seed=3)
    for key in ("referred_customers", "new_customers", "revenue"):
        assert sim.totals[key]["mean"] == pytest.approx(exp[key], rel=0.03), key


def test_repeat_multiplier_raises_retention_orders_on_its_days(write: Write) -> None:
    cs = load_scenario(write(REPEAT))
    t = evaluate(cs, {"a": 1000, "r": 1000}).channels
    # retention: 100 orders spent evenly, half the days at 1.5 x 2 (cvr), half at 1
    assert t["r"]["conversions"] == pytest.approx(50 * 3 + 50)
    assert t["r"]["revenue"] == pytest.approx(200 * 40)
    # acquisition has no repeat orders to raise: the cvr multiplier alone
    assert t["a"]["conversions"] == pytest.approx(25 * 2 + 25)


def test_repeat_multiplier_is_planned_exactly(write: Write) -> None:
    text = REPEAT.replace(
        "cost_per_conversion: 10}", "cost_per_conversion: 10, max_conversions: 300}"
    )
    res = optimize(load_scenario(write(text)), plan="daily")
    assert res.status == "optimal"
    daily = np.array(res.daily["r"])
    # the event days buy 3x the orders: the plan spends there first
    assert daily[:5].sum() > daily[5:].sum()


def _grows_by_hand(x_a: float, x_r: float) -> tuple[float, float]:
    """Retention conversions and new customers, even spend over 5 days, by the formula:
    day t reaches 1000 + (new customers of days before t) members."""
    h, n0, ips, rate = 5, 1000.0, 10.0, 0.05  # cpm 100 -> 10 impressions a yuan; ctr*cvr
    new_per_day = x_a / h / 10
    total = 0.0
    for t in range(h):
        members = n0 + new_per_day * t
        # C_N(s) = N * rate * (1 - exp(-s * ips / N)) with max_frequency 1, at s = H x_t
        total += members * rate * -math.expm1(-(h * x_r / h) * ips / members) / h
    return total, new_per_day * h


def test_growing_base_by_hand(write: Write) -> None:
    cs = load_scenario(write(GROWS))
    out = evaluate(cs, {"a": 1000, "r": 500})
    conversions, new = _grows_by_hand(1000, 500)
    assert out.channels["r"]["conversions"] == pytest.approx(conversions, rel=1e-12)
    assert out.totals["new_customers"] == pytest.approx(new)
    fixed = load_scenario(write(GROWS.replace("grows: true", "grows: false"), "fixed.yaml"))
    assert evaluate(fixed, {"a": 1000, "r": 500}).channels["r"]["conversions"] < conversions


def test_growing_base_in_the_simulation_matches_the_engine(write: Write) -> None:
    text = GROWS.replace("size: 1000", "size: 300").replace("total: 2000", "total: 20000")
    cs = load_scenario(write(text))
    split = {"a": 10000, "r": 3000}
    sim = simulate(cs, split, runs=400, seed=11)
    exp = evaluate(cs, split)
    assert sim.totals["conversions"]["mean"] == pytest.approx(exp.totals["conversions"], rel=0.01)
    assert sim.totals["revenue"]["mean"] == pytest.approx(exp.totals["revenue"], rel=0.01)


def test_fixed_point_converges_and_is_reported(write: Write) -> None:
    cs = load_scenario(write(GROWS))
    res = optimize(cs)
    fp = res.certificate.to_json()["fixed_point"]
    assert fp["converged"]
    assert fp["last_change"] <= 1e-9
    assert res.status == "feasible"  # optimality is not proven for a coupled base
    assert res.certificate.max_violation <= 1e-8
    # the plan is a fixed point: the base it grows is the one it was solved for
    split = res.split
    assert split is not None
    rho = base_ratio(cs, split)
    assert rho[1, -1] == pytest.approx(1 + res.channels["a"]["new_customers"] * 4 / 5 / 1000)


def test_fixed_point_does_not_lose_to_a_multi_start_search(write: Write) -> None:
    cs = load_scenario(
        write(
            GROWS.replace(
                "cost_per_conversion: 10}", "cost_per_conversion: 10, max_conversions: 150}"
            )
        )
    )
    res = optimize(cs)
    best = -np.inf
    rng = np.random.default_rng(0)
    for start in rng.dirichlet([1, 1], size=6) * cs.budget:
        found = minimize(
            lambda s: -float(evaluate_totals(cs, np.maximum(s, 0)[None])["revenue"][0]),
            start,
            method="SLSQP",
            bounds=[(0, cs.budget)] * 2,
            constraints=[{"type": "ineq", "fun": lambda s: cs.budget - s.sum()}],
        )
        best = max(best, -found.fun)
    assert res.totals["revenue"] >= best * (1 - 1e-6)


def test_recall_groups_reach_their_own_members(write: Write) -> None:
    cs = load_scenario(write(GROUPS))
    out = evaluate(cs, {"push": 1000, "recall": 1000}).channels
    # 10 impressions a yuan on N members at max_frequency 1: N * 0.05 * (1 - exp(-10 s / N))
    assert out["push"]["conversions"] == pytest.approx(30000 * 0.05 * -math.expm1(-1 / 3))
    assert out["recall"]["conversions"] == pytest.approx(5000 * 0.05 * -math.expm1(-2))
    res = optimize(cs)
    assert res.status == "optimal"


def test_the_short_form_of_the_base_is_the_long_form(write: Write) -> None:
    short = load_scenario(write(GROWS.replace("{size: 1000, grows: true}", "1000")))
    long = load_scenario(write(GROWS.replace("grows: true", "grows: false"), "long.yaml"))
    split = {"a": 1000, "r": 500}
    assert evaluate(short, split).totals == evaluate(long, split).totals


BAD = [
    (
        "segments:\n  - id: s\n    new_customer_rate: 0.5\n    referral_k: 0.2",
        "segments:\n  - id: s\n    new_customer_rate: 0.5\n    referral_k: 1.0",
        REFERRALS,
        ":7: segments[0].referral_k: must be < 1",
    ),
    (
        "repeat_multiplier: 1.5",
        "repeat_multiplier: -1.35",
        REPEAT,
        ":14: events[0].repeat_multiplier: must be > 0",
    ),
    (
        "recall_group: silent_30d",
        "recall_group: lapsed",
        GROUPS,
        ":15: channels[1].recall_group: unknown recall group 'lapsed'; known: active, silent_30d",
    ),
    (
        "  - id: a\n",
        "  - id: a\n    recall_group: active\n",
        GROWS,
        ":7: channels[0].recall_group: only a retention channel (role: retention)",
    ),
    (
        "size: 30000",
        "size: 12000",
        GROUPS,
        ":6: customer_base.groups: the groups hold 15,000 members, more than size 12,000",
    ),
    (
        "{size: 1000, grows: true}",
        "{size: 1000, grow: true}",
        GROWS,
        ":4: customer_base.grow: unknown key 'grow'; allowed keys: groups, grows, joins, size",
    ),
    ("customer_base: 5000", "customer_base: -5", REPEAT, ":4: customer_base.size: must be > 0"),
    (
        "{size: 1000, grows: true}",
        "{grows: true}",
        GROWS,
        ":4: customer_base.size: give size, or groups with their sizes",
    ),
]


@pytest.mark.parametrize(("old", "new", "text", "expected"), BAD)
def test_bad_input_is_located(
    write: Write, capsys: pytest.CaptureFixture[str], old: str, new: str, text: str, expected: str
) -> None:
    assert old in text
    path = write(text.replace(old, new))
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}{expected}" in err, err
    assert "Traceback" not in err


def test_base_growth_is_reported_in_the_totals(write: Write) -> None:
    out = evaluate(load_scenario(write(GROWS)), {"a": 1000, "r": 500})
    assert out.totals["base_growth"] == pytest.approx(100)  # 1,000 / 10, all new
    fixed = load_scenario(write(GROWS.replace("grows: true", "grows: false"), "fixed.yaml"))
    assert "base_growth" not in evaluate(fixed, {"a": 1000}).totals


@pytest.mark.slow  # the studio optimises the scenario on load: the fixed point takes seconds
def test_the_studio_card_shows_referrals_and_base_growth() -> None:
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.query_params["scenario"] = "community_groupbuy"
    app.run()
    assert not app.exception
    cs = load_scenario(ROOT / "scenarios" / "community_groupbuy.yaml")
    totals = evaluate(cs).totals
    referred, joined = f"{totals['referred_customers']:,.0f}", f"{totals['base_growth']:,.0f}"
    captions = [c.value for c in app.caption]
    assert f"of which referred by customers: {referred} · member base grew by {joined}" in captions
