"""The summed curve's own inverse marginal against the generic one and its derivative."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.io.bundled import scenarios_dir
from simulator.model.curve_set import CurveSet
from simulator.model.curves import Curve, Exponential, Hill, Linear, Power
from simulator.model.load import load_scenario
from simulator.optimize.lineitems import static_curves
from simulator.optimize.summed import SummedCurve
from tests.optimize.conftest import curve_set

REL = 1e-12  # the generic inverse's own accuracy is ~1e-13 in log spend


def summed(base: CurveSet, days: int, out: np.ndarray, inp: np.ndarray) -> SummedCurve:
    """``sum_t out_t C(inp_t s)`` per item; ``out``, ``inp`` day-major ``(days * n,)``."""
    return SummedCurve(CurveSet.tile(base, days).scaled(out, inp), days)


def adstock_days(base: CurveSet, days: int, decay: float, event: float) -> SummedCurve:
    """Days as the static plan builds them: the share landing in the horizon
    ``1 - decay^(H - t)`` over ``H``, one event day that doubles the response and
    raises the price by ``event``."""
    n = base.n
    landed = 1.0 - decay ** np.arange(days, 0, -1)
    mult = np.ones(days)
    mult[days // 2] = 2.0
    cost = np.ones(days)
    cost[days // 2] = event
    out = np.repeat(landed * mult / days, n)
    inp = np.repeat(1.0 / cost, n)
    return summed(base, days, out, inp)


def generic(c: SummedCurve, g: np.ndarray) -> np.ndarray:
    return Curve.inverse_derivative(c, g)


def assert_close(new: np.ndarray, old: np.ndarray) -> None:
    np.testing.assert_allclose(new, old, rtol=REL, atol=0.0)


CONCAVE = st.lists(
    st.tuples(
        st.sampled_from(["hill", "exponential", "power", "capped_power"]),
        st.floats(100.0, 1e5),  # max conversions (power: conversions at the reference)
        st.floats(1e3, 1e6),  # scale, half saturation or reference spend
        st.floats(0.3, 1.0),  # hill shape, power exponent
    ),
    min_size=1,
    max_size=4,
)


def concave_base(specs: list[tuple[str, float, float, float]]) -> CurveSet:
    curves: list[Curve] = []
    for kind, m, s, k in specs:
        one = np.ones(1)
        if kind == "hill":
            curves.append(Hill(m * one, s * one, k * one))
        elif kind == "exponential":
            curves.append(Exponential(m * one, s * one))
        else:
            k = min(k, 0.95)
            cap = 3.0 * m if kind == "capped_power" else np.inf
            curves.append(Power(m / s**k * one, k * one, cap * one))
    return CurveSet.of(curves)


@settings(max_examples=20, deadline=None)
@given(
    CONCAVE,
    st.integers(1, 12),
    st.floats(0.0, 0.9),
    st.floats(0.5, 3.0),
    st.floats(-6.0, 3.0),
)
def test_matches_the_generic_inverse_and_the_derivative(
    specs: list[tuple[str, float, float, float]],
    days: int,
    decay: float,
    event: float,
    log_ratio: float,
) -> None:
    """Concave mixes over adstock-scaled, event-priced days; ``g`` from far below the
    marginal at a typical spend to above it: the generic inverse's answers, and
    ``D(inverse(g)) == g`` wherever the answer is positive and the curve has no knee
    (a capped power's root may be the knee where its marginal drops past ``g``)."""
    c = adstock_days(concave_base(specs), days, decay, event)
    typical = np.array([s for _, _, s, _ in specs])
    d = c.derivative(typical)  # 0 past a capped power's last knee: no price is 0
    g = np.where(d > 0, d, c.derivative(np.full(c.size, 1.0))) * np.exp(log_ratio)
    x = c.inverse_derivative(g)
    assert_close(x, generic(c, g))
    # no knees, and no straight line (a power of exponent 1: its marginal is g nowhere);
    # a near-straight power's root may lie past e^40 (~2e17), where both inverses stop
    smooth = (
        (x > 0)
        & (x < 1e15)
        & np.array(
            [kind != "capped_power" and not (kind == "power" and k >= 1.0) for kind, *_, k in specs]
        )
    )
    np.testing.assert_allclose(c.derivative(x)[smooth], g[smooth], rtol=1e-10)


@settings(max_examples=20, deadline=None)
@given(CONCAVE, st.integers(2, 8), st.floats(-3.0, 3.0), st.sampled_from([0.0, -1.0, np.nan]))
def test_a_start_changes_the_steps_never_the_answer(
    specs: list[tuple[str, float, float, float]],
    days: int,
    log_ratio: float,
    odd: float,
) -> None:
    """Starts near the answer, far from it, and meaningless (0, negative, nan) agree."""
    c = adstock_days(concave_base(specs), days, 0.5, 1.5)
    d = c.derivative(np.array([s for _, _, s, _ in specs]))
    g = np.where(d > 0, d, c.derivative(np.full(c.size, 1.0))) * np.exp(log_ratio)
    cold = c.inverse_derivative(g)
    for start in (cold * 1.01, cold * 1e-6 + 1.0, cold * 1e4 + 1.0, np.full(c.size, odd)):
        assert_close(c.inverse_derivative(g, start=start), cold)


def test_above_the_first_yuans_marginal_spends_nothing() -> None:
    """``g`` at or above ``D(0)`` answers 0 (exponentials have a finite first marginal);
    a hill of shape below 1 has an infinite one, so any ``g`` buys some spend."""
    base = curve_set([("exponential", 300.0, 150.0, 1.0), ("hill", 500.0, 200.0, 0.7)])
    c = adstock_days(base, 5, 0.3, 1.2)
    d0 = c.derivative(np.zeros(2))
    assert np.isfinite(d0[0])
    assert np.isinf(d0[1])
    for g in (np.array([d0[0], 1e6]), np.array([d0[0] * 2.0, 1e12])):
        x = c.inverse_derivative(g)
        assert x[0] == 0.0
        assert 0.0 < x[1] < 1e-3
        assert_close(x, generic(c, g))
    x = c.inverse_derivative(np.array([d0[0] * (1 - 1e-9), 1.0]))
    assert 0.0 < x[0] < 1e-3  # just below the first yuan's marginal: a sliver


@pytest.mark.parametrize("tiny", [1e-6, 1e-9, 1e-12])
def test_tiny_prices_spend_far_out_as_the_generic_does(tiny: float) -> None:
    """A vanishing ``g`` sends spend far out along the tails (log spend up to 40)."""
    base = curve_set([("exponential", 300.0, 150.0, 1.0), ("hill", 500.0, 200.0, 0.9)])
    c = adstock_days(base, 7, 0.5, 2.0)
    g = c.derivative(np.array([150.0, 200.0])) * tiny
    x = c.inverse_derivative(g)
    assert np.all(x > np.array([150.0, 200.0]))
    assert_close(x, generic(c, g))


def test_capped_lines_meet_at_a_knee() -> None:
    """Capped lines sum to a step-shaped marginal: the root is a day's knee (where the
    sum drops below ``g``), which Newton cannot step to; the bracket finds it."""
    base = CurveSet.of([Linear(np.array([0.02]), np.array([400.0]))])
    c = adstock_days(base, 6, 0.4, 1.7)
    days = c.tiled.parts[0][0]
    assert isinstance(days, Linear)
    knees = days.cap / days.rate  # each day's knee
    d0 = float(c.derivative(np.zeros(1))[0])
    for share in (0.1, 0.5, 0.9):
        x = c.inverse_derivative(np.array([share * d0]))
        assert_close(x, generic(c, np.array([share * d0])))
        assert np.min(np.abs(knees - x[0]) / x[0]) < 1e-12


def test_candidate_axes_answer_row_by_row() -> None:
    """``g`` of shape ``(k, n)`` answers each row as a call of its own would."""
    base = curve_set([("exponential", 300.0, 150.0, 1.0), ("hill", 500.0, 200.0, 0.8)])
    c = adstock_days(base, 4, 0.2, 1.3)
    g = c.derivative(np.array([[100.0, 50.0], [400.0, 900.0], [0.0, 1.0]]))
    x = c.inverse_derivative(g)
    assert x.shape == (3, 2)
    for row in range(3):
        assert_close(x[row], c.inverse_derivative(g[row]))


@pytest.mark.parametrize("name", ["ecommerce_q4", "community_groupbuy", "double11"])
def test_bundled_scenarios_summed_curves(name: str) -> None:
    """The bundled scenarios' own even-spend curves (adstock, events, several families):
    the generic inverse's answers over prices spanning six orders of magnitude."""
    conv, aov = static_curves(load_scenario(scenarios_dir() / f"{name}.yaml"))
    checked = 0
    for curves in (conv, aov):
        for c, _ in curves.parts if curves is not None else ():
            if not isinstance(c, SummedCurve):
                continue
            ok = c.concave
            d = c.derivative(np.full(c.size, 1e5))
            for ratio in (1e-3, 0.1, 1.0, 10.0, 1e3):
                g = np.where(d > 0, d, 1.0) * ratio
                assert_close(c.inverse_derivative(g)[ok], generic(c, g)[ok])
                checked += 1
    assert checked >= 5


def test_alike_days_answer_by_their_first_day() -> None:
    """Ad sets the calendar does not reach (every day the same curve) answer by one day's
    inverse at ``g / H``; beside one it reaches, each still matches the generic inverse
    and the all-Newton path, warm or cold."""
    base = curve_set(
        [("exponential", 300.0, 150.0, 1.0), ("hill", 500.0, 200.0, 0.8), ("linear", 90, 30, 1)]
    )
    days = 5
    out = np.full((days, 3), 1.0 / days)
    out[:, 1] *= np.linspace(0.5, 1.5, days)  # only the hill's days differ
    c = summed(base, days, out.ravel(), np.ones(days * 3))
    assert c._split is not None
    np.testing.assert_array_equal(c._split[0], [0, 2])
    g = c.derivative(np.array([120.0, 300.0, 10.0])) * np.array([1.0, 1.0, 0.5])
    x = c.inverse_derivative(g)
    assert_close(x, generic(c, g))
    assert_close(x, c._inverse(g, None))
    assert x[2] == pytest.approx(30.0, rel=1e-15)  # the capped line's knee: 90 / (90 / 30)
    assert_close(c.inverse_derivative(g * 1.01, start=x), generic(c, g * 1.01))
