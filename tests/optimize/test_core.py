"""The exact allocator's inner problem: helpers that must give numpy's own numbers."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.optimize.exact._core import _median

finite = st.floats(-1e300, 1e300, allow_nan=False, allow_infinity=False)


@settings(max_examples=20)
@given(st.lists(finite, min_size=1, max_size=40))
def test_median_is_numpys_median_to_the_bit(values: list[float]) -> None:
    """The start price is the median marginal: it picks the Newton steps, so it must be
    ``np.median``'s exact number (odd and even counts, ties, signs)."""
    v = np.array(values)
    with np.errstate(over="ignore"):  # two huge middle values overflow alike in both
        want = np.median(v)
        got = _median(v)
    assert np.array_equal(np.array([got]), np.array([want]), equal_nan=True)
    assert isinstance(got, np.float64)


def test_median_by_hand() -> None:
    assert _median(np.array([3.0, 1.0, 2.0])) == 2.0
    assert _median(np.array([4.0, 1.0, 3.0, 2.0])) == 2.5
    assert _median(np.array([0.1, 0.2])) == (0.1 + 0.2) / 2.0
