"""The plan that meets every target in at least ``c`` of simulated runs, earning most.

The exact answer comes first. If it already meets every target in ``c`` of the runs it is
the answer: it is the best plan meeting the targets in expectation, and it meets them in
``c`` of the runs too. Otherwise the targets are tightened in expectation by a margin ``m``
(``margin.py``): doubling ``m`` until the share of runs reaches ``c`` (or the tightened
targets can no longer be met), then bisecting. A larger margin never earns more, so the
smallest margin that reaches ``c`` is the best plan of that family; it meets the targets in
expectation and in ``c`` of the runs, but is not proven best among all such plans, so its
status is ``feasible``. Every step simulates with the same seed (``measure.py``).

Picking the smallest margin whose share reaches ``c`` on one seed favours margins that were
lucky on it, so the chosen plan is simulated once more with the next seed and that share
is reported beside the search's (``confidence.check``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from simulator.model.compiled import CompiledScenario
from simulator.optimize.confidence.margin import with_margin
from simulator.optimize.confidence.measure import Measure, measure
from simulator.optimize.confidence.refine import refine
from simulator.optimize.confidence.report import attach
from simulator.results import Result

DEFAULT_RUNS = 1000
DEFAULT_SEED = 0
FIRST_MARGIN = 0.02  # 2% stricter: then doubled
MAX_MARGIN = 2.56  # targets 3.56 times stricter: past any real plan's spread
MARGIN_TOL = 0.001  # the bisection stops when the margin is known to 0.1 point
MAX_BISECTIONS = 10
MAX_STEPS = 1 + 8 + MAX_BISECTIONS + MAX_BISECTIONS  # the progress bar's total

Exact = Callable[[CompiledScenario], Result]
Progress = Callable[[int, int], None]  # (steps done, most steps there can be)


@dataclass(frozen=True)
class Step:
    """One margin tried: the exact plan for it and how often it meets the real targets."""

    margin: float
    result: Result
    measure: Measure

    @property
    def planned(self) -> bool:
        """Whether the tightened targets could be met in expectation."""
        return self.result.status in ("optimal", "feasible")


@dataclass
class Search:
    """The state of one search: the scenario, the simulation's settings, the steps so far."""

    cs: CompiledScenario
    exact: Exact
    runs: int
    seed: int
    sim_options: dict[str, Any]
    progress: Progress | None = None
    steps: list[Step] = field(default_factory=list)

    def at(self, margin: float) -> Step:
        result = self.exact(with_margin(self.cs, margin))
        assert result.split is not None  # optimize keeps the split it evaluated
        m = measure(self.cs, result.split, self.runs, self.seed, self.sim_options)
        step = Step(margin, result, m)
        self.steps.append(step)
        if self.progress is not None:
            self.progress(len(self.steps), MAX_STEPS)
        return step

    def reaches(self, step: Step) -> bool:
        assert self.cs.confidence is not None
        return step.planned and step.measure.share >= self.cs.confidence


def plan_with_confidence(
    cs: CompiledScenario,
    exact: Exact,
    runs: int = DEFAULT_RUNS,
    seed: int = DEFAULT_SEED,
    sim_options: dict[str, Any] | None = None,
    progress: Progress | None = None,
    refine_trials: int = 0,
    daily: bool = False,
) -> Result:
    """The best plan of the margin family meeting every target in ``cs.confidence`` of
    ``runs`` simulated runs (seed ``seed``); see the module docstring.

    Args:
        exact: the exact optimiser for a scenario without ``confidence`` (total or daily).
        sim_options: the simulation's options (``SimOptions`` fields), default its defaults.
        progress: called after each simulated step with (steps done, most steps).
        refine_trials: this many trials of the search by simulation, seeded with the plan
            (``refine.py``); 0 (default) skips it, and plans by day are never refined.
        daily: whether ``exact`` plans by day.
    """
    if cs.confidence is None:
        raise ValueError("plan_with_confidence needs a scenario with targets.confidence")
    search = Search(cs, exact, runs, seed, dict(sim_options or {}), progress)
    chosen, reached = _choose(search)
    refined: dict[str, Any] | None = None
    if reached and refine_trials > 0 and not daily:
        plan, share, refined = refine(
            cs, chosen.result, refine_trials, runs, seed, search.sim_options
        )
        if share is not None:
            chosen = Step(chosen.margin, plan, share)
    check = None
    if chosen.planned:  # the chosen share is the best of several on one seed: re-measure it
        assert chosen.result.split is not None
        check = measure(cs, chosen.result.split, runs, check_seed(seed), search.sim_options)
    return attach(cs, chosen, search.steps, reached=reached, check=check, refined=refined)


def check_seed(seed: int) -> int:
    """The seed of the independent re-measure: the next one (wrapping at the top)."""
    return (seed + 1) % 2**63


def _choose(search: Search) -> tuple[Step, bool]:
    """The step to answer with, and whether it reaches the confidence."""
    first = search.at(0.0)
    if not first.planned or search.reaches(first):
        return first, first.planned
    best = _bracket_and_bisect(search, first)
    if best is None:
        planned = (s for s in search.steps if s.planned)
        return max(planned, key=lambda s: s.measure.share), False
    return best, True


def _bracket_and_bisect(search: Search, low: Step) -> Step | None:
    """The smallest margin found to reach the confidence, or None if none does.

    ``low`` is planned and falls short. Doubling finds a margin that reaches it, or one
    whose tightened targets cannot be planned (then the bisection looks below that edge).
    """
    high: Step | None = None
    edge: Step | None = None
    margin = FIRST_MARGIN
    while margin <= MAX_MARGIN:
        step = search.at(margin)
        if search.reaches(step):
            high = step
            break
        if not step.planned:
            edge = step
            break
        low, margin = step, margin * 2
    if high is None and edge is None:
        return None
    for _ in range(MAX_BISECTIONS):
        top = high if high is not None else edge
        assert top is not None
        if top.margin - low.margin <= MARGIN_TOL:
            break
        step = search.at((low.margin + top.margin) / 2)
        if search.reaches(step):
            high = step
        elif step.planned:
            low = step
        else:
            edge = step
    return high
