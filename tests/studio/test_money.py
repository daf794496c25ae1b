"""The studio's money (CONTRACT.md 1c): cost beside spend, the two ROIs, halo, funnel
stages, fees and commission as edits; every number the engine's."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.api import evaluate, optimize
from simulator.io.yaml_loader import LineMap, parse_yaml
from simulator.model.compiled import CompiledScenario
from simulator.model.load import load_scenario
from simulator.optimize.explain.marginals import marginal_roi_per_cost
from simulator.studio import money
from simulator.studio.compare import compare
from simulator.studio.edits import (
    apply_edits,
    compile_edited,
    edit_bounds,
    editable_keys,
    money_fields,
)
from simulator.studio.figures import stages_figure
from simulator.studio.share_fit import fit_edits
from simulator.studio.table import KPI_ROWS, channel_table, kpi_table, plan_marginal_roi
from simulator.studio.variants import Variant
from tests.money_scenario import FEES, MONEY, SPLIT


@pytest.fixture(scope="module")
def data() -> tuple[dict, LineMap]:
    return parse_yaml(MONEY, "money.yaml")


@pytest.fixture(scope="module")
def cs(data: tuple[dict, LineMap]) -> CompiledScenario:
    return compile_edited(*data, "money.yaml", {})


def test_cards_and_table_add_cost_and_the_total_roi(cs) -> None:
    columns = compare(cs, SPLIT, [Variant("optimize")], optimize(cs))
    results = [c.result for c in columns]
    assert money.card_kpis(cs, results) == (
        "spend",
        "cost",
        "revenue",
        "conversions",
        "new_customers",
        "roi",
        "total_roi",
        "cac",
        "profit",
    )
    assert money.kpi_label(cs, "roi", "zh") == "增量ROI"
    assert money.kpi_label(cs, "total_roi", "zh") == "总ROI"
    assert money.kpi_help(cs, "roi", "en") is not None
    rows = kpi_table(cs, columns)
    base = evaluate(cs, SPLIT).totals
    for key in ("cost", "total_revenue", "total_roi"):
        cell = rows[key][0]
        assert cell is not None
        assert cell.value == base[key]
    assert list(rows)[:2] == ["spend", "cost"]
    assert base["total_roi"] == pytest.approx((base["revenue"] + 50_000) / base["cost"])


def test_without_the_keys_nothing_changes(q4, q4_plan) -> None:
    columns = compare(q4, q4_plan, [Variant("optimize")], optimize(q4))
    assert money.card_kpis(q4, [c.result for c in columns]) == money.CARD_KPIS
    assert tuple(kpi_table(q4, columns)) == KPI_ROWS
    assert money.kpi_label(q4, "roi", "en") == "ROI"
    assert money.kpi_help(q4, "roi", "en") is None
    assert money.staged_channels(q4) == []


def test_channel_rows_show_cost_halo_and_marginal_per_cost(cs) -> None:
    columns = compare(cs, SPLIT, [])
    engine = evaluate(cs, SPLIT)
    rows = {r.channel: r for r in channel_table(cs, columns[0], columns[0])}
    per_cost = marginal_roi_per_cost(cs, engine)
    for cid, row in rows.items():
        assert row.cost == engine.channels[cid]["cost"]
        assert row.halo_conversions == engine.channels[cid]["halo_conversions"]
        assert row.marginal_roi == per_cost[cid]
    assert rows["search"].halo_conversions == pytest.approx(
        0.3 * engine.channels["notes"]["conversions"], rel=1e-12
    )
    assert plan_marginal_roi(cs, engine) == max(per_cost.values())  # type: ignore[type-var]


def test_funnel_stages_in_the_planners_words(cs) -> None:
    res = evaluate(cs, SPLIT)
    assert money.staged_channels(cs) == ["search"]
    stages = res.channels["search"]["stages"]
    rows = money.stage_rows(res, "search", "zh")
    assert rows == [
        ("点击", res.channels["search"]["clicks"]),
        ("注册", stages["register"]),
        ("首单", stages["first_order"]),
    ]
    assert money.stage_label("a_custom_step", "zh") == "a_custom_step"  # user text as written
    fig = stages_figure("plan", rows, "zh").to_plotly_json()
    (trace,) = fig["data"]
    assert list(trace["y"]) == ["点击", "注册", "首单"]
    assert list(trace["x"]) == [v for _, v in rows]
    assert "20.0%" in trace["text"][2]  # first orders per sign-up: the stage's rate 0.2


def test_fees_and_commission_edits_equal_the_edited_file(data, tmp_path: Path) -> None:
    keys = editable_keys(data[0])
    for cid in ("notes", "search"):
        for path in ("fees.service_fee", "fees.rebate", "commission"):
            assert f"channels.{cid}.{path}" in keys
    fields = {f.key: f.value for f in money_fields(data[0], "search")}
    assert fields == {
        "channels.search.fees.service_fee": 0.05,
        "channels.search.fees.rebate": 0.15,
        "channels.search.commission": 0.05,
    }
    assert {f.value for f in money_fields(data[0], "notes")} == {0.0}  # none in the file
    edits = {"channels.notes.fees.service_fee": 0.1, "channels.search.commission": 0.2}
    edited = compile_edited(*data, "money.yaml", edits)
    by_hand = MONEY.replace("commission: 0.05", "commission: 0.2").replace(
        "    halo:", "    fees: {service_fee: 0.1}\n    halo:", 1
    )
    path = tmp_path / "by_hand.yaml"
    path.write_text(by_hand, encoding="utf-8")
    assert evaluate(edited, SPLIT).totals == evaluate(load_scenario(path), SPLIT).totals
    assert FEES in MONEY  # the cached data is not touched
    assert "fees" not in apply_edits(data[0], {})["channels"][0]


@pytest.mark.parametrize(
    ("key", "value", "fragment"),
    [
        ("channels.search.fees.rebate", 1.5, "must be a number from 0 to 1"),
        ("channels.search.commission", -0.1, "must be a number from 0 to 1"),
    ],
)
def test_a_link_with_a_money_edit_out_of_range_is_refused(data, key, value, fragment) -> None:
    assert edit_bounds(key)[1] == 1.0
    kept, problems = fit_edits(*data, "money.yaml", {key: value})
    assert kept == {}
    assert any(fragment in p.text("en") for p in problems), [p.text("en") for p in problems]


def test_an_edit_the_model_refuses_is_located(data) -> None:
    """1 + service_fee - rebate must stay above 0: the model's rule, at the edited field."""
    kept, problems = fit_edits(*data, "money.yaml", {"channels.notes.fees.rebate": 1.0})
    assert kept == {}
    assert any("1 + service_fee - rebate must stay above 0" in p.text("en") for p in problems)
