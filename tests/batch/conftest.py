"""Small scenario folders for batch tests, written to tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest

SCENARIO = """\
name: {name}
horizon_days: 30
budget:
  total: {budget}
objective: revenue
targets:
  roi_min: 2.0
channels:
  - id: search
    response: {{type: hill, max_conversions: 8000, half_saturation: 300000, shape: 0.9}}
    aov: 200
    new_customer_rate: 0.6
  - id: feed
    response: {{type: exponential, max_conversions: 6000, scale: 250000}}
    aov: {aov}
    new_customer_rate: 0.8
"""

SWEEP = """\
sweep:
  budget.total: [{budgets}]
"""

# the second channel's aov sits on line 15 of the file.
BROKEN_LINE = 15


def scenario_text(name: str, budget: float = 400000, aov: float = 150) -> str:
    return SCENARIO.format(name=name, budget=budget, aov=aov)


def write_batch(folder: Path, n_files: int, per_file: int, broken: int = 0) -> int:
    """``n_files`` scenarios, each sweeping ``per_file`` budgets, plus ``broken`` files with a
    negative aov on line ``BROKEN_LINE``. Returns the number of runs."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n_files):
        budgets = ", ".join(str(100000 * (k + 1) + 1000 * i) for k in range(per_file))
        text = scenario_text(f"brand-{i:02d}") + SWEEP.format(budgets=budgets)
        (folder / f"brand_{i:02d}.yaml").write_text(text)
    for i in range(broken):
        (folder / f"broken_{i}.yaml").write_text(scenario_text(f"broken-{i}", aov=-5))
    return n_files * per_file + broken


@pytest.fixture
def batch_dir(tmp_path: Path) -> Path:
    """49 good runs (7 files x 7 budgets) and one broken file: 50 runs."""
    folder = tmp_path / "scenarios"
    assert write_batch(folder, n_files=7, per_file=7, broken=1) == 50
    return folder


def output_bytes(out: Path) -> dict[str, bytes]:
    """Every result file of a batch folder except the SQLite databases (the record and the
    Optuna studies hold timings)."""
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and not p.name.startswith(("results.sqlite", "optuna.sqlite"))
    }
