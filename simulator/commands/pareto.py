"""Trade-off front: the best objective at each CAC (or ROI), exactly.

Each point is the optimiser's answer with cac_max (--x cac) or roi_min (--x roi) set to
one value, the scenario's other targets kept, from the tightest useful value to the one
the unconstrained optimum reaches. --chance-roi R adds, per point, the share of
simulated runs (--runs, --seed) with ROI >= R. --out writes .csv (one row per point),
.html (an interactive plot that opens offline) or .json.
"""

from __future__ import annotations

import argparse
import sys

from rich.table import Table

from simulator.commands._common import add_format, add_out, console, fmt, print_json
from simulator.exports.front import FRONT_KINDS, FrontExport
from simulator.io.bundled import SCENARIO_HELP, scenario_arg
from simulator.io.errors import UsageError
from simulator.model.load import load_scenario
from simulator.optimize.pareto import Front, add_chance, pareto_front

ORDER = 6


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", type=scenario_arg, help=SCENARIO_HELP)
    p.add_argument("--x", choices=("cac", "roi"), default="cac", help="the swept axis")
    p.add_argument("--points", type=int, default=20, help="points on the front (default 20)")
    p.add_argument("--plan", choices=("total", "daily"), default="total", help="as optimize")
    p.add_argument("--chance-roi", type=float, metavar="R", help="add P(ROI >= R) by simulation")
    p.add_argument("--runs", type=int, default=500, help="simulated runs per point (default 500)")
    p.add_argument("--seed", type=int, default=0, help="simulation seed (default 0)")
    add_format(p)
    add_out(p, FRONT_KINDS, "write the front")


def _check(args: argparse.Namespace) -> None:
    if not 1 <= args.points <= 500:
        raise UsageError(f"--points: must be a whole number 1..500 (got {args.points})")
    if args.runs < 1 or args.seed < 0:
        raise UsageError(f"--runs >= 1 and --seed >= 0 (got {args.runs}, {args.seed})")
    if args.out:
        FRONT_KINDS.for_path(args.out)


def run(args: argparse.Namespace) -> int:
    _check(args)
    sc = load_scenario(args.file)
    try:
        front = pareto_front(sc, axis=args.x, points=args.points, plan=args.plan)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if args.chance_roi is not None:
        front = add_chance(sc, front, args.chance_roi, runs=args.runs, seed=args.seed)
    if args.out:
        FRONT_KINDS.write(args.out, FrontExport(front, sc.currency))
        print(f"wrote {args.out}", file=sys.stderr)
    if args.format == "json":
        print_json(front.to_json())
    else:
        _table(front, sc.currency)
    return 0 if front.points else 3


def _table(front: Front, currency: str) -> None:
    table = Table(
        title=f"{front.scenario} · {front.objective} against {front.axis.upper()}",
        title_justify="left",
    )
    cols = [front.target, front.axis.upper(), f"{front.objective} ({currency})", "spend"]
    if front.chance:
        cols.append(f"P(ROI >= {front.chance['roi']:g})")
    for name in cols:
        table.add_column(name, justify="right", no_wrap=True)
    for p in front.points:
        cells = [fmt(p.target, "ratio"), fmt(p.x, "ratio"), fmt(p.y), fmt(p.totals["spend"])]
        if front.chance and p.p_target is not None:
            cells.append(f"{p.p_target:.0%}")
        table.add_row(*cells)
    out = console()
    out.print(table)
    if front.skipped:
        out.print(f"{len(front.skipped)} target values could not be met and were left out")
    for line in front.warnings:
        out.print(f"warning: {line}")
