"""Fit one channel's daily curve and adstock by the counts' own likelihood.

Why not least squares: daily counts are Poisson-like, so a busy day's count is noisier
than a quiet day's; squared errors let the busy days steer the saturation. The steps:

1. each family is fitted by maximum likelihood from several starts (the hill's three curve
   parameters trade off when spend stays low); the start is found with a soft-L1 loss on
   the deviance residuals, days more than ``OUTLIER_Z`` robust deviations out (a tracking
   glitch, a stock-out) are then left out and the plain likelihood is maximised;
2. adstock must earn its two parameters: it is kept only when the likelihood-ratio
   statistic (scaled by the dispersion) exceeds ``ADSTOCK_LR``, so a spurious decay
   cannot absorb saturation;
3. when days vary more than Poisson (dispersion > ``OVERDISPERSED``) the fit is redone
   with a negative binomial likelihood, its size matched by moments;
4. the family is the one with the smaller held-out deviance over ``FOLDS`` contiguous
   blocks of days (blocks, not random days: neighbouring days share adstock).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import least_squares

from simulator.calibrate.common import (
    MIN_SPEND_CV,
    BoolArray,
    ChannelFit,
    Scores,
    flat_channel,
    holdout_split,
    scores,
    spend_cv,
    starts,
)
from simulator.calibrate.common import robust_sigma as robust_sigma
from simulator.calibrate.likelihood import (
    POISSON,
    deviance_residuals,
    dispersion,
    nb_size_by_moments,
    unit_deviance,
)
from simulator.calibrate.lsq import fit_channel_lsq
from simulator.calibrate.model import FAMILIES, DailyCurve, from_theta, theta_bounds, to_theta
from simulator.model.curves import FloatArray

METHODS = ("likelihood", "lsq")
N_STARTS = 4  # grid starts refined per fit (of 8 exponential, 24 hill)
OUTLIER_Z = 5.0  # about 1 clean day in 2 million lies this far out
ADSTOCK_LR = 6.63  # chi-square(1) at 99%: a decay must be clearly supported
OVERDISPERSED = 1.5  # dispersion above which the negative binomial replaces the Poisson
FOLDS = 5


@dataclass(frozen=True)
class Spec:
    """What is fitted: the family, whether the decay is free, and the likelihood."""

    family: str
    adstock: bool = True
    nb_size: float = POISSON

    @property
    def n_curve(self) -> int:
        return 3 if self.family == "hill" else 2

    @property
    def n_params(self) -> int:
        return self.n_curve + (2 if self.adstock else 0)

    def full(self, theta: FloatArray) -> FloatArray:
        """The model's parameter vector: decay and carry-in fixed at 0 without adstock."""
        return theta if self.adstock else np.concatenate([theta, [0.0, 0.0]])

    def curve(self, theta: FloatArray) -> DailyCurve:
        return from_theta(self.family, self.full(theta))


def _residuals(
    theta: FloatArray, spec: Spec, x: FloatArray, y: FloatArray, mask: BoolArray
) -> FloatArray:
    return deviance_residuals(y[mask], spec.curve(theta).landed(x)[mask], spec.nb_size)


def _bounds(spec: Spec, x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
    lo, hi = theta_bounds(spec.family, x, y)
    return lo[: spec.n_params], hi[: spec.n_params]


def _solve(start: FloatArray, spec: Spec, args: tuple[Any, ...], **kw: Any) -> Any:
    lo, hi = _bounds(spec, args[0], args[1])
    start = np.clip(start, lo + 1e-9, hi - 1e-9)  # a resample's bounds differ a little
    return least_squares(_residuals, start, bounds=(lo, hi), args=(spec, *args), **kw)


def fit_family(
    family: str,
    x: FloatArray,
    y: FloatArray,
    mask: BoolArray,
    start: FloatArray | None = None,
    *,
    adstock: bool = True,
    nb_size: float = POISSON,
) -> tuple[DailyCurve, BoolArray]:
    """Maximum-likelihood curve of ``family`` on the days in ``mask``, and the days it used.

    With ``start`` (a full parameter vector: a bootstrap or cross-validation refit) only
    the last, plain-likelihood step runs, on all of ``mask``.
    """
    spec = Spec(family, adstock, nb_size)
    y0 = np.nan_to_num(y)
    used = mask
    if start is None:
        grid = [g[: spec.n_params] for g in starts(family, x, y0, mask)]
        cost = [float(np.sum(np.square(_residuals(g, spec, x, y0, mask)))) for g in grid]
        best = min(
            (
                _solve(grid[i], spec, (x, y0, mask), loss="soft_l1", f_scale=3.0, max_nfev=300)
                for i in np.argsort(cost)[:N_STARTS]
            ),
            key=lambda r: float(r.cost),
        )
        r = np.asarray(best.fun)
        out = np.abs(r - np.median(r)) > OUTLIER_Z * robust_sigma(r)
        used = mask.copy()
        used[np.nonzero(mask)[0][out]] = False
        theta = np.asarray(best.x)
    else:
        theta = np.asarray(start)[: spec.n_params]
    refined = _solve(theta, spec, (x, y0, used), max_nfev=500)
    return spec.curve(np.asarray(refined.x)), used


def _blocks(mask: BoolArray) -> list[BoolArray]:
    """``FOLDS`` contiguous blocks of the observed days, as masks."""
    out = []
    for part in np.array_split(np.nonzero(mask)[0], FOLDS):
        block = np.zeros(mask.size, dtype=bool)
        block[part] = True
        out.append(block)
    return out


@dataclass(frozen=True)
class _FamilyFit:
    spec: Spec
    curve: DailyCurve
    used: BoolArray
    cv_deviance: float
    holdout: Scores


def _fit_spec(family: str, x: FloatArray, y: FloatArray, mask: BoolArray) -> _FamilyFit:
    """One family: adstock by likelihood ratio, then Poisson or negative binomial."""
    y0 = np.nan_to_num(y)
    curve, used = fit_family(family, x, y, mask)
    spec = Spec(family)
    mu = curve.landed(x)[used]
    phi = max(dispersion(y0[used], mu, spec.n_params), 1e-9)
    plain, _ = fit_family(family, x, y, used, to_theta(curve), adstock=False)
    lr = (
        float(
            np.sum(unit_deviance(y0[used], plain.landed(x)[used]))
            - np.sum(unit_deviance(y0[used], mu))
        )
        / phi
    )
    if lr <= ADSTOCK_LR:
        # start the no-adstock fit afresh: the curve with adstock may sit on another ridge
        plain, used = fit_family(family, x, y, mask, adstock=False)
        curve, spec = plain, Spec(family, adstock=False)
    if phi > OVERDISPERSED:
        spec = Spec(family, spec.adstock, nb_size_by_moments(y0[used], curve.landed(x)[used]))
        curve, _ = fit_family(
            family, x, y, used, to_theta(curve), adstock=spec.adstock, nb_size=spec.nb_size
        )
    return _cross_validate(spec, curve, x, y, used)


def _cross_validate(
    spec: Spec, curve: DailyCurve, x: FloatArray, y: FloatArray, used: BoolArray
) -> _FamilyFit:
    """Held-out deviance over contiguous blocks; the last block's scores for the report."""
    y0 = np.nan_to_num(y)
    total, holdout = 0.0, Scores(float("nan"), float("nan"), float("nan"))
    for block in _blocks(used):
        fold, _ = fit_family(
            spec.family, x, y, used & ~block, to_theta(curve),
            adstock=spec.adstock, nb_size=spec.nb_size,
        )  # fmt: skip  # the refit's arguments kept on two lines
        pred = fold.landed(x)
        total += float(np.sum(unit_deviance(y0[block], pred[block], spec.nb_size)))
        holdout = scores(y0, pred, block)
    return _FamilyFit(spec, curve, used, total, holdout)


def fit_channel(
    x: FloatArray, y: FloatArray, mask: BoolArray, method: str = "likelihood"
) -> ChannelFit:
    """Choose the family by held-out likelihood, then fit it on every observed day.

    A history whose spend hardly varied gets the flat-history curve (``fit_flat``);
    ``method="lsq"`` is the former soft-L1 least-squares fit, kept for comparison.
    """
    if method not in METHODS:
        raise ValueError(
            f"fit_channel: method must be one of {', '.join(METHODS)} (got {method!r})"
        )
    if method == "lsq":
        return fit_channel_lsq(x, y, mask)
    if spend_cv(x, mask) < MIN_SPEND_CV:
        return flat_channel(x, y, mask, holdout_split(mask), method)
    fits = {family: _fit_spec(family, x, y, mask) for family in FAMILIES}
    best = min(fits.values(), key=lambda f: f.cv_deviance)
    fitted = best.curve.landed(x)
    mu = fitted[best.used]
    y0 = np.nan_to_num(y)
    phi = dispersion(y0[best.used], mu, best.spec.n_params, best.spec.nb_size)
    return ChannelFit(
        curve=best.curve,
        sigma=float(np.sqrt(phi)),
        fitted=fitted,
        in_sample=scores(y0, fitted, mask),
        holdout=best.holdout,
        holdout_by_family={f: v.holdout for f, v in fits.items()},
        holdout_start=int(np.nonzero(_blocks(mask)[-1])[0][0]),
        method=method,
        adstock=best.spec.adstock,
        nb_size=best.spec.nb_size,
        cv_deviance={f: v.cv_deviance for f, v in fits.items()},
        used=best.used,
    )
