"""An uploaded history: calibrated by the library, or its located errors."""

from __future__ import annotations

import yaml

from simulator.api import evaluate
from simulator.calibrate.to_scenario import calibrate_to_scenario
from simulator.model.load import scenario_from_data
from simulator.studio.calibration import FIT_COLUMNS, RESAMPLES, calibrate_upload, fit_table
from tests.studio.conftest import ROOT

HISTORY = ROOT / "scenarios" / "sample_history.csv"


def test_the_upload_is_the_librarys_calibration() -> None:
    raw = HISTORY.read_bytes()
    cal = calibrate_upload(raw, "sample_history.csv")
    text, report = calibrate_to_scenario(raw, "sample_history.csv", n_resamples=RESAMPLES)
    assert cal.yaml_text == text
    assert cal.name == "calibrated-sample_history"
    assert cal.file == "calibrated-sample_history.yaml"
    assert not cal.issues
    assert cal.report is not None
    rows = fit_table(cal.report.rows)
    assert [r["channel"] for r in rows] == [r["channel"] for r in report.rows]
    assert list(rows[0]) == list(FIT_COLUMNS)
    assert rows[1]["r2"] == report.rows[1]["r2"]
    assert cal.report.warnings == report.warnings
    assert any(w.startswith("wechat_moments: ") for w in cal.report.warnings)
    scenario = scenario_from_data(yaml.safe_load(cal.yaml_text), {}, cal.file)
    assert list(scenario.channel_ids) == [
        "baidu_search",
        "douyin_feed",
        "xiaohongshu_notes",
        "wechat_moments",
    ]
    assert evaluate(scenario).totals["spend"] > 0


def test_point_estimates_do_not_depend_on_the_resamples() -> None:
    """Why the studio may use fewer resamples than the CLI: only the intervals move."""
    raw = HISTORY.read_bytes()
    few = calibrate_upload(raw, "h.csv", n_resamples=5)
    many = calibrate_upload(raw, "h.csv", n_resamples=RESAMPLES)
    assert yaml.safe_load(few.yaml_text) == yaml.safe_load(many.yaml_text)


def test_a_bad_history_comes_back_as_located_issues() -> None:
    raw = b"date,channel,spend,conversions,revenue\n2025-04-01,search,-5,1,10\n"
    cal = calibrate_upload(raw, "neg.csv")
    assert cal.report is None
    assert cal.yaml_text == ""
    assert "neg.csv:2: spend: must be >= 0 (got -5)" in cal.issues
    assert calibrate_upload(raw, "neg.csv").digest == cal.digest
