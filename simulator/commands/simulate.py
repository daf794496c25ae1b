"""Stochastic day-by-day simulation: Monte Carlo over N runs of a split.

Without --split, the optimised split is simulated (--current: the scenario's own
split:). Each metric is reported as the mean and the 10th, 50th and 90th percentiles over
runs, with the share of runs that meet every target. The same file, split, runs and
seed give the same output, whatever --workers.
"""

from __future__ import annotations

import argparse
import sys

from rich.table import Table

from simulator.api import simulate
from simulator.commands._common import add_format, add_out, console, fmt, print_json, warn
from simulator.exports import PLAN_KINDS
from simulator.io.bundled import SCENARIO_HELP, scenario_arg
from simulator.io.errors import UsageError
from simulator.model.compiled import CompiledScenario, Split
from simulator.model.load import load_scenario, load_split
from simulator.simulate import CREATIVE_POLICIES, PACING_RULES, SimulationResult
from simulator.simulate.tally import table_warning

ORDER = 4

_RATIOS = {"roi", "cac", "ltv_cac", "ltv_per_customer"}
_COUNTS = {
    "conversions",
    "new_customers",
    "referred_customers",
    "impressions",
    "clicks",
    "carryover_after_horizon",
}


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", type=scenario_arg, help=SCENARIO_HELP)
    p.add_argument("--split", metavar="SPLIT", help="split file (default: the optimised split)")
    p.add_argument(
        "--current",
        action="store_true",
        help="simulate the scenario's own split: (the plan in place) instead of the optimised one",
    )
    p.add_argument("--runs", type=int, default=1000, help="Monte Carlo runs (default 1000)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--workers", type=int, default=1, help="processes over chunks of 1,024 runs")
    p.add_argument(
        "--pacing",
        choices=PACING_RULES,
        default="even",
        help="how channels without a daily plan spread their budget (default even)",
    )
    p.add_argument(
        "--creative-policy",
        choices=CREATIVE_POLICIES,
        default="expected",
        help="expected: creatives spent in the rotation's expected shares, the engine's "
        "model (default); thompson: each run learns from its own conversions",
    )
    add_out(
        p,
        PLAN_KINDS,
        "also write the simulated split with the run summary (.xlsx: a Simulation sheet)",
    )
    add_format(p)


def _check(args: argparse.Namespace) -> None:
    """Bad counts are bad input (exit 2), named with the allowed range."""
    for flag, value, low in (
        ("--runs", args.runs, 1),
        ("--seed", args.seed, 0),
        ("--workers", args.workers, 1),
    ):
        if value < low:
            raise UsageError(f"{flag}: must be a whole number >= {low} (got {value})")


def run(args: argparse.Namespace) -> int:
    _check(args)
    if args.out:
        PLAN_KINDS.for_path(args.out)  # an unknown suffix is exit 2 before any run
    sc = load_scenario(args.file)
    split = load_split(sc, args.split) if args.split else None
    if args.current and split is None:
        if sc.current is None:
            raise UsageError(f"{args.file}: --current needs a 'split:' in the scenario")
        split = sc.current
    big = table_warning(sc.n_channels, args.runs, sc.money.plain)
    if big:
        warn(big)  # before the run, while there is still time to stop it
    result = simulate(
        sc,
        split,
        runs=args.runs,
        seed=args.seed,
        workers=args.workers,
        pacing=args.pacing,
        creative_policy=args.creative_policy,
    )
    for w in result.warnings:
        warn(w)
    if args.out:
        _write(sc, split, result, args)
    if args.format == "json":
        print_json(result.to_json())
    else:
        _table(result, sc.currency)
    return 0


def _write(
    sc: CompiledScenario, split: Split | None, result: SimulationResult, args: argparse.Namespace
) -> None:
    """The simulated split's expected outcome (the optimised one without --split, solved
    again: the optimiser is deterministic) with the Monte Carlo summary, to ``--out``."""
    from simulator.api import evaluate, optimize
    from simulator.exports import write_simulation

    plan = optimize(sc) if split is None else evaluate(sc, split)
    write_simulation(sc, plan, result.to_json(), args.out, args.file)


def _table(result: SimulationResult, currency: str) -> None:
    """Metric rows: mean, p10, p50, p90 and the expected-value engine's figure."""
    table = Table(
        title=f"{result.scenario} · {result.runs:,} runs · seed {result.seed}",
        title_justify="left",
    )
    for name in ("metric", "mean", "p10", "p50", "p90", "expected"):
        table.add_column(name, justify="left" if name == "metric" else "right", no_wrap=True)
    for metric, s in result.totals.items():
        kind = "ratio" if metric in _RATIOS else "count" if metric in _COUNTS else "money"
        label = f"{metric} ({currency})" if kind == "money" else metric
        cells = [fmt(s[k], kind) for k in ("mean", "p10", "p50", "p90")]
        table.add_row(label, *cells, fmt(result.expected.get(metric), kind))
    out = console()
    out.print(table)
    out.print(f"share of runs meeting every target: {result.p_targets_met:.1%}")
    for ad_set, shares in result.creatives.items():
        parts = ", ".join(f"{c} {s:.0%}" for c, s in shares.items())
        out.print(f"creatives of {ad_set} (share of spend): {parts}")
    sys.stdout.flush()
