"""Comparison columns: engine numbers, deltas against the baseline, target checks."""

from __future__ import annotations

import math

import pytest

from simulator.api import evaluate
from simulator.studio.compare import compare, deltas, target_checks
from simulator.studio.variants import Variant


def test_target_checks_floor_cap_and_undefined() -> None:
    targets = {"roi_min": 3.0, "cac_max": 150.0, "revenue_min": 10.0, "unknown": 1.0}
    assert target_checks(targets, {"roi": 3.0, "cac": 150.0, "revenue": 9.0}) == {
        "roi_min": True,
        "cac_max": True,
        "revenue_min": False,
    }
    assert target_checks({"roi_min": 3.0}, {"roi": math.nan}) == {"roi_min": False}
    assert target_checks({"cac_max": 100.0}, {"cac": 100.5}) == {"cac_max": False}


def test_columns_hold_the_engine_numbers(q4, q4_plan) -> None:
    variants = [Variant("shift", "baidu_search", "douyin_feed", 20), Variant("scale", percent=30)]
    base, moved, bigger = compare(q4, q4_plan, variants)
    assert base.result is not None
    assert moved.result is not None
    assert bigger.result is not None
    assert base.result.totals == evaluate(q4, q4_plan).totals
    expected = evaluate(q4, {**q4_plan, "baidu_search": 960_000.0, "douyin_feed": 1_140_000.0})
    assert moved.result.totals == expected.totals
    assert moved.deltas["revenue"] == pytest.approx(
        expected.totals["revenue"] - base.result.totals["revenue"]
    )
    assert moved.deltas["spend"] == pytest.approx(0.0, abs=1e-6)
    # exactly +30%: KOL in whole posts (400,000), baidu held at its 1.2M max, the rest shared
    assert bigger.result.totals["spend"] == pytest.approx(3_900_000.0)
    assert bigger.allocation is not None
    assert bigger.allocation["baidu_search"] == 1_200_000
    assert bigger.allocation["douyin_feed"] == pytest.approx(2_300_000 * 900 / 1480)
    assert bigger.result.warnings  # above the budget: evaluated as a what-if
    assert base.checks == {"roi_min": True, "cac_max": True}
    assert base.deltas == {}


def test_optimize_column_waits_for_the_optimiser(q4, q4_plan) -> None:
    _base, pending = compare(q4, q4_plan, [Variant("optimize")])
    assert pending.result is None
    assert pending.allocation is None
    assert not pending.checks


def test_optimize_column_uses_the_recommendation(q4, q4_plan) -> None:
    rec = evaluate(q4, {**q4_plan, "affiliate": 240_000.0, "baidu_search": 1_140_000.0})
    rec.status = "optimal"
    _, col = compare(q4, q4_plan, [Variant("optimize")], rec)
    assert col.result is not None
    assert col.result.totals == rec.totals
    assert col.allocation == rec.allocation


def test_deltas_undefined_ratios_are_none(q4) -> None:
    zero = evaluate(q4, {})
    some = evaluate(q4, {"affiliate": 60_000.0})
    d = deltas(some, zero)
    assert d["roi"] is None
    assert d["cac"] is None
    assert d["revenue"] == pytest.approx(some.totals["revenue"])


def test_nothing_spent_meets_no_ratio_target_and_has_no_ratio_delta(q4, q4_plan) -> None:
    # an optimiser's answer to an unreachable floor: ROI 418 on a spend the card shows as ¥0
    tiny = {"spend": 1.6e-5, "new_customers": 1.6e-5, "roi": 418.0, "cac": 1.0}
    assert target_checks({"roi_min": 3.0, "cac_max": 150.0}, tiny) == {
        "roi_min": False,
        "cac_max": False,
    }
    base, nothing = compare(q4, q4_plan, [Variant("plan", allocation=(("baidu_search", 0.2),))])
    assert nothing.result is not None
    assert nothing.result.totals["roi"] > 0  # the engine defines it; the studio does not show it
    assert nothing.deltas["roi"] is None
    assert nothing.deltas["cac"] is None
    assert nothing.checks == {"roi_min": False, "cac_max": False}
    assert nothing.deltas["spend"] == pytest.approx(0.2 - base.result.totals["spend"])
