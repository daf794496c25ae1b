"""Sampled response curves agree with the engine at every grid point."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.api import evaluate
from simulator.studio.curves import sample_curves, spend_grid


def test_grid_spans_zero_to_upper() -> None:
    g = spend_grid(1000.0, 11)
    assert g[0] == 0.0
    assert g[-1] == pytest.approx(1000.0)
    assert np.all(np.diff(g) > 0)


@pytest.mark.parametrize("channel", ["baidu_search", "douyin_feed", "affiliate"])
def test_each_point_is_the_engine_outcome(q4, q4_plan, channel) -> None:
    s = sample_curves(q4, q4_plan, {channel: [700_000.0]}, points=11)[channel]
    assert s.spend[0] == 0.0
    for spend, revenue, mroi in zip(s.spend, s.revenue, s.marginal_roi, strict=True):
        ref = evaluate(q4, {**q4_plan, channel: float(spend)}).channels[channel]
        assert revenue == pytest.approx(ref["revenue"], rel=1e-12, abs=1e-9)
        assert mroi == pytest.approx(ref["marginal_roi"], rel=1e-9, nan_ok=True)


def test_curve_is_monotone_and_passes_through_the_plan(q4, q4_plan) -> None:
    samples = sample_curves(q4, q4_plan, {"kol_posts": [560_000.0], "affiliate": [180_000.0]})
    assert set(samples) == set(q4.channel_ids)
    for s in samples.values():
        assert np.all(np.diff(s.revenue) >= -1e-9)
    assert samples["kol_posts"].spend[-1] >= 560_000.0
    # affiliate saturates at 240k; its grid stops at 2.5x the marked spend, not the budget
    assert samples["affiliate"].spend[-1] == pytest.approx(450_000.0)
