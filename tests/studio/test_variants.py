"""Variant transforms: budget conserved by shifts, whole units kept, scaling exact."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from simulator.studio.variants import (
    Variant,
    apply_variant,
    channel_units,
    describe,
    plan_variant,
    scale,
    shift,
    to_units,
)

spends = st.floats(0, 5e6, allow_nan=False)


def test_shift_moves_the_percent_of_the_source() -> None:
    out = shift({"a": 1000.0, "b": 500.0, "c": 7.0}, "a", "b", 20)
    assert out == {"a": 800.0, "b": 700.0, "c": 7.0}


@given(a=spends, b=spends, pct=st.floats(-50, 150, allow_nan=False))
def test_shift_conserves_the_total_and_never_goes_negative(a: float, b: float, pct: float) -> None:
    out = shift({"a": a, "b": b}, "a", "b", pct)
    assert out["a"] + out["b"] == pytest.approx(a + b, rel=1e-12, abs=1e-6)
    assert out["a"] >= 0
    assert out["b"] >= b


@given(a=spends, pct=st.floats(0, 100, allow_nan=False))
def test_shift_keeps_whole_units_on_both_sides(a: float, pct: float) -> None:
    start = {"a": to_units(a, 80_000), "b": 160_000.0}
    out = shift(start, "a", "b", pct, {"a": 80_000.0, "b": 80_000.0})
    for value in out.values():
        assert value / 80_000 == pytest.approx(round(value / 80_000), abs=1e-9)
    assert sum(out.values()) == pytest.approx(sum(start.values()))


def test_shift_rounds_down_to_the_target_unit() -> None:
    # 20% of 300,000 is 60,000: less than one 80,000 post, so nothing moves.
    assert shift({"a": 300_000.0, "kol": 0.0}, "a", "kol", 20, {"kol": 80_000.0}) == {
        "a": 300_000.0,
        "kol": 0.0,
    }
    out = shift({"a": 500_000.0, "kol": 0.0}, "a", "kol", 40, {"kol": 80_000.0})
    assert out == {"a": 340_000.0, "kol": 160_000.0}


def test_shift_rejects_unknown_channels() -> None:
    with pytest.raises(KeyError, match="nope"):
        shift({"a": 1.0}, "a", "nope", 10)


def test_scale_by_percent_and_units() -> None:
    out = scale({"a": 1000.0, "kol": 320_000.0}, 30, {"kol": 80_000.0})
    assert out["a"] == pytest.approx(1300.0)
    assert out["kol"] == 400_000.0  # 416,000 -> nearest whole post
    assert scale({"a": 10.0}, -150) == {"a": 0.0}


def test_apply_variant_on_the_default_scenario(q4, q4_plan) -> None:
    assert channel_units(q4)["kol_posts"] == 80_000.0
    moved = apply_variant(q4, q4_plan, Variant("shift", "baidu_search", "douyin_feed", 20))
    assert moved is not None
    assert moved["baidu_search"] == pytest.approx(960_000.0)
    assert moved["douyin_feed"] == pytest.approx(1_140_000.0)
    assert apply_variant(q4, q4_plan, Variant("optimize")) is None
    assert apply_variant(q4, q4_plan, Variant("optimize"), {"a": 1.0}) == {"a": 1.0}
    saved = apply_variant(q4, q4_plan, plan_variant({"affiliate": 5.0, "gone": 9.0}))
    assert saved == {cid: (5.0 if cid == "affiliate" else 0.0) for cid in q4.channel_ids}


def test_describe_in_both_languages(q4) -> None:
    v = Variant("shift", "baidu_search", "douyin_feed", 20)
    assert describe(v, "en", q4.labels) == (
        "Move 20% from Baidu search (百度搜索) to Douyin feed (抖音信息流)"
    )
    assert describe(Variant("scale", percent=30), "zh", {}) == "预算 +30%"
    assert describe(None, "zh", {}) == "基准"


def test_scale_within_places_the_exact_percent_under_caps_and_units() -> None:
    from simulator.studio.variants import scale_within

    base = {"search": 1_200_000.0, "feed": 900_000.0, "notes": 400_000.0, "kol": 320_000.0}
    out = scale_within(base, 30, {"kol": 80_000.0}, {"search": 1_200_000.0})
    assert out.unplaced == 0
    assert sum(out.allocation.values()) == pytest.approx(1.3 * sum(base.values()), rel=1e-12)
    assert out.allocation["search"] == 1_200_000  # at its cap
    assert out.allocation["kol"] == 400_000  # 416,000 rounded to whole 80,000 posts
    # feed and notes share the rest 9:4, as they did before
    assert out.allocation["feed"] / out.allocation["notes"] == pytest.approx(900 / 400)
    assert out.allocation["feed"] + out.allocation["notes"] == pytest.approx(
        1.3 * 2_820_000 - 1_600_000
    )


def test_scale_within_reports_money_it_cannot_place() -> None:
    from simulator.studio.variants import scale_within

    out = scale_within({"a": 100.0, "b": 100.0}, 50, caps={"a": 120.0, "b": 150.0})
    assert out.allocation == {"a": 120.0, "b": 150.0}
    assert out.unplaced == pytest.approx(30.0)


@given(
    a=spends,
    b=spends,
    pct=st.floats(-90, 500, allow_nan=False),
    cap=st.floats(0, 5e6, allow_nan=False),
)
@example(a=1.5, b=5e-324, pct=0.0, cap=0.0)  # a subnormal weight: 1.5 * w / w was 2
def test_scale_within_never_passes_a_cap_and_accounts_for_every_yuan(
    a: float, b: float, pct: float, cap: float
) -> None:
    from simulator.studio.variants import scale_within

    out = scale_within({"a": a, "b": b}, pct, caps={"a": cap})
    assert out.allocation["a"] <= max(cap, 0.0) + 1e-6
    goal = (a + b) * max(1 + pct / 100, 0)
    placed = sum(out.allocation.values())
    assert placed + out.unplaced == pytest.approx(goal, rel=1e-9, abs=1e-6)


def test_shift_stops_at_the_targets_cap_and_the_title_says_so() -> None:
    from simulator.studio.variants import real_percent

    base = {"a": 1000.0, "b": 500.0}
    out = shift(base, "a", "b", 50, caps={"b": 700.0})
    assert out == {"a": 800.0, "b": 700.0}
    v = Variant("shift", "a", "b", 50)
    assert real_percent(base, v, out) == pytest.approx(20.0)
    assert describe(v, "en", {}, actual=20.0) == "Move 50% from a to b (placed 20.0%)"
    assert describe(v, "en", {}, actual=50.0) == "Move 50% from a to b"
    scaled = Variant("scale", percent=30)
    assert describe(scaled, "zh", {}, actual=24.46) == "预算 +30%（实际 +24.5%）"
    assert describe(scaled, "en", {}, actual=30.00000001) == "Budget +30%"
    from simulator.studio.variants import falls_short, placed_text

    assert falls_short(scaled, 24.46)
    assert not falls_short(scaled, 30.04)
    assert not falls_short(None, 3.0)
    assert placed_text(scaled, 24.46) == "+24.5"
    assert placed_text(v, 20.0) == "20.0"
