"""The expected-value engine against hand-computed values and its identities."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from simulator import evaluate, load_scenario
from simulator.expected import NEGLIGIBLE_SPEND, evaluate_plan, evaluate_spend, evaluate_totals
from tests.conftest import CORE_SCENARIO

Write = Callable[[str, str], Path]


def hill(s: float) -> float:
    r = (s / 400000) ** 0.9
    return 12000 * r / (1 + r)


def expo(s: float) -> float:
    return 9000 * (1 - math.exp(-s / 250000))


def test_core_split_by_hand(core_file: Path) -> None:
    sc = load_scenario(core_file)
    res = evaluate(sc, {"baidu_search": 350000, "douyin_feed": 250000})
    conv_b, conv_d = hill(350000), expo(250000)
    rev = 220 * conv_b + 160 * conv_d
    new = 0.6 * conv_b + conv_d
    t = res.totals
    assert res.status == "evaluated"
    assert t["spend"] == 600000
    assert t["conversions"] == pytest.approx(conv_b + conv_d, rel=1e-12)
    assert t["revenue"] == pytest.approx(rev, rel=1e-12)
    assert t["new_customers"] == pytest.approx(new, rel=1e-12)
    assert t["profit"] == pytest.approx(220 * conv_b * 0.35 + 160 * conv_d - 600000, rel=1e-12)
    assert t["roi"] == pytest.approx(rev / 600000, rel=1e-12)
    assert t["cac"] == pytest.approx(600000 / new, rel=1e-12)
    d = res.channels["douyin_feed"]
    assert d["marginal_roi"] == pytest.approx(160 * 9000 / 250000 * math.exp(-1), rel=1e-12)
    assert d["roi"] == pytest.approx(160 * conv_d / 250000, rel=1e-12)
    assert t["carryover_after_horizon"] == 0.0


def test_zero_spend_gives_null_ratios_and_infinite_hill_margin(core_file: Path) -> None:
    res = evaluate(load_scenario(core_file), {"douyin_feed": 100000})
    doc = res.to_json()
    assert doc["channels"]["baidu_search"]["roi"] is None
    assert doc["channels"]["baidu_search"]["cac"] is None
    assert doc["channels"]["baidu_search"]["marginal_roi"] is None  # hill shape < 1 at 0
    assert doc["allocation"]["baidu_search"] == 0.0


def test_over_budget_split_is_evaluated_with_a_warning(core_file: Path) -> None:
    res = evaluate(load_scenario(core_file), {"baidu_search": 800000, "douyin_feed": 500000})
    assert res.totals["spend"] == 1300000
    assert res.warnings
    assert "above the budget of 1,000,000 (+30%)" in res.warnings[0]


def test_unknown_channel_in_api_split_is_a_value_error(core_file: Path) -> None:
    with pytest.raises(ValueError, match="unknown channel 'tv'"):
        evaluate(load_scenario(core_file), {"tv": 5.0})


@given(arrays(np.float64, (7, 2), elements=st.floats(0, 2e6)))
def test_totals_identities_hold_for_any_split(spend: np.ndarray) -> None:
    sc = _core()
    o = evaluate_spend(sc, spend)
    t = evaluate_totals(sc, spend)
    np.testing.assert_allclose(t["spend"], spend.sum(1))
    np.testing.assert_allclose(t["revenue"], o.revenue.sum(1), rtol=1e-12)
    with np.errstate(invalid="ignore", divide="ignore"):
        np.testing.assert_allclose(
            # a negligible spend (a ratio of nothing) has no ROI: issue 12.9
            t["roi"],
            np.where(t["spend"] > NEGLIGIBLE_SPEND * sc.budget, t["revenue"] / t["spend"], np.nan),
        )
    np.testing.assert_allclose(
        t["profit"], (o.revenue * sc.margin).sum(1) - t["spend"], rtol=1e-9, atol=1e-6
    )
    assert np.all(o.conversions >= 0)


@given(st.floats(0, 1e6), st.floats(0, 1e6))
def test_more_spend_never_earns_less(a: float, extra: float) -> None:
    sc = _core()
    lo = evaluate_totals(sc, np.array([[a, a]]))["revenue"][0]
    hi = evaluate_totals(sc, np.array([[a + extra, a + extra]]))["revenue"][0]
    assert hi >= lo - 1e-9


_CACHE: dict[str, object] = {}


def _core():
    if "core" not in _CACHE:
        import tempfile

        with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
            f.write(CORE_SCENARIO)
        _CACHE["core"] = load_scenario(f.name)
    return _CACHE["core"]


def test_many_candidates_in_one_call_match_one_at_a_time() -> None:
    sc = _core()
    rng = np.random.default_rng(3)
    spend = rng.uniform(0, 5e5, size=(50, 2))
    many = evaluate_totals(sc, spend)["revenue"]
    one = [evaluate(sc, {"baidu_search": a, "douyin_feed": b}).totals["revenue"] for a, b in spend]
    np.testing.assert_allclose(many, one, rtol=1e-12)


DAILY = """\
name: two-days
horizon_days: 2
budget: {total: 1000}
channels:
  - id: feed
    response: {type: exponential, max_conversions: 100, scale: 500}
    aov: 10
    adstock: {decay: 0.5}
events:
  - {name: sale, start: 2, end: 2, cost_multiplier: 2.0, cvr_multiplier: 3.0, aov_multiplier: 0.5}
"""


def test_daily_plan_follows_contract_formula_by_hand(write: Write) -> None:
    sc = load_scenario(write(DAILY, "daily.yaml"))
    res = evaluate(sc, {"allocation": {"feed": 600}, "daily": {"feed": [200, 400]}})
    c = lambda s: 100 * (1 - math.exp(-s / 500))  # noqa: E731  (the curve as the scenario states it)
    h = 2
    p1 = 1.0 * c(h * 200 / 1.0) / h  # day 1: no event
    p2 = 3.0 * c(h * 400 / 2.0) / h  # day 2: cost x2, cvr x3
    landed1 = p1 * 0.5
    landed2 = p1 * 0.5 * 0.5 + p2 * 0.5
    assert res.totals["conversions"] == pytest.approx(landed1 + landed2, rel=1e-12)
    rev = 10 * (p1 * (0.5 + 0.25)) + 10 * 0.5 * (p2 * 0.5)
    assert res.totals["revenue"] == pytest.approx(rev, rel=1e-12)
    assert res.totals["carryover_after_horizon"] == pytest.approx(
        p1 + p2 - landed1 - landed2, rel=1e-12
    )
    assert res.daily == {"feed": [200.0, 400.0]}
    series = evaluate_plan(sc, np.array([[200.0, 400.0]]), series=True).daily_conversions
    assert series is not None
    np.testing.assert_allclose(series[0, 0], [landed1, landed2], rtol=1e-12)


def test_even_plan_without_time_effects_is_the_core_model(core_file: Path) -> None:
    sc = load_scenario(core_file)
    spend = np.array([350000.0, 250000.0])
    core = evaluate_totals(sc, spend)
    daily = evaluate_plan(sc, np.repeat(spend[:, None] / 30, 30, axis=1))
    from simulator.expected import totals

    t = totals(sc, daily)
    for key in ("revenue", "conversions", "new_customers", "profit"):
        np.testing.assert_allclose(t[key], core[key], rtol=1e-12)


def test_adstock_loses_conversions_past_the_horizon(write: Write) -> None:
    sc = load_scenario(write(DAILY.replace("events:", "x_events:").split("x_events:")[0], "d.yaml"))
    res = evaluate(sc, {"feed": 600})
    c = 100 * (1 - math.exp(-600 / 500))
    assert res.totals["conversions"] < c
    assert res.totals["conversions"] + res.totals["carryover_after_horizon"] == pytest.approx(c)


SEGMENTS = """\
name: segs
budget: {total: 100000}
ltv: {repeat_rate: 0.5, decay: 0.5, period_days: 30, window_days: 90}
customer_base: 50000
segments:
  - {id: women_18_35, size: 2000000, cvr_multiplier: 1.5, aov_multiplier: 1.2,
     new_customer_rate: 0.8}
  - {id: men_18_35, size: 1000000}
channels:
  - id: douyin_feed
    response: {type: funnel, pricing: cpm, cpm: 40, ctr: 0.02, cvr: 0.03, max_frequency: 2}
    aov: 100
    segments: [women_18_35, men_18_35]
  - id: coupon_sms
    role: retention
    response: {type: funnel, pricing: cpm, cpm: 50, ctr: 0.05, cvr: 0.1}
    aov: 80
"""


def test_segments_funnel_retention_and_ltv_by_hand(write: Write) -> None:
    sc = load_scenario(write(SEGMENTS, "segs.yaml"))
    assert sc.ad_set_ids == ("douyin_feed/women_18_35", "douyin_feed/men_18_35", "coupon_sms")
    split = {"douyin_feed/women_18_35": 30000, "douyin_feed/men_18_35": 10000, "coupon_sms": 5000}
    res = evaluate(sc, split)
    ips = 1000 / 40
    conv_w = 2e6 * 2 * 0.02 * 0.045 * (1 - math.exp(-30000 * ips / (2e6 * 2)))
    conv_m = 1e6 * 2 * 0.02 * 0.03 * (1 - math.exp(-10000 * ips / (1e6 * 2)))
    conv_r = 50000 * 3 * 0.05 * 0.1 * (1 - math.exp(-5000 * (1000 / 50) / (50000 * 3)))
    ad = res.ad_sets
    assert ad["douyin_feed/women_18_35"]["conversions"] == pytest.approx(conv_w, rel=1e-12)
    assert ad["douyin_feed/men_18_35"]["conversions"] == pytest.approx(conv_m, rel=1e-12)
    assert res.channels["coupon_sms"]["new_customers"] == 0.0  # retention wins repeat orders
    assert res.channels["douyin_feed"]["impressions"] == pytest.approx(40000 * ips)
    assert res.channels["douyin_feed"]["clicks"] == pytest.approx(conv_w / 0.045 + conv_m / 0.03)
    new = 0.8 * conv_w + conv_m
    repeat_orders = 0.5 * (1 + 0.5 + 0.25)  # three 30-day periods in 90 days
    repeat = repeat_orders * (0.8 * conv_w * 120 + conv_m * 100)
    rev = conv_w * 120 + conv_m * 100 + conv_r * 80
    t = res.totals
    assert t["new_customers"] == pytest.approx(new, rel=1e-12)
    assert t["ltv"] == pytest.approx(rev + repeat, rel=1e-12)
    ltv_pc = (0.8 * conv_w * 120 + conv_m * 100 + repeat) / new
    assert t["ltv_per_customer"] == pytest.approx(ltv_pc, rel=1e-12)
    assert t["cac"] == pytest.approx(45000 / new, rel=1e-12)  # retention spend counts in CAC
    assert t["ltv_cac"] == pytest.approx(ltv_pc / (45000 / new), rel=1e-12)


def test_channel_level_spend_divides_by_segment_share(write: Write) -> None:
    sc = load_scenario(write(SEGMENTS, "segs.yaml"))
    res = evaluate(sc, {"douyin_feed": 30000})
    assert res.ad_sets["douyin_feed/women_18_35"]["spend"] == pytest.approx(20000)
    assert res.ad_sets["douyin_feed/men_18_35"]["spend"] == pytest.approx(10000)


def test_a_zero_spend_day_keeps_every_marginal_roi_defined(core_file: Path) -> None:
    sc = load_scenario(core_file)
    daily = np.full((2, 30), 10000.0)
    daily[0, 0] = 0.0  # hill with shape < 1: infinite slope on that day, zero weight
    res = evaluate(
        sc,
        {
            "allocation": {},
            "daily": {"baidu_search": daily[0].tolist(), "douyin_feed": daily[1].tolist()},
        },
    )
    for row in res.channels.values():
        assert np.isfinite(row["marginal_roi"])
    alone = evaluate(sc, {"douyin_feed": 1000.0})  # baidu at 0: its marginal is infinite
    assert alone.channels["douyin_feed"]["marginal_roi"] == pytest.approx(
        160 * 9000 / 250000 * math.exp(-1000 / 250000)
    )


CREATIVE_SCENARIO = """\
name: creatives
horizon_days: {days}
budget: {{total: 100000}}
channels:
  - id: feed
    response: {response}
    aov: 100
    creatives: {creatives}
"""
LINEAR = "{type: linear, cost_per_conversion: 10}"
CPM_FUNNEL = "{type: funnel, pricing: cpm, cpm: 40, ctr: 0.02, cvr: 0.03}"


def _creatives_case(write: Write, days: int, response: str, creatives: str):
    text = CREATIVE_SCENARIO.format(days=days, response=response, creatives=creatives)
    return load_scenario(write(text, "creatives.yaml"))


def test_creatives_on_one_day_are_an_even_test(write: Write) -> None:
    """One day: nothing learnt yet, so each creative gets half: lift (1 + 1.5) / 2."""
    cs = _creatives_case(write, 1, LINEAR, "[{id: a}, {id: b, cvr_multiplier: 1.5}]")
    t = evaluate(cs, {"feed": 10000}).totals
    assert t["conversions"] == pytest.approx(1000 * 1.25, rel=1e-12)
    assert t["revenue"] == pytest.approx(100 * 1000 * 1.25, rel=1e-12)


def test_creatives_learn_on_day_two_by_hand(write: Write) -> None:
    """Day 2's share of the 2x creative: P(its posterior draw is higher), by quad."""
    from scipy import integrate, stats

    from simulator.model.creatives import EVIDENCE_PER_DAY as N

    cs = _creatives_case(write, 2, LINEAR, "[{id: a}, {id: b, ctr_multiplier: 2}]")
    # after day 1 (half a day each), prior mean = the average lift 1.5, same rate for both
    a_shape, b_shape = 1 + N * 0.5 * 1 / 1.5, 1 + N * 0.5 * 2 / 1.5
    p_b = integrate.quad(
        lambda x: stats.gamma.pdf(x, b_shape) * stats.gamma.cdf(x, a_shape), 0, np.inf
    )[0]
    per_day = 10000 / 10 / 2  # C(H * x) / H with x = S / H
    expected = per_day * 1.5 + per_day * ((1 - p_b) * 1 + p_b * 2)
    t = evaluate(cs, {"feed": 10000}).totals
    assert t["conversions"] == pytest.approx(expected, rel=1e-5)
    assert 0.8 < p_b < 1.0


def test_a_tiring_funnel_creative_by_hand(write: Write) -> None:
    """CPM funnel: CTR x2 and CVR x1.5 lift conversions x3 and clicks x2; fatigue 0.5 per
    horizon on air leaves 0.5^(1/2) of both on day 2. Impressions do not change."""
    cs = _creatives_case(
        write, 2, CPM_FUNNEL, "[{id: a, ctr_multiplier: 2, cvr_multiplier: 1.5, fatigue: 0.5}]"
    )
    t = evaluate(cs, {"feed": 10000}).totals
    impressions = 10000 / 40 * 1000
    tired = 0.5**0.5
    assert t["impressions"] == pytest.approx(impressions, rel=1e-12)
    base_conv, base_clicks = impressions * 0.02 * 0.03 / 2, impressions * 0.02 / 2  # per day
    assert t["conversions"] == pytest.approx(base_conv * 3 * (1 + tired), rel=1e-12)
    assert t["clicks"] == pytest.approx(base_clicks * 2 * (1 + tired), rel=1e-12)
    assert t["revenue"] == pytest.approx(100 * base_conv * 3 * (1 + tired), rel=1e-12)
