"""`adsim replan` as a user runs it: JSON keys, --today, --out, and located bad actuals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator.cli import main
from tests.conftest import ROOT
from tests.optimize.test_replan import SMALL as SCENARIO

HEADER = "date,channel,spend,conversions,revenue\n"
GOOD = HEADER + (
    "2026-11-01,lin,100,5,50\n"
    "2026-11-01,exp,50,10,100\n"
    "2026-11-02,lin,100,12,120\n"
    "2026-11-02,exp,0,0,0\n"
)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    scenario, actuals = tmp_path / "small.yaml", tmp_path / "actuals.csv"
    scenario.write_text(SCENARIO, encoding="utf-8")
    actuals.write_text(GOOD, encoding="utf-8")
    return scenario, actuals


def test_json_is_optimize_daily_plus_to_date_and_pace(
    capsys: pytest.CaptureFixture[str], files: tuple[Path, Path]
) -> None:
    scenario, actuals = files
    code, out, err = run(
        capsys, "replan", str(scenario), "--actuals", str(actuals), "--format", "json"
    )
    assert code == 0, err
    doc = json.loads(out)
    _, plain, _ = run(capsys, "optimize", str(scenario), "--plan", "daily", "--format", "json")
    assert set(json.loads(plain)) | {"to_date", "pace"} == set(doc)
    assert doc["status"] == "optimal"
    assert doc["daily"]["lin"][:2] == [100, 100]
    assert doc["daily"]["exp"][:2] == [50, 0]
    assert doc["to_date"] == {
        "day": 2,
        "date": "2026-11-02",
        "days_left": 2,
        "spend": 250.0,
        "cost": 250.0,
        "conversions": 27.0,
        "revenue": 270.0,
        "roi": 270 / 250,
        "budget_left": 750.0,
        "pace_basis": "optimize --plan daily",
    }
    assert set(doc["pace"]) == {"lin", "exp"}
    assert set(doc["pace"]["lin"]) == {
        "spend", "plan_spend", "conversions", "plan_conversions", "ratio", "revenue",
        "plan_revenue", "revenue_ratio", "noise", "off_pace", "sentence", "sentence_zh",
    }  # fmt: skip


def test_today_as_a_date_or_a_number(
    capsys: pytest.CaptureFixture[str], files: tuple[Path, Path]
) -> None:
    scenario, actuals = files
    by_date = run(capsys, "replan", str(scenario), "--actuals", str(actuals),
                  "--today", "2026-11-03", "--format", "json")  # fmt: skip
    by_day = run(capsys, "replan", str(scenario), "--actuals", str(actuals),
                 "--today", "3", "--format", "json")  # fmt: skip
    assert by_date[0] == by_day[0] == 0
    assert by_date[1] == by_day[1]
    doc = json.loads(by_date[1])
    assert doc["to_date"]["day"] == 3
    assert doc["to_date"]["days_left"] == 1
    assert doc["daily"]["lin"][2] == 0
    assert doc["daily"]["exp"][2] == 0


@pytest.mark.parametrize(
    ("today", "message"),
    [
        ("9", "--today: day 9 is outside the horizon; give 1..4 or a date from 2026-11-01"),
        ("2026-13-01", "--today: not a date; use YYYY-MM-DD"),
        ("2026-10-31", "--today: day 0 is outside the horizon"),
    ],
)
def test_bad_today_exits_2(
    capsys: pytest.CaptureFixture[str], files: tuple[Path, Path], today: str, message: str
) -> None:
    scenario, actuals = files
    code, out, err = run(
        capsys, "replan", str(scenario), "--actuals", str(actuals), "--today", today
    )
    assert (code, out) == (2, "")
    assert message in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            "2026-11-01,tiktok,10,1,10\n",
            ":2: channel: unknown channel 'tiktok'; use one of the scenario's: lin, exp",
        ),
        (
            "2026-11-01,lin,10,1,10\n2026-11-03,lin,10,1,10\n",
            ":3: date: 2026-11-03 is day 3, after today (day 2); give dates from 2026-11-01 "
            "(day 1) to 2026-11-02",
        ),
        ("2026-11-01,lin,-5,1,10\n", ":2: spend: must be >= 0 (got -5)"),
        ("2026-11-01,lin,1O0,1,10\n", ":2: spend: not a number (got '1O0')"),
        ("2026-11-01,lin,10,,10\n", ":2: conversions: missing value; a number >= 0 is needed"),
        ("2026/11/01,lin,10,1,10\n", ":2: date: not an ISO date YYYY-MM-DD (got '2026/11/01')"),
        ("2026-10-31,lin,10,1,10\n", ":2: date: 2026-10-31 is before day 1; give dates from"),
        (
            "2026-11-01,lin,10,1,10\n2026-11-01,lin,20,1,10\n",
            ":3: date: a second row for 'lin' on 2026-11-01 (first at line 2)",
        ),
    ],
)
def test_bad_actuals_are_located_and_exit_2(
    capsys: pytest.CaptureFixture[str],
    files: tuple[Path, Path],
    rows: str,
    expected: str,
) -> None:
    scenario, actuals = files
    actuals.write_text(HEADER + rows, encoding="utf-8")
    today = ["--today", "2"] if "after today" in expected else []
    code, out, err = run(capsys, "replan", str(scenario), "--actuals", str(actuals), *today)
    assert (code, out) == (2, "")
    assert f"{actuals}{expected}" in err
    assert "Traceback" not in err


def test_missing_columns_and_missing_file(
    capsys: pytest.CaptureFixture[str], files: tuple[Path, Path], tmp_path: Path
) -> None:
    scenario, actuals = files
    actuals.write_text("date,channel,spend\n2026-11-01,lin,10\n", encoding="utf-8")
    code, _, err = run(capsys, "replan", str(scenario), "--actuals", str(actuals))
    assert code == 2
    assert f"{actuals}:1: header: missing column(s) conversions, revenue" in err
    gone = tmp_path / "none.csv"
    code, _, err = run(capsys, "replan", str(scenario), "--actuals", str(gone))
    assert code == 2
    assert f"{gone}: cannot read file" in err


def test_table_shows_pace_and_out_exports(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out_path = tmp_path / "replan.json"
    code, out, err = run(
        capsys, "replan", "double11", "--actuals",
        str(ROOT / "scenarios" / "double11.actuals.csv"), "--out", str(out_path),
    )  # fmt: skip
    assert code == 0, err
    assert "pace to day 8 (2026-11-08) · against the scenario split" in out
    assert "douyin_live is behind pace:" in out
    assert "budget left" in out
    written = json.loads(out_path.read_text(encoding="utf-8"))
    assert written["to_date"]["day"] == 8
    assert written["pace"]["douyin_live"]["off_pace"] is True
