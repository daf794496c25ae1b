"""A daily plan's CSV by day and its weekly roll-up (issue 18.3)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from simulator import evaluate, load_scenario, optimize
from simulator.cli import main
from simulator.expected import evaluate_plan
from simulator.exports import PLAN_KINDS, PlanExport, weekly_path
from simulator.exports.csv import weekly
from simulator.exports.days import DAY_COLUMNS, WEEK_COLUMNS
from simulator.io.errors import ScenarioError
from simulator.io.split_csv import read_split_csv
from simulator.model.load import load_split
from tests.conftest import ROOT
from tests.money_scenario import MONEY_DAILY


def _read(data: bytes | str) -> list[dict[str, str]]:
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture(scope="module", params=["double11", "local_brand"])
def daily(request: pytest.FixtureRequest) -> tuple[object, object, PlanExport]:
    cs = load_scenario(ROOT / "scenarios" / f"{request.param}.yaml")
    result = optimize(cs, plan="daily")
    return cs, result, PlanExport(cs, result)


def test_the_daily_csv_is_long_and_sums_to_the_results_totals(daily: tuple) -> None:
    cs, result, plan = daily
    rows = _read(PLAN_KINDS["csv"].render(plan))
    assert list(rows[0]) == list(DAY_COLUMNS)
    assert len(rows) == cs.horizon_days * cs.n_ad_sets
    assert {int(r["day"]) for r in rows} == set(range(1, cs.horizon_days + 1))
    if cs.calendar.dated:
        assert rows[0]["date"] == cs.calendar.labels[0]
    for key in ("spend", "conversions", "revenue"):
        assert sum(float(r[key]) for r in rows) == pytest.approx(result.totals[key], rel=1e-9)
    for cid in cs.channel_ids:
        spent = [float(r["spend"]) for r in rows if r["channel"] == cid]
        assert sum(spent) == pytest.approx(result.allocation[cid], rel=1e-9, abs=1e-6)


def test_the_weekly_roll_up_is_the_days_summed_by_seven(daily: tuple) -> None:
    cs, _, plan = daily
    days = _read(PLAN_KINDS["csv"].render(plan))
    weeks = _read(weekly(plan))
    assert list(weeks[0]) == list(WEEK_COLUMNS)
    assert len(weeks) == -(-cs.horizon_days // 7) * cs.n_ad_sets
    for w in weeks:
        first, last = int(w["first_day"]), int(w["last_day"])
        assert last - first + 1 == min(7, cs.horizon_days - first + 1)
        inside = [d for d in days if d["ad_set"] == w["ad_set"] and first <= int(d["day"]) <= last]
        for key in ("spend", "conversions", "revenue"):
            assert float(w[key]) == pytest.approx(sum(float(d[key]) for d in inside), rel=1e-9)


def test_the_daily_csv_reads_back_as_the_same_plan(daily: tuple, tmp_path: Path) -> None:
    cs, result, plan = daily
    path = tmp_path / "plan.csv"
    path.write_bytes(PLAN_KINDS["csv"].render(plan))
    again = evaluate(cs, load_split(cs, path))
    assert again.totals["revenue"] == pytest.approx(result.totals["revenue"], rel=1e-9)
    for cid in cs.channel_ids:
        assert again.allocation[cid] == pytest.approx(result.allocation[cid], rel=1e-9, abs=1e-6)


def test_a_bad_day_in_a_long_csv_is_located() -> None:
    text = "day,date,channel,ad_set,spend\n1,,a,a,10\nx,,a,a,5\n"
    with pytest.raises(ScenarioError) as caught:
        read_split_csv(text, "plan.csv")
    assert str(caught.value.issues[0]).startswith("plan.csv:3: day: not a day number")


def test_optimize_daily_out_csv_writes_both_files(tmp_path: Path, core_file: Path) -> None:
    path = tmp_path / "plan.csv"
    assert main(["optimize", str(core_file), "--plan", "daily", "--out", str(path)]) == 0
    assert weekly_path(path) == tmp_path / "plan.weekly.csv"
    assert list(_read(path.read_text())[0]) == list(DAY_COLUMNS)
    assert list(_read(weekly_path(path).read_text())[0]) == list(WEEK_COLUMNS)


def test_a_total_plan_keeps_the_contracts_csv_and_no_weekly_file(
    tmp_path: Path, core_file: Path
) -> None:
    path = tmp_path / "plan.csv"
    assert main(["optimize", str(core_file), "--out", str(path)]) == 0
    header = path.read_text().splitlines()[0]
    assert header == "id,spend,conversions,new_customers,revenue,roi,cac,marginal_roi"
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".csv") == ["plan.csv"]


def test_halo_lands_in_the_receivers_days_as_in_its_totals(
    write: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each channel's days sum to its totals, halo received included (CONTRACT.md 1c):
    ``adsim optimize --plan daily --out plan.csv`` against its own JSON."""
    path, out = write(MONEY_DAILY), tmp_path / "plan.csv"
    code = main(["optimize", str(path), "--plan", "daily", "--format", "json", "--out", str(out)])
    assert code == 0
    doc = json.loads(capsys.readouterr().out)
    rows = _read(out.read_bytes())
    cs = load_scenario(path)
    assert doc["channels"]["search"]["halo_conversions"] > 1  # the test means something
    for cid in cs.channel_ids:
        for key in ("conversions", "revenue"):
            days = sum(float(r[key]) for r in rows if r["channel"] == cid)
            assert days == pytest.approx(doc["channels"][cid][key], rel=1e-9), (cid, key)
    result = optimize(cs, plan="daily")
    assert result.allocation == pytest.approx(doc["allocation"], rel=1e-12)
    # day by day: the receiver's own landed conversions plus 0.3 of what notes landed
    halo_line = "    halo: [{to: search, conversions_per_conversion: 0.3}]\n"
    assert halo_line in MONEY_DAILY
    alone = load_scenario(write(MONEY_DAILY.replace(halo_line, ""), "alone.yaml"))
    assert result.split is not None
    own = evaluate_plan(alone, result.split.daily, series=True).daily_conversions
    assert own is not None
    s = cs.channel_ids.index("search")
    for d in range(cs.horizon_days):
        day = {r["channel"]: float(r["conversions"]) for r in rows if r["day"] == str(d + 1)}
        assert day["search"] == pytest.approx(own[0, s, d] + 0.3 * day["notes"], rel=1e-12)
