"""CurveSet's dispatch: evenly spaced families are read as slices, others by index.

Issue 20 made the dispatch slice evenly spaced index arrays (a view, not a copy); the
answers must be the very bytes that evaluating each family on its own items gives.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.model.curve_set import CurveSet
from simulator.model.curves import Curve, Exponential, Hill


def _curves(kinds: list[bool], seed: int) -> list[Curve]:
    rng = np.random.default_rng(seed)
    out: list[Curve] = []
    for is_hill in kinds:
        m, s = rng.uniform(1e3, 1e4, 1), rng.uniform(1e4, 1e5, 1)
        out.append(Hill(m, s, rng.uniform(0.4, 1.0, 1)) if is_hill else Exponential(m, s))
    return out


def _by_item(curves: list[Curve], method: str, arg: np.ndarray) -> np.ndarray:
    """The reference: each family evaluated on its own items, gathered by fancy indexing."""
    cs = CurveSet.of(curves)
    out = np.empty(arg.shape)
    for curve, idx in cs.parts:
        out[..., idx] = getattr(curve, method)(arg[..., np.asarray(idx)])
    return out


@pytest.mark.parametrize(
    ("kinds", "sliced"),
    [
        ([True, False] * 6, [True, True]),  # interleaved: step 2 both
        ([True] * 5 + [False] * 4, [True, True]),  # blocks: step 1
        ([True, True, False, True, False, False], [False, False]),  # uneven: index arrays
        ([False], [True]),
    ],
)
def test_even_parts_are_slices_and_uneven_stay_indices(
    kinds: list[bool], sliced: list[bool]
) -> None:
    cs = CurveSet.of(_curves(kinds, 0))
    assert [isinstance(idx, slice) for _, idx in cs._where] == sliced
    for (_, idx), (_, where) in zip(cs.parts, cs._where, strict=True):
        assert np.array_equal(np.arange(cs.n)[where], idx)


@settings(max_examples=40, deadline=None)
@given(
    kinds=st.lists(st.booleans(), min_size=1, max_size=12),
    seed=st.integers(0, 10_000),
    rows=st.integers(1, 3),
)
def test_dispatch_gives_the_bytes_of_per_family_evaluation(
    kinds: list[bool], seed: int, rows: int
) -> None:
    curves = _curves(kinds, seed)
    cs = CurveSet.of(curves)
    rng = np.random.default_rng(seed + 1)
    s = rng.uniform(0.0, 2e5, (rows, len(kinds)))
    for method in ("value", "derivative"):
        assert getattr(cs, method)(s).tobytes() == _by_item(curves, method, s).tobytes()
    g = cs.derivative(s[0] + 1.0)
    got = cs.inverse_derivative(g, start=s[0] + 5.0)
    assert np.allclose(got, s[0] + 1.0, rtol=1e-9)
    assert cs.inverse_slope(got, g).tobytes() == _by_item_slope(curves, got, g).tobytes()


def _by_item_slope(curves: list[Curve], s: np.ndarray, g: np.ndarray) -> np.ndarray:
    cs = CurveSet.of(curves)
    out = np.empty(s.shape)
    for curve, idx in cs.parts:
        out[idx] = curve.inverse_slope(s[idx], g[idx])
    return out


def test_a_scalar_spend_broadcasts_over_items() -> None:
    curves = _curves([True, False, True], 3)
    cs = CurveSet.of(curves)
    want = np.array([c.value(np.array([5e4]))[0] for c in curves])
    assert np.array_equal(cs.value(np.float64(5e4)), want)
