"""Bundled scenarios by name, from a clone and from an installed wheel's layout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.io import bundled

ROOT = Path(__file__).resolve().parents[2]


def test_a_clone_reads_the_repo_root() -> None:
    assert bundled.bundle_root() == ROOT
    found = bundled.bundled_scenarios()
    assert found["ecommerce_q4"] == ROOT / "scenarios" / "ecommerce_q4.yaml"
    assert found["batch/beauty_q4"] == ROOT / "scenarios" / "batch" / "beauty_q4.yaml"
    on_disk = {p.relative_to(ROOT / "scenarios") for p in (ROOT / "scenarios").rglob("*.yaml")}
    assert {p.relative_to(ROOT / "scenarios") for p in found.values()} == on_disk


def test_an_installed_layout_reads_simulator_bundle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "site-packages" / "simulator"
    (package / "_bundle" / "scenarios").mkdir(parents=True)
    (package / "_bundle" / "scenarios" / "only.yaml").write_text("name: only\n")
    monkeypatch.setattr(bundled, "_PACKAGE", package)
    assert bundled.bundle_root() == package / "_bundle"
    assert bundled.bundled_scenarios() == {"only": package / "_bundle/scenarios/only.yaml"}


@pytest.mark.parametrize("text", ["ecommerce_q4", "ecommerce_q4.yaml", "batch/beauty_q4"])
def test_a_name_finds_the_bundled_file_when_no_such_file_exists(
    text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    resolved = Path(bundled.scenario_arg(text))
    assert resolved.is_file()
    assert resolved.parent.parent in (ROOT, ROOT / "scenarios")
    assert resolved.stem == Path(text).stem


def test_an_existing_file_wins_over_a_bundled_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("ecommerce_q4.yaml").write_text("name: mine\n")
    assert bundled.scenario_arg("ecommerce_q4.yaml") == "ecommerce_q4.yaml"
    assert bundled.scenario_arg("no_such_thing") == "no_such_thing"  # fails as before


def test_optimize_by_name_prints_the_same_bytes_as_by_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["optimize", "scenarios/ecommerce_q4.yaml", "--format", "json"]) == 0
    by_path = capsys.readouterr().out
    monkeypatch.chdir(tmp_path)
    assert main(["optimize", "ecommerce_q4", "--format", "json"]) == 0
    assert capsys.readouterr().out == by_path


def test_a_missing_name_is_a_located_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "ecommerce_q5"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ecommerce_q5: ")
    assert "Traceback" not in err


def test_scenarios_lists_every_bundled_one(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenarios", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)["scenarios"]
    assert listed == {k: str(v) for k, v in bundled.bundled_scenarios().items()}
    assert main(["scenarios"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == sorted(listed)
    assert "ecommerce_q4" in listed
