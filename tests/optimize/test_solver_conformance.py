"""Every exact solver behind the one protocol keeps the same promises (solver_suite.py)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from simulator.model.curves import FloatArray
from simulator.optimize.exact.solver import SOLVERS, Concave, SCurves, Solver, WholeUnits, pick
from simulator.optimize.problem import Allocation, Problem
from tests.optimize.solver_suite import check_answer, check_unreachable_floor, problems_for

Drawn = tuple[Problem, FloatArray]
KIND = {
    "on-off minimums": "onoff",
    "whole units": "units",
    "S-curves": "scurves",
    "concave allocator": "concave",
}
SETTINGS = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_every_solver_has_a_problem_kind() -> None:
    assert {s.name for s in SOLVERS} == set(KIND)


@pytest.mark.parametrize("solver", SOLVERS, ids=[s.name for s in SOLVERS])
def test_solver_keeps_budget_bounds_units_and_beats_a_grid(solver: Solver) -> None:
    @SETTINGS
    @given(problems_for(KIND[solver.name]))
    def run(drawn: Drawn) -> None:
        p, units = drawn
        check_answer(solver, p, units)

    run()


@pytest.mark.parametrize("solver", SOLVERS, ids=[s.name for s in SOLVERS])
def test_solver_reports_an_unreachable_floor_as_infeasible(solver: Solver) -> None:
    @settings(max_examples=5, deadline=None)
    @given(problems_for(KIND[solver.name]))
    def run(drawn: Drawn) -> None:
        p, units = drawn
        check_unreachable_floor(solver, p, units)

    run()


@given(problems_for("units"))
@settings(max_examples=5, deadline=None)
def test_pick_prefers_units_then_scurves_then_the_allocator(drawn: Drawn) -> None:
    p, units = drawn
    assert isinstance(pick(p, units), WholeUnits)
    assert isinstance(pick(p, np.zeros(p.n)), Concave)


@given(problems_for("scurves"))
@settings(max_examples=5, deadline=None)
def test_pick_sends_s_curves_to_the_envelope_solver(drawn: Drawn) -> None:
    p, _ = drawn
    assert isinstance(pick(p, np.zeros(p.n)), SCurves)


class _StartPoint:
    """A solver that returns the start point and calls it optimal: what the suite exists to
    catch (a local solver that never moved)."""

    name = "start point"

    def accepts(self, problem: Problem, units: FloatArray) -> bool:
        return True

    def solve(self, problem: Problem, units: FloatArray) -> Allocation:
        x = problem.lower.copy()
        return Allocation(x, problem.objective_value(x), "optimal")


@given(problems_for("concave"))
@settings(max_examples=3, deadline=None)
def test_the_suite_fails_a_solver_that_returns_the_start_point(drawn: Drawn) -> None:
    p, units = drawn
    with pytest.raises(AssertionError):
        check_answer(_StartPoint(), p, units)
