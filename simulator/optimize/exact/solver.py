"""One small protocol for the exact solvers, and the order in which they are tried.

Each solver says which problems it takes (``accepts``) and answers them (``solve``) with
an :class:`~simulator.optimize.problem.Allocation`. The caller picks the first solver
that accepts, so a new solver (say, for a new kind of lumpiness) is one class added to
:data:`SOLVERS`; ``tests/optimize/solver_suite.py`` then holds it to the same promises as
the others: budget, bounds, optimality conditions or a bound, and honest infeasibility.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from simulator.model.curves import FloatArray
from simulator.optimize.exact.allocator import optimize_exact
from simulator.optimize.problem import Allocation, Problem


class Solver(Protocol):
    """An exact solver: which problems it takes, and its answer to them."""

    @property
    def name(self) -> str:
        """What the solver is called in messages and benchmarks."""
        ...

    def accepts(self, problem: Problem, units: FloatArray) -> bool:
        """True when this solver answers ``problem`` (``units``: whole-unit sizes, 0 = none)."""
        ...

    def solve(self, problem: Problem, units: FloatArray) -> Allocation:
        """The answer: ``optimal`` with multipliers, a proven bound, or ``infeasible``."""
        ...


@dataclass(frozen=True)
class WholeUnits:
    """Items bought in whole units: branch and bound over the continuous solvers."""

    name: str = "whole units"

    def accepts(self, problem: Problem, units: FloatArray) -> bool:
        return bool(np.any(units > 0))

    def solve(self, problem: Problem, units: FloatArray) -> Allocation:
        from simulator.optimize.exact.units import optimize_lumpy

        answer: Allocation = optimize_lumpy(problem, units)
        return answer


@dataclass(frozen=True)
class SCurves:
    """S-shaped curves: the concave envelope for a bound, then repair to a feasible split."""

    name: str = "S-curves"

    def accepts(self, problem: Problem, units: FloatArray) -> bool:
        return not bool(np.all(problem.curves.concave))

    def solve(self, problem: Problem, units: FloatArray) -> Allocation:
        from simulator.optimize.exact.scurves import optimize_nonconcave

        answer: Allocation = optimize_nonconcave(problem)
        return answer


@dataclass(frozen=True)
class Concave:
    """Concave curves, continuous spend: the exact allocator (KKT on a few multipliers)."""

    name: str = "concave allocator"

    def accepts(self, problem: Problem, units: FloatArray) -> bool:
        return bool(np.all(problem.curves.concave))

    def solve(self, problem: Problem, units: FloatArray) -> Allocation:
        return optimize_exact(problem)


@dataclass(frozen=True)
class OnOffChoices:
    """Channels that spend 0 or at least a minimum: branch and bound over the solvers below."""

    name: str = "on-off minimums"

    def accepts(self, problem: Problem, units: FloatArray) -> bool:
        return bool(problem.on_off)

    def solve(self, problem: Problem, units: FloatArray) -> Allocation:
        from simulator.optimize.exact.onoff import optimize_on_off

        return optimize_on_off(problem, units)


SOLVERS: tuple[Solver, ...] = (OnOffChoices(), WholeUnits(), SCurves(), Concave())
"""Tried in this order: the first that accepts a problem answers it."""


def pick(problem: Problem, units: FloatArray) -> Solver:
    """The first solver in :data:`SOLVERS` that accepts ``problem``."""
    for solver in SOLVERS:
        if solver.accepts(problem, units):
            return solver
    raise ValueError("no solver accepts this problem")  # Concave or SCurves always does


def solve_problem(problem: Problem, units: FloatArray | None = None) -> Allocation:
    """Answer ``problem`` with the solver its curves and units call for."""
    sizes = np.zeros(problem.n) if units is None else np.asarray(units, dtype=float)
    return pick(problem, sizes).solve(problem, sizes)
