"""What a search trial scores: its objective and constraints, from simulated runs.

Every trial simulates with the same seed (common random numbers), so two splits are
compared on the same market days; where the draws' count depends on the split the
streams drift apart, which only costs precision, never fairness. Constraints follow
Optuna's sign (<= 0 is met) and are relative, so targets of any size weigh alike.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np

from simulator.model.compiled import CompiledScenario
from simulator.model.curves import FloatArray
from simulator.model.metrics import RATIOS_OF_TOTALS
from simulator.model.targets import TARGETS, shortfall
from simulator.optimize.search.space import ChanceTarget, Space, wilson_lower
from simulator.simulate import simulate
from simulator.simulate.summary import targets_met


@dataclass(frozen=True)
class Settings:
    """What a study depends on; its hash names the default study."""

    runs: int = 200
    seed: int = 0
    chance: tuple[ChanceTarget, ...] = ()
    confidence: float = 0.95
    sim_options: dict[str, Any] = field(default_factory=dict)
    all_targets: float | None = None  # share of runs that must meet every target at once

    def digest(self, cs: CompiledScenario, start: FloatArray | None) -> str:
        settings = asdict(self)
        if self.all_targets is None:  # unset: the name studies had before the field
            del settings["all_targets"]
        doc = {
            "scenario": cs.digest,
            "settings": settings,
            "start": None if start is None else [round(float(v), 6) for v in start],
        }
        return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()[:12]


def objective_metric(cs: CompiledScenario) -> tuple[str, Literal["minimize", "maximize"]]:
    """The per-run metric the study optimises, and its direction."""
    if cs.objective == "min_spend":
        return "spend", "minimize"
    return cs.objective, "maximize"


def constraint_values(
    cs: CompiledScenario, per_run: Mapping[str, FloatArray], settings: Settings
) -> list[float]:
    """Optuna constraints (<= 0 met), relative: the scenario's targets on the simulated
    means (ROI and CAC as ratios of means, like the expected-value model), then each chance
    target as ``probability - Wilson lower bound of the share of runs meeting it``, then
    (with ``all_targets``) that share less the share of runs meeting every target."""
    out = []
    mean = {
        k: float(np.nanmean(v)) if np.isfinite(v).any() else math.nan for k, v in per_run.items()
    }
    for name, bound in cs.active_targets().items():
        metric = TARGETS[name].metric
        of_means = RATIOS_OF_TOTALS.get(metric)
        value = float(of_means(mean.__getitem__)) if of_means else mean[metric]
        gap = float(shortfall(name, value, bound))
        out.append(gap if math.isfinite(gap) else 1.0)
    runs = len(per_run["spend"])
    for ch in settings.chance:
        met = float(ch.met(per_run).sum())
        out.append(ch.probability - wilson_lower(met, runs, settings.confidence))
    if settings.all_targets is not None:
        met = float(targets_met(cs.active_targets(), per_run).sum())
        out.append(settings.all_targets - met / runs)
    return out


def run_split(
    cs: CompiledScenario, space: Space, spend: FloatArray, settings: Settings, seed: int
) -> dict[str, FloatArray]:
    """Per-run metrics of a channel split, simulated with ``seed``."""
    alloc = {cid: float(v) for cid, v in zip(space.channel_ids, spend, strict=True)}
    sim = simulate(cs, {"allocation": alloc}, runs=settings.runs, seed=seed, **settings.sim_options)
    return {k: np.asarray(v, dtype=float) for k, v in sim.per_run.items()}
