"""Run every scenario under the paths: optimise, simulate, write the results.

PATH is a scenario file, a folder (searched for .yaml/.yml) or a glob. A scenario's
`sweep:` block (e.g. `budget.total: [5e5, 1e6]`) expands into one run per grid point.
DIR gets results.csv, results.parquet, results.sqlite and runs/ (a CSV, JSON and YAML
recommendation per run). With --search-trials N each finished run also runs an Optuna
search by simulation from the exact answer (one study per run in --storage) and records
whether it found a better split. Rerun the same command after an interruption: finished runs
are skipped by input hash. One batch writes a folder at a time: a second batch on the same
--out stops at once (exit 2) naming the first one's process; it does not wait.
Exit 0 when every run finished (optimal or infeasible), 1 when some failed (listed with
their located errors), 2 when a path matches nothing, --storage cannot be opened, DIR is
busy or its results.sqlite is damaged (the message says what to do), or the --scheduler's
workers run another engine version, 130 when interrupted.
With --scheduler and no --storage each run's study lives on its worker and comes back
with the run's results into DIR/optuna.sqlite (a path on this machine means nothing to
a worker elsewhere).
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from simulator.batch import BatchSummary, InputError, RunOptions, make_executor, run_batch
from simulator.batch.executors import VersionMismatch
from simulator.batch.progress import ProgressSink, QuietProgress, RichProgress
from simulator.batch.search import StorageError
from simulator.batch.store import StoreError

ORDER = 5


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH", help="scenario files, folders or globs")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (created)")
    p.add_argument(
        "--workers", type=int, default=1, metavar="N", help="local worker processes (default 1)"
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="a Dask scheduler, e.g. tcp://10.0.0.5:8786: run on that cluster instead",
    )
    p.add_argument(
        "--runs",
        type=int,
        default=1000,
        metavar="N",
        help="Monte Carlo runs per scenario (default 1000)",
    )
    p.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default 0)")
    p.add_argument(
        "--storage",
        metavar="URL",
        help="Optuna storage for runs that search (default sqlite:///DIR/optuna.sqlite; "
        "a postgresql:// URL when many machines share the studies, needs the [postgres] "
        "extra; or a journal file, journal:PATH or PATH.log)",
    )
    p.add_argument(
        "--search-trials",
        type=int,
        default=0,
        metavar="N",
        help="also search each finished run by simulation with N Optuna trials "
        "(default 0: no search; each trial simulates min(--runs, 200) runs)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def _check(args: argparse.Namespace) -> str | None:
    if args.workers < 1:
        return f"--workers: must be >= 1 (got {args.workers})"
    if args.runs < 1:
        return f"--runs: must be >= 1 (got {args.runs})"
    if args.seed < 0:
        return f"--seed: must be >= 0 (got {args.seed})"
    if args.search_trials < 0:
        return f"--search-trials: must be >= 0 (got {args.search_trials})"
    return None


@contextmanager
def _term_as_interrupt() -> Iterator[None]:
    """``kill`` (SIGTERM) stops the batch as Ctrl-C does: results so far are kept."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run(args: argparse.Namespace) -> int:
    problem = _check(args)
    if problem:
        sys.stderr.write(f"adsim batch: {problem}\n")
        return 2
    out = Path(args.out)
    local = f"sqlite:///{(out / 'optuna.sqlite').resolve()}"
    # remote workers keep each study themselves and send it back; the parent writes it
    storage, keep = (
        (None, local) if args.scheduler and not args.storage else (args.storage or local, None)
    )
    options = RunOptions(
        runs=args.runs, seed=args.seed, storage=storage, search_trials=args.search_trials
    )
    progress: ProgressSink = QuietProgress() if args.quiet else RichProgress()
    try:
        executor = make_executor(args.workers, args.scheduler)
    except OSError as exc:  # an unreachable or refusing Dask scheduler
        sys.stderr.write(f"adsim batch: --scheduler {args.scheduler}: cannot connect ({exc})\n")
        return 1
    except VersionMismatch as exc:
        sys.stderr.write(f"adsim batch: --scheduler {args.scheduler}: {exc}\n")
        return 2
    for note in getattr(executor, "advice", []):
        sys.stderr.write(f"adsim batch: note: {note}\n")
    try:
        with _term_as_interrupt():
            summary = run_batch(args.paths, out, options, executor, progress, keep_studies=keep)
    except (InputError, StorageError, StoreError) as exc:
        sys.stderr.write(f"adsim batch: {exc}\n")
        return 2
    finally:
        executor.close()
    _report(summary)
    return summary.exit_code


def _report(summary: BatchSummary) -> None:
    """The summary on stdout; each failure with its located error on stderr."""
    counts = ", ".join(f"{n} {status}" for status, n in sorted(summary.statuses.items()))
    rate = summary.executed / summary.elapsed_s if summary.elapsed_s > 0 else 0.0
    lines = [
        f"{summary.planned} runs: {counts or 'none finished'}",
        f"ran {summary.executed} in {summary.elapsed_s:.1f} s ({rate:.2f} runs/s); "
        f"{summary.skipped} already finished, skipped",
        f"results: {summary.out_dir / 'results.csv'}, results.parquet, results.sqlite, runs/",
    ]
    if summary.duplicates:
        lines.append(f"{summary.duplicates} identical runs were kept once")
    sys.stdout.write("\n".join(lines) + "\n")
    if summary.failures:
        sys.stderr.write(f"{len(summary.failures)} failed:\n")
        for name, error in summary.failures:
            sys.stderr.write(f"- {name}\n  " + error.replace("\n", "\n  ") + "\n")
    if summary.interrupted:
        sys.stderr.write("interrupted: run the same command again to resume\n")
