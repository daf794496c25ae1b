"""Recommended split for the objective under budget, bounds and targets.

--plan daily returns the best plan by day (events, adstock). --out exports by
suffix: .csv (one row per channel and ad set), .json (the JSON), .yaml (the
scenario with split: set to the recommendation, runnable again), .parquet (the
CSV's table, typed). Exit 3 when the
targets cannot be met: the JSON is still printed with status infeasible.
"""

from __future__ import annotations

import argparse
import sys

from simulator.commands._common import add_format, add_out, print_json, result_table
from simulator.exports import PLAN_KINDS, write_export
from simulator.io.bundled import SCENARIO_HELP, scenario_arg
from simulator.model.load import load_scenario
from simulator.optimize import optimize

ORDER = 3


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", type=scenario_arg, help=SCENARIO_HELP)
    p.add_argument(
        "--plan",
        choices=("total", "daily"),
        default="total",
        help="total: each channel's total, spent evenly (default); daily: a plan by day",
    )
    add_format(p)
    add_out(p, PLAN_KINDS, "export the recommendation")


def run(args: argparse.Namespace) -> int:
    if args.out:
        PLAN_KINDS.for_path(args.out)  # a bad suffix fails before any work
    sc = load_scenario(args.file)
    result = optimize(sc, plan=args.plan)
    if args.out:
        write_export(sc, result, args.out, args.file)
        print(f"wrote {args.out}", file=sys.stderr)
    if args.format == "json":
        print_json(result.to_json())
    else:
        result_table(result, sc)
    if result.status == "unverified":
        print(
            "error: the plan breaks a constraint the solver believed it kept "
            f"({'; '.join(result.certificate.failures)}); please report this scenario",
            file=sys.stderr,
        )
        return 1
    return 3 if result.status == "infeasible" else 0
