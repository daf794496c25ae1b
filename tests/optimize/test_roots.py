"""The exact allocator's root finders on functions whose roots are known by hand."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.model.curve_set import CurveSet
from simulator.model.curves import Exponential, FloatArray, Hill
from simulator.optimize.exact._roots import T_MAX, mult_root, solve_prices
from simulator.optimize.exact.allocator import optimize_exact
from simulator.optimize.problem import Problem


def test_solve_prices_finds_each_root_of_a_decreasing_spend() -> None:
    scale = np.array([2.0, 50.0, 1e6])
    owner = np.arange(3, dtype=np.intp)

    def f(t: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        x = scale * np.exp(-t)
        return x, -x, x

    root, x = solve_prices(f, np.ones(3), np.zeros(3), np.full(3, -50.0), owner, 3)
    np.testing.assert_allclose(root, np.log(scale), rtol=1e-10)
    np.testing.assert_allclose(x, 1.0, rtol=1e-12)


def test_solve_prices_reports_no_root_as_plus_or_minus_infinity() -> None:
    """Above target even at the top price: +inf; below target at the floor: -inf."""
    owner = np.arange(2, dtype=np.intp)

    def f(t: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        x = np.array([5.0, 0.5]) + 0.0 * t  # flat spends: 5 never falls to 1, 0.5 never rises
        return x, np.zeros(2), x

    root, _ = solve_prices(f, np.ones(2), np.zeros(2), np.full(2, -3.0), owner, 2)
    assert root[0] == np.inf
    assert root[1] == -np.inf


def test_solve_prices_keeps_a_first_guess_that_hits_the_target() -> None:
    """A spend capped at the target from the first guess on is met there, with a price.

    (It used to come back as +inf, which the allocator read as "no budget price".)
    """
    owner = np.zeros(1, dtype=np.intp)

    def f(t: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        x = np.minimum(np.exp(3.0 - t), 1.0)  # capped at the target below t = 3
        return x, np.where(x < 1.0, -x, 0.0), x

    root, x = solve_prices(f, np.ones(1), np.zeros(1), np.full(1, -50.0), owner, 1)
    assert np.isfinite(root[0])
    assert root[0] <= 3.0 + 1e-12
    assert x[0] == 1.0
    root, _ = solve_prices(f, np.ones(1), np.full(1, T_MAX), np.full(1, -50.0), owner, 1)
    assert root[0] == pytest.approx(3.0, abs=1e-10)  # from above it finds the kink


@dataclass(frozen=True)
class _Point:
    """A stand-in solution: ``x`` is the multiplier it was solved at."""

    x: FloatArray

    def blend(self, other: _Point, w: float) -> _Point:
        return _Point(self.x + w * (other.x - self.x))


@settings(max_examples=40, deadline=None)
@given(st.floats(1e-6, 1e6), st.floats(1e-3, 1e3), st.floats(0.2, 3.0))
def test_mult_root_meets_the_gap_from_the_feasible_side(
    root: float, mu0: float, power: float
) -> None:
    """``h(mu) = mu^p - root^p``: increasing, negative at 0; the blend lands at the root."""
    calls = []

    def h(mu: float) -> tuple[float, _Point | None]:
        calls.append(mu)
        return mu**power - root**power, _Point(np.array([mu]))

    sol = mult_root(h, mu0, -(root**power))
    assert sol is not None
    assert sol.x[0] == pytest.approx(root, rel=1e-8)
    assert sol.x[0] ** power - root**power >= -1e-12 * root**power  # a hair feasible
    assert len(calls) <= 25 + math.log10(max(root / mu0, mu0 / root))  # brackets by <= 10x


def test_mult_root_gives_up_when_no_multiplier_meets_the_target() -> None:
    def h(mu: float) -> tuple[float, _Point | None]:
        return -1.0 / (1.0 + mu), _Point(np.array([mu]))

    assert mult_root(h, 1.0, -1.0) is None


def test_budget_hit_on_the_first_guess_still_has_a_budget_price() -> None:
    """Found by hypothesis: the steep item is capped at the budget at the first guess.

    Item 1 (exponential, aov 3) takes the whole budget of 20 and its marginal there,
    3 * 19/18 * e^{-20/18} = 1.0424, beats item 0's best (hill of shape 1: 1 * 10/10 = 1),
    so the budget binds and its price lies in [1, 1.0424]; it used to be reported as 0.
    """
    curves = CurveSet.of(
        [Hill(np.array([10.0]), np.array([10.0]), np.array([1.0])),
         Exponential(np.array([19.0]), np.array([18.0]))]
    )  # fmt: skip  # one curve a line
    p = Problem(curves, np.zeros(2), np.full(2, np.inf), np.array([1.0, 3.0]), 20.0)
    r = optimize_exact(p)
    np.testing.assert_allclose(r.x, [0.0, 20.0], atol=1e-12)
    assert 1.0 <= r.multipliers["budget"] <= 3 * 19 / 18 * math.exp(-20 / 18) + 1e-12
    assert r.active[1] == "budget"
