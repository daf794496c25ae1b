"""An optional last step: the search by simulation, seeded with the margin's plan.

The margin family moves every target by one number; a split outside it may earn more and
still meet the targets in ``c`` of the runs. The Optuna search (``optimize/search``) tries
channel splits from the plan on, with the share of runs meeting every target as one more
constraint. Its best split replaces the plan only if the search's own fresh-seed comparison
says it earns more, the engine finds every constraint and target met in expectation, its
expected objective is higher, and on the confidence search's seed it still reaches ``c``.
"""

from __future__ import annotations

from typing import Any

from simulator.expected import evaluate_split, totals
from simulator.model.compiled import CompiledScenario
from simulator.model.split import as_split
from simulator.optimize.certificate import FEASIBILITY_TOL, check_feasible, objective_total
from simulator.optimize.confidence.margin import with_margin
from simulator.optimize.confidence.measure import Measure, measure
from simulator.optimize.search.study import search
from simulator.results import Result, outcome_result


def refine(
    cs: CompiledScenario,
    plan: Result,
    trials: int,
    runs: int,
    seed: int,
    sim_options: dict[str, Any],
) -> tuple[Result, Measure | None, dict[str, Any]]:
    """The plan or the search's better split, its share on ``seed``, and what was tried."""
    assert cs.confidence is not None
    assert plan.split is not None
    found = search(
        with_margin(cs, 0.0),
        trials=trials,
        runs=runs,
        seed=seed,
        start=plan.allocation,
        sim_options=sim_options,
        all_targets=cs.confidence,
    )
    info: dict[str, Any] = {"trials": trials, "improved": False, "search": found.message}
    if not found.improved:
        return plan, None, info
    split = as_split(cs, {"allocation": found.best})
    cert = check_feasible(cs, split, "found by the search by simulation")
    share = measure(cs, split, runs, seed, sim_options)
    before = objective_total(cs, totals(cs, evaluate_split(cs, plan.split)))
    after = objective_total(cs, totals(cs, evaluate_split(cs, split)))
    better = after < before if cs.objective == "min_spend" else after > before
    if cert.max_violation > FEASIBILITY_TOL or share.share < cs.confidence or not better:
        info["search"] += "; not taken: it does not meet the targets or earn more on the engine"
        return plan, None, info
    result = outcome_result(cs, split, status="feasible")
    result.certificate = cert
    result.warnings = [*plan.warnings, *result.warnings]
    info.update(improved=True, objective_before=before, objective_after=after)
    return result, share, info
