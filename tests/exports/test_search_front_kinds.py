"""search and pareto outputs go through the same exporters (issue 18.6): CSV, JSON, XLSX, HTML."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest

from simulator.cli import main
from simulator.exports.tables import Table, flat, html_page

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")  # optuna's experimental notes


def test_search_writes_the_split_as_csv_xlsx_and_html(tmp_path: Path, core_file: Path) -> None:
    args = ["search", str(core_file), "--trials", "2", "--runs", "20"]
    for suffix in (".json", ".csv", ".xlsx", ".html"):
        storage = f"sqlite:///{tmp_path / f's{suffix[1:]}.db'}"
        out = tmp_path / f"s{suffix}"
        assert main([*args, "--storage", storage, "--out", str(out)]) in (0, 3)
    import json

    doc = json.loads((tmp_path / "s.json").read_text("utf-8"))
    rows = list(csv.DictReader(io.StringIO((tmp_path / "s.csv").read_text("utf-8"))))
    assert [r["channel"] for r in rows] == list(doc["best"])
    for r in rows:
        assert float(r["best"]) == pytest.approx(doc["best"][r["channel"]], rel=1e-12)
        assert float(r["change"]) == pytest.approx(float(r["best"]) - float(r["start"]), abs=1e-6)
    wb = openpyxl.load_workbook(tmp_path / "s.xlsx")
    assert wb.sheetnames == ["Split", "Summary"]
    summary = {r[0]: r[1] for r in wb["Summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["scenario"] == doc["scenario"]
    assert summary["trials"] == doc["trials"]
    page = (tmp_path / "s.html").read_text("utf-8")
    assert page.startswith("<!doctype html>")
    assert all(cid in page for cid in doc["best"])


def test_pareto_writes_a_workbook_of_the_csvs_rows(tmp_path: Path, core_file: Path) -> None:
    base = ["pareto", str(core_file), "--points", "3"]
    assert main([*base, "--out", str(tmp_path / "f.csv")]) == 0
    assert main([*base, "--out", str(tmp_path / "f.xlsx")]) == 0
    rows = list(csv.DictReader(io.StringIO((tmp_path / "f.csv").read_text("utf-8"))))
    sheet = list(openpyxl.load_workbook(tmp_path / "f.xlsx")["Front"].iter_rows(values_only=True))
    assert list(sheet[0]) == list(rows[0])
    assert len(sheet) - 1 == len(rows) == 3
    for got, want in zip(sheet[1:], rows, strict=True):
        for value, text in zip(got, want.values(), strict=True):
            assert (value is None and text == "") or value == pytest.approx(float(text), rel=1e-12)


def test_flat_rows_and_an_escaped_page() -> None:
    doc = {"a": 1, "b": {"c": "x", "d": [1, 2]}, "e": [{"f": 1}]}
    assert flat(doc) == [["a", 1], ["b.c", "x"], ["b.d", "1, 2"]]
    page = html_page("<t>", [Table("T", ["k"], [["<script>"], [1.5]])])
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    assert '<td class="n">1.50</td>' in page
