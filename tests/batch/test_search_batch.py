"""``adsim batch --search-trials N``: each finished run also searches by simulation.

The search's outcome lands in the run's JSON (``search``), in the tables
(``search_improved``, ``search_message``, ``search_spend.<channel>``) and in the SQLite
runs table; each run's study lives in ``DIR/optuna.sqlite`` under its own name.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import optuna
import pyarrow.parquet as pq
import pytest
import yaml

from simulator.batch import RunOptions, run_batch
from simulator.batch.executors import InlineExecutor, LocalExecutor
from simulator.batch.inputs import expand
from simulator.batch.runner import input_hash
from simulator.batch.search import redact, search_run, storage_url
from simulator.cli import main
from simulator.model.load import scenario_from_data
from tests.batch.conftest import output_bytes, scenario_text, write_batch

TRIALS = 3
RUNS = 50


def _csv_rows(out: Path) -> list[dict[str, str]]:
    with (out / "results.csv").open(newline="") as f:
        return list(csv.DictReader(f))


def _trials(storage: str, name: str) -> list[optuna.trial.FrozenTrial]:
    return optuna.load_study(study_name=name, storage=storage).get_trials(deepcopy=False)


def test_search_is_recorded_in_the_tables_the_json_and_the_study(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "sc"
    write_batch(folder, n_files=1, per_file=2, broken=1)  # 2 good runs, 1 broken
    out = tmp_path / "out"
    argv = ["batch", str(folder), "--out", str(out), "--runs", str(RUNS), "--quiet"]
    assert main([*argv, "--search-trials", str(TRIALS)]) == 1  # the broken file
    rows = {r["name"]: r for r in _csv_rows(out)}
    assert rows["broken-0"]["search_improved"] == rows["broken-0"]["search_message"] == ""
    storage = f"sqlite:///{out / 'optuna.sqlite'}"
    good = [r for r in rows.values() if r["status"] == "optimal"]
    assert len(good) == 2
    with sqlite3.connect(out / "results.sqlite") as db:
        stored = dict(
            (
                (h, (i, m))
                for h, i, m in db.execute("SELECT hash, search_improved, search_message FROM runs")
            )
        )
    for row in good:
        (json_file,) = (out / "runs").glob(f"*{row['hash'][:12]}.json")
        doc = json.loads(json_file.read_text())["search"]
        assert doc["study"] == f"{row['name']}-{row['hash'][:12]}"
        assert doc["trials"] == doc["new_trials"] == TRIALS
        assert doc["comparison"]["runs"] == RUNS  # min(--runs, 200)
        assert "storage" not in doc  # where the study lives is not a result
        assert row["search_improved"] == str(doc["improved"])
        assert row["search_message"] == doc["message"] != ""
        assert stored[row["hash"]] == (int(doc["improved"]), doc["message"])
        for channel in ("search", "feed"):
            assert row[f"search_spend.{channel}"] == repr(doc["best"][channel])
            # the study starts from the exact answer: the batch's own recommendation
            assert doc["start"][channel] == pytest.approx(float(row[f"spend.{channel}"]))
        budget = float(row["sweep.budget.total"])
        assert sum(doc["best"].values()) <= budget * (1 + 1e-9)
        trials = _trials(storage, doc["study"])
        assert len(trials) == TRIALS
        assert all(t.state == optuna.trial.TrialState.COMPLETE for t in trials)
    table = pq.read_table(out / "results.parquet")
    assert str(table.schema.field("search_improved").type) == "bool"
    assert table.column("search_spend.feed").type == "double"

    # the same command again skips every finished run and adds no trial to their studies
    capsys.readouterr()
    assert main([*argv, "--search-trials", str(TRIALS)]) == 1
    assert "2 already finished, skipped" in capsys.readouterr().out
    assert all(len(_trials(storage, f"{r['name']}-{r['hash'][:12]}")) == TRIALS for r in good)


def test_without_search_the_tables_have_no_search_columns(tmp_path: Path) -> None:
    folder = tmp_path / "sc"
    write_batch(folder, n_files=1, per_file=1)
    out = tmp_path / "out"
    assert main(["batch", str(folder), "--out", str(out), "--runs", "5", "--quiet"]) == 0
    (row,) = _csv_rows(out)
    assert not [c for c in row if c.startswith("search_")]
    assert not (out / "optuna.sqlite").exists()  # nothing searched, no study made


def test_search_trials_change_the_hash_and_storage_does_not(tmp_path: Path) -> None:
    file = tmp_path / "a.yaml"
    file.write_text(scenario_text("a"))
    (spec,) = expand([str(file)])
    plain = input_hash(spec, RunOptions(runs=RUNS))
    three = input_hash(spec, RunOptions(runs=RUNS, search_trials=3))
    assert len({plain, three, input_hash(spec, RunOptions(runs=RUNS, search_trials=5))}) == 3
    # a batch that does not search keeps the hashes it had before --search-trials existed
    assert plain == input_hash(spec, RunOptions(runs=RUNS, search_trials=0))
    moved = RunOptions(runs=RUNS, search_trials=3, storage="postgresql://u:p@db/adsim")
    assert input_hash(spec, moved) == three


@pytest.mark.slow  # ~10 s: two batches, one of them starting two worker processes
def test_two_workers_give_the_same_bytes_as_one(tmp_path: Path) -> None:
    """Each run's study is its own (named by its hash), runs its trials one after another
    in one process and is seeded (the TPE sampler and every simulation), so which worker
    runs it does not change its answer: byte-identical tables and JSON."""
    folder = tmp_path / "sc"
    write_batch(folder, n_files=2, per_file=2, broken=1)  # 4 good runs, 1 broken
    outs = {"inline": tmp_path / "inline", "local": tmp_path / "local"}
    executor = LocalExecutor(2)
    try:
        for label, out in outs.items():
            storage = f"sqlite:///{out / 'optuna.sqlite'}"
            options = RunOptions(runs=RUNS, seed=5, storage=storage, search_trials=TRIALS)
            chosen = InlineExecutor() if label == "inline" else executor
            summary = run_batch([str(folder)], out, options, chosen)
            assert summary.statuses == {"optimal": 4, "error": 1}
    finally:
        executor.close()
    inline, local = (output_bytes(out) for out in outs.values())
    assert b"search_improved" in inline["results.csv"]
    assert local == inline
    with sqlite3.connect(outs["local"] / "optuna.sqlite") as db:
        (studies,) = db.execute("SELECT COUNT(*) FROM studies").fetchone()
        (done,) = db.execute("SELECT COUNT(*) FROM trials WHERE state = 'COMPLETE'").fetchone()
    assert (studies, done) == (4, 4 * TRIALS)


def test_an_interrupted_study_runs_only_its_missing_trials(tmp_path: Path) -> None:
    sc = scenario_from_data(yaml.safe_load(scenario_text("r")), {}, "r.yaml")
    storage = f"sqlite:///{tmp_path / 'optuna.sqlite'}"
    key = "ab" * 32
    search_run(sc, "r", key, 2, RUNS, 0, storage)  # as if killed after two trials
    doc = search_run(sc, "r", key, TRIALS, RUNS, 0, storage)
    assert (doc["trials"], doc["new_trials"]) == (TRIALS, 1)
    # a study killed before its first trial finished is started afresh
    optuna.create_study(study_name="r-" + "cd" * 6, storage=storage).ask()  # left RUNNING
    doc = search_run(sc, "r", "cd" * 32, TRIALS, RUNS, 0, storage)
    assert (doc["trials"], doc["new_trials"]) == (TRIALS, TRIALS)
    trials = _trials(storage, "r-" + "cd" * 6)
    assert [t.state for t in trials] == [optuna.trial.TrialState.COMPLETE] * TRIALS


def test_a_storage_that_will_not_open_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "sc"
    write_batch(folder, n_files=1, per_file=1)
    url = "postgresql://ads:secret@127.0.0.1:1/adsim"
    argv = ["batch", str(folder), "--out", str(tmp_path / "out"), "--quiet"]
    assert main([*argv, "--search-trials", "1", "--storage", url]) == 2
    err = capsys.readouterr().err
    assert err.startswith("adsim batch: --storage postgresql://ads:***@127.0.0.1:1/adsim:")
    assert "cannot open" in err
    assert "secret" not in err
    assert main([*argv, "--search-trials", "-1"]) == 2
    assert "--search-trials: must be >= 0 (got -1)" in capsys.readouterr().err


def test_storage_urls() -> None:
    assert storage_url("sqlite:////d/optuna.sqlite") == "sqlite:////d/optuna.sqlite?timeout=30"
    assert storage_url("sqlite:///o.db?timeout=5") == "sqlite:///o.db?timeout=5"
    assert storage_url("postgresql://u:p@h/db") == "postgresql://u:p@h/db"
    assert storage_url(None) is None
    assert redact("postgresql://u:p@h:5432/db") == "postgresql://u:***@h:5432/db"
    assert redact("sqlite:///o.db") == "sqlite:///o.db"


def test_a_results_sqlite_from_before_search_gets_the_new_columns(tmp_path: Path) -> None:
    from simulator.batch import store

    old = store._SCHEMA.replace(
        ",\n    search TEXT NOT NULL DEFAULT '{}',\n    search_improved INTEGER,\n"
        "    search_message TEXT\n",
        "\n",
    )
    assert "search" not in old
    out = tmp_path / "out"
    out.mkdir()
    with sqlite3.connect(out / "results.sqlite") as db:
        db.executescript(old)
    folder = tmp_path / "sc"
    write_batch(folder, n_files=1, per_file=1)
    options = RunOptions(runs=RUNS, search_trials=1)
    assert run_batch([str(folder)], out, options, InlineExecutor()).exit_code == 0
    (row,) = _csv_rows(out)
    assert row["search_message"] != ""
