"""``adsim batch --scheduler`` against a cluster started from the command line.

A worker is killed mid-run: Dask reruns its runs elsewhere and the results, studies
included, are the bytes a local run makes. Workers whose engine differs are refused.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import optuna
import pytest

from simulator.batch import RunOptions, run_batch
from simulator.batch.executors import InlineExecutor, version_problems
from tests.batch.conftest import output_bytes, write_batch
from tests.batch.dask_cli import cli_cluster, kill_group
from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]
ADSIM = [sys.executable, "-m", "simulator", "batch", "--quiet", "--runs", "40"]
TRIALS = 3


def _rows(out: Path) -> int:
    try:
        with sqlite3.connect(out / "results.sqlite", timeout=5) as db:
            return int(db.execute("SELECT count(*) FROM runs").fetchone()[0])
    except sqlite3.Error:  # not created yet
        return 0


def _studies(out: Path) -> dict[str, list[tuple[dict[str, float], float | None]]]:
    """Each study in DIR/optuna.sqlite: its trials' params and values, in order."""
    return _studies_at(f"sqlite:///{out / 'optuna.sqlite'}")


def _studies_at(url: str) -> dict[str, list[tuple[dict[str, float], float | None]]]:
    return {
        s.study_name: [
            (t.params, t.value)
            for t in optuna.load_study(study_name=s.study_name, storage=url).trials
        ]
        for s in optuna.get_all_study_summaries(url)
    }


def test_version_problems_name_each_differing_worker() -> None:
    workers = {"tcp://b:1": "0.1.0+aa", "tcp://a:1": "0.1.0+bb", "tcp://c:1": "0.1.0+aa"}
    assert version_problems("0.1.0+aa", workers) == [
        "worker tcp://a:1 runs engine 0.1.0+bb, this client 0.1.0+aa"
    ]
    assert version_problems("0.1.0+aa", {"tcp://b:1": "0.1.0+aa"}) == []


def test_studies_made_in_the_worker_are_kept_by_the_parent(tmp_path: Path) -> None:
    folder = tmp_path / "sc"
    write_batch(folder, n_files=1, per_file=2, broken=1)
    url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    shared = RunOptions(runs=20, seed=3, storage=url, search_trials=TRIALS)
    run_batch([str(folder)], tmp_path / "shared", shared, InlineExecutor())
    # an unfinished earlier try of one run sits in the parent's storage: it is replaced
    kept = tmp_path / "kept"
    kept.mkdir()
    first = next(iter(_studies_at(url)))
    optuna.create_study(study_name=first, storage=f"sqlite:///{kept / 'optuna.sqlite'}").ask()
    here = RunOptions(runs=20, seed=3, storage=None, search_trials=TRIALS)
    run_batch(
        [str(folder)],
        kept,
        here,
        InlineExecutor(),
        keep_studies=f"sqlite:///{kept / 'optuna.sqlite'}",
    )
    assert output_bytes(kept) == output_bytes(tmp_path / "shared")
    studies = _studies(kept)
    assert len(studies) == 2
    assert studies == _studies_at(url)
    assert all(len(trials) == TRIALS for trials in studies.values())


@pytest.mark.slow
def test_killed_worker_still_gives_local_bytes(tmp_path: Path) -> None:
    folder = tmp_path / "sc"
    n = write_batch(folder, n_files=3, per_file=4, broken=1)  # 13 runs, 12 that search
    search = ["--search-trials", str(TRIALS)]
    local = tmp_path / "local"
    done = subprocess.run(
        [*ADSIM, str(folder), "--out", str(local), *search], cwd=ROOT, capture_output=True
    )
    assert done.returncode == 1, done.stderr  # the broken file

    out = tmp_path / "dask"
    with cli_cluster(tmp_path) as cluster:
        argv = [*ADSIM, str(folder), "--out", str(out), *search, "--scheduler", cluster.address]
        batch = subprocess.Popen(argv, cwd=ROOT, stderr=subprocess.PIPE)
        try:
            wait_until(lambda: _rows(out) >= 2 or batch.poll() is not None, 180, "2 runs")
            assert batch.poll() is None, "the batch ended before a worker could be killed"
            kill_group(cluster.workers[0])
            assert _rows(out) < n, "the worker should die mid-batch"
            _, stderr = batch.communicate(timeout=300)
        finally:
            kill_group(batch)
        assert cluster.n_workers() == 1
    assert batch.returncode == 1, stderr.decode()
    assert "profile" not in stderr.decode()  # workers started as the README says: no note
    assert _rows(out) == n
    assert output_bytes(out) == output_bytes(local)
    studies = _studies(out)
    assert len(studies) == n - 1
    assert all(len(trials) == TRIALS for trials in studies.values())
    assert studies == _studies(local)


@pytest.mark.slow
def test_workers_with_another_engine_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "sc"
    write_batch(folder, n_files=1, per_file=1)
    # the client pretends to run other engine code; the workers run the installed one
    client = (
        "import sys, simulator.about as about;"
        "about.engine_fingerprint = lambda: '9.9.9+other';"
        "from simulator.cli import main; sys.exit(main(sys.argv[1:]))"
    )
    with cli_cluster(tmp_path, n_workers=1) as cluster:
        argv = ["batch", str(folder), "--out", str(tmp_path / "out"), "--scheduler"]
        done = subprocess.run(
            [sys.executable, "-c", client, *argv, cluster.address],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 2, done.stderr
    assert "runs engine" in done.stderr
    assert "this client 9.9.9+other" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "out" / "results.sqlite").exists()
