"""Each channel's response curve as data: spend grid, conversions, revenue, marginal ROI.

Sampled from the expected-value engine (adstock and events included) with the other
channels at the recommended split, plus each channel's current point (the scenario's
split:, or --split) and recommended point. --out writes .csv (long: one row per channel
and point) or .json (per channel: the grid as columns); without it a table is printed.
"""

from __future__ import annotations

import argparse
import sys

from rich.table import Table

from simulator.api import evaluate, optimize
from simulator.commands._common import add_out, console, fmt
from simulator.exports.curves import CURVE_KINDS, CurveData, curve_data
from simulator.io.bundled import SCENARIO_HELP, scenario_arg
from simulator.io.errors import UsageError
from simulator.model.load import load_scenario, load_split

ORDER = 7


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", type=scenario_arg, help=SCENARIO_HELP)
    p.add_argument(
        "--split", metavar="SPLIT", help="the current plan (default: the scenario's split:)"
    )
    p.add_argument("--points", type=int, default=40, help="grid points per channel (default 40)")
    add_out(p, CURVE_KINDS, "write the curve data")


def run(args: argparse.Namespace) -> int:
    if args.out:
        CURVE_KINDS.for_path(args.out)  # a bad suffix fails before any work
    if args.points < 2:
        raise UsageError(f"--points: must be a whole number >= 2 (got {args.points})")
    sc = load_scenario(args.file)
    split = load_split(sc, args.split) if args.split else sc.current
    current = evaluate(sc, split) if split is not None else None
    data = curve_data(sc, optimize(sc), current, args.points)
    if args.out:
        CURVE_KINDS.write(args.out, data)
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        _table(data)
    return 0


def _table(data: CurveData) -> None:
    table = Table(title=f"{data.scenario} · response curves", title_justify="left")
    for name in ("channel", "point", f"spend ({data.currency})", "conversions", "revenue"):
        table.add_column(name, justify="left" if name in ("channel", "point") else "right")
    table.add_column("marginal ROI", justify="right")
    for row in data.rows:
        table.add_row(
            row["channel"],
            "" if row["point"] == "grid" else row["point"],
            fmt(row["spend"]),
            fmt(row["conversions"], "count"),
            fmt(row["revenue"]),
            fmt(row["marginal_roi"], "ratio"),
        )
    console().print(table)
