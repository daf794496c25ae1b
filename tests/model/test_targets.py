"""The target table: direction of each target, tolerance, undefined values."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.model.compiled import TARGET_NAMES
from simulator.model.targets import TARGET_METRICS, meets


def test_every_target_name_has_a_metric() -> None:
    assert set(TARGET_METRICS) == set(TARGET_NAMES)


@pytest.mark.parametrize(
    ("name", "value", "bound", "ok"),
    [
        ("roi_min", 3.0, 3.0, True),
        ("roi_min", 2.99, 3.0, False),
        ("cac_max", 150.0, 150.0, True),
        ("cac_max", 150.01, 150.0, False),
        ("revenue_min", 1e6, 1e6 + 1, False),
        ("roi_min", float("nan"), 1.0, False),  # nothing spent: no ratio meets a target
        ("cac_max", float("nan"), 1e9, False),
    ],
)
def test_direction_and_undefined(name: str, value: float, bound: float, ok: bool) -> None:
    assert bool(meets(name, value, bound)) is ok


def test_tolerance_forgives_rounding_only() -> None:
    values = np.array([3.0 * (1 - 1e-10), 3.0 * (1 - 1e-6)])
    assert meets("roi_min", values, 3.0, rel_tol=1e-9).tolist() == [True, False]
