"""Every registered plan kind reads back as the result's numbers (issue 14.4).

One reader per kind; a kind registered without a reader here fails
``test_every_registered_kind_has_a_reader``, so a new format cannot ship untested.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pyarrow.parquet as pq
import pytest

from simulator import evaluate, load_scenario, optimize
from simulator.exports import PLAN_KINDS, PlanExport, write_export
from simulator.exports.plan import CSV_COLUMNS, table_columns, table_rows
from simulator.model.compiled import CompiledScenario
from simulator.results import Result
from tests.conftest import ROOT

Table = dict[str, dict[str, float | None]]
TEXT = ("id", "label")  # the text columns; a download for people adds labels


def _num(text: str) -> float | None:
    return None if text == "" else float(text)


def read_csv(data: bytes, _: Path) -> Table:
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    if rows and "ad_set" in rows[0]:
        return _sum_days(rows)
    return {r["id"]: {k: _num(v) for k, v in r.items() if k not in TEXT} for r in rows}


def _sum_days(rows: list[dict[str, str]]) -> Table:
    """A daily plan's long CSV summed over days, per ad set and per channel."""
    out: dict[str, dict[str, float | None]] = {}
    for r in rows:
        for key in {r["ad_set"], r["channel"]}:
            acc = out.setdefault(key, {"spend": 0.0, "conversions": 0.0, "revenue": 0.0})
            for col in acc:
                acc[col] = (acc[col] or 0.0) + float(r[col])
    return out


def read_xlsx(data: bytes, _: Path) -> Table:
    """The workbook's Channels and Ad sets sheets, read back by openpyxl (totals row off)."""
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    out: Table = {}
    for sheet in ("Channels", "Ad sets"):
        header, *rows = wb[sheet].iter_rows(values_only=True)
        assert header[:2] == ("id", "label")
        assert rows[-1][0] == "total"
        for row in rows[:-1]:
            out[str(row[0])] = {c: row[header.index(c)] for c in CSV_COLUMNS[1:]}
    return out


def read_parquet(data: bytes, _: Path) -> Table:
    table = pq.read_table(io.BytesIO(data))
    assert all(str(table.schema.field(c).type) == "string" for c in TEXT if c in table.schema.names)
    assert all(str(f.type) == "double" for f in table.schema if f.name not in TEXT)
    return {r.pop("id"): {k: v for k, v in r.items() if k not in TEXT} for r in table.to_pylist()}


def read_json(data: bytes, _: Path) -> Table:
    doc = json.loads(data)
    rows = doc["channels"] | doc.get("ad_sets", {})
    return {k: {c: row[c] for c in CSV_COLUMNS[1:]} for k, row in rows.items()}


def read_yaml(data: bytes, folder: Path) -> Table:
    """The runnable YAML, run again: its split evaluates to the same rows."""
    path = folder / "again.yaml"
    path.write_bytes(data)
    cs = load_scenario(path)
    return _table(evaluate(cs), [c for c in CSV_COLUMNS if c != "marginal_roi"])


READERS: dict[str, Callable[[bytes, Path], Table]] = {
    "csv": read_csv,
    "parquet": read_parquet,
    "json": read_json,
    "yaml": read_yaml,
    "xlsx": read_xlsx,
}


def _table(result: Result, columns: list[str] | None = None) -> Table:
    cols = columns or table_columns(result)
    return {r["id"]: {c: r.get(c) for c in cols if c != "id"} for r in table_rows(result)}


CASES = {"segments": ("local_brand", "total"), "daily": ("double11", "daily")}


@pytest.fixture(scope="module", params=sorted(CASES))
def planned(request: pytest.FixtureRequest) -> tuple[CompiledScenario, Result, str]:
    name, plan = CASES[request.param]
    path = ROOT / "scenarios" / f"{name}.yaml"
    cs = load_scenario(path)
    return cs, optimize(cs, plan=plan), path.read_text("utf-8")


def test_every_registered_kind_has_a_reader() -> None:
    assert {k.name for k in PLAN_KINDS} == set(READERS)
    assert [k.suffix for k in PLAN_KINDS] == [".csv", ".json", ".yaml", ".parquet", ".xlsx"]


@pytest.mark.parametrize("name", sorted(READERS))
def test_each_kind_reads_back_as_the_results_numbers(
    planned: tuple[CompiledScenario, Result, str], name: str, tmp_path: Path
) -> None:
    cs, result, text = planned
    data = PLAN_KINDS[name].render(PlanExport(cs, result, text))
    back = READERS[name](data, tmp_path)
    expected = _table(result)
    assert set(back) == set(expected)
    assert len(expected) > 3
    for rid, row in back.items():
        for col, value in row.items():
            want = expected[rid][col]
            if want is None:
                assert value is None, (rid, col)
            else:
                assert value == pytest.approx(want, rel=1e-9, abs=1e-6), (rid, col)


def test_parquet_holds_the_csvs_numbers_exactly(
    planned: tuple[CompiledScenario, Result, str], tmp_path: Path
) -> None:
    cs, result, _ = planned
    plan = PlanExport(cs, result)
    from_csv = read_csv(PLAN_KINDS["csv"].render(plan), tmp_path)
    from_parquet = read_parquet(PLAN_KINDS["parquet"].render(plan), tmp_path)
    if result.daily is not None:  # the CSV is by day (long format), the Parquet by channel
        for rid, row in from_csv.items():
            for col, value in row.items():
                assert value == pytest.approx(from_parquet[rid][col], rel=1e-9), (rid, col)
        return
    assert list(from_parquet) == list(from_csv)  # same rows, same order
    assert from_parquet == from_csv  # CSV floats are shortest repr: equal to the bit
    assert list(next(iter(from_parquet.values()))) == table_columns(result)[1:]


def test_optimize_out_parquet_from_the_command_line(
    tmp_path: Path, core_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from simulator.cli import main

    for suffix in (".csv", ".parquet"):
        assert main(["optimize", str(core_file), "--out", str(tmp_path / f"plan{suffix}")]) == 0
    assert "wrote" in capsys.readouterr().err
    from_parquet = read_parquet((tmp_path / "plan.parquet").read_bytes(), tmp_path)
    assert from_parquet == read_csv((tmp_path / "plan.csv").read_bytes(), tmp_path)
    cs = load_scenario(core_file)
    assert from_parquet["baidu_search"]["spend"] == pytest.approx(
        optimize(cs).allocation["baidu_search"], rel=1e-12
    )


def test_write_export_reads_the_source_only_for_the_yaml(
    planned: tuple[CompiledScenario, Result, str], tmp_path: Path
) -> None:
    cs, result, _ = planned
    missing = tmp_path / "gone.yaml"  # never read for a table
    write_export(cs, result, tmp_path / "p.parquet", missing)
    assert pq.read_table(tmp_path / "p.parquet").num_rows == len(table_rows(result))
    with pytest.raises(FileNotFoundError):
        write_export(cs, result, tmp_path / "p.yaml", missing)
    assert not (tmp_path / "p.yaml").exists()


def _json_extra_is_appended(result: Result, cs: CompiledScenario) -> dict[str, Any]:
    extra = {"simulation": {"runs": 5}, "search": {"improved": False}}
    doc: dict[str, Any] = json.loads(PLAN_KINDS["json"].render(PlanExport(cs, result, "", extra)))
    return doc


def test_the_batchs_extra_json_keys_follow_the_contracts(
    planned: tuple[CompiledScenario, Result, str],
) -> None:
    cs, result, _ = planned
    doc = _json_extra_is_appended(result, cs)
    assert list(doc)[: len(result.to_json())] == list(result.to_json())
    assert list(doc)[-2:] == ["simulation", "search"]
    assert doc["simulation"] == {"runs": 5}
