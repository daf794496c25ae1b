"""Whole units: branch and bound against brute-force enumeration of every unit count."""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.optimize.exact.allocator import optimize_exact
from simulator.optimize.exact.units import optimize_lumpy
from simulator.optimize.problem import Problem, RatioConstraint
from tests.optimize.conftest import constraint_values, curve_set
from tests.strategies import concave_specs


def brute_force(p: Problem, unit: np.ndarray) -> float:
    """Every combination of counts; continuous items solved exactly, lumpy ones evaluated."""
    lumpy = np.nonzero(unit > 0)[0]
    ranges = [
        range(
            int(np.ceil(p.lower[j] / unit[j] - 1e-9)),
            int(np.floor(min(p.upper[j], p.budget) / unit[j] + 1e-9)) + 1,
        )
        for j in lumpy
    ]
    best = -np.inf
    for counts in itertools.product(*ranges):
        lo, hi = p.lower.copy(), p.upper.copy()
        lo[lumpy] = hi[lumpy] = np.array(counts) * unit[lumpy]
        if lo.sum() > p.budget * (1 + 1e-12):
            continue
        q = replace(p, lower=lo, upper=hi)
        if np.all(unit > 0):  # nothing continuous: evaluate directly, independent of the allocator
            slack = constraint_values(q, lo)
            ok = min(slack.values()) >= -1e-12 and (not p.ratios or lo.sum() > 0)
            val = p.objective_value(lo) if ok else -np.inf
        else:
            r = optimize_exact(q, diagnose=False)
            val = r.objective if r.status == "optimal" else -np.inf
        best = max(best, val)
    return best


CASES = given(
    concave_specs(n_min=2, n_max=4),
    st.integers(0, 2),
    st.lists(st.floats(20, 200), min_size=4, max_size=4),
    st.floats(100, 800),
    st.sampled_from(["none", "roi", "cac"]),
    st.floats(0.6, 1.3),
)


def check_against_brute_force(
    spec: list, n_cont: int, units: list, budget: float, target: str, tightness: float
) -> None:
    spec = spec + [("exponential", 300.0, 150.0, 1.0), ("hill", 500.0, 200.0, 0.7)][:n_cont]
    n = len(spec)
    unit = np.array(units[: n - n_cont] + [0.0] * n_cont)
    aov = np.linspace(1.0, 4.0, n)
    ncr = np.linspace(0.9, 0.2, n)
    p = Problem(
        curve_set(spec),
        np.zeros(n),
        np.minimum(unit * 3, budget) + (unit == 0) * budget,
        aov,
        budget,
    )
    if target != "none":
        free = optimize_exact(p)
        w = aov if target == "roi" else ncr
        rho = float(w @ p.curves.value(free.x)) / free.x.sum() / tightness
        p = replace(p, ratios=(RatioConstraint(f"{target}_x", w, rho),))
    r = optimize_lumpy(p, unit)
    best = brute_force(p, unit)
    if not np.isfinite(best):
        assert r.status == "infeasible"
        return
    assert r.status == "optimal"
    assert r.objective == pytest.approx(best, rel=1e-9, abs=1e-12)
    counts = r.x[unit > 0] / unit[unit > 0]
    np.testing.assert_allclose(counts, np.round(counts), atol=1e-9)
    assert min(constraint_values(p, r.x).values()) >= -1e-9
    assert all(a == "unit" for a, u in zip(r.active, unit, strict=True) if u > 0)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@CASES
def test_branch_and_bound_matches_brute_force(
    spec: list, n_cont: int, units: list, budget: float, target: str, tightness: float
) -> None:
    check_against_brute_force(spec, n_cont, units, budget, target, tightness)


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@CASES
def test_branch_and_bound_matches_brute_force_many(
    spec: list, n_cont: int, units: list, budget: float, target: str, tightness: float
) -> None:
    check_against_brute_force(spec, n_cont, units, budget, target, tightness)


def test_one_board_or_two_by_hand() -> None:
    """Two boards of 100 and a feed: the second board is worth it only past a budget."""
    spec = [("exponential", 300.0, 100.0, 1.0), ("exponential", 500.0, 400.0, 1.0)]
    unit = np.array([100.0, 0.0])
    p = Problem(curve_set(spec), np.zeros(2), np.array([200.0, np.inf]), np.ones(2), 250.0)
    r = optimize_lumpy(p, unit)
    options = []
    for boards in (0, 1, 2):
        rest = 250.0 - 100.0 * boards
        options.append(300 * -np.expm1(-boards) + 500 * -np.expm1(-rest / 400))
    assert r.objective == pytest.approx(max(options), rel=1e-12)
    assert r.x[0] == 100.0 * int(np.argmax(options))


def test_concave_children_are_cut_side_by_side(monkeypatch: pytest.MonkeyPatch) -> None:
    """Thirteen possible board counts on concave curves: a child's bound falls away from
    the relaxed spend on each side, so after the first cut child on a side no further
    count there is solved (a dozen relaxations before), and the answer is still brute
    force's."""
    from simulator.optimize.exact import units

    solved: list[int] = []

    def counted(p: Problem, diagnose: bool = True) -> object:
        solved.append(1)
        return optimize_exact(p, diagnose=diagnose)

    spec = [("exponential", 300.0, 100.0, 1.0), ("hill", 500.0, 400.0, 0.8)]
    unit = np.array([20.0, 0.0])
    p = Problem(curve_set(spec), np.zeros(2), np.array([240.0, np.inf]), np.ones(2), 300.0)
    monkeypatch.setattr(units, "optimize_exact", counted)
    r = optimize_lumpy(p, unit)
    monkeypatch.undo()
    assert r.status == "optimal"
    assert r.objective == pytest.approx(brute_force(p, unit), rel=1e-12)
    assert 3 <= len(solved) <= 5  # the root, the best count, a cut child on each side
