"""Every export of a plan evaluates back to the same numbers (issue 12.4).

optimize -> CSV, JSON (the --out file and the --format json document), runnable YAML, the
studio's daily-plan CSV -> evaluate -> the same totals to 1e-9 relative, for the bundled
scenario with segments (by total and by day, with an event so days differ) and a daily plan
without segments.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from simulator import evaluate, load_scenario, optimize
from simulator.cli import main
from simulator.exports import write_export
from simulator.model.compiled import CompiledScenario
from simulator.model.load import load_split
from simulator.results import Result
from simulator.studio.daily import daily_plan_csv
from tests.conftest import ROOT

EVENT = (
    "events:\n"
    "  - {name: opening_week, start: 3, end: 6, cost_multiplier: 1.4, cvr_multiplier: 2.2}\n"
)
CASES = {
    "segments-total": ("local_brand", "", "total"),
    "segments-daily": ("local_brand", EVENT, "daily"),
    "daily": ("double11", "", "daily"),
}


def _scenario(tmp_path: Path, name: str, extra: str) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text((ROOT / "scenarios" / f"{name}.yaml").read_text("utf-8") + extra, "utf-8")
    return path


def _same_totals(back: Result, rec: Result) -> None:
    assert back.totals.keys() == rec.totals.keys()
    for key, value in rec.totals.items():
        assert back.totals[key] == pytest.approx(value, rel=1e-9, abs=1e-9, nan_ok=True), key


@pytest.fixture(scope="module", params=sorted(CASES))
def planned(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, CompiledScenario, Result]:
    name, extra, plan = CASES[request.param]
    source = _scenario(tmp_path_factory.mktemp(request.param), name, extra)
    cs = load_scenario(source)
    return source, cs, optimize(cs, plan=plan)


@pytest.mark.parametrize("ext", ["csv", "json", "yaml"])
def test_each_export_evaluates_back_to_the_same_totals(
    planned: tuple[Path, CompiledScenario, Result], ext: str
) -> None:
    source, cs, rec = planned
    out = source.with_name(f"plan.{ext}")
    write_export(cs, rec, out, source)
    back = evaluate(load_scenario(out)) if ext == "yaml" else evaluate(cs, load_split(cs, out))
    _same_totals(back, rec)
    if rec.daily is not None:
        assert back.daily == rec.daily


def test_the_studio_daily_csv_evaluates_back(
    planned: tuple[Path, CompiledScenario, Result],
) -> None:
    source, cs, rec = planned
    if rec.daily is None:
        pytest.skip("a plan by total has no daily CSV")
    out = source.with_name("daily.csv")
    out.write_text(daily_plan_csv(cs, rec), "utf-8")
    _same_totals(evaluate(cs, load_split(cs, out)), rec)


def test_the_plans_split_ad_sets_away_from_default_shares(
    planned: tuple[Path, CompiledScenario, Result],
) -> None:
    """Without this the round trip would pass by luck: channel totals spread by default
    shares must give other numbers than the plan's own ad-set spends."""
    _, cs, rec = planned
    if not cs.has_segments:
        pytest.skip("no segments")
    by_channel = evaluate(cs, rec.allocation)
    assert by_channel.totals["new_customers"] != pytest.approx(
        rec.totals["new_customers"], rel=1e-6
    )


def test_json_on_stdout_saved_to_a_file_evaluates_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _scenario(tmp_path, "local_brand", EVENT)
    assert main(["optimize", str(source), "--plan", "daily", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    saved = tmp_path / "plan.json"
    saved.write_text(json.dumps(doc), "utf-8")
    assert main(["evaluate", str(source), "--split", str(saved), "--format", "json"]) == 0
    back = json.loads(capsys.readouterr().out)
    for key, value in doc["totals"].items():
        if value is None:
            assert back["totals"][key] is None, key
        else:
            assert back["totals"][key] == pytest.approx(value, rel=1e-9, abs=1e-9), key
    students = doc["ad_sets"]["meituan_feed/students"]
    assert back["ad_sets"]["meituan_feed/students"]["spend"] == pytest.approx(students["spend"])
    assert np.allclose(back["ad_sets"]["meituan_feed/students"]["daily"], students["daily"])
