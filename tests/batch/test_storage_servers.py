"""Optuna studies in a real PostgreSQL server and in a journal file, killed and resumed.

The server is a throwaway one (tests/batch/pg_server.py). Under CI=true a server that
cannot start fails the test: CI must prove the README's `--storage postgresql://...`.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import optuna
import pytest

from simulator.optimize.search.storage import open_storage
from tests.batch.conftest import scenario_text, write_batch
from tests.batch.pg_server import ServerUnavailable, postgres_server

pytestmark = pytest.mark.slow
TRIALS = 3
RUNS = 30


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    try:
        with postgres_server() as url:
            yield url
    except ServerUnavailable as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL server did not start under CI: {exc}")
        pytest.skip(f"no PostgreSQL server here: {exc}")


@pytest.fixture(params=["postgres", "journal"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "journal":
        return f"journal:{tmp_path / 'studies.log'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


def _adsim(*args: str) -> list[str]:
    return [sys.executable, "-m", "simulator", *args]


def _finished_rows(out: Path) -> int:
    try:
        with sqlite3.connect(f"file:{out / 'results.sqlite'}?mode=ro", uri=True, timeout=5) as db:
            return int(db.execute("SELECT count(*) FROM runs").fetchone()[0])
    except sqlite3.Error:  # not created yet
        return 0


def _kill_after_first_row(argv: list[str], out: Path) -> int:
    """Start the batch, SIGKILL its whole process group once one run is recorded."""
    batch = subprocess.Popen(argv, start_new_session=True, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 300
        while _finished_rows(out) == 0 and batch.poll() is None:
            assert time.monotonic() < deadline, "no run finished in 300 s"
            time.sleep(0.05)
    finally:
        if batch.poll() is None:
            os.killpg(batch.pid, signal.SIGKILL)
        batch.wait()
    return _finished_rows(out)


def test_batch_search_killed_and_resumed_loses_and_doubles_nothing(
    storage: str, tmp_path: Path
) -> None:
    folder, out = tmp_path / "sc", tmp_path / "out"
    n = write_batch(folder, n_files=2, per_file=2)  # 4 runs
    argv = _adsim("batch", str(folder), "--out", str(out), "--runs", str(RUNS), "--quiet")
    argv += ["--workers", "2", "--search-trials", str(TRIALS), "--storage", storage]
    recorded = _kill_after_first_row(argv, out)
    assert 0 < recorded < n, "the kill must land mid-batch"

    done = subprocess.run(argv, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    with (out / "results.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == n
    assert len({r["hash"] for r in rows}) == n
    assert {r["status"] for r in rows} == {"optimal"}
    assert all(r["search_message"] for r in rows)
    with sqlite3.connect(out / "results.sqlite") as db:
        assert db.execute("SELECT count(*) FROM runs").fetchone()[0] == n
        skipped = [s for (s,) in db.execute("SELECT skipped FROM batches ORDER BY started_at")]
    assert skipped[-1] >= recorded  # the resumed batch kept what the killed one recorded
    # every run's study ends with exactly TRIALS finished trials: none lost, none twice
    backend = open_storage(storage)
    studies = {s.study_name: s for s in optuna.get_all_study_summaries(backend)}
    for row in rows:
        name = f"{row['name']}-{row['hash'][:12]}"
        assert name in studies, name
        trials = optuna.load_study(study_name=name, storage=backend).get_trials(deepcopy=False)
        assert sum(t.state.is_finished() for t in trials) == TRIALS, name


def test_search_resumes_a_stored_study(storage: str, tmp_path: Path) -> None:
    scenario = tmp_path / "one.yaml"
    scenario.write_text(scenario_text("one"))
    argv = _adsim("search", str(scenario), "--trials", "2", "--runs", "20", "--format", "json")
    argv += ["--storage", storage, "--study", "resume-me"]
    first = subprocess.run(argv, capture_output=True, text=True, timeout=300)
    assert first.returncode in (0, 3), first.stderr
    assert "study stored in" in first.stderr
    second = subprocess.run(argv, capture_output=True, text=True, timeout=300)
    assert second.returncode in (0, 3), second.stderr
    assert json.loads(first.stdout)["trials"] == 2
    assert json.loads(second.stdout)["trials"] == 4
    study = optuna.load_study(study_name="resume-me", storage=open_storage(storage))
    assert sum(t.state.is_finished() for t in study.trials) == 4
