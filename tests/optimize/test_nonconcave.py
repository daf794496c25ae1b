"""S-curves: envelope and repair against a fine-grid dynamic programme and multi-start SLSQP."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize

from simulator.model.curve_set import CurveSet
from simulator.model.curves import Exponential, FloatArray, Hill, Logistic
from simulator.optimize.exact.scurves import Envelope, optimize_nonconcave
from simulator.optimize.problem import Problem

GRID = 2000


@st.composite
def s_curve_problems(draw: st.DrawFn) -> Problem:
    n = draw(st.integers(2, 4))
    curves = []
    for _ in range(n):
        kind = draw(st.sampled_from(["hill", "logistic", "exponential"]))
        m, s = draw(st.floats(20, 500)), draw(st.floats(20, 300))
        if kind == "hill":
            curves.append(Hill(np.array([m]), np.array([s]), np.array([draw(st.floats(1.2, 4))])))
        elif kind == "logistic":
            curves.append(
                Logistic(np.array([m]), np.array([s]), np.array([draw(st.floats(2, 10))]))
            )
        else:
            curves.append(Exponential(np.array([m]), np.array([s])))
    aov = np.array([draw(st.floats(1, 4)) for _ in range(n)])
    budget = draw(st.floats(30, 1500))
    upper = np.array([draw(st.sampled_from([np.inf, budget / 2])) for _ in range(n)])
    return Problem(CurveSet.of(curves), np.zeros(n), upper, aov, budget)


def grid_dp(p: Problem) -> tuple[float, float]:
    """Best value over splits on a grid of ``GRID`` steps of the budget, and the step's worth."""
    step = p.budget / GRID
    spend = np.arange(GRID + 1) * step
    best = np.zeros(GRID + 1)  # best[b]: value with b steps left for the items so far
    slope = 0.0
    for i in range(p.n):
        x = np.zeros((GRID + 1, p.n))
        x[:, i] = spend
        gain = p.objective[i] * p.curves.value(x)[:, i]
        gain = np.where(spend <= p.upper[i], gain, -np.inf)
        slope = max(slope, float(np.max(np.diff(gain[np.isfinite(gain)]), initial=0.0)))
        total = best[None, :] + gain[:, None]  # [s, b]: spend s steps on i, b before
        b_idx = np.arange(GRID + 1)
        ok = b_idx[None, :] + b_idx[:, None] <= GRID
        total = np.where(ok, total, -np.inf)
        new = np.full(GRID + 1, -np.inf)
        for s_steps in range(GRID + 1):  # new[c] = max_s total[s, c - s]
            row = total[s_steps, : GRID + 1 - s_steps]
            np.maximum(new[s_steps:], row, out=new[s_steps:])
        best = np.maximum.accumulate(new)
    return float(best[-1]), slope * p.n


def multistart_slsqp(p: Problem, starts: int = 6) -> float:
    hi = np.minimum(p.upper, p.budget)
    rng = np.random.default_rng(1)
    best = -np.inf

    def obj(x: FloatArray) -> tuple[float, FloatArray]:
        return -p.objective_value(x), -p.objective * p.curves.derivative(x)

    cons = [{"type": "ineq", "fun": lambda x: p.budget - x.sum(), "jac": lambda x: -np.ones(p.n)}]
    for _ in range(starts):
        x0 = rng.dirichlet(np.ones(p.n)) * p.budget
        res = minimize(
            obj,
            np.minimum(x0, hi),
            jac=True,
            method="SLSQP",
            constraints=cons,
            bounds=list(zip(p.lower, hi, strict=True)),
            options={"ftol": 1e-12},
        )
        x = np.clip(res.x, p.lower, hi)
        if x.sum() <= p.budget * (1 + 1e-9):
            best = max(best, p.objective_value(x))
    return best


def _saturated_pair() -> Problem:
    """The best split puts 1.6 on a logistic far below its midpoint, under the first step
    of the partial grid (31/16): the golden section must reach down to zero."""
    spec = [(316.0, 276.0, 8.0), (20.0, 20.0, 7.0), (20.0, 20.0, 7.0), (139.0, 20.0, 6.5)]
    curves = [Logistic(np.array([m]), np.array([s]), np.array([k])) for m, s, k in spec]
    return Problem(
        CurveSet.of(curves), np.zeros(4), np.full(4, np.inf), np.array([4.0, 1, 1, 4]), 51.0
    )


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(s_curve_problems())
@example(_saturated_pair())
def test_repair_beats_grid_dp_and_slsqp_and_stays_under_the_bound(p: Problem) -> None:
    r = optimize_nonconcave(p)
    assert r.status == "optimal"
    bound = r.objective if p.curves.concave.all() else r.upper_bound
    assert bound is not None
    assert r.x.sum() <= p.budget * (1 + 1e-12)
    assert np.all(r.x >= p.lower)
    assert np.all(r.x <= p.upper)
    assert r.objective == pytest.approx(p.objective_value(r.x), rel=1e-12)
    assert r.objective <= bound * (1 + 1e-9)
    dp, slope = grid_dp(p)
    assert r.objective >= dp - slope * p.budget / GRID - 1e-9 * abs(dp)
    assert r.objective >= multistart_slsqp(p) - 1e-7 * abs(r.objective)


def test_below_the_threshold_all_money_goes_to_one_channel() -> None:
    """One S-curve and a budget under its tangent point: spending it all beats spending 0.

    The envelope is taken on [0, min(upper, budget)], so here it is the chord to the budget
    and the bound is tight: the answer is proven optimal.
    """
    curves = CurveSet.of([Hill(np.array([100.0]), np.array([50.0]), np.array([2.5]))])
    p = Problem(curves, np.zeros(1), np.full(1, np.inf), np.ones(1), 20.0)
    r = optimize_nonconcave(p)
    assert r.x[0] == pytest.approx(20.0)
    assert r.upper_bound is not None
    assert r.upper_bound == pytest.approx(r.objective, rel=1e-12)
    assert r.objective > 0


def test_envelope_is_concave_and_above_the_curve() -> None:
    base = Logistic(np.array([80.0]), np.array([40.0]), np.array([6.0]))
    p = Problem(CurveSet.of([base]), np.zeros(1), np.full(1, np.inf), np.ones(1), 200.0)
    r = optimize_nonconcave(p)
    assert r.upper_bound == pytest.approx(r.objective, rel=1e-9)  # all in: bound is tight
    from simulator.optimize.exact.scurves import envelope_set, tangent_points

    t = tangent_points(base, np.zeros(1), np.array([200.0]))
    env = envelope_set(p.curves, np.zeros(1), t)
    s = np.linspace(0, 200, 4001)[:, None]
    ev, cv = env.value(s)[:, 0], p.curves.value(s)[:, 0]
    assert np.all(ev >= cv - 1e-9)
    assert np.all(np.diff(ev, 2) <= 1e-9)
    assert isinstance(env.parts[0][0], Envelope)
    assert base.value(t)[0] == pytest.approx(t[0] * base.derivative(t)[0], rel=1e-9)
