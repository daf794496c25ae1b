"""Check scenario files and print `ok` or every located error.

Exit 0 when every file is valid, 2 when any is not.
"""

from __future__ import annotations

import argparse
import sys

from simulator.io.errors import ScenarioError
from simulator.model.load import load_scenario

ORDER = 1


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", metavar="FILE", help="scenario YAML files")


def run(args: argparse.Namespace) -> int:
    status = 0
    for file in args.files:
        try:
            sc = load_scenario(file)
        except ScenarioError as exc:
            for issue in exc.issues:
                print(str(issue), file=sys.stderr)
            status = 2
            continue
        print(f"ok {file}: {sc.name}, {sc.n_channels} channels, {sc.n_ad_sets} ad sets")
    return status
