"""From a file to a compiled scenario: read (io), validate, compile, attach the split."""

from __future__ import annotations

from pathlib import Path as FilePath
from typing import Any

from simulator.io.split_csv import read_split_csv_file
from simulator.io.yaml_loader import LineMap, read_yaml
from simulator.model.compile import compile_scenario, with_current
from simulator.model.compiled import CompiledScenario, Split
from simulator.model.split import parse_split
from simulator.model.validate import validate_spec


def scenario_from_data(data: Any, lines: LineMap, file: str) -> CompiledScenario:
    """Validate plain data and compile it; the scenario's own ``split:`` becomes ``current``."""
    spec = validate_spec(data, lines, file)
    compiled = compile_scenario(spec)
    raw_split = data.get("split") if isinstance(data, dict) else None
    if raw_split is not None:
        current = parse_split(compiled, raw_split, file, lines, ("split",))
        compiled = with_current(compiled, current)
    return compiled


def load_scenario(path: str | FilePath) -> CompiledScenario:
    """Load a scenario file; raises ``ScenarioError`` (a ValueError) with file:line issues."""
    data, lines = read_yaml(path)
    return scenario_from_data(data, lines, str(path))


def load_split(cs: CompiledScenario, path: str | FilePath) -> Split:
    """Read a split file (YAML, JSON, or a CSV export) against a compiled scenario."""
    if FilePath(path).suffix.lower() == ".csv":
        data, lines = read_split_csv_file(path)
    else:
        data, lines = read_yaml(path)
    return parse_split(cs, data, str(path), lines)
