"""Print the JSON Schema of scenario files, for editors that validate and complete YAML.

  adsim schema > adsim.schema.json

Then put `# yaml-language-server: $schema=adsim.schema.json` on the first line of a
scenario (VS Code's YAML extension), or map the schema to `scenarios/*.yaml` in the
editor's settings. Every field carries a short description.
"""

from __future__ import annotations

import argparse
import json
import sys

from simulator.model.json_schema import scenario_schema

ORDER = 10


def add_arguments(p: argparse.ArgumentParser) -> None:
    del p  # no options: the schema goes to stdout


def run(args: argparse.Namespace) -> int:
    del args
    sys.stdout.write(json.dumps(scenario_schema(), indent=2, ensure_ascii=False) + "\n")
    return 0
