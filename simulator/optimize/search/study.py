"""Search by simulation: an Optuna study over splits, for what the expected value cannot see.

The exact allocator is optimal for the expected-value model. The simulation adds what that
model leaves out (creatives that learn and tire, pacing, caps that bind by chance, noise)
and lets a target be a *chance*: "P(ROI >= 3) >= 90%". This module searches splits by
simulating them:

- a trial is a split on the budget simplex, within the bounds by construction
  (:mod:`simulator.optimize.search.space`);
- the study starts from the exact answer (``enqueue_trial``; a growing customer base is
  planned through ``optimize``'s fixed point, reported as ``fixed_point``) and uses TPE
  with the targets as Optuna constraints (a value <= 0 is met);
- every trial simulates with the same seed (common random numbers) and is scored on
  the simulated runs (:mod:`simulator.optimize.search.score`);
- the study lives in a database (SQLite by default in the command), so it resumes;
- the answer re-simulates the start and the best split with a *fresh* seed and reports
  the paired difference of the objective with a confidence interval
  (:mod:`simulator.optimize.search.check`).

This module holds the study itself: opening or resuming it, its trials, and the answer.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import optuna

from simulator.model.compiled import CompiledScenario
from simulator.model.curves import FloatArray
from simulator.optimize import optimize
from simulator.optimize.fixed_point import FixedPoint, loop_sentence
from simulator.optimize.search.check import Comparison, compare, summary
from simulator.optimize.search.score import (
    Settings,
    constraint_values,
    objective_metric,
    run_split,
)
from simulator.optimize.search.space import ChanceTarget, Space, project, wilson_lower
from simulator.optimize.search.storage import open_storage

__all__ = [  # ChanceTarget, project and wilson_lower: re-exported for older callers
    "ChanceTarget",
    "SearchResult",
    "project",
    "search",
    "wilson_lower",
]

_NEW_CONSTRAINTS = hasattr(optuna.Trial, "set_constraint")


def _trial_constraints(trial: optuna.trial.FrozenTrial) -> list[float]:
    return [float(c) for c in trial.user_attrs.get("constraints", [1.0])]


def _set_constraints(trial: optuna.Trial, values: list[float]) -> None:
    """Record the constraints for the sampler (Optuna >= 5) and for :func:`best_trial`."""
    trial.set_user_attr("constraints", values)
    if _NEW_CONSTRAINTS:
        for k, v in enumerate(values):
            trial.set_constraint(f"c{k}", v)


def _feasible(trial: optuna.trial.FrozenTrial) -> bool:
    return all(c <= 0 for c in trial.user_attrs.get("constraints", [1.0]))


def best_trial(study: optuna.Study, direction: str) -> optuna.trial.FrozenTrial | None:
    """The best feasible complete trial; without one, the least violating."""
    done = [
        t for t in study.get_trials(deepcopy=False) if t.state.is_finished() and t.value is not None
    ]
    if not done:
        return None
    sign = 1.0 if direction == "maximize" else -1.0
    feasible = [t for t in done if _feasible(t)]
    if feasible:
        return max(feasible, key=lambda t: (sign * float(t.value or 0.0), -t.number))
    return min(done, key=lambda t: sum(max(c, 0.0) for c in t.user_attrs.get("constraints", [])))


def open_study(
    cs: CompiledScenario,
    settings: Settings,
    storage: str | None,
    study_name: str | None,
    start: FloatArray | None,
) -> optuna.Study:
    """Create or resume the study; the TPE sampler reads constraints from user attrs."""
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    name = study_name or f"{cs.name}-{settings.digest(cs, start)}"
    backend = open_storage(storage)
    direction = objective_metric(cs)[1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        probe = optuna.create_study(
            storage=backend, study_name=name, direction=direction, load_if_exists=True
        )
        # Optuna >= 5 reads constraints set on the trial; older ones need constraints_func.
        legacy: dict[str, Any] = (
            {} if _NEW_CONSTRAINTS else {"constraints_func": _trial_constraints}
        )
        sampler = optuna.samplers.TPESampler(
            seed=settings.seed + len(probe.trials),  # a resumed study draws new points
            n_startup_trials=8,
            multivariate=True,
            **legacy,
        )
        return optuna.create_study(
            storage=backend, study_name=name, sampler=sampler, load_if_exists=True
        )


@dataclass
class SearchResult:
    """A study's answer: the best split found and how it compares with the start."""

    scenario: str
    study: str
    storage: str | None
    trials: int
    new_trials: int
    start_label: str  # "exact" (the optimiser's answer) or "given"
    start: dict[str, float]
    best: dict[str, float]
    best_trial: int
    in_sample: dict[str, float]  # start and best objective on the search seed
    comparison: Comparison
    improved: bool
    feasible: bool  # the best split meets every target on the search seed
    message: str
    chance: tuple[ChanceTarget, ...] = ()
    # the exact start's ``certificate.fixed_point`` where the customer base grows
    fixed_point: dict[str, float | int | bool] | None = None

    def to_json(self) -> dict[str, Any]:
        doc = asdict(self)
        doc["chance"] = [asdict(c) for c in self.chance]
        if self.fixed_point is None:  # the key appears only where the base grows
            del doc["fixed_point"]
        return doc


def _start_spend(
    cs: CompiledScenario, start: Mapping[str, float] | None
) -> tuple[FloatArray, FixedPoint | None]:
    """The exact answer's channel totals, or a given ``{channel: spend}``; and the fixed
    point the exact answer came from where the base grows (``optimize`` plans through it)."""
    if start is None:
        rec = optimize(cs)
        spend = rec.split.spend if rec.split is not None else np.zeros(cs.n_ad_sets)
        loop = rec.certificate.fixed_point if rec.certificate is not None else None
        return cs.channel_sum(spend), loop
    unknown = sorted(set(start) - set(cs.channel_ids))
    if unknown:
        raise ValueError(f"start: unknown channel {unknown[0]!r}; use {', '.join(cs.channel_ids)}")
    return np.array([float(start.get(cid, 0.0)) for cid in cs.channel_ids]), None


def search(
    cs: CompiledScenario,
    trials: int = 50,
    runs: int = 200,
    seed: int = 0,
    storage: str | None = None,
    study_name: str | None = None,
    chance: Sequence[ChanceTarget] = (),
    start: Mapping[str, float] | None = None,
    confidence: float = 0.95,
    check_seed: int | None = None,
    progress: bool = False,
    sim_options: Mapping[str, Any] | None = None,
    all_targets: float | None = None,
) -> SearchResult:
    """Search splits by simulation, starting from the exact answer (or ``start``).

    ``trials`` more trials are run (a resumed study continues its count); each simulates
    ``runs`` runs with ``seed``. ``storage`` is any Optuna URL (None: in memory).
    ``chance`` targets are met when the one-sided Wilson bound at ``confidence`` of the
    share of runs meeting them reaches their probability. The comparison re-simulates the
    start and the best split with ``check_seed`` (default ``seed + 1``). ``all_targets``:
    the share of runs that must meet every target at once (``targets.confidence``).
    """
    settings = Settings(runs, seed, tuple(chance), confidence, dict(sim_options or {}), all_targets)
    space = Space.of(cs)
    raw, loop = _start_spend(cs, start)
    study = open_study(cs, settings, storage, study_name, raw)
    start_params = space.params_of(raw)
    if not study.trials:
        _enqueue_start(study, space, start_params, bool(settings.chance))
    _run_trials(study, cs, space, settings, trials, progress)
    best = best_trial(study, objective_metric(cs)[1])
    assert best is not None  # at least the start ran
    x0, x1 = space.spend_of(start_params), np.array(best.user_attrs["spend"])
    comp = compare(cs, space, x0, x1, settings, seed + 1 if check_seed is None else check_seed)
    given = "exact" if start is None else "given"
    answer = _answer(cs, study, best, (x0, x1), comp, settings, storage, trials, given)
    if loop is not None:
        answer.fixed_point = loop.to_json()
        unsettled = loop_sentence(loop)
        if unsettled is not None:
            answer.message = f"{answer.message} The exact start: {unsettled}."
    return answer


def _answer(
    cs: CompiledScenario,
    study: optuna.Study,
    best: optuna.trial.FrozenTrial,
    splits: tuple[FloatArray, FloatArray],
    comp: Comparison,
    settings: Settings,
    storage: str | None,
    new_trials: int,
    start_label: str,
) -> SearchResult:
    """The study's answer: improved only if the fresh seed says so (or the start fails)."""
    x0, x1 = splits
    same = bool(np.allclose(x0, x1, rtol=1e-9, atol=1e-9 * cs.budget))
    improved = not same and comp.feasible_best
    improved = improved and (comp.low > 0 or not comp.feasible_start)
    return SearchResult(
        scenario=cs.name,
        study=study.study_name,
        storage=storage,
        trials=len(study.trials),
        new_trials=new_trials,
        start_label=start_label,
        start=dict(zip(cs.channel_ids, map(float, x0), strict=True)),
        best=dict(zip(cs.channel_ids, map(float, x1), strict=True)),
        best_trial=best.number,
        in_sample={
            "start": float(study.trials[0].value or math.nan),
            "best": float(best.value or math.nan),
        },
        comparison=comp,
        improved=improved,
        feasible=_feasible(best),
        message=summary(comp, settings, same, _feasible(best)),
        chance=settings.chance,
    )


def _enqueue_start(
    study: optuna.Study, space: Space, start_params: dict[str, float], chance: bool
) -> None:
    """The start first; with chance targets, also its mix at 95..80% of its spend."""
    study.enqueue_trial(start_params)
    for level in (0.95, 0.9, 0.85, 0.8) if chance else ():
        # a chance target usually asks for the same mix with a margin: try it first
        lo, hi = space.level_range()
        scaled = start_params["spend"] * level
        study.enqueue_trial(start_params | {"spend": float(np.clip(scaled, lo, hi))})


def _run_trials(
    study: optuna.Study,
    cs: CompiledScenario,
    space: Space,
    settings: Settings,
    trials: int,
    progress: bool,
) -> None:
    """Run ``trials`` more trials; each records its constraints and spend as user attrs."""
    metric = objective_metric(cs)[0]

    def objective(trial: optuna.Trial) -> float:
        x = space.suggest(trial)
        per_run = run_split(cs, space, x, settings, settings.seed)
        _set_constraints(trial, constraint_values(cs, per_run, settings))
        trial.set_user_attr("spend", [float(v) for v in x])
        return float(np.mean(per_run[metric]))

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        study.optimize(objective, n_trials=trials, show_progress_bar=progress)
