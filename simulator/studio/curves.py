"""Each channel's response curve, sampled from the engine over a grid of its spend.

The other channels hold their spend from the given allocation, so the curve is exactly
what the engine would report for that channel at each spend (adstock and events
included), not a re-derivation of the curve family.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from simulator.expected import evaluate_spend, per_channel
from simulator.model.compiled import CompiledScenario
from simulator.model.curves import FloatArray
from simulator.model.split import as_split


@dataclass(frozen=True)
class CurveSample:
    """One channel's revenue, conversions and marginal ROI at each spend of ``spend``."""

    channel: str
    spend: FloatArray  # (K,)
    revenue: FloatArray  # (K,)
    conversions: FloatArray  # (K,)
    marginal_roi: FloatArray  # (K,) d revenue / d spend; nan/inf where undefined


def spend_grid(upper: float, points: int = 60) -> FloatArray:
    """``points`` spends from 0 to ``upper``, denser near 0 where curves bend most."""
    return np.asarray(upper * np.linspace(0.0, 1.0, points) ** 1.5, dtype=float)


def _upper(cs: CompiledScenario, j: int, marks: list[float]) -> float:
    """Past the channel's bound and every marked spend, but not far into flat ground."""
    bound, mark = float(cs.channel_max[j]), max(marks, default=0.0)
    if mark <= 0:
        return max(bound, 1.0)
    return min(max(bound, 1.25 * mark), 2.5 * mark)


def sample_curve(
    cs: CompiledScenario,
    channel: str,
    allocation: Mapping[str, float],
    grid: FloatArray,
) -> CurveSample:
    """The engine's outcome of ``channel`` at each spend of ``grid``, others as allocated.

    One vectorised call: ``K = len(grid)`` candidate splits of shape ``(K, A)``. A channel's
    spend divides among its ad sets by their default shares, as a split file would.
    """
    j = cs.channel_ids.index(channel)
    base = as_split(cs, dict(allocation)).spend
    idx = cs.ad_sets_of(j)
    share = cs.default_share[idx] / cs.default_share[idx].sum()
    spend = np.repeat(base[None, :], grid.size, axis=0)
    spend[:, idx] = np.outer(grid, share)
    metrics = per_channel(cs, evaluate_spend(cs, spend))
    return CurveSample(
        channel=channel,
        spend=np.asarray(grid, dtype=float),
        revenue=metrics["revenue"][:, j],
        conversions=metrics["conversions"][:, j],
        marginal_roi=metrics["marginal_roi"][:, j],
    )


def channel_upper(cs: CompiledScenario, channel: str, marks: list[float]) -> float:
    """Where ``sample_curves`` ends ``channel``'s grid for these marked spends."""
    return _upper(cs, cs.channel_ids.index(channel), marks)


def sample_alone(cs: CompiledScenario, channel: str, upper: float, points: int = 60) -> CurveSample:
    """``channel``'s curve on the grid ``sample_curves`` uses, the others at zero spend.

    A channel's outcome depends only on its own ad sets' spend (each ad set has its own
    curve, prices and adstock), so the curve is the same whatever the others spend: the
    studio caches it on (scenario, channel, upper) and a slider move rarely resamples.
    """
    zero = dict.fromkeys(cs.channel_ids, 0.0)
    return sample_curve(cs, channel, zero, spend_grid(upper, points))


def sample_curves(
    cs: CompiledScenario,
    allocation: Mapping[str, float],
    marks: Mapping[str, list[float]] | None = None,
    points: int = 60,
) -> dict[str, CurveSample]:
    """Every channel's curve, on a grid reaching past its bound and any marked spend.

    All channels' grids go to the engine as one ``(C * points, A)`` batch of candidates.
    """
    marks = marks or {}
    base = as_split(cs, dict(allocation)).spend
    grids = [
        spend_grid(_upper(cs, j, list(marks.get(c, []))), points)
        for j, c in enumerate(cs.channel_ids)
    ]
    spend = np.repeat(base[None, :], points * cs.n_channels, axis=0)
    for j, grid in enumerate(grids):
        idx = cs.ad_sets_of(j)
        share = cs.default_share[idx] / cs.default_share[idx].sum()
        spend[j * points : (j + 1) * points, idx] = np.outer(grid, share)
    metrics = per_channel(cs, evaluate_spend(cs, spend))
    out = {}
    for j, cid in enumerate(cs.channel_ids):
        rows = slice(j * points, (j + 1) * points)
        out[cid] = CurveSample(
            channel=cid,
            spend=grids[j],
            revenue=metrics["revenue"][rows, j],
            conversions=metrics["conversions"][rows, j],
            marginal_roi=metrics["marginal_roi"][rows, j],
        )
    return out
