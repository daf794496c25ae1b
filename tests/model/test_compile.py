"""What compile builds once for every engine: value per conversion, repeat value, the
calendar and its event spans, the change limit and the digest, against hand-computed
values on a small scenario with segments, dated and numbered events, aov multipliers."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from simulator import load_scenario
from simulator.expected import evaluate_plan
from simulator.model.calendar import Calendar, EventSpan
from simulator.model.compiled import CompiledScenario, Split
from simulator.optimize.lineitems import build_problem, channel_bounds, daily_curves
from simulator.simulate.inputs import build_inputs

Write = Callable[[str, str], Path]

HAND = """\
name: hand
horizon_days: 10
start_date: 2026-11-01
budget: {total: 100000, max_change: 0.3}
ltv: {repeat_rate: 0.5, decay: 0.5, period_days: 30, window_days: 90}
segments:
  - {id: young, size: 1000000, aov_multiplier: 0.8}
  - id: old
    size: 1000000
    aov_multiplier: 1.5
    retention: {repeat_rate: 0.2, decay: 0.5, period_days: 30, window_days: 60,
                aov_multiplier: 2.0}
channels:
  - id: feed
    response: {type: exponential, max_conversions: 1000, scale: 50000}
    aov: 100
    segments: [young, old]
  - id: search
    response: {type: hill, max_conversions: 500, half_saturation: 20000}
    aov: 200
events:
  - {name: d11, start: 2026-11-10, end: 2026-11-10, cost_multiplier: 1.8,
     cvr_multiplier: 2.5, aov_multiplier: 0.5}
  - {name: warmup, start: 3, end: 5, aov_multiplier: 1.2, channels: [feed]}
  - {name: overlap, start: 2026-11-05, end: 2026-11-06, aov_multiplier: 0.9}
"""

# Revenue of one conversion by (ad set, day), by hand: base aov x segment multiplier,
# x each covering event's aov_multiplier (warmup: days 3-5, feed only; overlap: days
# 5-6, every channel; d11: day 10, every channel).
YOUNG, OLD, SEARCH = 100 * 0.8, 100 * 1.5, 200.0
DAY_MULT_FEED = [1, 1, 1.2, 1.2, 1.2 * 0.9, 0.9, 1, 1, 1, 0.5]
DAY_MULT_SEARCH = [1, 1, 1, 1, 0.9, 0.9, 1, 1, 1, 0.5]


@pytest.fixture
def hand(write: Write) -> CompiledScenario:
    return load_scenario(write(HAND))


def test_value_per_conversion_by_hand(hand: CompiledScenario) -> None:
    assert hand.ad_set_ids == ("feed/young", "feed/old", "search")
    want = np.array(
        [
            [YOUNG * m for m in DAY_MULT_FEED],
            [OLD * m for m in DAY_MULT_FEED],
            [SEARCH * m for m in DAY_MULT_SEARCH],
        ]
    )
    assert hand.value_per_conversion.shape == (3, 10)
    np.testing.assert_allclose(hand.value_per_conversion, want, rtol=1e-12)
    assert hand.value_per_conversion[0, 5] == pytest.approx(72.0)  # 80 x 0.9, day 6


def test_repeat_value_by_hand(hand: CompiledScenario) -> None:
    """young and search: the scenario's ltv (0.5 x (1 + 0.5 + 0.25) orders over 90 days)
    at the ad set's aov; old: its own retention (0.2 x 1.5 orders) at 2x its aov."""
    np.testing.assert_allclose(hand.repeat_orders, [0.875, 0.3, 0.875], rtol=1e-12)
    np.testing.assert_allclose(hand.repeat_order_value, [80.0, 300.0, 200.0], rtol=1e-12)
    np.testing.assert_allclose(hand.repeat_revenue, [70.0, 90.0, 175.0], rtol=1e-12)


def test_no_repeat_orders_means_no_repeat_value(write: Write) -> None:
    cs = load_scenario(write(HAND.replace("repeat_rate: 0.5", "repeat_rate: 0.0")))
    np.testing.assert_array_equal(cs.repeat_orders[[0, 2]], 0.0)
    np.testing.assert_array_equal(cs.repeat_order_value[[0, 2]], 0.0)
    assert cs.repeat_order_value[1] == pytest.approx(300.0)  # old keeps its own retention


def test_events_compile_to_spans_dated_and_numbered(hand: CompiledScenario) -> None:
    assert hand.calendar.events == (
        EventSpan("d11", 10, 10, 1.8, 2.5, 0.5),
        EventSpan("warmup", 3, 5, 1.0, 1.0, 1.2, ("feed",)),
        EventSpan("overlap", 5, 6, 1.0, 1.0, 0.9),
    )
    warmup = hand.calendar.events[1]
    assert warmup.covers("feed")
    assert not warmup.covers("search")


def test_day_grids_follow_the_spans(hand: CompiledScenario) -> None:
    """Cost and conversion multipliers only move on day 10 (d11), for every ad set."""
    want = np.ones((3, 10))
    want[:, 9] = 1.8
    np.testing.assert_array_equal(hand.cost_mult, want)
    want[:, 9] = 2.5
    np.testing.assert_array_equal(hand.cvr_mult, want)


def test_calendar_dates_and_labels(hand: CompiledScenario) -> None:
    cal = hand.calendar
    assert cal.dated
    assert cal.start_date == dt.date(2026, 11, 1)
    assert cal.dates is not None
    assert len(cal.dates) == 10
    assert cal.dates[0] == dt.date(2026, 11, 1)
    assert cal.dates[9] == dt.date(2026, 11, 10)  # d11's date is day 10
    assert cal.labels[9] == "2026-11-10"


def test_calendar_without_start_date_numbers_the_days(write: Write) -> None:
    text = HAND.replace("start_date: 2026-11-01\n", "")
    text = text.replace("2026-11-10", "10").replace("2026-11-05", "5").replace("2026-11-06", "6")
    cs = load_scenario(write(text))
    dated = load_scenario(write(HAND, "dated.yaml"))
    assert cs.calendar == Calendar(10, None, dated.calendar.events)
    assert not cs.calendar.dated
    assert cs.calendar.dates is None
    assert cs.calendar.labels == tuple(str(d) for d in range(1, 11))
    # the same days either way, so the same numbers
    np.testing.assert_array_equal(cs.value_per_conversion, dated.value_per_conversion)


def test_max_change_is_compiled_and_limits_the_bounds(hand: CompiledScenario) -> None:
    assert hand.max_change == 0.3
    current = Split(np.array([20000.0, 20000.0, 10000.0]))
    lo, hi = channel_bounds(dataclasses.replace(hand, current=current))
    np.testing.assert_allclose(lo, [28000.0, 7000.0])  # 40,000 and 10,000 x (1 -/+ 0.3)
    np.testing.assert_allclose(hi, [52000.0, 13000.0])


def test_digest_names_the_validated_scenario(write: Write) -> None:
    a = load_scenario(write(HAND, "a.yaml"))
    assert len(a.digest) == 64
    assert set(a.digest) <= set("0123456789abcdef")
    # the same scenario laid out differently, with a comment and a default spelled out
    same = "# the same plan\ncurrency: CNY\n" + HAND
    assert load_scenario(write(same, "b.yaml")).digest == a.digest
    changed = HAND.replace("aov: 200", "aov: 201")
    assert load_scenario(write(changed, "c.yaml")).digest != a.digest


def test_the_spec_does_not_travel_past_compile(hand: CompiledScenario) -> None:
    names = {f.name for f in dataclasses.fields(CompiledScenario)}
    assert "spec" not in names
    assert not hasattr(hand, "spec")


def test_engines_read_the_one_value_array(hand: CompiledScenario) -> None:
    """Revenue per landed conversion in evaluate's daily series, the daily line items'
    revenue per conversion and the simulation's value all are the compiled array."""
    plan = np.full((3, 10), 1000.0)
    o = evaluate_plan(hand, plan, series=True)
    assert o.daily_revenue is not None
    assert o.daily_conversions is not None
    per_conversion = o.daily_revenue[0] / o.daily_conversions[0]  # no adstock: same day
    np.testing.assert_allclose(per_conversion, hand.value_per_conversion, rtol=1e-12)
    _, aov = daily_curves(hand)
    np.testing.assert_array_equal(aov, hand.value_per_conversion.T.ravel())
    assert build_problem(hand, daily=True).curves.n == 30
    inputs = build_inputs(hand, Split(plan.sum(axis=1), plan))
    assert inputs.cs.value_per_conversion is hand.value_per_conversion
