"""Scenario files, folders and globs -> the runs of a batch, with ``sweep:`` expanded.

A run is plain data plus its line map, so workers (local or on a Dask cluster) validate
it themselves and a bad file becomes one failed run with its located error instead of
stopping the batch. A ``sweep:`` block maps a field path to a list of values::

    sweep:
      budget.total: [5e5, 1e6, 2e6]
      targets.roi_min: [2, 3]
      channels.douyin_feed.max_spend: [400000, 800000]

and expands to their grid (6 x 2 runs here), each named
``<name>[budget.total=500000,targets.roi_min=2]``. A path step after a list is an index
(``channels[1].max_spend`` or ``channels.1.max_spend``) or an item's ``id``. Values are set
on the plain data before validation, and the swept field takes the line of its ``sweep:``
entry, so a bad value is reported where it was written. ``5e5`` is read as a number
(PyYAML, following YAML 1.1, would read it as text).
"""

from __future__ import annotations

import copy
import glob
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import Any

from simulator.io.errors import Issue, Path, ScenarioError, format_path
from simulator.io.yaml_loader import LineMap, read_yaml

SCENARIO_SUFFIXES = (".yaml", ".yml")
MAX_GRID = 10_000  # a typo such as a 1,000-value list should fail loudly, not run for days


@dataclass(frozen=True)
class RunSpec:
    """One run of a batch: expanded plain data, or the located error that stopped it early."""

    name: str
    file: str
    data: Any  # the plain data to validate; ignored when ``error`` is set
    lines: LineMap = field(default_factory=dict)
    sweep: dict[str, Any] = field(default_factory=dict)
    error: str = ""
    source: str = ""  # the file's text for a run without sweep (its YAML export keeps comments)


class InputError(ValueError):
    """A path given to the batch matches no scenario file (bad input, nothing runs)."""


def discover(paths: list[str]) -> list[str]:
    """Scenario files under ``paths`` (files, folders searched recursively, globs), sorted.

    Sorting makes the batch's row order and run names independent of the file system.
    """
    found: set[str] = set()
    missing: list[str] = []
    for raw in paths:
        matches = _expand_path(raw)
        if not matches:
            missing.append(raw)
        found.update(matches)
    if missing:
        raise InputError(
            "; ".join(f"{m}: no such file, folder or matching .yaml/.yml" for m in missing)
        )
    return sorted(found)


def _expand_path(raw: str) -> list[str]:
    candidates = glob.glob(raw, recursive=True) if glob.has_magic(raw) else [raw]
    out: list[str] = []
    for c in candidates:
        p = FilePath(c)
        if p.is_dir():
            out.extend(
                str(f)
                for f in sorted(p.rglob("*"))
                if f.is_file() and f.suffix.lower() in SCENARIO_SUFFIXES
            )
        elif p.is_file():
            out.append(str(p))
    return out


def expand_file(file: str) -> list[RunSpec]:
    """The runs of one scenario file: one, a sweep's grid, or one error run."""
    try:
        data, lines = read_yaml(file)
    except ScenarioError as exc:
        return [RunSpec(name=file, file=file, data=None, error=str(exc))]
    if not isinstance(data, dict):
        return [RunSpec(name=file, file=file, data=data, lines=lines)]  # validation says why
    name = str(data.get("name") or FilePath(file).stem)
    sweep = data.get("sweep")
    if sweep is None:
        source = FilePath(file).read_text(encoding="utf-8-sig")
        return [RunSpec(name=name, file=file, data=data, lines=lines, source=source)]
    try:
        axes = _sweep_axes(sweep, file, lines)
    except ScenarioError as exc:
        return [RunSpec(name=name, file=file, data=None, error=str(exc))]
    base = {k: v for k, v in data.items() if k != "sweep"}
    return [_sweep_point(base, lines, file, name, point) for point in _grid(axes)]


def expand(paths: list[str]) -> list[RunSpec]:
    """Every run under ``paths``; raises ``InputError`` for a path that matches nothing."""
    return [run for file in discover(paths) for run in expand_file(file)]


def _sweep_axes(sweep: Any, file: str, lines: LineMap) -> list[tuple[str, list[Any]]]:
    """Check the ``sweep:`` block's shape: a mapping of field path to a non-empty list."""
    if not isinstance(sweep, dict) or not sweep:
        line = lines.get(("sweep",))
        msg = "must be a mapping of field path to a list of values (e.g. budget.total: [5e5, 1e6])"
        raise ScenarioError([Issue(file, line, "sweep", msg)])
    issues = []
    size = 1
    for key, values in sweep.items():
        if not isinstance(values, list) or not values:
            where = lines.get(("sweep", key))
            issues.append(Issue(file, where, f"sweep.{key}", "must be a non-empty list of values"))
        else:
            size *= len(values)
    if size > MAX_GRID:
        msg = f"the grid has {size:,} points; at most {MAX_GRID:,} are allowed"
        issues.append(Issue(file, lines.get(("sweep",)), "sweep", msg))
    if issues:
        raise ScenarioError(issues)
    return [(str(k), list(v)) for k, v in sweep.items()]


def _grid(axes: list[tuple[str, list[Any]]]) -> list[dict[str, Any]]:
    keys = [k for k, _ in axes]
    values = [[_number(v) for v in vs] for _, vs in axes]
    return [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*values)]


_EXPONENT = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)[eE][-+]?\d+$")


def _number(value: Any) -> Any:
    """``5e5`` as a number: YAML 1.1 (PyYAML) reads it as text, users mean 500000."""
    if isinstance(value, str) and _EXPONENT.match(value.strip()):
        return float(value)
    return value


def format_value(value: Any) -> str:
    """A sweep value as it appears in a run's name: ``5e5`` -> ``500000``."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return str(value)


def _sweep_point(
    base: dict[str, Any], lines: LineMap, file: str, name: str, point: dict[str, Any]
) -> RunSpec:
    label = ",".join(f"{k}={format_value(v)}" for k, v in point.items())
    run_name = f"{name}[{label}]"
    data = copy.deepcopy(base)
    run_lines = dict(lines)
    issues = []
    for key, value in point.items():
        try:
            path = set_path(data, key, value)
        except KeyError as exc:
            issues.append(Issue(file, lines.get(("sweep", key)), f"sweep.{key}", str(exc.args[0])))
            continue
        sweep_line = lines.get(("sweep", key))
        if sweep_line is not None:
            run_lines[path] = sweep_line
    if issues:
        return RunSpec(run_name, file, None, sweep=point, error=str(ScenarioError(issues)))
    data["name"] = run_name
    return RunSpec(name=run_name, file=file, data=data, lines=run_lines, sweep=point)


_STEP = re.compile(r"[^.\[\]]+|\[\d+\]")


def split_key(key: str) -> list[str]:
    """``channels[1].response.scale`` -> ``["channels", "1", "response", "scale"]``."""
    return [s.strip("[]") for s in _STEP.findall(key)]


def set_path(data: dict[str, Any], key: str, value: Any) -> Path:
    """Set ``value`` at dotted ``key`` in plain data; returns the concrete field path.

    Missing mapping keys are created (``targets.roi_min`` on a scenario without targets);
    the schema then judges whether the key is allowed. Raises ``KeyError`` with a message
    naming the step that cannot be followed.
    """
    steps = split_key(key)
    if not steps:
        raise KeyError("empty field path; write it as e.g. budget.total")
    node: Any = data
    path: list[str | int] = []
    for i, step in enumerate(steps):
        last = i == len(steps) - 1
        if isinstance(node, list):
            idx = _list_index(node, step, format_path(tuple(path)))
            path.append(idx)
            if last:
                node[idx] = value
            else:
                node = node[idx]
        elif isinstance(node, dict):
            path.append(step)
            if last:
                node[step] = value
            else:
                node = node.setdefault(step, {})
        else:
            where = format_path(tuple(path))
            raise KeyError(f"'{where}' is a value, not a mapping or list; cannot set '{step}'")
    return tuple(path)


def _list_index(items: list[Any], step: str, where: str) -> int:
    """A list step: a 0-based index or the ``id`` of one item."""
    if step.isdigit():
        idx = int(step)
        if idx >= len(items):
            raise KeyError(f"{where} has {len(items)} items; index {idx} is out of range")
        return idx
    ids = [item.get("id") for item in items if isinstance(item, dict)]
    for idx, item in enumerate(items):
        if isinstance(item, dict) and str(item.get("id")) == step:
            return idx
    known = ", ".join(str(i) for i in ids) or "none"
    raise KeyError(f"{where} has no item with id '{step}'; known: {known}")
