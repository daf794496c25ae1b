"""Runs grouped into one Dask task: how many, and the function a worker runs on a group.

A Dask task has a fixed price that a local process pool does not pay: about 5 ms of CPU
shared by the client, the scheduler and the worker (submit, state transitions, the
result's trip back), measured with no-op tasks on the 2-core reference machine, against
80-180 ms for one run of the sample batch. On two cores that CPU is taken from the runs
themselves, so one task per run cost Dask 15-25% against two local processes. Grouping
runs divides the price by the group's size; the size is bounded three ways:

- by time: a task should last about ``TARGET_TASK_S``, so the progress bar still moves
  every second or so and heavy runs (searches of many trials) stay one per task;
- by the tail: at most ``1 / TAIL_FACTOR`` of each worker's share of what is left, so the
  groups shrink to single runs at the end and the workers finish together (guided
  scheduling);
- by ``MAX_CHUNK``, so a lost worker costs little to redo.

Grouping only decides where and when a run executes: each run is still its own record,
written by the client, so the bytes are the same for any group size.
"""

from __future__ import annotations

import math
import pickle
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

# (runs not yet sent, worker threads, seconds per run or None) -> runs in the next task
ChunkSizes = Callable[[int, int, float | None], int]

TARGET_TASK_S = 1.0
TAIL_FACTOR = 4
MAX_CHUNK = 16


def chunk_size(
    remaining: int,
    workers: int,
    seconds_per_run: float | None,
    target_s: float = TARGET_TASK_S,
    max_chunk: int = MAX_CHUNK,
) -> int:
    """Runs in the next task, given the runs not yet sent and the measured time per run
    (None before any run finished: then one, until the batch has shown its pace)."""
    if remaining <= 0:
        return 0
    if seconds_per_run is None or seconds_per_run <= 0:
        return 1
    by_time = int(target_s / seconds_per_run)
    by_tail = math.ceil(remaining / (TAIL_FACTOR * max(1, workers)))
    return max(1, min(by_time, by_tail, max_chunk, remaining))


def run_chunk(fn: Callable[[T], R], items: Sequence[T]) -> list[R | BaseException]:
    """``fn`` on each item in turn, on the worker; one item's exception is that item's
    outcome and the others still run (a bad member never takes its group down)."""
    outcomes: list[R | BaseException] = []
    for item in items:
        try:
            outcomes.append(fn(item))
        except Exception as exc:
            outcomes.append(portable(exc))
    return outcomes


def portable(exc: Exception) -> BaseException:
    """The exception itself if it survives pickling (it must travel back with the group's
    good results), else a ``RuntimeError`` carrying its type and message."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc
