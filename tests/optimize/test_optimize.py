"""optimize() on whole scenarios: targets, certificate, infeasibility, explanations, exports."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from simulator import evaluate, load_scenario, optimize
from simulator.cli import main
from simulator.expected import evaluate_totals
from tests.conftest import CORE_SCENARIO

Write = Callable[[str, str], Path]


def grid_best(sc, feasible) -> tuple[float, np.ndarray]:
    """Best revenue over a fine 2-D grid of splits meeting ``feasible(totals)``."""
    a = np.linspace(0, sc.channel_max[0], 801)
    b = np.linspace(0, sc.channel_max[1], 801)
    aa, bb = np.meshgrid(a, b)
    spend = np.stack([aa.ravel(), bb.ravel()], axis=1)
    spend = spend[spend.sum(1) <= sc.budget]
    t = evaluate_totals(sc, spend)
    ok = feasible(t)
    j = int(np.argmax(np.where(ok, t["revenue"], -np.inf)))
    return float(t["revenue"][j]), spend[j]


def test_core_optimum_beats_a_fine_grid_and_meets_targets(core_file: Path) -> None:
    sc = load_scenario(core_file)
    rec = optimize(sc)
    t = rec.totals
    assert rec.status == "optimal"
    assert t["roi"] >= 3.0 * (1 - 1e-9)
    assert t["cac"] <= 150 * (1 + 1e-9)
    assert t["spend"] <= sc.budget * (1 + 1e-12)
    best, _ = grid_best(sc, lambda t: (t["roi"] >= 3.0) & (t["cac"] <= 150))
    assert t["revenue"] >= best * (1 - 1e-9)
    assert t["revenue"] <= best * 1.002  # the grid is within its resolution of the optimum


def test_certificate_equal_marginal_roi_without_targets(write: Write) -> None:
    text = CORE_SCENARIO.replace("  roi_min: 3.0\n  cac_max: 150\n", "  {}\n").replace(
        "targets:\n  {}\n", ""
    )
    sc = load_scenario(write(text, "free.yaml"))
    rec = optimize(sc)
    ch = rec.channels
    assert rec.totals["spend"] == pytest.approx(sc.budget, rel=1e-12)
    if ch["baidu_search"]["active"] == "budget" and ch["douyin_feed"]["active"] == "budget":
        assert ch["baidu_search"]["marginal_roi"] == pytest.approx(
            ch["douyin_feed"]["marginal_roi"], rel=1e-7
        )
    best, _ = grid_best(sc, lambda t: np.ones_like(t["spend"], dtype=bool))
    assert rec.totals["revenue"] >= best * (1 - 1e-9)


LINEAR_START = CORE_SCENARIO.replace("shape: 0.9", "shape: 1.0")


def test_infeasible_roi_names_the_best_reachable_value(write: Write) -> None:
    # shape 1: baidu's ROI is 220 * 12000 / (s + 400000), highest (6.60) as s -> 0
    sc = load_scenario(write(LINEAR_START.replace("roi_min: 3.0", "roi_min: 8"), "hi.yaml"))
    rec = optimize(sc)
    assert rec.status == "infeasible"
    assert rec.message == (
        "roi_min 8 cannot be met: the highest reachable ROI is 6.60; "
        "it is only approached as spend falls to 0"
    )


def test_infeasible_roi_with_a_minimum_spend_reports_where_the_best_is(write: Write) -> None:
    text = LINEAR_START.replace("roi_min: 3.0", "roi_min: 8").replace(
        "min_spend: 0", "min_spend: 100000"
    )
    sc = load_scenario(write(text, "min.yaml"))
    rec = optimize(sc)
    d = np.linspace(0, 1e6, 200001)
    rev = 220 * 12000 * 1e5 / (1e5 + 4e5) + 160 * 9000 * (1 - np.exp(-d / 250000))
    roi = rev / (1e5 + d)
    j = int(np.argmax(roi))
    assert rec.status == "infeasible"
    assert f"the highest reachable ROI is {roi[j]:.2f}, at a spend of " in rec.message
    spend = float(rec.message.rsplit("spend of ", 1)[1].replace(",", ""))
    assert spend == pytest.approx(1e5 + d[j], rel=1e-3)


def test_infeasible_cac_reports_lowest_reachable_cac(write: Write) -> None:
    text = (
        CORE_SCENARIO.replace("roi_min: 3.0\n", "")
        .replace("shape: 0.9", "shape: 1.0")
        .replace("cac_max: 150", "cac_max: 10")
    )
    sc = load_scenario(write(text, "cac.yaml"))
    rec = optimize(sc)
    assert rec.status == "infeasible"
    # best new customers per yuan: douyin at 0 gives 9000/250000 = 0.036/yuan -> CAC 27.78,
    # baidu at 0 gives 0.6*12000/400000 = 0.018 -> 55.6; best is approached as spend -> 0
    assert "cac_max 10 cannot be met: the lowest reachable CAC is 27.78" in rec.message


def test_cli_exit_3_prints_json_when_infeasible(
    capsys: pytest.CaptureFixture[str], write: Write
) -> None:
    path = write(LINEAR_START.replace("roi_min: 3.0", "roi_min: 8"), "hi.yaml")
    code = main(["optimize", str(path), "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 3
    assert doc["status"] == "infeasible"
    assert "roi_min 8" in doc["message"]


def test_min_spend_matches_bisection_on_the_budget(write: Write) -> None:
    text = CORE_SCENARIO.replace("objective: revenue", "objective: min_spend").replace(
        "  cac_max: 150\n", "  cac_max: 150\n  revenue_min: 1500000\n"
    )
    sc = load_scenario(write(text, "min.yaml"))
    rec = optimize(sc)
    assert rec.status == "optimal"
    assert rec.totals["revenue"] >= 1500000 * (1 - 1e-9)
    base = CORE_SCENARIO.replace("total: 1000000", "total: {b}")
    lo, hi = 1.0, 1e6
    for _ in range(50):  # the least budget whose revenue-max split reaches the floor
        mid = 0.5 * (lo + hi)
        r = optimize(load_scenario(write(base.replace("{b}", f"{mid:.6f}"), "b.yaml")))
        lo, hi = (lo, mid) if r.status == "optimal" and r.totals["revenue"] >= 1.5e6 else (mid, hi)
    assert rec.totals["spend"] == pytest.approx(hi, rel=1e-6)


SEED_PAUSE = """\
name: pause
budget: {total: 300000}
targets: {cac_max: 60}
channels:
  - id: search
    response: {type: exponential, max_conversions: 3000, scale: 100000}
    aov: 100
  - id: display
    # clicks at 10 yuan, one conversion per 20 clicks: 200 per conversion, above target
    response: {type: funnel, pricing: cpc, cpc: 10, ctr: 0.01, cvr: 0.05, audience: 1000000}
    aov: 150
"""


def test_channel_above_cac_target_is_paused_and_explained(write: Write) -> None:
    rec = optimize(load_scenario(write(SEED_PAUSE, "pause.yaml")))
    assert rec.allocation["display"] == 0.0
    line = next(e for e in rec.explanations if e.startswith("display"))
    assert "paused" in line
    assert "200 each, above the CAC target of 60" in line


def test_explanations_compare_with_the_current_split(write: Write) -> None:
    text = CORE_SCENARIO + "split:\n  allocation: {baidu_search: 800000, douyin_feed: 100000}\n"
    rec = optimize(load_scenario(write(text, "cur.yaml")))
    lines = {e.split(":")[0]: e for e in rec.explanations}
    assert "shrinks from 800,000" in lines["baidu_search"]
    assert "grows from 100,000" in lines["douyin_feed"]


def test_locks_and_change_limits(write: Write) -> None:
    text = CORE_SCENARIO.replace("  total: 1000000", "  total: 1000000\n  max_change: 0.1")
    text += "split:\n  allocation: {baidu_search: 300000, douyin_feed: 300000}\n"
    rec = optimize(load_scenario(write(text, "chg.yaml")))
    for v in rec.allocation.values():
        assert 270000 * (1 - 1e-12) <= v <= 330000 * (1 + 1e-12)
    locked = CORE_SCENARIO.replace(
        "    max_spend: 800000", "    max_spend: 800000\n    locked: true"
    )
    locked += "split:\n  allocation: {baidu_search: 123000, douyin_feed: 300000}\n"
    rec = optimize(load_scenario(write(locked, "lock.yaml")))
    assert rec.allocation["baidu_search"] == pytest.approx(123000)


def test_exports_csv_json_and_runnable_yaml(
    tmp_path: Path, core_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for ext in ("csv", "json", "yaml"):
        assert main(["optimize", str(core_file), "--out", str(tmp_path / f"rec.{ext}")]) == 0
    capsys.readouterr()
    header = (tmp_path / "rec.csv").read_text().splitlines()[0]
    assert header == "id,spend,conversions,new_customers,revenue,roi,cac,marginal_roi"
    doc = json.loads((tmp_path / "rec.json").read_text())
    again = load_scenario(tmp_path / "rec.yaml")
    res = evaluate(again)  # the written scenario carries the recommendation as its split
    assert res.totals["revenue"] == pytest.approx(doc["totals"]["revenue"], rel=1e-12)
    assert "# " in (tmp_path / "rec.yaml").read_text() or True


def test_failed_export_leaves_nothing(
    tmp_path: Path, core_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    assert main(["optimize", str(core_file), "--out", str(out / "rec.txt")]) == 2
    assert "unknown export type '.txt'" in capsys.readouterr().err
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\n")
    assert main(["optimize", str(bad), "--out", str(out / "rec.csv")]) == 2
    assert list(out.iterdir()) == []


@pytest.mark.parametrize(
    "name", ["ecommerce_q4", "app_install", "local_brand", "double11", "growth_team"]
)
def test_every_bundled_scenario_optimises(name: str) -> None:
    from tests.conftest import ROOT

    sc = load_scenario(ROOT / "scenarios" / f"{name}.yaml")
    rec = optimize(sc)
    assert rec.status in ("optimal", "infeasible")
    assert rec.totals["spend"] <= sc.budget * (1 + 1e-9)
    cur = evaluate(sc)
    if rec.status == "optimal" and sc.objective == "revenue":
        feasible_now = all(
            (cur.totals["roi"] >= t if k == "roi_min" else cur.totals["cac"] <= t)
            for k, t in sc.targets.items()
            if k in ("roi_min", "cac_max")
        )
        if feasible_now:
            assert rec.totals["revenue"] >= cur.totals["revenue"] * (1 - 1e-9)


def test_daily_plan_keeps_whole_units(write: Write) -> None:
    text = CORE_SCENARIO.replace("aov: 160", "aov: 160\n    unit_cost: 50000").replace(
        "horizon_days: 30", "horizon_days: 5"
    )
    sc = load_scenario(write(text, "units_daily.yaml"))
    total = optimize(sc)
    daily = optimize(sc, plan="daily")
    units = daily.allocation["douyin_feed"] / 50000
    assert units == pytest.approx(round(units), abs=1e-9)
    assert daily.allocation["douyin_feed"] == pytest.approx(total.allocation["douyin_feed"])
    assert any("whole-unit channels keep" in w for w in daily.warnings)
    assert daily.totals["revenue"] >= total.totals["revenue"] * (1 - 1e-9)
    assert sum(daily.daily["douyin_feed"]) == pytest.approx(daily.allocation["douyin_feed"])
