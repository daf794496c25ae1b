"""Check scenario files and print `ok` or every located error.

A file with a `sweep:` block is checked as `adsim batch` runs it: the block's shape, and
every grid point's scenario (a swept value is reported at its line under `sweep:`).
Exit 0 when every file is valid, 2 when any is not.
"""

from __future__ import annotations

import argparse
import sys

from simulator.batch.inputs import expand_file
from simulator.io.bundled import SCENARIO_HELP, scenario_arg
from simulator.io.errors import ScenarioError
from simulator.model.load import scenario_from_data

ORDER = 1


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", metavar="FILE", type=scenario_arg, help=SCENARIO_HELP)


def _check(file: str) -> tuple[list[str], str]:
    """Every error line of one file (each once), and its `ok` summary when there are none."""
    errors: list[str] = []
    summary = ""
    runs = expand_file(file)
    for run in runs:
        if run.error:
            errors += run.error.splitlines()
            continue
        try:
            sc = scenario_from_data(run.data, run.lines, file)
        except ScenarioError as exc:
            errors += [str(i) for i in exc.issues]
            continue
        points = f", {len(runs)} sweep points" if run.sweep else ""
        summary = f"{sc.n_channels} channels, {sc.n_ad_sets} ad sets{points}"
        name = str(run.data.get("name")).split("[")[0] if run.sweep else sc.name
        summary = f"ok {file}: {name}, {summary}"
    return list(dict.fromkeys(errors)), summary


def run(args: argparse.Namespace) -> int:
    status = 0
    for file in args.files:
        errors, summary = _check(file)
        if errors:
            print("\n".join(errors), file=sys.stderr)
            status = 2
        else:
            print(summary)
    return status
