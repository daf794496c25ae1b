"""The studio's downloads are for people (issue 17.8): rounded numbers, labels beside ids,
a totals row, file names from the plan's title, the optimiser's own status."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from simulator import evaluate, load_scenario, optimize
from simulator.exports.studio import DECIMALS, as_recommended, export, file_name
from simulator.model.load import load_split
from tests.conftest import ROOT

SCENARIO = ROOT / "scenarios" / "local_brand.yaml"  # segments and labels


@pytest.fixture(scope="module")
def planned():  # type: ignore[no-untyped-def]  # a module fixture, types read in the tests
    cs = load_scenario(SCENARIO)
    return cs, optimize(cs), SCENARIO.read_text("utf-8")


def _csv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def _decimals(text: str) -> int:
    return len(text.partition(".")[2])


def test_the_csv_has_labels_a_totals_row_and_cents(planned) -> None:  # type: ignore[no-untyped-def]
    cs, rec, text = planned
    rows = _csv(export(cs, rec, "csv", text, {}, {}))
    assert list(rows[0])[:2] == ["id", "label"]
    by_id = {r["id"]: r for r in rows}
    for cid in cs.channel_ids:
        assert by_id[cid]["label"] == cs.labels[cid]
        assert float(by_id[cid]["spend"]) == round(rec.channels[cid]["spend"], DECIMALS)
        assert all(_decimals(by_id[cid][k]) <= DECIMALS for k in ("spend", "revenue", "roi"))
    segmented = [a for a in rec.ad_sets if "/" in a]
    assert segmented
    channel, _, segment = segmented[0].partition("/")
    assert by_id[segmented[0]]["label"] in (
        cs.labels.get(segmented[0]),
        f"{cs.labels[channel]} / {segment}",
    )
    total = rows[-1]
    assert (total["id"], total["label"]) == ("", "total")
    assert float(total["spend"]) == round(rec.totals["spend"], DECIMALS)
    assert float(total["roi"]) == round(rec.totals["roi"], DECIMALS)
    assert total["marginal_roi"] == ""  # a marginal ROI does not add up


def test_the_labelled_csv_still_reads_back_as_the_plan(planned, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cs, rec, text = planned
    path = tmp_path / "plan.csv"
    path.write_bytes(export(cs, rec, "csv", text, {}, {}))
    again = evaluate(cs, load_split(cs, path))
    assert again.totals["spend"] == pytest.approx(rec.totals["spend"], abs=0.01 * cs.n_ad_sets)
    assert again.totals["revenue"] == pytest.approx(rec.totals["revenue"], rel=1e-6)


def test_the_json_is_rounded_and_names_labels(planned) -> None:  # type: ignore[no-untyped-def]
    cs, rec, text = planned
    doc = json.loads(export(cs, rec, "json", text, {}, {}))
    assert doc["totals"]["revenue"] == round(rec.totals["revenue"], DECIMALS)
    assert doc["labels"] == {k: v for k, v in doc["labels"].items() if v}
    assert {cid: doc["labels"][cid] for cid in cs.channel_ids} == {
        cid: cs.labels[cid] for cid in cs.channel_ids
    }


def test_the_optimisers_column_keeps_the_optimisers_status(planned) -> None:  # type: ignore[no-untyped-def]
    cs, rec, text = planned
    column = evaluate(cs, rec.split)  # how the studio's comparison builds the column
    assert column.status == "evaluated"
    doc = json.loads(export(cs, as_recommended(column, rec), "json", text, {}, {}))
    assert doc["status"] == rec.status == "optimal"
    assert doc["certificate"] == json.loads(json.dumps(rec.to_json()["certificate"]))
    assert as_recommended(column, None) is column


def test_an_infeasible_recommendation_says_so(tmp_path: Path) -> None:
    text = SCENARIO.read_text("utf-8")
    path = tmp_path / "hard.yaml"
    path.write_text(text.replace("targets:", "targets:\n  roi_min: 500", 1), "utf-8")
    cs = load_scenario(path)
    rec = optimize(cs)
    assert rec.status == "infeasible"
    doc = json.loads(
        export(cs, as_recommended(evaluate(cs, rec.allocation), rec), "json", "", {}, {})
    )
    assert doc["status"] == "infeasible"
    assert "roi_min" in doc["message"]


@pytest.mark.parametrize(
    ("scenario", "title", "suffix", "name"),
    [
        ("q4-launch", "Baseline", ".csv", "q4-launch-Baseline.csv"),
        ("q4-launch", "+30% budget", ".xlsx", "q4-launch-30-budget.xlsx"),
        ("q4-launch", "预算 +30%", ".json", "q4-launch-预算-30.json"),
        ("q4", "a/b: c", ".yaml", "q4-a-b-c.yaml"),
        ("q4", "", ".csv", "q4.csv"),
    ],
)
def test_file_names_come_from_the_plans_title(
    scenario: str, title: str, suffix: str, name: str
) -> None:
    assert file_name(scenario, title, suffix) == name
