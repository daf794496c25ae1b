"""CSV text cells are inert in spreadsheets, numbers stay numbers (issue 13.6).

One writer (``io.csv_cells``) serves every CSV: optimize --out, the studio's downloads and
daily plan, pareto --out and the batch table; each is checked here with a scenario named
like a formula and ids starting with ``-``.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator import evaluate, load_scenario, optimize
from simulator.batch.tables import table_csv
from simulator.cli import main
from simulator.exports import write_export
from simulator.exports.studio import export as studio_export
from simulator.io.csv_cells import FORMULA_START, read_cell, write_cell
from simulator.model.load import load_split
from simulator.studio.daily import daily_plan_csv
from tests.conftest import CORE_SCENARIO


def export(*args: Any) -> str:
    """The studio's download as text (the exporters return bytes: Parquet is binary)."""
    return studio_export(*args).decode("utf-8")


FORMULA = '=HYPERLINK("http://evil.example","click")'
HOSTILE = (
    CORE_SCENARIO.replace("name: q4-launch", f"name: '{FORMULA}'")
    .replace("baidu_search", "-cmd")
    .replace("douyin_feed", "-2-3")
)


def test_text_that_starts_like_a_formula_gets_a_quote() -> None:
    for text in ("=1+1", "+1", "-cmd", "@SUM(A1)", "\tx", "\rx"):
        assert write_cell(text) == "'" + text
        assert read_cell(write_cell(text)) == text
    assert write_cell("plain") == "plain"
    assert write_cell("'quoted") == "'quoted"  # only a formula start is prefixed


def test_numbers_stay_numbers() -> None:
    assert write_cell(-5.0) == "-5.0"
    assert write_cell(-3) == "-3"
    assert write_cell(0.1 + 0.2) == repr(0.1 + 0.2)
    assert write_cell(float("nan")) == write_cell(None) == ""
    assert write_cell("-5") == "'-5"  # text that looks like a number is still text


@given(st.text())
def test_any_text_reads_back_and_is_never_a_formula(text: str) -> None:
    cell = write_cell(text)
    assert not cell.startswith(FORMULA_START)
    assert read_cell(cell) == text


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_any_float_reads_back_exactly(x: float) -> None:
    assert float(write_cell(x)) == x


def _cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def _inert(rows: list[list[str]]) -> None:
    """No cell starts like a formula unless it is a number."""
    for row in rows:
        for cell in row:
            if cell.startswith(FORMULA_START):
                assert not math.isnan(float(cell)), cell  # raises for text


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("csv") / "hostile.yaml"
    path.write_text(HOSTILE, "utf-8")
    return path


def test_optimize_csv_and_the_studio_download(hostile: Path) -> None:
    cs = load_scenario(hostile)
    rec = optimize(cs)
    out = hostile.with_name("rec.csv")
    write_export(cs, rec, out, hostile)
    rows = _cells(out.read_text("utf-8"))
    _inert(rows)
    assert [r[0] for r in rows[1:]] == ["'-cmd", "'-2-3"]
    assert float(rows[1][1]) == rec.allocation["-cmd"]
    studio = _cells(export(cs, rec, "csv", HOSTILE, {}, {}))  # for people: labels, totals
    _inert(studio)
    assert studio[0] == [rows[0][0], "label", *rows[0][1:]]
    assert [r[0] for r in studio[1:-1]] == [r[0] for r in rows[1:]]
    for got, want in zip(studio[1:-1], rows[1:], strict=True):
        assert float(got[2]) == round(float(want[1]), 2)
    assert studio[-1][:2] == ["", "total"]
    back = evaluate(cs, load_split(cs, out))  # the quote is undone on reading
    assert back.totals["revenue"] == pytest.approx(rec.totals["revenue"], rel=1e-12)


def test_the_daily_plan_csv(hostile: Path) -> None:
    cs = load_scenario(hostile)
    rows = _cells(daily_plan_csv(cs, optimize(cs, plan="daily")))
    _inert(rows)
    assert rows[0] == ["day", "'-cmd", "'-2-3"]


def test_pareto_csv(hostile: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = hostile.with_name("front.csv")
    assert main(["pareto", str(hostile), "--points", "3", "--out", str(out)]) == 0
    capsys.readouterr()
    rows = _cells(out.read_text("utf-8"))
    _inert(rows)
    assert "spend:-cmd" in rows[0]


def test_the_batch_table() -> None:
    row = {
        "name": FORMULA,
        "hash": "abc",
        "file": "-scenario.yaml",
        "status": "ok",
        "error": "",
        "message": "@risk",
        "sweep": {"budget.total": 5.0},
        "allocation": {"-cmd": 1.5},
        "totals": {"profit": -12.5},
        "simulation": {"revenue": {"mean": 3.0}},
        "p_targets_met": 1.0,
    }
    rows = _cells(table_csv([row]))
    _inert(rows)
    named = dict(zip(rows[0], rows[1], strict=True))
    assert named["name"] == "'" + FORMULA
    assert named["file"] == "'-scenario.yaml"
    assert named["message"] == "'@risk"
    assert named["spend.-cmd"] == "1.5"
    assert named["total.profit"] == "-12.5"  # a number, not prefixed
