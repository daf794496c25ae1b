"""How often a plan meets every target: simulated runs, and a Wilson interval around it.

Every plan the search compares is simulated with the same seed (common random numbers), so
two margins are judged on the same market days and the share moves with the plan, not with
the draws.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from simulator.model.compiled import CompiledScenario, Split
from simulator.optimize.search.space import wilson_lower
from simulator.simulate import simulate

INTERVAL_LEVEL = 0.95  # two-sided level of the reported interval


@dataclass(frozen=True)
class Measure:
    """``met`` of ``runs`` runs simulated with ``seed`` met every target."""

    met: int
    runs: int
    seed: int = 0

    @property
    def share(self) -> float:
        return self.met / self.runs

    def interval(self, level: float = INTERVAL_LEVEL) -> tuple[float, float]:
        return wilson_interval(self.met, self.runs, level)


def wilson_interval(met: int, runs: int, level: float = INTERVAL_LEVEL) -> tuple[float, float]:
    """Two-sided Wilson score interval of a share: good near 0 and 1, where the normal
    approximation leaves [0, 1]; each side is the one-sided bound at ``(1 + level) / 2``."""
    tail = (1 + level) / 2
    return wilson_lower(met, runs, tail), 1.0 - wilson_lower(runs - met, runs, tail)


def measure(
    cs: CompiledScenario, split: Split, runs: int, seed: int, sim_options: dict[str, Any]
) -> Measure:
    """Simulate ``split`` on ``cs`` and count the runs meeting every target of ``cs``."""
    sim = simulate(cs, split, runs=runs, seed=seed, **sim_options)
    return Measure(round(sim.p_targets_met * sim.runs), sim.runs, seed)
