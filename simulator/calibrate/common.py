"""What every fitting method shares: scores, the fit record, start grid, flat histories."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from simulator.calibrate.model import DailyCurve, theta_bounds, to_theta
from simulator.model.curves import FloatArray

BoolArray = npt.NDArray[np.bool_]
HOLDOUT_SHARE = 0.2
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
    sigma: float  # spread of daily residuals, in conversions (lsq) or Pearson units (likelihood)
    fitted: FloatArray  # (N,) landed conversions of the fit on every history day
    in_sample: Scores
    holdout: Scores  # of the chosen family, fitted without the held-out days
    holdout_by_family: dict[str, Scores]
    holdout_start: int  # index of the first held-out day
    flat: bool = False  # spend hardly varied: the curve is the flat-history assumption
    method: str = "lsq"  # "likelihood" (counts' own likelihood) or "lsq" (soft-L1 least squares)
    adstock: bool = True  # decay was free (False: tested away, fixed at 0)
    nb_size: float = float("inf")  # negative binomial size k; inf = Poisson
    cv_deviance: dict[str, float] = field(default_factory=dict)  # held-out, by family
    used: BoolArray | None = None  # (N,) days the final fit used (outlying days left out)


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


def starts(family: str, x: FloatArray, y: FloatArray, mask: BoolArray) -> list[FloatArray]:
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


def holdout_split(mask: BoolArray, share: float = HOLDOUT_SHARE) -> int:
    """Index of the first held-out day: the last ``share`` of the observed days."""
    observed = np.nonzero(mask)[0]
    n_hold = max(round(share * observed.size), 1)
    return int(observed[-n_hold])


def spend_cv(x: FloatArray, mask: BoolArray) -> float:
    """Coefficient of variation of the observed days' spend."""
    spend = x[mask]
    return float(spend.std() / spend.mean()) if spend.mean() > 0 else 0.0


def robust_sigma(resid: FloatArray) -> float:
    """Standard deviation read from the median absolute deviation (outliers barely move it)."""
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
    return curve, robust_sigma(np.nan_to_num(y - curve.landed(x))[mask])


def flat_channel(
    x: FloatArray, y: FloatArray, mask: BoolArray, cut: int, method: str
) -> ChannelFit:
    """The fit record of a flat history: the stated assumption, scored on the last days."""
    held = mask & (np.arange(x.size) >= cut)
    train_curve, _ = fit_flat(x, y, mask & ~held)
    curve, sigma = fit_flat(x, y, mask)
    holdout = scores(y, train_curve.landed(x), held)
    fitted = curve.landed(x)
    return ChannelFit(
        curve, sigma, fitted, scores(y, fitted, mask), holdout, {"exponential": holdout}, cut,
        flat=True, method=method, adstock=False,
    )  # fmt: skip  # the fit's fields read as two lines, not one per line
