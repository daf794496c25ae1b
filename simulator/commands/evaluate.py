"""Expected outcome of a split: per channel, per ad set and in total.

Without --split, the scenario's own `split:` is evaluated. A split above the budget is
evaluated with a warning (a what-if such as "+30% budget").
"""

from __future__ import annotations

import argparse

from simulator.api import evaluate
from simulator.commands._common import add_format, print_json, result_table, warn
from simulator.io.bundled import SCENARIO_HELP, scenario_arg
from simulator.model.load import load_scenario, load_split

ORDER = 2


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", type=scenario_arg, help=SCENARIO_HELP)
    p.add_argument("--split", metavar="SPLIT", help="split file (YAML or JSON): allocation: {...}")
    add_format(p)


def run(args: argparse.Namespace) -> int:
    sc = load_scenario(args.file)
    split = load_split(sc, args.split) if args.split else None
    result = evaluate(sc, split)
    for w in result.warnings:
        warn(w)
    if args.format == "json":
        print_json(result.to_json())
    else:
        result_table(result, sc)
    return 0
