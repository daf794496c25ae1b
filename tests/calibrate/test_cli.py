"""`adsim calibrate` end to end, and the studio's upload entry point."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.calibrate import calibrate_to_scenario
from simulator.cli import main
from simulator.io.errors import ScenarioError
from simulator.model.load import load_scenario


@pytest.fixture
def history_file(short_history, tmp_path: Path) -> Path:
    path = tmp_path / "history.csv"
    path.write_text(short_history[0])
    return path


@pytest.mark.slow
def test_calibrate_writes_a_runnable_scenario_and_an_html_report(
    history_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, report = tmp_path / "fitted.yaml", tmp_path / "fit.html"
    argv = ["calibrate", str(history_file), "--out", str(out), "--report", str(report)]
    assert main([*argv, "--resamples", "5", "--seed", "4"]) == 0
    sc = load_scenario(out)
    assert sc.name == "calibrated-history"
    page = report.read_text()
    assert "held-out MAPE" in page
    assert "Plotly.newPlot" in page
    assert len(page) > 1_000_000  # plotly.js is inlined: the page opens offline
    err = capsys.readouterr().err
    assert "held-out MAPE" in err
    assert f"wrote {out}" in err


def test_same_seed_same_bytes(history_file: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    for out in (a, b):
        assert main(["calibrate", str(history_file), "--out", str(out), "--resamples", "4"]) == 0
    assert a.read_bytes() == b.read_bytes()


@pytest.mark.slow
def test_png_report(history_file: Path, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib", reason="PNG reports need the optional [report] extra")
    png = tmp_path / "fit.png"
    argv = ["calibrate", str(history_file), "--out", str(tmp_path / "f.yaml"), "--report", str(png)]
    assert main([*argv, "--resamples", "3"]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_bad_history_exits_2_located_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("date,channel,spend,conversions,revenue\n2025-01-01,a,-5,1,1\n")
    out = tmp_path / "never.yaml"
    assert main(["calibrate", str(bad), "--out", str(out)]) == 2
    assert f"{bad}:2: spend: must be >= 0 (got -5)" in capsys.readouterr().err
    assert not out.exists()


def test_unknown_report_format_exits_2_before_any_work(
    history_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "never.yaml"
    argv = ["calibrate", str(history_file), "--out", str(out), "--report", "fit.pdf"]
    assert main(argv) == 2
    assert "--report: unknown report format; use .html, .htm, .png" in capsys.readouterr().err
    assert not out.exists()


def test_studio_upload_returns_yaml_and_report(short_history) -> None:
    text, report = calibrate_to_scenario(short_history[0].encode(), "q3 sales.csv", n_resamples=3)
    assert text.startswith("# Calibrated by `adsim calibrate` from q3 sales.csv")
    assert 'name: "calibrated-q3 sales"' in text
    assert [r["channel"] for r in report.rows] == ["search", "feed", "notes"]
    assert all(0.5 < r["r2"] <= 1.0 for r in report.rows)
    assert len(report.figure().data) == 3 * 6  # per channel: band (2), days, curve, series (2)
    with pytest.raises(ScenarioError, match=r"^up\.csv:1: header: missing column\(s\) revenue"):
        calibrate_to_scenario(b"date,channel,spend,conversions\n", "up.csv")
