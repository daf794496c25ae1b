"""The comparison table: every cell is the engine's number of its column, deltas exact."""

from __future__ import annotations

import pytest

from simulator.api import evaluate
from simulator.studio.compare import compare
from simulator.studio.table import KPI_ROWS, channel_table, kpi_table, plan_marginal_roi
from simulator.studio.variants import Variant


def test_kpi_rows_hold_the_engines_totals_and_deltas(q4, q4_plan) -> None:
    columns = compare(q4, q4_plan, [Variant("shift", "douyin_feed", "affiliate", 50)])
    rows = kpi_table(q4, columns)
    assert tuple(rows) == KPI_ROWS
    moved = {**q4_plan, "douyin_feed": 450_000.0, "affiliate": 630_000.0}
    base, other = evaluate(q4, q4_plan).totals, evaluate(q4, moved).totals
    for key in ("revenue", "profit", "roi", "cac", "ltv", "ltv_cac", "new_customers"):
        first, second = rows[key]
        assert first is not None
        assert second is not None
        assert first.value == base[key]
        assert first.delta is None
        assert second.value == other[key]
        assert second.delta == pytest.approx(other[key] - base[key], rel=1e-12)
    spend = rows["spend"][1]
    assert spend is not None
    assert spend.delta == 0
    assert spend.text("spend", "CNY") == "¥3,000,000"  # no "+¥0" beside an equal spend


def test_a_column_not_run_yet_is_none_and_p_met_appears_when_simulated(q4, q4_plan) -> None:
    columns = compare(q4, q4_plan, [Variant("optimize")])
    rows = kpi_table(q4, columns, {"baseline": 0.62})
    assert rows["revenue"][1] is None
    p = rows["p_targets"]
    assert p[0] is not None
    assert p[0].value == 0.62
    assert p[1] is None


def test_no_roi_beside_zero_spend(q4) -> None:
    nothing = dict.fromkeys(q4.channel_ids, 0.0)
    (col,) = compare(q4, nothing)
    rows = kpi_table(q4, [col])
    for key in ("roi", "cac", "ltv_cac"):
        cell = rows[key][0]
        assert cell is not None
        assert cell.value is None
        assert cell.text(key, "CNY") == "–"


def test_plan_marginal_roi_is_the_best_channel_with_room(q4, q4_plan) -> None:
    result = evaluate(q4, q4_plan)
    room = [c for c in q4.channel_ids if c != "baidu_search"]  # baidu is at its 1.2M max
    assert plan_marginal_roi(q4, result) == max(result.channels[c]["marginal_roi"] for c in room)


def test_channel_rows_share_change_and_binding(q4, q4_plan) -> None:
    columns = compare(q4, q4_plan, [Variant("scale", percent=30)])
    rows = {r.channel: r for r in channel_table(q4, columns[1], columns[0])}
    assert sum(r.share or 0 for r in rows.values()) == pytest.approx(1.0)
    assert rows["baidu_search"].binding == "max"
    assert rows["baidu_search"].bound == 1_200_000
    assert rows["baidu_search"].change == 0
    assert rows["kol_posts"].change == 80_000  # one more whole post
    assert rows["douyin_feed"].binding == ""
    scaled = evaluate(q4, columns[1].allocation or {})
    assert rows["douyin_feed"].roi == scaled.channels["douyin_feed"]["roi"]
    assert rows["douyin_feed"].marginal_roi == scaled.channels["douyin_feed"]["marginal_roi"]
