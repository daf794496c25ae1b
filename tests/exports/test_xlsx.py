"""The workbook (issue 18.2): read back with openpyxl, it holds the JSON's numbers."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from simulator import load_scenario, optimize
from simulator.cli import main
from simulator.exports import PLAN_KINDS, PlanExport
from simulator.model.compiled import CompiledScenario
from simulator.results import Result
from tests.conftest import ROOT

SHEETS = ["Summary", "Channels", "Ad sets", "Daily", "Weekly", "Assumptions"]
CASES = {"segments": ("local_brand", "total"), "daily": ("double11", "daily")}


@pytest.fixture(scope="module", params=sorted(CASES))
def planned(request: pytest.FixtureRequest) -> tuple[CompiledScenario, Result]:
    name, plan = CASES[request.param]
    cs = load_scenario(ROOT / "scenarios" / f"{name}.yaml")
    return cs, optimize(cs, plan=plan)


def _book(cs: CompiledScenario, result: Result, extra: dict[str, Any] | None = None) -> Any:
    data = PLAN_KINDS["xlsx"].render(PlanExport(cs, result, "", extra or {}))
    return openpyxl.load_workbook(io.BytesIO(data))


def _rows(ws: Any) -> tuple[list[Any], list[list[Any]]]:
    header, *rows = [list(r) for r in ws.iter_rows(values_only=True)]
    return header, rows


def test_the_sheets_are_there_with_frozen_bold_headers(
    planned: tuple[CompiledScenario, Result],
) -> None:
    wb = _book(*planned)
    assert wb.sheetnames == SHEETS
    for ws in wb:
        assert ws.freeze_panes == "A2"
        assert all(c.font.bold for c in ws[1])


def test_summary_and_channels_equal_the_json(planned: tuple[CompiledScenario, Result]) -> None:
    cs, result = planned
    doc = json.loads(json.dumps(result.to_json()))
    wb = _book(cs, result)
    _, summary = _rows(wb["Summary"])
    values = {r[0]: r[2] for r in summary}
    assert values["status"] == doc["status"] == "optimal"
    for key, want in doc["totals"].items():
        assert values[key] == (None if want is None else pytest.approx(want, rel=1e-12)), key
    header, rows = _rows(wb["Channels"])
    assert header[:2] == ["id", "label"]
    by_id = {r[0]: dict(zip(header, r, strict=True)) for r in rows}
    assert list(by_id)[:-1] == list(doc["channels"])
    for cid, want in doc["channels"].items():
        got = by_id[cid]
        assert got["label"] == cs.labels.get(cid, "")
        for key in ("spend", "revenue", "conversions", "roi", "marginal_roi"):
            if want[key] is None:
                assert got[key] is None
            else:
                assert isinstance(got[key], int | float)  # numbers stay numbers, not text
                assert got[key] == pytest.approx(want[key], rel=1e-12)
    total = by_id["total"]
    assert total["spend"] == pytest.approx(doc["totals"]["spend"], rel=1e-12)
    assert total["spend"] == pytest.approx(sum(r["spend"] for r in doc["channels"].values()))
    assert total["share"] == 1.0
    assert wb["Channels"].cell(2, header.index("roi") + 1).number_format == "0.00"
    assert wb["Channels"].cell(2, header.index("spend") + 1).number_format == "#,##0"


def test_daily_and_weekly_sum_to_the_allocation(planned: tuple[CompiledScenario, Result]) -> None:
    cs, result = planned
    wb = _book(cs, result)
    header, rows = _rows(wb["Daily"])
    assert header == ["day", "date", *cs.channel_ids]
    days, total = rows[:-1], rows[-1]
    assert [r[0] for r in days] == list(range(1, cs.horizon_days + 1))
    assert [r[1] for r in days] == list(cs.calendar.labels)
    for j, cid in enumerate(cs.channel_ids, start=2):
        column = [r[j] for r in days]
        if result.daily is not None:
            assert column == pytest.approx(result.daily[cid], rel=1e-12, abs=1e-9)
        assert sum(column) == pytest.approx(result.allocation[cid], rel=1e-9, abs=1e-6)
        assert total[j] == pytest.approx(result.allocation[cid], rel=1e-9, abs=1e-6)
    _, weeks = _rows(wb["Weekly"])
    assert len(weeks) - 1 == -(-cs.horizon_days // 7)
    for j in range(2, 2 + cs.n_channels):
        assert sum(r[j] for r in weeks[:-1]) == pytest.approx(total[j], rel=1e-9, abs=1e-6)


def test_assumptions_name_the_budget_and_each_channels_bounds(
    planned: tuple[CompiledScenario, Result],
) -> None:
    cs, result = planned
    _, rows = _rows(_book(cs, result)["Assumptions"])
    values = {r[0]: r[2] for r in rows}
    assert values["budget"] == cs.budget
    assert values["horizon_days"] == cs.horizon_days
    for j, cid in enumerate(cs.channel_ids):
        assert values[f"{cid}.max_spend"] == float(cs.channel_max[j])
    assert {f"targets.{k}" for k in cs.targets} <= set(values)


def test_a_simulation_summary_gets_its_sheet(planned: tuple[CompiledScenario, Result]) -> None:
    cs, result = planned
    sim = {"totals": {"revenue": {"mean": 5.0, "p10": 4.0, "p50": 5.0, "p90": 6.0}}}
    wb = _book(cs, result, {"simulation": {**sim, "p_targets_met": 0.75}})
    header, rows = _rows(wb["Simulation"])
    assert header == ["metric", "mean", "p10", "p50", "p90"]
    assert rows[0] == ["revenue", 5.0, 4.0, 5.0, 6.0]
    assert rows[1][:2] == ["p_targets_met", 0.75]


def test_text_starting_with_equals_is_never_a_formula(tmp_path: Path) -> None:
    from simulator.exports.xlsx import _cell

    assert _cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert _cell(float("nan")) is None
    assert _cell(3.5) == 3.5


def test_optimize_out_xlsx_from_the_command_line(tmp_path: Path, core_file: Path) -> None:
    path = tmp_path / "plan.xlsx"
    assert main(["optimize", str(core_file), "--plan", "daily", "--out", str(path)]) == 0
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == SHEETS
    _, rows = _rows(wb["Channels"])
    cs = load_scenario(core_file)
    rec = optimize(cs, plan="daily")
    assert rows[0][2] == pytest.approx(rec.allocation[cs.channel_ids[0]], rel=1e-12)


def test_the_same_plan_gives_the_same_bytes(planned: tuple[CompiledScenario, Result]) -> None:
    """No clock in the file: the batch promises the same bytes whatever the worker count."""
    import time

    cs, result = planned
    first = PLAN_KINDS["xlsx"].render(PlanExport(cs, result))
    time.sleep(2.1)  # a zip entry's time has a 2-second resolution
    assert PLAN_KINDS["xlsx"].render(PlanExport(cs, result)) == first
