"""The former fit (``method="lsq"``): robust non-linear least squares on the counts.

Kept reachable so the benchmark can show what the likelihood fit (``fit.py``) gained.

Each family is fitted from several starts (the hill's three curve parameters trade off
against each other when spend stays low, so one start can stall on a ridge); the best
start is refined with residuals scaled by their own robust spread, so ``soft_l1``
down-weights outlying days (a stock-out, a tracking gap) at a sensible size. The family is
the one that predicts the held-out last days better: a hill must beat the exponential by
``HILL_MARGIN`` to be chosen, since with one more parameter it always fits the past better.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.optimize import least_squares

from simulator.calibrate.common import (
    MIN_SPEND_CV,
    BoolArray,
    ChannelFit,
    flat_channel,
    holdout_split,
    robust_sigma,
    scores,
    spend_cv,
    starts,
)
from simulator.calibrate.model import FAMILIES, DailyCurve, from_theta, theta_bounds
from simulator.model.curves import FloatArray

HILL_MARGIN = 1.0  # the hill must predict the held-out days strictly better
ROBUST_F_SCALE = 1.5  # residuals beyond 1.5 robust standard deviations count less
N_STARTS = 4  # grid starts refined per fit (of 8 exponential, 24 hill)


def _residuals(
    theta: FloatArray, family: str, x: FloatArray, y: FloatArray, mask: BoolArray, sigma: float
) -> FloatArray:
    return (from_theta(family, theta).landed(x)[mask] - y[mask]) / sigma


def _best_starts(starts: list[FloatArray], args: tuple[Any, ...]) -> list[FloatArray]:
    """The ``N_STARTS`` grid points with the smallest initial error: only they are refined."""
    cost = [float(np.sum(np.square(_residuals(s, *args)))) for s in starts]
    return [starts[i] for i in np.argsort(cost)[:N_STARTS]]


def fit_family_lsq(
    family: str,
    x: FloatArray,
    y: FloatArray,
    mask: BoolArray,
    start: FloatArray | None = None,
    sigma: float | None = None,
) -> tuple[DailyCurve, float]:
    """Best curve of ``family`` for the days in ``mask``, and its robust residual spread.

    With ``start`` and ``sigma`` (a bootstrap refit) only the refinement runs.
    """
    lo, hi = theta_bounds(family, x, y)
    y0 = np.nan_to_num(y)
    if start is None or sigma is None:
        scale0 = float(np.sqrt(np.mean(y0[mask]) + 1.0))  # Poisson-sized first guess
        args = (family, x, y0, mask, scale0)
        best = min(
            (
                least_squares(
                    _residuals, s, bounds=(lo, hi), loss="soft_l1", f_scale=3.0,
                    args=args, max_nfev=300,
                )
                for s in _best_starts(starts(family, x, y0, mask), args)
            ),
            key=lambda r: float(r.cost),
        )  # fmt: skip  # the least-squares options read as one line
        start = np.asarray(best.x)
        sigma = robust_sigma(best.fun * scale0)
    start = np.clip(start, lo + 1e-9, hi - 1e-9)  # a resample's bounds differ a little
    refined = least_squares(
        _residuals,
        start,
        bounds=(lo, hi),
        loss="soft_l1",
        f_scale=ROBUST_F_SCALE,
        args=(family, x, y0, mask, sigma),
        max_nfev=500,
    )
    return from_theta(family, np.asarray(refined.x)), sigma


def fit_channel_lsq(x: FloatArray, y: FloatArray, mask: BoolArray) -> ChannelFit:
    """Choose the family by held-out error, then fit it on every observed day.

    A history whose spend hardly varied gets the flat-history curve (``fit_flat``).
    """
    cut = holdout_split(mask)
    if spend_cv(x, mask) < MIN_SPEND_CV:
        return flat_channel(x, y, mask, cut, "lsq")
    train, held = mask & (np.arange(x.size) < cut), mask & (np.arange(x.size) >= cut)
    by_family = {}
    for family in FAMILIES:
        curve, _ = fit_family_lsq(family, x, y, train)
        by_family[family] = scores(y, curve.landed(x), held)
    chosen = "exponential"
    if by_family["hill"].mae < HILL_MARGIN * by_family["exponential"].mae:
        chosen = "hill"
    curve, sigma = fit_family_lsq(chosen, x, y, mask)
    fitted = curve.landed(x)
    return ChannelFit(
        curve=curve,
        sigma=sigma,
        fitted=fitted,
        in_sample=scores(y, fitted, mask),
        holdout=by_family[chosen],
        holdout_by_family=by_family,
        holdout_start=cut,
    )
