"""Marginal ROI per yuan of cost (what the table, studio and report show), by hand."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import pytest

from simulator import evaluate, load_scenario, optimize
from simulator.optimize.explain.marginals import cost_slopes, marginal_roi_per_cost
from tests.money_scenario import MONEY, SPLIT

Write = Callable[..., Path]


def search_by_hand(spend: float) -> float:
    """d revenue / d cost of the funnel channel ``search`` of MONEY at ``spend``."""
    capacity = 100_000 * 3.0  # audience x max_frequency
    impressions = spend / (2 * 0.02)  # cpc 2, ctr 0.02
    d_clicks = 0.02 * math.exp(-impressions / capacity) / (2 * 0.02)
    d_own = d_clicks * 0.5 * 0.2  # register 0.5, first_order 0.2
    d_revenue = 200 * d_own
    d_cost = (1 + 0.05 - 0.15) + 0.05 * d_revenue + 3 * 0.5 * d_clicks + 10 * d_own
    return d_revenue / d_cost


def test_per_cost_marginals_by_hand(write: Write) -> None:
    cs = load_scenario(write(MONEY))
    res = evaluate(cs, SPLIT)
    got = marginal_roi_per_cost(cs, res)
    slope = 1000 / 50_000 * math.exp(-1)  # notes: d conversions / d spend at spend = scale
    # notes' halo lands on search: 0.3 x 200 of revenue, and 5% of it paid as commission
    notes = slope * (100 + 0.3 * 200) / (1 + slope * 0.3 * 200 * 0.05)
    assert got["notes"] == pytest.approx(notes, rel=1e-5)
    assert got["search"] == pytest.approx(search_by_hand(40_000), rel=1e-5)
    # the JSON's marginal_roi stays d revenue / d spend (CONTRACT.md 2)
    assert res.channels["notes"]["marginal_roi"] == pytest.approx(slope * 160, rel=1e-12)
    channel, ad_set = cost_slopes(cs, res.split.spend)  # type: ignore[union-attr]
    assert channel[0] == pytest.approx(1 + slope * 3, rel=1e-5)
    assert list(ad_set) == pytest.approx(list(channel), rel=1e-12)  # one ad set per channel


def test_where_cost_is_spend_the_numbers_are_the_engines(core_file: Path) -> None:
    cs = load_scenario(core_file)
    res = evaluate(cs, {"baidu_search": 0, "douyin_feed": 250_000})
    got = marginal_roi_per_cost(cs, res)
    assert got["douyin_feed"] == res.channels["douyin_feed"]["marginal_roi"]
    assert got["baidu_search"] is None  # a hill with shape < 1 at 0: infinite, not shown


def test_the_optimum_levels_the_marginal_per_cost(write: Write) -> None:
    """KKT in cost: channels the budget holds earn the same on the next yuan of cost."""
    cs = load_scenario(write(MONEY))
    rec = optimize(cs)
    got = marginal_roi_per_cost(cs, rec)
    assert all(rec.channels[c]["active"] == "budget" for c in cs.channel_ids)
    assert got["notes"] == pytest.approx(got["search"], rel=1e-4)
    raw = [rec.channels[c]["marginal_roi"] for c in cs.channel_ids]
    assert raw[0] != pytest.approx(raw[1], rel=1e-2)  # per spend they differ


def test_ad_sets_and_their_channel_by_the_closed_form(write: Write) -> None:
    """Without halo or stages, d cost / d spend = fee factor + commission x marginal ROI, so
    the marginal per yuan of cost is m / (f + c m), for each ad set and for the channel."""
    from tests.test_evaluate import SEGMENTS

    line = "  - id: douyin_feed\n"
    assert line in SEGMENTS
    text = SEGMENTS.replace(
        line, line + "    fees: {service_fee: 0.1, rebate: 0.02}\n    commission: 0.07\n"
    )
    cs = load_scenario(write(text, "segs.yaml"))
    split = {"douyin_feed/women_18_35": 30000, "douyin_feed/men_18_35": 10000, "coupon_sms": 5000}
    res = evaluate(cs, split)
    got = marginal_roi_per_cost(cs, res)
    f, c = 1 + 0.1 - 0.02, 0.07
    for key in ("douyin_feed/women_18_35", "douyin_feed/men_18_35", "douyin_feed"):
        m = (res.ad_sets.get(key) or res.channels[key])["marginal_roi"]
        assert got[key] == pytest.approx(m / (f + c * m), rel=1e-5), key
    assert got["coupon_sms"] == pytest.approx(res.channels["coupon_sms"]["marginal_roi"], rel=1e-5)
    assert got["douyin_feed/women_18_35"] != pytest.approx(got["douyin_feed/men_18_35"], rel=1e-3)
