"""A whole batch: faults recorded and the batch goes on; interrupted batches resume exactly."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from simulator.batch import RunOptions, run_batch
from simulator.batch.executors import InlineExecutor
from simulator.batch.run import Runner
from simulator.batch.runner import RunRecord, RunTask, execute_run
from simulator.cli import main
from simulator.exports import PLAN_KINDS
from tests.batch.conftest import BROKEN_LINE, output_bytes, scenario_text, write_batch

RUNS = 20  # Monte Carlo runs per scenario: enough to exercise the simulation, fast


def _csv_rows(out: Path) -> list[dict[str, str]]:
    with (out / "results.csv").open(newline="") as f:
        return list(csv.DictReader(f))


def _db_rows(out: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(out / "results.sqlite") as db:
        return db.execute("SELECT hash, name, status FROM runs ORDER BY name").fetchall()


@pytest.mark.slow  # ~10 s on a busy 2-core machine (50 optimisations and simulations)
def test_fifty_runs_with_one_broken_file(
    batch_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    code = main(["batch", str(batch_dir), "--out", str(out), "--runs", str(RUNS), "--quiet"])
    captured = capsys.readouterr()
    assert code == 1  # some failed
    rows = _csv_rows(out)
    assert len(rows) == 50
    assert len({r["hash"] for r in rows}) == 50
    failed = [r for r in rows if r["status"] == "error"]
    assert [r["name"] for r in failed] == ["broken-0"]
    located = f"{batch_dir / 'broken_0.yaml'}:{BROKEN_LINE}: channels[1].aov: must be > 0 (got -5)"
    assert failed[0]["error"] == located
    assert located in captured.err  # the summary lists the failure with its located error
    assert "1 error, 49 optimal" in captured.out
    good = [r for r in rows if r["status"] != "error"]
    # every good run spends its budget (revenue objective, roi_min 2 met) and was simulated
    for r in good:
        budget = float(r["sweep.budget.total"])
        assert float(r["total.spend"]) == pytest.approx(budget, rel=1e-6)
        assert float(r["spend.search"]) + float(r["spend.feed"]) == pytest.approx(budget)
        assert float(r["sim.spend.mean"]) > 0
    assert len(list((out / "runs").glob("*.json"))) == 49
    assert len(list((out / "runs").iterdir())) == 49 * len(PLAN_KINDS)  # one file per kind
    assert len(_db_rows(out)) == 50
    table = pq.read_table(out / "results.parquet")
    assert table.num_rows == 50
    assert table.column("total.spend").type == "double"


def test_cli_reports_a_broken_file_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "sc"
    write_batch(folder, n_files=1, per_file=2, broken=1)
    out = tmp_path / "out"
    code = main(["batch", str(folder), "--out", str(out), "--runs", "5", "--quiet"])
    captured = capsys.readouterr()
    assert code == 1
    located = f"{folder / 'broken_0.yaml'}:{BROKEN_LINE}: channels[1].aov: must be > 0 (got -5)"
    assert f"1 failed:\n- broken-0\n  {located}\n" in captured.err
    assert captured.out.startswith("3 runs: 1 error, 2 optimal\n")
    (folder / "broken_0.yaml").unlink()
    assert main(["batch", str(folder), "--out", str(out), "--runs", "5", "--quiet"]) == 0
    assert "2 already finished, skipped" in capsys.readouterr().out


def test_recommendation_files_agree_with_the_table(batch_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    main(["batch", str(batch_dir / "brand_00.yaml"), "--out", str(out), "--runs", "5", "--quiet"])
    row = _csv_rows(out)[0]
    (json_file,) = (out / "runs").glob(f"*{row['hash'][:12]}.json")
    doc = json.loads(json_file.read_text())
    assert doc["status"] == row["status"] == "optimal"
    assert repr(doc["allocation"]["search"]) == row["spend.search"]
    assert doc["simulation"]["totals"]["revenue"]["p50"] == float(row["sim.revenue.p50"])
    yaml_text = json_file.with_suffix(".yaml").read_text()
    assert "sweep:" not in yaml_text
    assert "split:" in yaml_text
    # the YAML recommendation is a runnable scenario whose split is the recommendation
    assert main(["validate", str(json_file.with_suffix(".yaml"))]) == 0


def _interrupting(after: int) -> Runner:
    calls = {"n": 0}

    def runner(task: RunTask) -> RunRecord:
        if calls["n"] == after:
            raise KeyboardInterrupt
        calls["n"] += 1
        return execute_run(task)

    return runner


def _counting(seen: list[str]) -> Runner:
    def runner(task: RunTask) -> RunRecord:
        seen.append(task.key)
        return execute_run(task)

    return runner


def test_interrupted_batch_resumes_without_duplicates(tmp_path: Path) -> None:
    folder = tmp_path / "sc"
    n = write_batch(folder, n_files=3, per_file=4, broken=1)  # 13 runs
    options = RunOptions(runs=RUNS, seed=3)
    reference = tmp_path / "reference"
    run_batch([str(folder)], reference, options, InlineExecutor())

    out = tmp_path / "out"
    first = run_batch([str(folder)], out, options, InlineExecutor(), runner=_interrupting(5))
    assert first.interrupted
    assert first.exit_code == 130
    assert first.executed == 5
    assert len(_csv_rows(out)) == 5  # the tables hold what finished
    assert not list(out.rglob("*.adsim-tmp"))

    seen: list[str] = []
    second = run_batch([str(folder)], out, options, InlineExecutor(), runner=_counting(seen))
    done_before = {h for h, _, s in _db_rows(out) if s != "error"} - set(seen)
    assert second.skipped == len(done_before) == 5  # the broken file sorts last
    assert len(seen) == len(set(seen)) == n - 5  # nothing finished ran twice
    assert len(_db_rows(out)) == n
    assert second.exit_code == 1  # the broken file
    # nothing lost or duplicated: the same bytes as an uninterrupted batch
    assert output_bytes(out) == output_bytes(reference)


def test_failed_run_is_retried_and_replaced_after_a_fix(tmp_path: Path) -> None:
    folder = tmp_path / "sc"
    write_batch(folder, n_files=1, per_file=2, broken=1)
    options = RunOptions(runs=RUNS)
    out = tmp_path / "out"
    assert run_batch([str(folder)], out, options, InlineExecutor()).exit_code == 1
    (folder / "broken_0.yaml").write_text(scenario_text("broken-0", aov=120))
    seen: list[str] = []
    again = run_batch([str(folder)], out, options, InlineExecutor(), runner=_counting(seen))
    assert again.exit_code == 0
    assert len(seen) == 1
    assert again.skipped == 2
    rows = _csv_rows(out)
    assert [r["status"] for r in rows] == ["optimal"] * 3
    # the old error row stays in SQLite under its own hash; the table shows this batch only
    statuses = sorted(s for _, _, s in _db_rows(out))
    assert statuses == ["error", "optimal", "optimal", "optimal"]


def test_a_path_that_matches_nothing_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    code = main(["batch", str(tmp_path / "missing"), "--out", str(out), "--quiet"])
    assert code == 2
    assert "missing: no such file" in capsys.readouterr().err
    assert not out.exists()


def test_infeasible_counts_as_finished(tmp_path: Path) -> None:
    file = tmp_path / "hard.yaml"
    # exponential feed only: the highest ROI is 6000 * 150 / 250000 = 3.6, at spend -> 0
    text = scenario_text("hard").replace("roi_min: 2.0", "roi_min: 5.0")
    text = text.replace(
        "type: hill, max_conversions: 8000, half_saturation: 300000, shape: 0.9",
        "type: exponential, max_conversions: 6000, scale: 250000",
    )
    text = text.replace("aov: 200", "aov: 150")
    file.write_text(text)
    out = tmp_path / "out"
    summary = run_batch([str(file)], out, RunOptions(runs=5), InlineExecutor())
    assert summary.statuses == {"infeasible": 1}
    assert summary.exit_code == 0
    row = _csv_rows(out)[0]
    assert "roi_min" in row["message"]
