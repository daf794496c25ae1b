"""Runs grouped into Dask tasks: the group sizes, a bad member, and bytes whatever the size."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.batch import RunOptions, run_batch
from simulator.batch.chunks import (
    MAX_CHUNK,
    TAIL_FACTOR,
    ChunkSizes,
    chunk_size,
    portable,
    run_chunk,
)
from simulator.batch.executors import DaskExecutor, InlineExecutor, profiling_advice
from simulator.batch.runner import RunRecord, RunTask, execute_run
from simulator.exports import PLAN_KINDS
from tests.batch.conftest import output_bytes, write_batch

OPTIONS = RunOptions(runs=20, seed=3)


def test_chunk_size_by_hand() -> None:
    assert chunk_size(0, 2, 0.1) == 0
    assert chunk_size(100, 2, None) == 1  # no pace measured yet
    assert chunk_size(1000, 2, 0.1) == 10  # ~1 s per task
    assert chunk_size(20, 2, 0.01) == 3  # the tail: ceil(20 / (4 * 2))
    assert chunk_size(10_000, 2, 0.001) == MAX_CHUNK
    assert chunk_size(1000, 2, 3.0) == 1  # a heavy run (a search) stays alone


@settings(max_examples=20, deadline=None)
@given(
    n=st.integers(1, 400),
    workers=st.integers(1, 8),
    pace=st.one_of(st.none(), st.floats(1e-4, 5.0)),
)
def test_chunks_cover_every_run_once_and_end_single(
    n: int, workers: int, pace: float | None
) -> None:
    remaining, sizes = n, []
    while remaining:
        size = chunk_size(remaining, workers, pace)
        assert 1 <= size <= min(remaining, MAX_CHUNK)
        if remaining <= TAIL_FACTOR * workers:
            assert size == 1  # the last groups are single runs: workers finish together
        sizes.append(size)
        remaining -= size
    assert sum(sizes) == n


class _Local(Exception):
    def __init__(self, lock: threading.Lock) -> None:
        super().__init__("holds a lock")
        self.lock = lock  # a lock does not pickle


def _bad_member(x: int) -> int:
    if x == 2:
        raise ValueError("bad member 2")
    if x == 4:
        raise _Local(threading.Lock())
    return 10 * x


def test_run_chunk_keeps_the_good_members_and_reports_the_bad() -> None:
    outcomes = run_chunk(_bad_member, [1, 2, 3, 4, 5])
    assert [o for o in outcomes if not isinstance(o, BaseException)] == [10, 30, 50]
    assert isinstance(outcomes[1], ValueError)
    assert str(outcomes[1]) == "bad member 2"
    # an exception that could not travel back is replaced, not lost
    assert isinstance(outcomes[3], RuntimeError)
    assert str(outcomes[3]) == "_Local: holds a lock"
    assert portable(ValueError("x")).__class__ is ValueError


def test_profiling_advice_names_the_setting() -> None:
    assert profiling_advice({"tcp://a": False, "tcp://b": False}) == []
    (note,) = profiling_advice({"tcp://a": True, "tcp://b": False})
    assert note.startswith("1 of 2 Dask workers sample a profile")
    assert "DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False" in note


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """An in-process Dask cluster (threads): starts in well under a second."""
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0"
    ) as cluster:
        yield cluster.scheduler_address


def test_workers_that_profile_get_the_note(scheduler: str) -> None:
    executor = DaskExecutor(scheduler)  # Dask's default: workers sample a profile
    try:
        (note,) = executor.advice
    finally:
        executor.close()
    assert note.startswith("1 of 1 Dask workers sample a profile")


@pytest.fixture(scope="module")
def small_batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    """Four runs, the last one bad, and the bytes one in-process worker writes for them."""
    root = tmp_path_factory.mktemp("chunks")
    write_batch(root / "sc", n_files=1, per_file=3, broken=1)
    run_batch([str(root / "sc")], root / "inline", OPTIONS, InlineExecutor())
    return root / "sc", output_bytes(root / "inline")


def _fixed(k: int) -> ChunkSizes:
    return lambda remaining, workers, pace: min(k, remaining)


@pytest.mark.parametrize("k", [1, 4])
def test_chunk_size_changes_no_byte_and_a_bad_member_is_reported(
    scheduler: str, small_batch: tuple[Path, dict[str, bytes]], tmp_path: Path, k: int
) -> None:
    folder, reference = small_batch
    executor = DaskExecutor(scheduler, sizes=_fixed(k))
    try:
        summary = run_batch([str(folder)], tmp_path, OPTIONS, executor)
    finally:
        executor.close()
    assert summary.executed == 4
    assert [name for name, _ in summary.failures] == ["broken-0"]
    assert "broken_0.yaml:15: channels[1].aov" in summary.failures[0][1]
    assert len(reference) > 2  # the tables and the good runs' files
    assert output_bytes(tmp_path) == reference


class _Fatal(BaseException):
    """Escapes ``run_chunk`` (as a lost worker would), so the whole group fails."""


def _fatal_on_broken(task: RunTask) -> RunRecord:
    if task.spec.name == "broken-0":
        raise _Fatal("worker lost")
    return execute_run(task)


def test_a_group_that_fails_whole_is_retried_run_by_run(
    scheduler: str, small_batch: tuple[Path, dict[str, bytes]], tmp_path: Path
) -> None:
    folder, reference = small_batch
    executor = DaskExecutor(scheduler, sizes=_fixed(4))
    try:
        summary = run_batch([str(folder)], tmp_path, OPTIONS, executor, runner=_fatal_on_broken)
    finally:
        executor.close()
    assert summary.executed == 4
    assert summary.statuses["optimal"] == 3
    (failure,) = summary.failures
    assert failure[0] == "broken-0"
    assert "_Fatal: worker lost" in failure[1]
    runs = {k: v for k, v in output_bytes(tmp_path).items() if k.startswith("runs")}
    assert runs == {k: v for k, v in reference.items() if k.startswith("runs")}
    assert len(runs) == 3 * len(PLAN_KINDS)
