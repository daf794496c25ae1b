"""Fit one channel's daily curve and adstock by robust non-linear least squares.

Each family is fitted from several starts (the hill's three curve parameters trade off
against each other when spend stays low, so one start can stall on a ridge); the best
start is refined with residuals scaled by their own robust spread, so ``soft_l1``
down-weights outlying days (a stock-out, a tracking gap) at a sensible size. The family is
the one that predicts the held-out last days better: a hill must beat the exponential by
``HILL_MARGIN`` to be chosen, since with one more parameter it always fits the past better.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.optimize import least_squares

from simulator.calibrate.model import FAMILIES, DailyCurve, from_theta, theta_bounds, to_theta
from simulator.model.curves import FloatArray

BoolArray = npt.NDArray[np.bool_]
HOLDOUT_SHARE = 0.2
HILL_MARGIN = 1.0  # the hill must predict the held-out days strictly better
ROBUST_F_SCALE = 1.5  # residuals beyond 1.5 robust standard deviations count less
N_STARTS = 4  # grid starts refined per fit (of 8 exponential, 24 hill)
MIN_SPEND_CV = 0.15  # below this the spend hardly moved: shape and adstock are not identified


@dataclass(frozen=True)
class Scores:
    """Fit quality on a set of days: R², MAPE (days with results > 0) and mean abs error."""

    r2: float
    mape: float
    mae: float


@dataclass(frozen=True)
class ChannelFit:
    """The chosen curve of one channel and the evidence for it."""

    curve: DailyCurve
    sigma: float  # robust spread of daily residuals, in conversions
    fitted: FloatArray  # (N,) landed conversions of the fit on every history day
    in_sample: Scores
    holdout: Scores  # of the chosen family, fitted without the held-out days
    holdout_by_family: dict[str, Scores]
    holdout_start: int  # index of the first held-out day
    flat: bool = False  # spend hardly varied: the curve is the flat-history assumption


def scores(y: FloatArray, pred: FloatArray, mask: BoolArray) -> Scores:
    """R², MAPE and MAE of ``pred`` against ``y`` on the days in ``mask``."""
    yy, pp = y[mask], pred[mask]
    err = pp - yy
    sst = float(np.sum((yy - yy.mean()) ** 2)) if yy.size else 0.0
    r2 = 1.0 - float(np.sum(err**2)) / sst if sst > 0 else float("nan")
    pos = yy > 0
    mape = float(np.mean(np.abs(err[pos]) / yy[pos])) if pos.any() else float("nan")
    mae = float(np.mean(np.abs(err))) if yy.size else float("nan")
    return Scores(r2, mape, mae)


def _residuals(
    theta: FloatArray, family: str, x: FloatArray, y: FloatArray, mask: BoolArray, sigma: float
) -> FloatArray:
    return (from_theta(family, theta).landed(x)[mask] - y[mask]) / sigma


def _starts(family: str, x: FloatArray, y: FloatArray, mask: BoolArray) -> list[FloatArray]:
    """A small grid of starting points built from the data's own scale."""
    lo, hi = theta_bounds(family, x, y)
    spent = x[mask & (x > 0)]
    x_mid = float(np.median(spent)) if spent.size else 1.0
    y_mid = max(float(np.median(y[mask])), 1e-6)
    carry = float(np.mean(y[mask][:3]))
    shapes = (0.8, 1.0, 1.6) if family == "hill" else (1.0,)
    out = []
    for mult, shape, decay in itertools.product((0.5, 1.0, 2.0, 5.0), shapes, (0.1, 0.5)):
        scale = x_mid * mult
        unit = DailyCurve(family, 1.0, scale, shape, decay, 0.0).produced(np.array([x_mid]))[0]
        start = to_theta(DailyCurve(family, y_mid / unit, scale, shape, decay, carry))
        out.append(np.clip(start, lo + 1e-9, hi - 1e-9))
    return out


def _best_starts(starts: list[FloatArray], args: tuple[Any, ...]) -> list[FloatArray]:
    """The ``N_STARTS`` grid points with the smallest initial error: only they are refined."""
    cost = [float(np.sum(np.square(_residuals(s, *args)))) for s in starts]
    return [starts[i] for i in np.argsort(cost)[:N_STARTS]]


def fit_family(
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
                for s in _best_starts(_starts(family, x, y0, mask), args)
            ),
            key=lambda r: float(r.cost),
        )  # fmt: skip  # the least-squares options read as one line
        start = np.asarray(best.x)
        sigma = _robust_sigma(best.fun * scale0)
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


def holdout_split(mask: BoolArray, share: float = HOLDOUT_SHARE) -> int:
    """Index of the first held-out day: the last ``share`` of the observed days."""
    observed = np.nonzero(mask)[0]
    n_hold = max(round(share * observed.size), 1)
    return int(observed[-n_hold])


def spend_cv(x: FloatArray, mask: BoolArray) -> float:
    """Coefficient of variation of the observed days' spend."""
    spend = x[mask]
    return float(spend.std() / spend.mean()) if spend.mean() > 0 else 0.0


def _robust_sigma(resid: FloatArray) -> float:
    return max(1.4826 * float(np.median(np.abs(resid - np.median(resid)))), 1e-6)


def fit_flat(x: FloatArray, y: FloatArray, mask: BoolArray) -> tuple[DailyCurve, float]:
    """The curve of a history spent at one level, where only that level is identified.

    Any curve through the observed point fits, so a free fit lands anywhere (often a steep
    S-curve that would draw the whole budget). We assume instead the cautious shape: an
    exponential whose half-saturation is the average daily spend (the next yuan earns
    half the average return) and no adstock, scaled to the conversions seen.
    """
    level = float(x[mask & (x > 0)].mean())
    scale = level / np.log(2.0)
    unit = DailyCurve("exponential", 1.0, scale, 1.0, 0.0, 0.0).produced(x)
    m = max(float(np.nansum(y[mask])) / float(unit[mask].sum()), 1e-9)
    curve = DailyCurve("exponential", m, scale, 1.0, 0.0, 0.0)
    return curve, _robust_sigma(np.nan_to_num(y - curve.landed(x))[mask])


def _flat_channel(x: FloatArray, y: FloatArray, mask: BoolArray, cut: int) -> ChannelFit:
    held = mask & (np.arange(x.size) >= cut)
    train_curve, _ = fit_flat(x, y, mask & ~held)
    curve, sigma = fit_flat(x, y, mask)
    holdout = scores(y, train_curve.landed(x), held)
    fitted = curve.landed(x)
    return ChannelFit(
        curve, sigma, fitted, scores(y, fitted, mask), holdout, {"exponential": holdout}, cut, True
    )


def fit_channel(x: FloatArray, y: FloatArray, mask: BoolArray) -> ChannelFit:
    """Choose the family by held-out error, then fit it on every observed day.

    A history whose spend hardly varied gets the flat-history curve (``fit_flat``).
    """
    cut = holdout_split(mask)
    if spend_cv(x, mask) < MIN_SPEND_CV:
        return _flat_channel(x, y, mask, cut)
    train, held = mask & (np.arange(x.size) < cut), mask & (np.arange(x.size) >= cut)
    by_family = {}
    for family in FAMILIES:
        curve, _ = fit_family(family, x, y, train)
        by_family[family] = scores(y, curve.landed(x), held)
    chosen = "exponential"
    if by_family["hill"].mae < HILL_MARGIN * by_family["exponential"].mae:
        chosen = "hill"
    curve, sigma = fit_family(chosen, x, y, mask)
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
