"""Report, downloads and fan bands: built from library numbers, offline."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import numpy as np
import pytest
import yaml

from simulator.api import evaluate
from simulator.exports.studio import export as studio_export
from simulator.model.load import scenario_from_data
from simulator.studio import format as fmt
from simulator.studio.compare import compare
from simulator.studio.report import build_report
from simulator.studio.simulation import fan_bands
from simulator.studio.variants import Variant
from tests.studio.conftest import DEFAULT


def export(*args: Any) -> str:
    """The studio's download as text (the exporters return bytes: Parquet is binary)."""
    return studio_export(*args).decode("utf-8")


def test_report_is_self_contained_and_shows_the_numbers(q4, q4_plan) -> None:
    columns = compare(q4, q4_plan, [Variant("scale", percent=30)])
    page = build_report(q4, columns, "zh")
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"<script[^>]*\bsrc=", page)  # plotly.js inlined, nothing fetched
    assert len(page.encode()) < 2_000_000  # one copy of the basic bundle (the full one: 4.8 MB)
    assert "Plotly.newPlot" in page
    revenue = evaluate(q4, q4_plan).totals["revenue"]
    assert f"¥{revenue:,.0f}" in page  # formatted by hand, not by fmt
    assert "预算 +30%" in page
    assert "达成目标" in page
    assert "超出预算" in page  # the what-if's warning is carried, in Chinese
    assert "above the budget" not in page


def test_report_lists_the_explanations(q4, q4_plan) -> None:
    rec = evaluate(q4, q4_plan)
    rec.explanations = ["kol_posts: grows <because> it pays"]
    page = build_report(q4, compare(q4, q4_plan, [Variant("optimize")], rec), "en", rec)
    assert "kol_posts: grows &lt;because&gt; it pays" in page


def test_downloads_carry_the_numbers_and_the_edits(q4_data, q4, q4_plan) -> None:
    data, _lines = q4_data
    result = evaluate(q4, q4_plan)
    text = DEFAULT.read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(export(q4, result, "csv", text, data, {}))))
    assert float(rows[0]["revenue"]) == pytest.approx(result.channels["baidu_search"]["revenue"])
    doc = json.loads(export(q4, result, "json", text, data, {}))
    assert doc["totals"]["revenue"] == pytest.approx(result.totals["revenue"])
    edited = yaml.safe_load(export(q4, result, "yaml", text, data, {"budget.total": 4e6}))
    assert edited["budget"]["total"] == 4e6
    assert edited["split"]["allocation"]["baidu_search"] == pytest.approx(1_200_000.0)
    again = scenario_from_data(edited, {}, "again.yaml")  # runnable
    assert evaluate(again).totals["revenue"] == pytest.approx(result.totals["revenue"])
    kept = export(q4, result, "yaml", text, data, {})
    assert "# the quarter" in kept  # no edits: the file's own text and comments


def test_fan_bands_are_percentiles_over_runs() -> None:
    class Sim:
        daily_revenue = np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 30.0], [4.0, 40.0], [5.0, 50.0]])

    bands = fan_bands(Sim())
    assert bands.runs == 5
    assert bands.days == [1, 2]
    assert bands.p50.tolist() == [3.0, 30.0]
    assert bands.p10.tolist() == pytest.approx([1.4, 14.0])
    assert bands.mean.tolist() == [3.0, 30.0]
    with pytest.raises(TypeError, match="daily revenue"):
        fan_bands(object())


def test_downloads_and_report_show_no_ratio_beside_a_zero_spend(q4_data, q4, q4_plan) -> None:
    data, _lines = q4_data
    text = DEFAULT.read_text(encoding="utf-8")
    result = evaluate(q4, {"baidu_search": 0.2})  # shown as ¥0, yet ROI ~ 3.4 in the engine
    assert result.totals["roi"] > 1
    rows = {
        r["id"]: r for r in csv.DictReader(io.StringIO(export(q4, result, "csv", text, data, {})))
    }
    assert rows["baidu_search"]["roi"] == rows["baidu_search"]["cac"] == ""
    assert float(rows["baidu_search"]["spend"]) == 0.2
    doc = json.loads(export(q4, result, "json", text, data, {}))
    assert doc["totals"]["roi"] is None
    assert doc["totals"]["cac"] is None
    assert doc["channels"]["baidu_search"]["roi"] is None
    assert doc["totals"]["spend"] == 0.2
    columns = compare(q4, q4_plan, [Variant("plan", allocation=(("baidu_search", 0.2),))])
    page = build_report(q4, columns, "en")
    roi_row = re.search(r"<tr><td>ROI</td>(.*?)</tr>", page)
    assert roi_row is not None
    cells = re.findall(r"<td>(.*?)</td>", roi_row.group(1))
    assert cells[1] == "–"
    assert cells[0].startswith(fmt.ratio(columns[0].result.totals["roi"]))
