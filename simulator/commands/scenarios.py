"""List the bundled scenarios: any command's FILE may be one of these names.

`adsim optimize ecommerce_q4` runs the bundled scenario of that name when no such file is
in the current folder, from a clone or from an installed wheel alike.
"""

from __future__ import annotations

import argparse

from simulator.commands._common import add_format, print_json
from simulator.io.bundled import bundled_scenarios

ORDER = 9


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_format(p)


def run(args: argparse.Namespace) -> int:
    found = bundled_scenarios()
    if args.format == "json":
        print_json({"scenarios": {name: str(path) for name, path in found.items()}})
        return 0
    width = max((len(name) for name in found), default=0)
    for name, path in found.items():
        print(f"{name:<{width}}  {path}")
    return 0
