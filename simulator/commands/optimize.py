"""Recommended split for the objective under budget, bounds and targets.

--plan daily returns the best plan by day (events, adstock). --out exports by
suffix: .csv (one row per channel and ad set), .json (the JSON), .yaml (the
scenario with split: set to the recommendation, runnable again), .parquet (the
CSV's table, typed). Exit 3 when the
targets cannot be met: the JSON is still printed with status infeasible.

With targets.confidence in the scenario (or --confidence C), the plan meets every target
in at least that share of --runs simulated runs (seed --seed): the JSON's confidence key
gives the share reached, its 95% interval and the margin planned with.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from simulator.commands._common import (
    add_format,
    add_out,
    exit_code,
    print_json,
    result_table,
)
from simulator.exports import PLAN_KINDS, write_export
from simulator.io.bundled import SCENARIO_HELP, scenario_arg
from simulator.io.errors import UsageError
from simulator.model.compiled import CompiledScenario
from simulator.model.load import load_scenario
from simulator.optimize import optimize
from simulator.optimize.confidence import DEFAULT_RUNS, DEFAULT_SEED

ORDER = 3


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", type=scenario_arg, help=SCENARIO_HELP)
    p.add_argument(
        "--plan",
        choices=("total", "daily"),
        default="total",
        help="total: each channel's total, spent evenly (default); daily: a plan by day",
    )
    p.add_argument(
        "--confidence",
        type=float,
        metavar="C",
        help="meet every target in at least this share of simulated runs, 0.5 < C < 1 "
        "(default: the scenario's targets.confidence; without it, targets in expectation)",
    )
    p.add_argument(
        "--runs",
        type=int,
        default=DEFAULT_RUNS,
        help=f"simulated runs per step of the confidence search (default {DEFAULT_RUNS:,})",
    )
    p.add_argument(
        "--seed",
        type=int,
        default=DEFAULT_SEED,
        help=f"random seed of the confidence search (default {DEFAULT_SEED})",
    )
    p.add_argument(
        "--refine",
        type=int,
        default=0,
        metavar="N",
        help="after the confidence search, N trials of the search by simulation seeded with "
        "its plan (default 0: none; plans by total only)",
    )
    add_format(p)
    add_out(p, PLAN_KINDS, "export the recommendation")


def _with_confidence(sc: CompiledScenario, args: argparse.Namespace) -> CompiledScenario:
    """The scenario with ``--confidence`` applied; bad counts and shares are bad input."""
    if args.runs < 1:
        raise UsageError(f"--runs: must be a whole number >= 1 (got {args.runs})")
    if args.seed < 0:
        raise UsageError(f"--seed: must be a whole number >= 0 (got {args.seed})")
    if args.refine < 0:
        raise UsageError(f"--refine: must be a whole number >= 0 (got {args.refine})")
    if args.confidence is None:
        return sc
    if not 0.5 < args.confidence < 1:
        raise UsageError(f"--confidence: must be > 0.5 and < 1 (got {args.confidence:g})")
    if not sc.active_targets():
        raise UsageError("--confidence: the scenario has no target to meet with that confidence")
    return dataclasses.replace(sc, confidence=args.confidence)


@contextmanager
def _progress(sc: CompiledScenario, runs: int) -> Iterator[Callable[[int, int], None] | None]:
    """A live count of simulated runs on stderr, on a terminal and for a confidence search."""
    if sc.confidence is None or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(),
        TextColumn("confidence search: step {task.fields[step]}, {task.completed:,.0f} runs"),
        TimeElapsedColumn(),
        console=Console(file=sys.stderr),
        transient=True,
    ) as bar:
        task = bar.add_task("search", total=None, step=0)
        yield lambda done, _most: bar.update(task, completed=done * runs, step=done)


def run(args: argparse.Namespace) -> int:
    if args.out:
        PLAN_KINDS.for_path(args.out)  # a bad suffix fails before any work
    sc = _with_confidence(load_scenario(args.file), args)
    options = {}
    with _progress(sc, args.runs) as progress:
        if sc.confidence is not None:
            options = {
                "runs": args.runs,
                "seed": args.seed,
                "progress": progress,
                "refine_trials": args.refine,
            }
        result = optimize(sc, plan=args.plan, **options)
    if args.out:
        write_export(sc, result, args.out, args.file)
        print(f"wrote {args.out}", file=sys.stderr)
    if args.format == "json":
        print_json(result.to_json())
    else:
        result_table(result, sc)
    return exit_code(result)
