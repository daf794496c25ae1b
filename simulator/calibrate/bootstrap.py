"""Uncertainty of a channel's fit: a moving-block residual bootstrap over days.

Resampling whole days would cut the adstock chain (a day's conversions depend on the
days before it), so the spend series is kept as it was and the *noise* is resampled:
standardised residuals ``(y - fit) / sqrt(fit)`` are drawn in blocks of consecutive days
(keeping their day-to-day correlation), put back on the fitted series, and the curve is
refitted from the point estimate. Percentiles of the refits give the intervals.

The likelihood fit (``method="likelihood"``) draws new counts from its own fitted
distribution instead (Poisson, or gamma-Poisson = negative binomial when overdispersed):
its spread matches the estimator's real spread on synthetic truths, and its intervals are
log-scale Student-t intervals from that spread (``_t_interval``), whose coverage
``tests/calibrate/test_coverage.py`` checks over repeated histories.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy.stats import t as student_t

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
    """Bootstrap intervals of one channel at ``level`` (e.g. 0.9: 5% missed on each side)."""

    level: float
    n_resamples: int
    params: dict[str, tuple[float, float]]  # scenario parameter -> (low, high), horizon units
    grid: FloatArray  # (G,) daily spend
    curve: FloatArray  # (G,) point estimate of daily conversions produced
    curve_low: FloatArray  # (G,)
    curve_high: FloatArray  # (G,)
    refits: tuple[DailyCurve, ...] = field(default=(), repr=False)  # one per resample
    point: DailyCurve | None = field(default=None, repr=False)
    t_rule: bool = False  # intervals by ``_t_interval`` (else the refits' percentiles)

    def produced_interval(self, spend: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Interval of the daily conversions produced at each daily ``spend`` (same rule)."""
        if self.point is None or not self.refits:
            raise ValueError("produced_interval: no refits were kept")
        draws = np.array([c.produced(spend) for c in self.refits])
        rule = _t_interval if self.t_rule else _percentile_interval
        return rule(self.point.produced(spend), draws)


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


def _percentile_interval(point: FloatArray, draws: FloatArray) -> tuple[FloatArray, FloatArray]:
    """The refits' own percentiles (the least-squares fit's intervals)."""
    lo_q, hi_q = 50.0 * (1.0 - LEVEL), 50.0 * (1.0 + LEVEL)
    return np.percentile(draws, lo_q, axis=0), np.percentile(draws, hi_q, axis=0)


def _t_interval(point: FloatArray, draws: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``point`` times/divided by ``exp(t * sd(log draws))``; linear where a value can be 0.

    Why not percentiles: with the few dozen resamples a calibration affords, the 5th and
    95th percentiles of the draws fall short of the tails (synthetic truths: 79-81%
    coverage for a 90% interval); the spread is estimated far more steadily, and the
    Student-t quantile with ``B - 1`` degrees of freedom pays for its own uncertainty
    (86-94%). Positive quantities (curve values, scales) vary on the log scale.
    """
    q = float(student_t.ppf(0.5 + LEVEL / 2.0, draws.shape[0] - 1))
    positive = (point > 0) & np.all(draws > 0, axis=0)
    log_sd = np.std(np.log(np.where(positive, draws, 1.0)), axis=0, ddof=1)
    sd = np.std(draws, axis=0, ddof=1)
    safe = np.where(positive, point, 1.0)
    lo = np.where(positive, safe * np.exp(-q * log_sd), np.maximum(point - q * sd, 0.0))
    hi = np.where(positive, safe * np.exp(q * log_sd), point + q * sd)
    return np.asarray(lo), np.asarray(hi)


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
    names = scenario_params(point, horizon_days)
    table = np.array([list(scenario_params(c, horizon_days).values()) for c in refits])
    curves = np.array([c.produced(grid) for c in refits]) if refits else point.produced(grid)[None]
    if not refits:
        table = np.array([list(names.values())])
    values = np.array(list(names.values()))
    t_rule = parametric and n_resamples >= 2
    interval = _t_interval if t_rule else _percentile_interval
    p_lo, p_hi = interval(values, table)
    c_lo, c_hi = interval(point.produced(grid), curves)
    params = {name: (float(p_lo[i]), float(p_hi[i])) for i, name in enumerate(names)}
    return Intervals(
        level=LEVEL,
        n_resamples=n_resamples,
        params=params,
        grid=grid,
        curve=point.produced(grid),
        curve_low=c_lo,
        curve_high=c_hi,
        refits=tuple(refits),
        point=point,
        t_rule=t_rule,
    )
