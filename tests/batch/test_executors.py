"""Local processes and a Dask cluster give the same bytes as one in-process worker."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.batch import RunOptions, run_batch
from simulator.batch.executors import DaskExecutor, InlineExecutor, LocalExecutor
from simulator.batch.runner import RunRecord, RunTask, execute_run
from simulator.exports import PLAN_KINDS
from tests.batch.conftest import output_bytes, write_batch
from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]
OPTIONS = RunOptions(runs=30, seed=11)


@pytest.fixture
def small_batch(tmp_path: Path) -> Path:
    folder = tmp_path / "sc"
    write_batch(folder, n_files=2, per_file=3, broken=1)  # 7 runs
    return folder


@pytest.fixture
def inline_bytes(small_batch: Path, tmp_path: Path) -> dict[str, bytes]:
    out = tmp_path / "inline"
    run_batch([str(small_batch)], out, OPTIONS, InlineExecutor())
    return output_bytes(out)


def test_local_processes_give_the_same_bytes(
    small_batch: Path, tmp_path: Path, inline_bytes: dict[str, bytes]
) -> None:
    out = tmp_path / "local"
    executor = LocalExecutor(2)
    try:
        summary = run_batch([str(small_batch)], out, OPTIONS, executor)
    finally:
        executor.close()
    assert summary.executed == 7
    assert len(summary.failures) == 1
    # the tables (csv, parquet), then one file per plan export kind per good run
    assert len(inline_bytes) == 2 + 6 * len(PLAN_KINDS)
    assert output_bytes(out) == inline_bytes


def crash_on_broken(task: RunTask) -> RunRecord:
    """A runner whose worker process dies on the broken file (as out-of-memory would)."""
    if task.spec.name == "broken-0":
        os._exit(1)
    return execute_run(task)


def test_a_dead_worker_is_recorded_and_the_batch_goes_on(small_batch: Path, tmp_path: Path) -> None:
    out = tmp_path / "local"
    executor = LocalExecutor(2)
    try:
        summary = run_batch([str(small_batch)], out, OPTIONS, executor, runner=crash_on_broken)
    finally:
        executor.close()
    assert summary.executed == 7
    errors = dict(summary.failures)
    assert errors["broken-0"].startswith(f"{small_batch / 'broken_0.yaml'}: BrokenProcessPool: ")
    # runs that shared the pool when it broke are errors too, and rerun next time
    statuses = summary.statuses
    assert statuses["optimal"] + statuses["error"] == 7
    assert statuses["optimal"] >= 4


class _CtrlCAfter:
    """A progress sink that presses Ctrl-C in the parent after ``k`` runs have finished."""

    def __init__(self, k: int) -> None:
        self.k = k

    def start(self, total: int, skipped: int) -> None:
        pass

    def advance(self, failed: bool) -> None:
        self.k -= 1
        if self.k == 0:
            raise KeyboardInterrupt

    def stop(self) -> None:
        pass


def test_ctrl_c_stops_local_workers_and_resumes(
    small_batch: Path, tmp_path: Path, inline_bytes: dict[str, bytes]
) -> None:
    out = tmp_path / "local"
    executor = LocalExecutor(2)
    first = run_batch([str(small_batch)], out, OPTIONS, executor, progress=_CtrlCAfter(3))
    assert first.interrupted
    assert first.executed == 3
    assert first.exit_code == 130
    executor = LocalExecutor(2)
    try:
        second = run_batch([str(small_batch)], out, OPTIONS, executor)
    finally:
        executor.close()
    # finished runs are skipped; an error (the broken file, if it ran) is retried
    finished_first = sum(n for status, n in first.statuses.items() if status != "error")
    assert second.skipped == finished_first >= 2
    assert second.executed == 7 - finished_first
    assert output_bytes(out) == inline_bytes


@pytest.mark.slow
def test_dask_local_cluster_gives_the_same_bytes(
    small_batch: Path, tmp_path: Path, inline_bytes: dict[str, bytes]
) -> None:
    from distributed import LocalCluster

    out = tmp_path / "dask"
    with LocalCluster(
        n_workers=2, threads_per_worker=1, dashboard_address=":0", processes=True
    ) as cluster:
        executor = DaskExecutor(cluster.scheduler_address)
        try:
            assert executor.workers == 2
            summary = run_batch([str(small_batch)], out, OPTIONS, executor)
        finally:
            executor.close()
    assert summary.executed == 7
    assert len(summary.failures) == 1
    assert output_bytes(out) == inline_bytes


def _finished_rows(out: Path) -> int:
    try:
        with sqlite3.connect(out / "results.sqlite", timeout=5) as db:
            return int(db.execute("SELECT count(*) FROM runs").fetchone()[0])
    except sqlite3.Error:  # not created yet
        return 0


@pytest.mark.slow
def test_killed_batch_resumes_to_the_same_bytes(tmp_path: Path) -> None:
    folder = tmp_path / "sc"
    n = write_batch(folder, n_files=4, per_file=10)  # 40 runs: a few seconds in one process
    reference = tmp_path / "reference"
    run_batch([str(folder)], reference, RunOptions(runs=50), InlineExecutor())
    command = [sys.executable, "-m", "simulator", "batch", str(folder), "--quiet", "--runs", "50"]

    out = tmp_path / "out"
    proc = subprocess.Popen([*command, "--out", str(out)], cwd=ROOT)
    try:
        wait_until(
            lambda: _finished_rows(out) >= 3 or proc.poll() is not None, 120, "3 finished runs"
        )
        assert proc.poll() is None, "the batch ended before it could be killed"
        proc.send_signal(signal.SIGKILL)  # no chance to tidy up; the Popen never kills a reused pid
    finally:
        proc.kill()
        proc.wait()
    killed_at = _finished_rows(out)
    assert 3 <= killed_at < n, "the batch should have been killed mid-way"

    resumed = subprocess.run(
        [*command, "--out", str(out)], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert f"ran {n - killed_at} in" in resumed.stdout
    assert f"{killed_at} already finished" in resumed.stdout
    assert _finished_rows(out) == n
    assert not list(out.rglob("*.adsim-tmp"))
    assert output_bytes(out) == output_bytes(reference)
