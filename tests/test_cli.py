"""The `adsim` command line as a user runs it: outputs, exit codes, located errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.cli import main
from tests.conftest import ROOT


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_ok_and_bad(
    capsys: pytest.CaptureFixture[str], core_file: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(core_file.read_text().replace("total: 1000000", "total: -1"))
    code, out, err = run(capsys, "validate", str(core_file), str(bad))
    assert code == 2
    assert out.startswith(f"ok {core_file}: q4-launch, 2 channels")
    assert f"{bad}:5: budget.total: must be > 0 (got -1)" in err
    assert "Traceback" not in err


def test_evaluate_json_is_exactly_the_contract(
    capsys: pytest.CaptureFixture[str], core_file: Path, tmp_path: Path
) -> None:
    split = tmp_path / "split.yaml"
    split.write_text("allocation: {baidu_search: 350000, douyin_feed: 250000}\n")
    code, out, err = run(
        capsys, "evaluate", str(core_file), "--split", str(split), "--format", "json"
    )
    assert code == 0
    assert err == ""
    doc = json.loads(out)
    assert list(doc)[:6] == ["scenario", "status", "message", "allocation", "totals", "channels"]
    assert doc["status"] == "evaluated"
    assert doc["scenario"] == "q4-launch"
    assert doc["allocation"] == {"baidu_search": 350000.0, "douyin_feed": 250000.0}
    assert set(doc["channels"]["douyin_feed"]) >= {
        "spend",
        "revenue",
        "conversions",
        "new_customers",
        "roi",
        "cac",
        "marginal_roi",
    }
    assert {"spend", "revenue", "conversions", "new_customers", "profit", "roi", "cac"} <= set(
        doc["totals"]
    )
    assert doc["totals"]["roi"] == pytest.approx(doc["totals"]["revenue"] / doc["totals"]["spend"])


def test_evaluate_json_split_from_json_file(
    capsys: pytest.CaptureFixture[str], core_file: Path, tmp_path: Path
) -> None:
    split = tmp_path / "split.json"
    split.write_text(json.dumps({"allocation": {"douyin_feed": 900000, "baidu_search": 400000}}))
    code, out, err = run(
        capsys, "evaluate", str(core_file), "--split", str(split), "--format", "json"
    )
    assert code == 0
    assert "above the budget" in err
    assert json.loads(out)["warnings"]


def test_evaluate_table_is_readable(
    capsys: pytest.CaptureFixture[str], core_file: Path, tmp_path: Path
) -> None:
    split = tmp_path / "split.yaml"
    split.write_text("allocation: {baidu_search: 350000}\n")
    code, out, _ = run(capsys, "evaluate", str(core_file), "--split", str(split))
    assert code == 0
    assert "baidu_search" in out
    assert "350,000" in out
    assert "total" in out


def test_bad_split_exits_2_and_names_the_line(
    capsys: pytest.CaptureFixture[str], core_file: Path, tmp_path: Path
) -> None:
    split = tmp_path / "split.yaml"
    split.write_text("allocation:\n  baidu_search: 1\n  tv: 5\n")
    code, out, err = run(
        capsys, "evaluate", str(core_file), "--split", str(split), "--format", "json"
    )
    assert code == 2
    assert out == ""
    assert f"{split}:3: allocation.tv: unknown channel 'tv'" in err


def test_evaluate_without_any_split_is_a_clear_error(
    capsys: pytest.CaptureFixture[str], core_file: Path
) -> None:
    code, _, err = run(capsys, "evaluate", str(core_file))
    assert code == 1
    assert "no split given" in err
    assert "Traceback" not in err


def test_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "validate", str(tmp_path / "nope.yaml"))
    assert code == 2
    assert "cannot read file" in err


def test_python_dash_m_runs_the_same_cli() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "simulator", "--help"], capture_output=True, text=True, check=True
    )
    assert "validate" in out.stdout
    assert "exit codes" in out.stdout


def test_every_bundled_scenario_validates(capsys: pytest.CaptureFixture[str]) -> None:
    files = sorted(str(p) for p in (ROOT / "scenarios").glob("*.yaml"))
    assert len(files) >= 1
    code, out, err = run(capsys, "validate", *files)
    assert code == 0, err
    assert out.count("ok ") == len(files)


def test_public_functions_survive_submodule_imports() -> None:
    import sys

    import simulator
    import simulator.optimize.exact

    assert callable(simulator.evaluate)
    assert simulator.evaluate is not sys.modules["simulator.evaluate"]
    assert callable(simulator.optimize)
    assert callable(simulator.simulate)
    assert simulator.simulate is not sys.modules["simulator.simulate"]
