"""Where each plan stands against the front, in words: interpolation checked by hand."""

from __future__ import annotations

import pytest

from simulator.optimize.pareto import Front, FrontPoint
from simulator.studio.compare import compare
from simulator.studio.front_words import front_at, plan_lines, tradeoff_line
from simulator.studio.variants import Variant


def _front(*points: tuple[float, float]) -> Front:
    return Front(
        "q4", "cac", "cac_max", "revenue", [FrontPoint(x, x, y, {}, {}) for x, y in points]
    )


def test_front_at_interpolates_between_neighbours_and_refuses_outside() -> None:
    front = _front((100, 12e6), (80, 10e6), (120, 13e6))  # unsorted on purpose
    assert front_at(front, 90) == pytest.approx(11e6)
    assert front_at(front, 110) == pytest.approx(12.5e6)
    assert front_at(front, 80) == pytest.approx(10e6)
    assert front_at(front, 79.9) is None
    assert front_at(_front(), 90) is None


def test_every_plan_is_placed_against_the_front(q4, q4_plan) -> None:
    cols = compare(q4, q4_plan, [Variant("scale", percent=30), Variant("optimize")])
    base = cols[0].result
    assert base is not None
    cac, revenue = base.totals["cac"], base.totals["revenue"]
    front = _front((80, 10e6), (100, 12e6))
    expected_best = 10e6 + 2e6 * (cac - 80) / 20
    lines = plan_lines(front, cols, ["Baseline", "Budget +30%", "Optimiser"], "CNY", "en")
    assert len(lines) == 2  # the optimiser's column has not run: nothing to place
    assert lines[0] == (
        f"Baseline: CAC ¥{cac:,.2f}, Revenue ¥{revenue:,.0f}; the front reaches "
        f"¥{expected_best:,.0f} at that CAC (+¥{expected_best - revenue:,.0f})."
    )
    zh = plan_lines(_front((10, 1e6), (20, 2e6)), cols[:1], ["基准"], "CNY", "zh")
    assert zh == [f"基准：获客成本 CAC ¥{cac:,.2f}，GMV ¥{revenue:,.0f}；不在已计算的前沿范围内。"]


def test_tradeoff_names_points_spread_along_the_front() -> None:
    front = _front(*[(80 + 5 * i, 1e7 + 1e5 * i) for i in range(9)])
    line = tradeoff_line(front, "CNY", "en", n=3)
    assert line == (
        "Trade-off along the front (CAC): ¥80.00 → ¥10,000,000; ¥100.00 → ¥10,400,000; "
        "¥120.00 → ¥10,800,000."
    )
