"""The before/after snapshot of a refactor: the exact bytes users script against.

Every bundled scenario (evaluate of its own split, optimise in total and by day, a seeded
simulation) and the benchmarks' synthetic problems are run through the CLI in-process and
their JSON (and the optimiser's CSV and YAML exports) kept as text. ``tests/test_golden.py``
compares today's bytes with the stored ones; a change that means to alter the output
regenerates them on purpose::

    .venv/bin/python -m tests.golden.snapshot --write
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from simulator.cli import main

ROOT = Path(__file__).resolve().parents[2]
STORE = Path(__file__).resolve().parent / "outputs"
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml")) + sorted(
    (ROOT / "scenarios" / "batch").glob("*.yaml")
)
COMMANDS: dict[str, list[str]] = {
    "evaluate": ["evaluate"],
    "optimize": ["optimize"],
    "optimize-daily": ["optimize", "--plan", "daily"],
    "simulate": ["simulate", "--runs", "50", "--seed", "1"],
}


def _run(argv: list[str]) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(argv)
    return f"exit {code}\n{out.getvalue()}"


def _benchmark(module: str, name: str) -> Any:
    """A scenario builder of ``benchmarks/``: the snapshot runs the benchmarks' own problems."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        return getattr(importlib.import_module(module), name)
    finally:
        sys.path.pop(0)


def _synthetic(n_channels: int, horizon_days: int, daily_event: bool) -> dict[str, Any]:
    if daily_event:  # bench_daily's 20 x 90 scenario: events, adstock and daily caps
        data: dict[str, Any] = _benchmark("bench_daily", "scenario_data")()
        assert (len(data["channels"]), data["horizon_days"]) == (n_channels, horizon_days)
        return data
    built: dict[str, Any] = _benchmark("_scenarios", "synthetic_data")(
        n_channels, seed=0, horizon_days=horizon_days
    )
    return built


def cases() -> Iterator[tuple[str, list[str], dict[str, Any] | None]]:
    """(name, argv with ``{file}`` for the scenario, synthetic data or None) per snapshot."""
    for path in SCENARIOS:
        rel = str(path.relative_to(ROOT))
        has_split = "\nsplit:" in path.read_text(encoding="utf-8")
        for label, argv in COMMANDS.items():
            if label == "evaluate" and not has_split:
                continue
            yield f"{path.stem}.{label}", [*argv, rel, "--format", "json"], None
    yield (
        "ecommerce_q4.optimize-csv",
        ["optimize", "scenarios/ecommerce_q4.yaml", "--out", "{out}.csv"],
        None,
    )
    yield (
        "ecommerce_q4.optimize-yaml",
        ["optimize", "scenarios/ecommerce_q4.yaml", "--out", "{out}.yaml"],
        None,
    )
    yield (
        "synthetic-20.optimize",
        ["optimize", "{file}", "--format", "json"],
        _synthetic(20, 30, False),
    )
    yield (
        "synthetic-100.optimize",
        ["optimize", "{file}", "--format", "json"],
        _synthetic(100, 30, False),
    )
    yield (
        "synthetic-20x90.optimize-daily",
        ["optimize", "{file}", "--plan", "daily", "--format", "json"],
        _synthetic(20, 90, True),
    )


def render(argv: list[str], data: dict[str, Any] | None) -> str:
    """The text a case produces today: exit code, stdout, and any file it wrote."""
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / "scenario.yaml"
        if data is not None:
            file.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        out = Path(tmp) / "out"
        args = [a.replace("{file}", str(file)).replace("{out}", str(out)) for a in argv]
        text = _run(args)
        for written in sorted(Path(tmp).glob("out.*")):
            text += f"--- {written.suffix}\n{written.read_text(encoding='utf-8')}"
    return text


def main_write() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="store today's bytes")
    args = parser.parse_args()
    STORE.mkdir(exist_ok=True)
    for name, argv, data in cases():
        text = render(argv, data)
        target = STORE / f"{name}.txt"
        if args.write:
            target.write_text(text, encoding="utf-8")
        else:
            same = target.exists() and target.read_text(encoding="utf-8") == text
            sys.stdout.write(("same    " if same else "CHANGED ") + name + "\n")


if __name__ == "__main__":
    main_write()
