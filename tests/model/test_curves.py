"""Every registered response family runs the same suite, plus hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from simulator.io.errors import ScenarioError
from simulator.io.yaml_loader import parse_yaml
from simulator.model import curves as curves_module
from simulator.model.curve_set import CurveSet
from simulator.model.curves import (
    Curve,
    Exponential,
    FloatArray,
    Hill,
    Linear,
    Logistic,
    Power,
    PowerSpec,
)
from simulator.model.family import CurveContext
from simulator.model.load import scenario_from_data

SAMPLES: dict[str, Curve] = {
    "hill": Hill(
        np.array([1000.0, 500.0, 800.0]), np.array([5e4, 2e4, 1e5]), np.array([0.7, 1.0, 2.5])
    ),
    "exponential": Exponential(np.array([900.0, 50.0, 3e4]), np.array([2e5, 1e3, 7e5])),
    "logistic": Logistic(
        np.array([400.0, 80.0, 1e4]), np.array([3e4, 1e3, 5e5]), np.array([4.0, 8.0, 1.5])
    ),
    "linear": Linear(np.array([0.01, 0.5, 0.002]), np.array([500.0, np.inf, 10.0])),
    "power": Power(
        np.array([2.0, 0.05, 1e-3]), np.array([0.5, 0.8, 1.0]), np.array([500.0, np.inf, 10.0])
    ),
}


def test_every_registered_family_has_a_sample() -> None:
    assert set(SAMPLES) == set(Curve.registry)


def test_duplicate_family_name_is_refused() -> None:
    with pytest.raises(TypeError, match="registered twice"):

        class Again(Curve, kind="hill"):  # pragma: no cover - the class body never runs
            pass


@pytest.fixture(params=sorted(SAMPLES))
def curve(request: pytest.FixtureRequest) -> Curve:
    return SAMPLES[request.param]


def test_value_at_zero_is_zero(curve: Curve) -> None:
    np.testing.assert_allclose(curve.value(np.zeros(3)), 0.0, atol=1e-9)


def test_monotone_and_bounded(curve: Curve) -> None:
    s = np.geomspace(1.0, 1e9, 400)[:, None] * np.ones(3)
    v = curve.value(s)
    assert np.all(np.diff(v, axis=0) >= -1e-9)
    assert np.all(v <= curve.saturation() + 1e-9)


def test_derivative_matches_finite_difference(curve: Curve) -> None:
    s = np.array([[3e3, 7e4, 2e5], [1.5e4, 2.5e4, 9e5]])
    h = s * 1e-6
    fd = (curve.value(s + h) - curve.value(s - h)) / (2 * h)
    d = curve.derivative(s)
    kinks = isinstance(curve, Linear | Power)
    if kinks:  # away from the cap's kink the slope is exact
        np.testing.assert_allclose(d, fd, rtol=1e-6, atol=1e-12)
    else:
        np.testing.assert_allclose(d, fd, rtol=1e-5, atol=1e-12)


def test_concave_items_have_diminishing_returns(curve: Curve) -> None:
    s = np.geomspace(10.0, 1e8, 300)[:, None] * np.ones(3)
    d = curve.derivative(s)
    concave = curve.concave
    assert np.all(np.diff(d[:, concave], axis=0) <= 1e-12)


def test_scaled_is_out_times_curve_of_in(curve: Curve) -> None:
    out, inp = np.array([2.0, 0.5, 3.0]), np.array([0.25, 4.0, 1.5])
    s = np.array([1e4, 5e4, 2e5])
    np.testing.assert_allclose(
        curve.scaled(out, inp).value(s), out * curve.value(inp * s), rtol=1e-12
    )


@given(st.floats(1e-3, 1e7), st.floats(0.2, 1.0), st.floats(10, 1e6), st.floats(1, 1e5))
def test_hill_inverse_derivative_round_trip(s: float, k: float, h: float, m: float) -> None:
    c = Hill(np.array([m]), np.array([h]), np.array([k]))
    g = c.derivative(np.array([s]))
    assume(0 < g[0] < math.inf and not (k == 1.0 and g[0] >= m / h))
    np.testing.assert_allclose(c.inverse_derivative(g), [s], rtol=1e-8)


@given(st.floats(0, 1e7), st.floats(10, 1e6), st.floats(1, 1e5))
def test_exponential_inverse_derivative_round_trip(s: float, scale: float, m: float) -> None:
    c = Exponential(np.array([m]), np.array([scale]))
    g = c.derivative(np.array([s]))
    assume(g[0] > 1e-250)
    np.testing.assert_allclose(c.inverse_derivative(g), [s], rtol=1e-9, atol=1e-6 * scale)


def test_generic_inverse_agrees_with_closed_forms() -> None:
    c = SAMPLES["hill"].take(np.array([0, 1]))
    s = np.array([2e4, 9e4])
    np.testing.assert_allclose(Curve.inverse_derivative(c, c.derivative(s)), s, rtol=1e-9)


def test_hill_hand_values() -> None:
    c = Hill(np.array([12000.0]), np.array([400000.0]), np.array([0.9]))
    r = (350000 / 400000) ** 0.9
    assert c.value(np.array([350000.0]))[0] == pytest.approx(12000 * r / (1 + r), rel=1e-12)
    d = 12000 * 0.9 * r / (350000 * (1 + r) ** 2)
    assert c.derivative(np.array([350000.0]))[0] == pytest.approx(d, rel=1e-12)
    assert c.derivative(np.array([0.0]))[0] == math.inf  # shape < 1: infinite slope at 0
    assert c.value(np.array([1e300]))[0] == pytest.approx(12000)
    s_shape = Hill(np.array([10.0]), np.array([5.0]), np.array([2.0]))
    assert s_shape.derivative(np.array([0.0]))[0] == 0.0
    assert s_shape.value(np.array([5.0]))[0] == pytest.approx(5.0)


def test_exponential_hand_values() -> None:
    c = Exponential(np.array([9000.0]), np.array([250000.0]))
    assert c.value(np.array([250000.0]))[0] == pytest.approx(9000 * (1 - math.exp(-1)), rel=1e-12)
    assert c.derivative(np.array([0.0]))[0] == pytest.approx(9000 / 250000)
    assert c.value(np.array([1e12]))[0] == pytest.approx(9000)
    assert c.inverse_derivative(np.array([1.0]))[0] == 0.0  # slope never reaches 1


def test_logistic_hand_values() -> None:
    c = Logistic(np.array([1000.0]), np.array([5e4]), np.array([6.0]))
    s0 = 1 / (1 + math.exp(6))
    assert c.value(np.array([5e4]))[0] == pytest.approx(1000 * (0.5 - s0) / (1 - s0), rel=1e-12)
    assert c.value(np.array([1e9]))[0] == pytest.approx(1000.0)
    assert not c.concave[0]


def test_linear_hand_values() -> None:
    c = Linear(np.array([1 / 60]), np.array([4000.0]))
    assert c.value(np.array([180000.0]))[0] == pytest.approx(3000.0)
    assert c.value(np.array([1e9]))[0] == 4000.0
    assert c.derivative(np.array([300000.0]))[0] == 0.0
    assert c.inverse_derivative(np.array([0.001]))[0] == pytest.approx(240000.0)


def test_power_hand_values() -> None:
    spec = PowerSpec.model_validate(
        {"type": "power", "reference_spend": 1e5, "reference_conversions": 800, "exponent": 0.6}
    )
    c = Power.from_spec(spec, CurveContext())
    assert c.value(np.array([1e5]))[0] == pytest.approx(800.0, rel=1e-12)
    assert c.value(np.array([2e5]))[0] == pytest.approx(800.0 * 2**0.6, rel=1e-12)
    assert c.derivative(np.array([1e5]))[0] == pytest.approx(0.6 * 800 / 1e5, rel=1e-12)
    assert c.derivative(np.array([0.0]))[0] == math.inf  # exponent < 1: infinite at 0
    assert c.inverse_derivative(np.array([0.0048]))[0] == pytest.approx(1e5, rel=1e-12)
    assert c.inverse_slope(np.array([1e5]), np.array([0.0048]))[0] == pytest.approx(-1e5 / 0.4)
    capped = Power.from_spec(spec.model_copy(update={"max_conversions": 900.0}), CurveContext())
    knee = 1e5 * (900 / 800) ** (1 / 0.6)
    assert capped.value(np.array([knee * 1.01, 1e9])).tolist() == [900.0, 900.0]
    assert capped.derivative(np.array([knee * 1.01]))[0] == 0.0
    assert capped.inverse_derivative(np.array([1e-9]))[0] == pytest.approx(knee, rel=1e-12)


def test_power_of_exponent_one_is_a_straight_line() -> None:
    c = Power(np.array([0.01]), np.array([1.0]), np.array([np.inf]))
    assert c.value(np.array([3e4]))[0] == pytest.approx(300.0)
    assert c.derivative(np.array([0.0, 5e5])).tolist() == [0.01, 0.01]
    assert c.inverse_derivative(np.array([0.005, 0.02])).tolist() == [math.inf, 0.0]
    assert c.concave[0]


@pytest.mark.parametrize(
    ("exponent", "message"),
    [
        ("1.2", "must be <= 1 (got 1.2)"),
        ("0", "must be > 0 (got 0)"),
        ("true", "must be a number (got true)"),
    ],
)
def test_power_exponent_outside_0_1_is_located(exponent: str, message: str) -> None:
    text = (
        "name: p\nbudget: {total: 1000}\nchannels:\n  - id: a\n    aov: 10\n    response:\n"
        "      type: power\n      reference_spend: 100\n      reference_conversions: 8\n"
        f"      exponent: {exponent}\n"
    )
    data, lines = parse_yaml(text, "p.yaml")
    with pytest.raises(ScenarioError) as err:
        scenario_from_data(data, lines, "p.yaml")
    assert str(err.value).startswith("p.yaml:10: channels[0].response.exponent: ")
    assert message in str(err.value)


def test_curve_set_mixes_families_and_keeps_item_order() -> None:
    a = Exponential(np.array([10.0]), np.array([5.0]))
    b = Hill(np.array([3.0]), np.array([2.0]), np.array([1.0]))
    c = Exponential(np.array([7.0]), np.array([1.0]))
    cs = CurveSet.of([a, b, c])
    s = np.array([[1.0, 2.0, 3.0], [0.0, 4.0, 1.0]])
    want = np.stack(
        [
            np.concatenate([a.value(s[i, :1]), b.value(s[i, 1:2]), c.value(s[i, 2:])])
            for i in range(2)
        ]
    )
    np.testing.assert_allclose(cs.value(s), want)
    sub = cs.take(np.array([2, 0]))
    np.testing.assert_allclose(
        sub.value(np.array([3.0, 1.0])), [c.value(np.array([3.0]))[0], a.value(np.array([1.0]))[0]]
    )
    tiled = CurveSet.tile(cs, 2)
    np.testing.assert_allclose(tiled.value(np.tile(s[0], 2)), np.tile(cs.value(s[0]), 2))


spends = st.floats(1e-3, 1e8)
starts = st.one_of(st.floats(1e-9, 1e12), st.sampled_from([0.0, math.nan, math.inf, -5.0]))


@given(spends, st.floats(0.2, 1.0), st.floats(10, 1e6), st.floats(1, 1e5), starts)
def test_hill_warm_start_gives_the_cold_answer(
    s: float, k: float, h: float, m: float, start: float
) -> None:
    """Any start (left or right of the root, absurd or missing) only changes the steps."""
    c = Hill(np.array([m]), np.array([h]), np.array([k]))
    g = c.derivative(np.array([s]))
    assume(0 < g[0] < math.inf and not (k == 1.0 and g[0] >= m / h))
    cold = c.inverse_derivative(g)
    with np.errstate(all="ignore"):
        warm = c.inverse_derivative(g, start=np.array([start]))
    np.testing.assert_allclose(warm, cold, rtol=1e-13)
    np.testing.assert_allclose(warm, [s], rtol=1e-8)


def test_hill_warm_start_on_an_s_curve_finds_the_larger_root() -> None:
    """Shape 2: the marginal rises then falls, so ``g`` has two spends; starts on either
    side of the smaller one, between the two, or past the larger one all find the larger."""
    c = Hill(np.array([100.0] * 4), np.array([50.0] * 4), np.array([2.0] * 4))
    big = np.full(4, 120.0)
    g = c.derivative(big)
    small = 10.0  # the smaller spend with the same marginal, by bisection below the peak
    lo, hi = 1e-6, 50.0 / np.sqrt(3.0)
    for _ in range(200):
        small = 0.5 * (lo + hi)
        lo, hi = (small, hi) if c.derivative(np.array([small]))[0] < g[0] else (lo, small)
    starts = np.array([0.5 * small, 2.0 * small, 100.0, 1e6])
    np.testing.assert_allclose(c.inverse_derivative(g, start=starts), big, rtol=1e-12)


def test_hill_warm_start_needs_fewer_steps_near_the_answer() -> None:
    """The point of a warm start: from last call's answer a nearby ``g`` takes few steps."""
    rng = np.random.default_rng(3)
    n = 2000
    c = Hill(rng.uniform(1e3, 1e4, n), rng.uniform(1e4, 1e5, n), rng.uniform(0.4, 1.0, n))
    g = c.derivative(rng.uniform(1e3, 1e6, n))
    before = c.inverse_derivative(g)
    calls: list[int] = []
    real = curves_module._hill_f

    def counted(a: FloatArray, k: FloatArray, u: FloatArray) -> tuple[FloatArray, FloatArray]:
        calls.append(u.size)
        return real(a, k, u)

    def evaluations(start: FloatArray | None, factor: float) -> int:
        calls.clear()
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(curves_module, "_hill_f", counted)
            got = c.inverse_derivative(g * factor, start=start)
        np.testing.assert_allclose(got, c.inverse_derivative(g * factor), rtol=1e-13)
        return sum(calls)

    # items x evaluations of f: from the safe start about 4 each; warm, 3 and then 2
    assert evaluations(before, 1.001) < 0.8 * evaluations(None, 1.001)
    assert evaluations(before, 1 + 1e-6) < 0.6 * evaluations(None, 1 + 1e-6)


def test_curve_set_passes_a_warm_start_only_to_families_that_take_one() -> None:
    cs = CurveSet.of(
        [
            Exponential(np.array([10.0]), np.array([5.0])),
            Hill(np.array([3.0]), np.array([2.0]), np.array([0.6])),
            Linear(np.array([0.5]), np.array([4.0])),
            Hill(np.array([8.0]), np.array([1.0]), np.array([1.0])),
        ]
    )
    s = np.array([2.0, 3.0, 1.0, 0.5])
    g = cs.derivative(s)
    cold = cs.inverse_derivative(g)
    warm = cs.inverse_derivative(g, start=np.array([1.0, 30.0, 2.0, 1e-3]))
    np.testing.assert_allclose(warm, cold, rtol=1e-13)
    np.testing.assert_allclose(warm[[1, 3]], s[[1, 3]], rtol=1e-10)


def test_inverse_slope_matches_a_difference_of_the_inverse(curve: Curve) -> None:
    """``d s / d log g`` where ``C'(s) = g``: against the generic one-sided difference and,
    where the curve bends down and has an inverse, a central difference of the inverse."""
    s = np.array([3e3, 7e4, 2e5])
    g = curve.derivative(s)
    got = curve.inverse_slope(s, g)
    np.testing.assert_allclose(got, Curve.inverse_slope(curve, s, g), rtol=1e-5, atol=1e-9)
    bends = curve.concave & (got < 0)
    if isinstance(curve, Logistic) or not bends.any():
        return
    eps = 1e-6
    fd = (curve.inverse_derivative(g * (1 + eps)) - curve.inverse_derivative(g / (1 + eps))) / (
        2 * math.log1p(eps)
    )
    np.testing.assert_allclose(got[bends], fd[bends], rtol=1e-5)
    assert np.all(got[bends] < 0)


def test_hill_and_exponential_inverse_slope_by_hand() -> None:
    # exponential: C'/C'' = -scale; hill of shape 1 at s = h: C' = m/(4h), C'' = -m/(4h^2)
    e = Exponential(np.array([9.0]), np.array([250.0]))
    assert e.inverse_slope(np.array([40.0]), e.derivative(np.array([40.0])))[0] == -250.0
    c = Hill(np.array([12.0]), np.array([400.0]), np.array([1.0]))
    s = np.array([400.0])
    assert c.inverse_slope(s, c.derivative(s))[0] == pytest.approx(-400.0, rel=1e-12)


def test_hill_inverse_is_the_same_number_per_item_and_broadcast() -> None:
    """The one-g-per-item fast path and the broadcast path give the same bits, and a
    curve built by ``scaled`` gets its own cached constants (not its parent's)."""
    rng = np.random.default_rng(11)
    n = 7
    c = Hill(rng.uniform(1e2, 1e4, n), rng.uniform(1e3, 1e5, n), rng.uniform(0.3, 1.5, n))
    g = c.derivative(rng.uniform(1e2, 1e6, (3, n)))
    start = rng.uniform(1e2, 1e6, n)
    with np.errstate(all="ignore"):
        whole = c.inverse_derivative(g, start=start)
        rows = np.stack([c.inverse_derivative(row, start=start) for row in g])
    assert np.array_equal(whole, rows, equal_nan=True)
    c.inverse_derivative(g[0])  # fills the parent's cache first
    out, inp = rng.uniform(0.5, 2.0, n), rng.uniform(0.5, 2.0, n)
    child = c.scaled(out, inp)
    fresh = Hill(c.max_conversions * out, c.half_saturation / inp, c.shape * 1.0)
    assert np.array_equal(child.inverse_derivative(g[1]), fresh.inverse_derivative(g[1]))
    assert np.array_equal(child.inverse_slope(start, g[1]), fresh.inverse_slope(start, g[1]))


def test_the_generic_right_inverse_finds_the_closed_forms_root() -> None:
    """The default right branch (bracket + Illinois on log C', used by summed and cost-space
    curves) lands on Hill's and Logistic's own closed-form roots, and on the floor where
    no spend past it has a marginal as high as g."""
    from simulator.model.curves import Curve, Logistic

    rng = np.random.default_rng(7)
    n = 40
    hill = Hill(rng.uniform(1e2, 1e4, n), rng.uniform(1e3, 1e6, n), rng.uniform(1.2, 4.0, n))
    logistic = Logistic(
        rng.uniform(1e2, 1e4, n), rng.uniform(1e3, 1e6, n), rng.uniform(1.0, 8.0, n)
    )
    for curve in (hill, logistic):
        floor = curve.inflection()
        g = curve.derivative(floor) * rng.uniform(1e-6, 0.999, n)
        generic = Curve.right_inverse_derivative(curve, g, floor)
        np.testing.assert_allclose(generic, curve.right_inverse_derivative(g, floor), rtol=1e-12)
        above = curve.derivative(floor) * 2.0  # higher than any marginal right of the floor
        at_floor = Curve.right_inverse_derivative(curve, above, floor)
        np.testing.assert_array_equal(at_floor, floor)
