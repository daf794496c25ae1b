"""``adsim curves`` (issue 18.4): every number is the engine's, points are evaluate's."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from simulator import evaluate, load_scenario, optimize
from simulator.cli import main
from simulator.exports.curves import COLUMNS, curve_data, to_json
from tests.conftest import ROOT

Q4 = ROOT / "scenarios" / "ecommerce_q4.yaml"  # has a split: (the current plan)


@pytest.fixture(scope="module")
def data():  # type: ignore[no-untyped-def]  # a module fixture, types read in the tests
    cs = load_scenario(Q4)
    rec = optimize(cs)
    return cs, rec, evaluate(cs), curve_data(cs, rec, evaluate(cs), points=12)


def test_each_grid_point_is_evaluate_with_that_channels_spend(data) -> None:  # type: ignore[no-untyped-def]
    cs, rec, _, curves = data
    checked: list[str] = []
    for cid in cs.channel_ids:
        grid = [r for r in curves.rows if r["channel"] == cid and r["point"] == "grid"]
        assert len(grid) == 12
        assert grid[0]["spend"] == 0.0
        marked = [r["spend"] for r in curves.rows if r["channel"] == cid and r["point"] != "grid"]
        assert grid[-1]["spend"] >= max(marked) > 0
        assert [r["spend"] for r in grid] == sorted(r["spend"] for r in grid)
        if cs.unit_cost[cs.ad_sets_of(cs.channel_ids.index(cid))].any():
            continue  # a grid spend is not whole units: evaluate refuses it as a split
        checked.append(cid)
        row = grid[5]
        again = evaluate(cs, rec.allocation | {cid: row["spend"]}).channels[cid]
        assert row["revenue"] == pytest.approx(again["revenue"], rel=1e-12)
        assert row["conversions"] == pytest.approx(again["conversions"], rel=1e-12)
        assert row["marginal_roi"] == pytest.approx(again["marginal_roi"], rel=1e-12)
    assert len(checked) >= 3


def test_the_points_are_the_current_and_recommended_results(data) -> None:  # type: ignore[no-untyped-def]
    cs, rec, now, curves = data
    points = {(r["channel"], r["point"]): r for r in curves.rows if r["point"] != "grid"}
    assert len(points) == 2 * cs.n_channels
    for cid in cs.channel_ids:
        for name, result in (("current", now), ("recommended", rec)):
            row = points[(cid, name)]
            assert row["spend"] == result.channels[cid]["spend"]
            assert row["revenue"] == result.channels[cid]["revenue"]
            assert row["label"] == cs.labels[cid]


def test_the_json_holds_the_csvs_rows(data) -> None:  # type: ignore[no-untyped-def]
    cs, rec, _, curves = data
    doc = to_json(curves)
    assert list(doc["channels"]) == list(cs.channel_ids)
    first = doc["channels"][cs.channel_ids[0]]
    assert len(first["grid"]["spend"]) == 12
    assert first["recommended"]["spend"] == rec.allocation[cs.channel_ids[0]]
    assert first["max_spend"] == float(cs.channel_max[0])


def test_without_a_current_plan_only_the_recommendation_is_marked() -> None:
    cs = load_scenario(ROOT / "scenarios" / "double11.yaml")
    curves = curve_data(cs, optimize(cs), None, points=4)
    assert {r["point"] for r in curves.rows} == {"grid", "recommended"}


def test_the_command_writes_csv_and_json_and_prints_a_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["curves", str(Q4), "--points", "5", "--out", str(tmp_path / "c.csv")]) == 0
    rows = list(csv.DictReader((tmp_path / "c.csv").open(encoding="utf-8")))
    assert tuple(rows[0]) == COLUMNS
    assert len(rows) == (5 + 2) * 5  # five channels
    assert main(["curves", str(Q4), "--points", "5", "--out", str(tmp_path / "c.json")]) == 0
    doc = json.loads((tmp_path / "c.json").read_text("utf-8"))
    assert float(rows[1]["revenue"]) == doc["channels"][rows[1]["channel"]]["grid"]["revenue"][1]
    capsys.readouterr()
    assert main(["curves", str(Q4), "--points", "3"]) == 0
    out = capsys.readouterr().out
    assert "recommended" in out
    assert "current" in out


@pytest.mark.parametrize(
    ("extra", "message"),
    [(["--out", "c.docx"], "unknown export type '.docx'"), (["--points", "1"], "--points")],
)
def test_bad_flags_exit_2_without_a_traceback(
    extra: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["curves", str(Q4), *extra]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
