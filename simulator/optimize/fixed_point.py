"""``customer_base.grows``: the outer fixed point around the exact allocator.

New customers won on day t join the base that retention channels reach from day t + 1,
so a retention ad set's curve on a day depends on the acquisition plan: the problem is
no longer separable. With the base's trajectory held fixed it is again (each day's
growth is an event-like multiplier ``rho`` on cost and response, see
``BaseGrowth``), so: fix the trajectory, solve exactly, recompute the trajectory on the
engine, repeat (damped when a step overshoots). The answer is a point where the plan and
the base it grows agree; it is reported ``feasible``, not ``optimal``: the allocator
does not price what a new customer is worth to retention later, so the certificate's
optimality conditions hold only for the frozen trajectory.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TypeVar

import numpy as np

from simulator.expected import evaluate_plan, grown_multipliers
from simulator.model.compiled import CompiledScenario, Split
from simulator.model.curves import FloatArray

MAX_ITERATIONS = 30
TOLERANCE = 1e-9  # largest relative change of the base's trajectory between two solves
T = TypeVar("T")


@dataclass(frozen=True)
class FixedPoint:
    """How the outer loop ended: what the certificate reports."""

    iterations: int
    last_change: float  # largest relative change of rho in the last iteration
    converged: bool

    def to_json(self) -> dict[str, float | int | bool]:
        return {
            "iterations": self.iterations,
            "last_change": self.last_change,
            "converged": self.converged,
        }


def base_ratio(cs: CompiledScenario, split: Split) -> FloatArray:
    """``rho`` per (ad set, day) ``(A, H)`` that the split's new customers grow the base
    to: 1 outside the growing retention ad sets."""
    h = cs.horizon_days
    daily = split.daily if split.daily is not None else np.repeat(split.spend[:, None] / h, h, 1)
    landed = evaluate_plan(cs, daily, series=True).daily_conversions
    assert landed is not None
    m, _ = grown_multipliers(cs, landed, cs.cost_mult[None], cs.cvr_mult[None])
    return np.asarray(m[0] / cs.cost_mult, dtype=float)


def frozen(cs: CompiledScenario, rho: FloatArray) -> CompiledScenario:
    """The scenario with the base's trajectory fixed at ``rho`` ``(A, H)``: separable, so
    the exact allocator plans it (impressions there are not the scenario's: solve only)."""
    return replace(cs, cost_mult=cs.cost_mult * rho, cvr_mult=cs.cvr_mult * rho, base_growth=None)


def plan_with_base(
    cs: CompiledScenario, solve: Callable[[CompiledScenario], tuple[Split, T]]
) -> tuple[CompiledScenario, Split, T, FixedPoint | None]:
    """The one entry point of every planner (optimize, replan, Pareto's sweep, the
    search's seed through optimize): ``solve`` once where the scenario is separable, else
    around the fixed point, so that no planner plans a growing base at its day-1 size.

    Returns the scenario ``solve`` last saw (frozen, for certificates and sentences), its
    plan, what ``solve`` returned besides, and the loop (None without a growing base)."""
    if cs.base_growth is None:
        split, extra = solve(cs)
        return cs, split, extra, None
    return solve_fixed_point(cs, solve)


def loop_sentence(loop: FixedPoint | None) -> str | None:
    """What a planner says when the base's fixed point did not settle (None if it did)."""
    if loop is None or loop.converged:
        return None
    return (
        f"the customer base did not settle: its fixed point did not converge in "
        f"{loop.iterations} iterations (last change {loop.last_change:.1e}); the plan is the "
        "last one tried, feasible on the engine but not consistent with the base it grows"
    )


def solve_fixed_point(
    cs: CompiledScenario, solve: Callable[[CompiledScenario], tuple[Split, T]]
) -> tuple[CompiledScenario, Split, T, FixedPoint]:
    """Iterate ``solve`` on frozen trajectories until the plan's own trajectory is the one
    it was solved for. Returns the last frozen scenario, its plan, what ``solve`` returned
    besides the plan, and how the loop ended."""
    rho = np.ones_like(cs.cost_mult)
    step, last = 1.0, np.inf
    for it in range(1, MAX_ITERATIONS + 1):
        fz = frozen(cs, rho)
        split, extra = solve(fz)
        target = base_ratio(cs, split)
        change = float(np.max(np.abs(target - rho) / rho))
        if change <= TOLERANCE:
            return fz, split, extra, FixedPoint(it, change, True)
        if change > last:  # overshooting: damp the step
            step = max(step / 2, 1 / 16)
        last = change
        rho = rho + step * (target - rho)
    return fz, split, extra, FixedPoint(MAX_ITERATIONS, last, False)
