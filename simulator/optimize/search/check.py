"""The search's verdict: the best split against the start on a fresh seed.

Selecting the best of many trials on one seed flatters it; re-simulating the start and
the best split on a *fresh* seed does not. The runs are paired (same seed, same market
days), so the interval is on the per-run difference, which is much tighter than the
difference of two independent means.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from simulator.model.compiled import CompiledScenario
from simulator.model.curves import FloatArray
from simulator.optimize.search.score import (
    Settings,
    constraint_values,
    objective_metric,
    run_split,
)
from simulator.optimize.search.space import Space


@dataclass(frozen=True)
class Comparison:
    """Best minus start under a fresh seed: mean paired difference and its 95% interval."""

    metric: str
    start: float
    best: float
    diff: float
    low: float
    high: float
    runs: int
    seed: int
    chance_start: tuple[float, ...]  # share of fresh runs meeting each chance target
    chance_best: tuple[float, ...]
    feasible_start: bool
    feasible_best: bool


def compare(
    cs: CompiledScenario,
    space: Space,
    start: FloatArray,
    best: FloatArray,
    settings: Settings,
    seed: int,
) -> Comparison:
    """Simulate both splits on the same fresh seed; pair the runs for the interval."""
    metric, direction = objective_metric(cs)
    a = run_split(cs, space, start, settings, seed)
    b = run_split(cs, space, best, settings, seed) if not np.array_equal(start, best) else a
    d = b[metric] - a[metric]
    if direction == "minimize":
        d = -d
    n = d.size
    half = float(stats.t.ppf(0.975, n - 1) * d.std(ddof=1) / math.sqrt(n)) if n > 1 else math.inf
    mean = float(d.mean())
    return Comparison(
        metric=metric,
        start=float(a[metric].mean()),
        best=float(b[metric].mean()),
        diff=mean,
        low=mean - half,
        high=mean + half,
        runs=n,
        seed=seed,
        chance_start=tuple(float(c.met(a).mean()) for c in settings.chance),
        chance_best=tuple(float(c.met(b).mean()) for c in settings.chance),
        feasible_start=all(v <= 0 for v in constraint_values(cs, a, _plain(settings))),
        feasible_best=all(v <= 0 for v in constraint_values(cs, b, _plain(settings))),
    )


def _plain(settings: Settings) -> Settings:
    """The same targets judged on the estimate itself (no confidence margin)."""
    return dataclasses.replace(settings, confidence=0.5)


def summary(comp: Comparison, settings: Settings, same: bool, feasible: bool) -> str:
    """One sentence for a marketer: what the search found, and how sure that is."""
    ci = (
        f"{comp.metric} {comp.diff:+,.0f} against the start (95% CI {comp.low:+,.0f} to "
        f"{comp.high:+,.0f}, paired over {comp.runs} runs of a fresh seed {comp.seed})"
    )
    chance = "; ".join(
        f"P({c.target} {c.value:g}) {a:.0%} -> {b:.0%} (needs {c.probability:.0%})"
        for c, a, b in zip(settings.chance, comp.chance_start, comp.chance_best, strict=True)
    )
    tail = f"; {chance}" if chance else ""
    if not feasible:
        return f"no split tried met every target; the least violating is shown: {ci}{tail}"
    if same:
        return f"the search found no split better than the start under simulation{tail}"
    if comp.feasible_best and not comp.feasible_start:
        return (
            f"the start misses a target under simulation; the search's split meets it: {ci}{tail}"
        )
    if comp.low > 0:
        return f"the search's split improves on the start under simulation: {ci}{tail}"
    return f"the search did not improve on the start under simulation: {ci}{tail}"
