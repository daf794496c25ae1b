"""A whole batch: plan the runs, skip the finished ones, execute the rest, keep every result.

Resuming is by input hash: a run whose hash has a finished row (optimal, infeasible) in
``DIR/results.sqlite`` is skipped; a run that failed is tried again and its row replaced,
so rerunning the same command after Ctrl-C, a kill or a fix never duplicates a row.
An interrupted batch still rewrites the result tables from what finished.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from collections.abc import Callable, Generator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from simulator.batch.executors import Executor
from simulator.batch.inputs import expand
from simulator.batch.progress import ProgressSink, QuietProgress
from simulator.batch.runner import FAILED, RunOptions, RunRecord, RunTask, execute_run, input_hash
from simulator.batch.search import keep_study, prepare_storage, redact
from simulator.batch.store import ResultStore

Runner = Callable[[RunTask], RunRecord]


@dataclass
class BatchSummary:
    """What a batch did: counts by status over all its runs, and each failure's error."""

    out_dir: Path
    planned: int
    skipped: int
    executed: int = 0
    duplicates: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (run name, error)
    interrupted: bool = False
    elapsed_s: float = 0.0

    @property
    def exit_code(self) -> int:
        """0 all runs finished (optimal or infeasible), 1 some failed, 130 interrupted."""
        if self.interrupted:
            return 130
        return 1 if self.failures else 0


def plan(paths: list[str], options: RunOptions) -> tuple[list[RunTask], int]:
    """Every run under ``paths`` with its input hash, and how many identical runs were
    dropped (the same file twice, or a sweep that repeats a value)."""
    tasks: list[RunTask] = []
    seen: set[str] = set()
    duplicates = 0
    for spec in expand(paths):
        key = input_hash(spec, options)
        if key in seen:
            duplicates += 1
            continue
        seen.add(key)
        tasks.append(RunTask(spec, options, key))
    return tasks, duplicates


def run_batch(
    paths: list[str],
    out_dir: str | Path,
    options: RunOptions,
    executor: Executor,
    progress: ProgressSink | None = None,
    runner: Runner = execute_run,
    export_every_s: float = 10.0,
    keep_studies: str | None = None,
) -> BatchSummary:
    """Run every scenario under ``paths`` and write ``out_dir``; see the module docstring.

    With ``options.storage`` None each search's study comes back with its record;
    ``keep_studies`` (an Optuna URL) is where the parent then keeps it.

    Raises ``InputError`` (before writing anything) when a path matches no scenario file,
    ``StorageError`` (before any run) when runs search and the Optuna storage won't open.
    """
    started = time.perf_counter()
    tasks, duplicates = plan(paths, options)
    keys = [t.key for t in tasks]
    progress = progress or QuietProgress()
    store = ResultStore(out_dir)
    try:
        finished = store.finished()
        todo = [t for t in tasks if t.key not in finished]
        summary = BatchSummary(Path(out_dir), len(tasks), len(tasks) - len(todo))
        summary.duplicates = duplicates
        batch_id = uuid.uuid4().hex
        if options.search_trials > 0 and todo:
            prepare_storage(options.storage)  # raises StorageError before the batch starts
            prepare_storage(keep_studies)
        store.start_batch(
            batch_id, _describe(paths, options, executor), len(tasks), summary.skipped
        )
        progress.start(len(todo), summary.skipped)
        try:
            with closing(executor.map_unordered(runner, todo)) as outcomes:
                _consume(
                    outcomes, store, batch_id, summary, progress, keys, export_every_s, keep_studies
                )
        except KeyboardInterrupt:
            summary.interrupted = True
            executor.close()  # stop the workers now, before the tables are rewritten
        finally:
            progress.stop()
            store.export_tables(keys)
            _tally(store, keys, summary)
            state = "interrupted" if summary.interrupted else "finished"
            store.finish_batch(batch_id, state, summary.executed, len(summary.failures))
    finally:
        store.close()
    summary.elapsed_s = time.perf_counter() - started
    return summary


def _consume(
    outcomes: Generator[tuple[RunTask, RunRecord | BaseException], None, None],
    store: ResultStore,
    batch_id: str,
    summary: BatchSummary,
    progress: ProgressSink,
    keys: list[str],
    export_every_s: float,
    keep_studies: str | None,
) -> None:
    """Store each record as it arrives; rewrite the tables now and then for onlookers."""
    last_export = time.monotonic()
    for task, outcome in outcomes:
        record = outcome if isinstance(outcome, RunRecord) else _crashed(task, outcome)
        store.put(record, batch_id)
        if keep_studies and record.study is not None:
            keep_study(keep_studies, record.study)
        summary.executed += 1
        progress.advance(failed=not record.ok)
        if time.monotonic() - last_export > export_every_s:
            store.export_tables(keys)
            last_export = time.monotonic()


def _crashed(task: RunTask, exc: BaseException) -> RunRecord:
    """A run whose worker died or could not return: an error row, retried on resume."""
    spec = task.spec
    error = f"{spec.file}: {type(exc).__name__}: {exc}"
    return RunRecord(spec.name, task.key, spec.file, FAILED, error=error, sweep=spec.sweep)


def _tally(store: ResultStore, keys: list[str], summary: BatchSummary) -> None:
    rows = store.rows(keys)
    summary.statuses = Counter(r["status"] for r in rows)
    summary.failures = [(r["name"], r["error"]) for r in rows if r["status"] == FAILED]


def _describe(paths: list[str], options: RunOptions, executor: Executor) -> dict[str, object]:
    return {
        "paths": paths,
        "runs": options.runs,
        "seed": options.seed,
        "plan": options.plan,
        "storage": redact(options.storage),
        "search_trials": options.search_trials,
        "executor": type(executor).__name__,
        "workers": executor.workers,
    }
