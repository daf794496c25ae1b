"""The Python functions users script against (CONTRACT.md section 4)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from simulator.model.compiled import CompiledScenario, Split
from simulator.model.split import as_split
from simulator.results import Result, outcome_result

if TYPE_CHECKING:  # imported when called: loading the simulation waits for its first use
    from simulator.simulate.summary import SimulationResult


def evaluate(scenario: CompiledScenario, split: Split | Mapping[str, Any] | None = None) -> Result:
    """Expected outcome of a split (evenly spent unless it has a daily plan)."""
    return outcome_result(scenario, as_split(scenario, split))


def optimize(scenario: CompiledScenario, plan: str = "total", **options: Any) -> Result:
    """The recommended split (``plan="daily"``: by day) under budget, bounds and targets."""
    from simulator.optimize import optimize as run_optimizer

    return run_optimizer(scenario, plan=plan, **options)


def simulate(
    scenario: CompiledScenario,
    split: Split | Mapping[str, Any] | None = None,
    runs: int = 1000,
    seed: int = 0,
    **options: Any,
) -> SimulationResult:
    """Monte Carlo over ``runs`` day-by-day campaigns (without a split: the optimised one)."""
    from simulator.simulate import simulate as run_simulation

    notes: tuple[str, ...] = ()
    if split is None:
        rec = optimize(scenario)
        split = rec.split
        if rec.message:
            notes = (f"the optimised split is {rec.status}: {rec.message}",)
    return run_simulation(scenario, split, runs=runs, seed=seed, notes=notes, **options)
