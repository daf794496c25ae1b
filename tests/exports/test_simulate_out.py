"""`adsim simulate --out`: the simulated split with its Monte Carlo summary, by extension."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import openpyxl
import pytest

from simulator import evaluate, load_scenario
from simulator.cli import main

SCENARIO = "scenarios/ecommerce_q4.yaml"


def _run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(list(argv))
    return code, out.getvalue()


def test_json_and_workbook_carry_the_same_simulation_as_stdout(tmp_path: Path) -> None:
    args = ("simulate", SCENARIO, "--current", "--runs", "60", "--seed", "3")
    code, text = _run(*args, "--format", "json")
    assert code == 0
    printed = json.loads(text)
    assert _run(*args, "--out", str(tmp_path / "sim.json"))[0] == 0
    assert _run(*args, "--out", str(tmp_path / "sim.xlsx"))[0] == 0

    doc = json.loads((tmp_path / "sim.json").read_text(encoding="utf-8"))
    assert doc["simulation"]["totals"] == printed["totals"]
    assert doc["simulation"]["p_targets_met"] == printed["p_targets_met"]
    # the plan part is the expected outcome of the simulated split (the scenario's own)
    cs = load_scenario(SCENARIO)
    expected = evaluate(cs, cs.current).totals
    assert doc["totals"]["revenue"] == pytest.approx(expected["revenue"], rel=1e-12)

    sheet = openpyxl.load_workbook(tmp_path / "sim.xlsx")["Simulation"]
    header = [c.value for c in sheet[1]]
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in sheet.iter_rows(2, values_only=True)}
    revenue = printed["totals"]["revenue"]
    for stat in ("mean", "p10", "p50", "p90"):
        assert rows["revenue"][stat] == pytest.approx(revenue[stat], rel=1e-12)
    assert rows["p_targets_met"]["mean"] == pytest.approx(printed["p_targets_met"])


def test_unknown_suffix_is_exit_2_before_any_run(tmp_path: Path) -> None:
    target = tmp_path / "sim.docx"
    code, _ = _run("simulate", SCENARIO, "--runs", "20", "--out", str(target))
    assert code == 2
    assert not target.exists()
