"""Uncertainty of a channel's fit: a moving-block residual bootstrap over days.

Resampling whole days would cut the adstock chain (a day's conversions depend on the
days before it), so the spend series is kept as it was and the *noise* is resampled:
standardised residuals ``(y - fit) / sqrt(fit)`` are drawn in blocks of consecutive days
(keeping their day-to-day correlation), put back on the fitted series, and the curve is
refitted from the point estimate. Percentiles of the refits give the intervals.

The likelihood fit (``method="likelihood"``) draws new counts from its own fitted
distribution instead (Poisson, or gamma-Poisson = negative binomial when overdispersed):
on synthetic truths the residual reshuffle gave intervals about half as wide as the
estimator's real spread, while this parametric bootstrap matches it (see
``tests/calibrate/test_coverage.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from simulator.calibrate.common import ChannelFit, fit_flat
from simulator.calibrate.fit import fit_family
from simulator.calibrate.lsq import fit_family_lsq
from simulator.calibrate.model import DailyCurve, to_theta
from simulator.model.curves import FloatArray

BoolArray = npt.NDArray[np.bool_]
LEVEL = 0.9
BLOCK_DAYS = 7  # a week: keeps the weekly rhythm of the noise inside a block
GRID_POINTS = 60


@dataclass(frozen=True)
class Intervals:
    """Bootstrap intervals of one channel at ``level`` (e.g. 0.9 = 5th to 95th percentile)."""

    level: float
    n_resamples: int
    params: dict[str, tuple[float, float]]  # scenario parameter -> (low, high), horizon units
    grid: FloatArray  # (G,) daily spend
    curve: FloatArray  # (G,) point estimate of daily conversions produced
    curve_low: FloatArray  # (G,)
    curve_high: FloatArray  # (G,)
    refits: tuple[DailyCurve, ...] = field(default=(), repr=False)  # one per resample


def scenario_params(curve: DailyCurve, horizon_days: int) -> dict[str, float]:
    """The numbers the scenario carries for a curve: its response block and the decay."""
    response = curve.horizon_response(horizon_days)
    out = {k: float(v) for k, v in response.items() if k != "type"}
    out["decay"] = curve.decay
    return out


def _resample_blocks(z: FloatArray, rng: np.random.Generator, block: int) -> FloatArray:
    n = z.size
    block = min(block, n)
    starts = rng.integers(0, n - block + 1, size=int(np.ceil(n / block)))
    drawn = np.concatenate([z[s : s + block] for s in starts])[:n]
    return np.asarray(drawn - drawn.mean())


def _draw_counts(fit: ChannelFit, days: BoolArray, rng: np.random.Generator) -> FloatArray:
    """New counts from the fit's own distribution: Poisson, or negative binomial."""
    mu = np.maximum(fit.fitted[days], 0.0)
    if np.isfinite(fit.nb_size):
        mu = rng.gamma(fit.nb_size, mu / fit.nb_size)
    return np.asarray(rng.poisson(mu), dtype=float)


def _refit(fit: ChannelFit, x: FloatArray, y: FloatArray, days: BoolArray) -> DailyCurve:
    """The point fit's own method and choices (family, adstock, likelihood) on new counts."""
    theta0 = to_theta(fit.curve)
    if fit.flat:
        return fit_flat(x, y, days)[0]
    if fit.method == "lsq":
        return fit_family_lsq(fit.curve.family, x, y, days, start=theta0, sigma=fit.sigma)[0]
    return fit_family(
        fit.curve.family, x, y, days, theta0, adstock=fit.adstock, nb_size=fit.nb_size
    )[0]


def bootstrap_channel(
    fit: ChannelFit,
    x: FloatArray,
    y: FloatArray,
    mask: BoolArray,
    horizon_days: int,
    n_resamples: int,
    rng: np.random.Generator,
) -> Intervals:
    """Intervals for each scenario parameter and for the daily curve on a spend grid."""
    grid = np.linspace(0.0, 1.5 * float(x.max()), GRID_POINTS)
    point = fit.curve
    days = mask if fit.used is None else fit.used  # outlying days stay out of the noise
    scale = np.sqrt(np.maximum(fit.fitted[days], 1.0))
    z = (y[days] - fit.fitted[days]) / scale
    refits: list[DailyCurve] = []
    parametric = fit.method == "likelihood" and not fit.flat
    for _ in range(n_resamples):
        y_star = np.full_like(y, np.nan)
        if parametric:
            y_star[days] = _draw_counts(fit, days, rng)
        else:
            y_star[days] = np.maximum(
                fit.fitted[days] + _resample_blocks(z, rng, BLOCK_DAYS) * scale, 0
            )
        refits.append(_refit(fit, x, y_star, days))
    lo_q, hi_q = 50.0 * (1.0 - LEVEL), 50.0 * (1.0 + LEVEL)
    names = scenario_params(point, horizon_days)
    table = np.array([list(scenario_params(c, horizon_days).values()) for c in refits])
    curves = np.array([c.produced(grid) for c in refits]) if refits else point.produced(grid)[None]
    if not refits:
        table = np.array([list(names.values())])
    params = {
        name: (float(np.percentile(table[:, i], lo_q)), float(np.percentile(table[:, i], hi_q)))
        for i, name in enumerate(names)
    }
    return Intervals(
        level=LEVEL,
        n_resamples=n_resamples,
        params=params,
        grid=grid,
        curve=point.produced(grid),
        curve_low=np.percentile(curves, lo_q, axis=0),
        curve_high=np.percentile(curves, hi_q, axis=0),
        refits=tuple(refits),
    )
