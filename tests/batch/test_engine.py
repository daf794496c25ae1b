"""Results follow the code: the engine fingerprint is in the input hash and on every row."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from simulator.about import engine_fingerprint
from simulator.batch import RunOptions, run_batch
from simulator.batch import runner as runner_module
from simulator.batch.executors import InlineExecutor
from tests.batch.conftest import write_batch


def _engines(out: Path) -> dict[str, str]:
    with sqlite3.connect(out / "results.sqlite") as db:
        return dict(db.execute("SELECT hash, engine FROM runs").fetchall())


def test_a_changed_engine_reruns_what_the_old_one_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, out = tmp_path / "sc", tmp_path / "out"
    n = write_batch(folder, n_files=1, per_file=3)
    options = RunOptions(runs=20, seed=1)
    first = run_batch([str(folder)], out, options, InlineExecutor())
    assert (first.executed, first.skipped) == (n, 0)
    old = _engines(out)
    assert set(old.values()) == {engine_fingerprint()}

    same = run_batch([str(folder)], out, options, InlineExecutor())
    assert (same.executed, same.skipped) == (0, n)  # same code: nothing reruns

    monkeypatch.setattr(runner_module, "engine_fingerprint", lambda: "0.1.0+0123456789abcdef")
    changed = run_batch([str(folder)], out, options, InlineExecutor())
    assert (changed.executed, changed.skipped) == (n, 0)  # every run made again
    now = _engines(out)
    assert len(now) == 2 * n  # the old rows stay under their own hashes
    assert {k: v for k, v in now.items() if k not in old} == dict.fromkeys(
        set(now) - set(old), "0.1.0+0123456789abcdef"
    )
    with (out / "results.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["engine"] for r in rows] == ["0.1.0+0123456789abcdef"] * n
    assert (
        pq.read_table(out / "results.parquet").column("engine").to_pylist()
        == ["0.1.0+0123456789abcdef"] * n
    )


def test_a_results_file_from_before_the_engine_column_gains_it(tmp_path: Path) -> None:
    folder, out = tmp_path / "sc", tmp_path / "out"
    n = write_batch(folder, n_files=1, per_file=2)
    run_batch([str(folder)], out, RunOptions(runs=20), InlineExecutor())
    with sqlite3.connect(out / "results.sqlite") as db:
        db.execute("ALTER TABLE runs DROP COLUMN engine")
    again = run_batch([str(folder)], out, RunOptions(runs=20), InlineExecutor())
    assert again.skipped == n
    assert set(_engines(out).values()) == {""}  # old rows: unknown engine, not a guess
