"""Best plan for the days and budget left, given what was spent and won so far.

Reads the actuals (the history CSV: date,channel,spend,conversions,revenue
[,new_customers]) of days 1..today; --today is a day number or a date (default: the
last day in the actuals). Days so far keep their actual spend and their adstock still
landing counts; whole units already bought stay. The JSON is that of optimize --plan
daily plus to_date (actual totals so far) and pace (actual vs the original plan's
expectation to date, per channel; a sentence where chance does not explain the gap).
The original plan is the scenario's split:, else optimize --plan daily. --out exports
like optimize. Bad actuals exit 2, each as ACTUALS.csv:LINE: column: message.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from simulator.commands._common import (
    add_format,
    add_out,
    console,
    exit_code,
    fmt,
    print_json,
    result_table,
)
from simulator.exports import PLAN_KINDS, write_export
from simulator.io.bundled import SCENARIO_HELP, scenario_arg
from simulator.io.errors import Issue, ScenarioError
from simulator.io.history import parse_rows
from simulator.model.actuals import Actuals, place_actuals
from simulator.model.compiled import CompiledScenario
from simulator.model.load import load_scenario
from simulator.optimize.replan import replan
from simulator.results import Result

ORDER = 3


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", type=scenario_arg, help=SCENARIO_HELP)
    p.add_argument(
        "--actuals",
        metavar="ACTUALS.csv",
        required=True,
        help="spend and results so far: date,channel,spend,conversions,revenue[,new_customers]",
    )
    p.add_argument(
        "--today",
        metavar="N|DATE",
        help="the last day spent: a day number or YYYY-MM-DD (default: the actuals' last day)",
    )
    add_format(p)
    add_out(p, PLAN_KINDS, "export the new plan")


def read_actuals(path: str, cs: CompiledScenario, today: str | None) -> Actuals:
    """The actuals file placed on the scenario's days; every bad row located (exit 2)."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ScenarioError([Issue(path, None, "", f"cannot read file: {exc.strerror}")]) from None
    rows, has_new = parse_rows(raw, path)
    return place_actuals(cs.channel_ids, cs.calendar, rows, has_new, path, today)


def run(args: argparse.Namespace) -> int:
    if args.out:
        PLAN_KINDS.for_path(args.out)  # a bad suffix fails before any work
    sc = load_scenario(args.file)
    actuals = read_actuals(args.actuals, sc, args.today)
    result = replan(sc, actuals)
    if args.out:
        write_export(sc, result, args.out, args.file)
        print(f"wrote {args.out}", file=sys.stderr)
    if args.format == "json":
        print_json(result.to_json())
    else:
        result_table(result, sc)
        pace_table(result)
    return exit_code(result)


def pace_table(result: Result) -> None:
    """Spend and conversions to date against the original plan's, one row per channel."""
    from rich.table import Table

    to_date: dict[str, Any] = result.extra["to_date"]
    pace: dict[str, dict[str, Any]] = result.extra["pace"]
    out = console()
    when = f"day {to_date['day']}" + (f" ({to_date['date']})" if to_date["date"] else "")
    table = Table(
        title=f"pace to {when} · against the {to_date['pace_basis']}", title_justify="left"
    )
    for name in ("channel", "spend", "plan spend", "conversions", "plan conv.", "ratio", "±noise"):
        table.add_column(name, justify="left" if name == "channel" else "right", no_wrap=True)
    table.add_column("pace", justify="left")
    for cid, row in pace.items():
        table.add_row(
            cid,
            fmt(row["spend"]),
            fmt(row["plan_spend"]),
            fmt(row["conversions"], "count"),
            fmt(row["plan_conversions"], "count"),
            "-" if row["ratio"] is None else f"{row['ratio']:.0%}",
            fmt(row["noise"], "count"),
            _state(row),
        )
    out.print(table)
    out.print(
        f"to date: spend {fmt(to_date['spend'])}  cost {fmt(to_date['cost'])}  "
        f"revenue {fmt(to_date['revenue'])}  ROI {fmt(to_date['roi'], 'ratio')}  "
        f"budget left {fmt(to_date['budget_left'])} over {to_date['days_left']} days"
    )
    for row in pace.values():
        if row["sentence"]:
            out.print(f"• {row['sentence']}")


def _state(row: dict[str, Any]) -> str:
    if not row["off_pace"]:
        return "on pace"
    return "ahead" if row["conversions"] > row["plan_conversions"] else "behind"
