"""The engine's daily model (CONTRACT.md section 1b) as a function of fit parameters.

Day t's spend ``x[t]`` produces ``C(H * x[t]) / H`` conversions, which land with geometric
adstock: ``landed[u] = decay * landed[u-1] + (1 - decay) * produced[u]``. Both families
are closed under that rescaling, so we fit the *daily* curve ``f(x) = C(H x) / H`` and
convert to the horizon's parameters at the end (``max_conversions = H * m``, the spend
scale ``= H * h``); the fit does not depend on H, and any H written is consistent.

The history starts mid-stream: what earlier spend still lands on its first days is the
nuisance parameter ``carry_in`` (``landed[0]``), so those days do not bias the decay.

Parameter vectors ``theta`` (one per family, what ``least_squares`` moves):
``hill``: ``[log m, log h, shape, decay, carry_in]``;
``exponential``: ``[log m, log scale, decay, carry_in]``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import lfilter

from simulator.model.curves import Curve, Exponential, FloatArray, Hill

FAMILIES = ("exponential", "hill")
SHAPE_BOUNDS = (0.3, 4.0)
DECAY_MAX = 0.95


@dataclass(frozen=True)
class DailyCurve:
    """A fitted channel in daily units: ``f(x)`` conversions produced by spend ``x`` a day."""

    family: str
    max_daily: float  # m: conversions a day as daily spend grows without bound
    spend_scale: float  # hill: half-saturation; exponential: scale (daily spend)
    shape: float  # hill only; 1.0 for exponential
    decay: float
    carry_in: float

    def produced(self, x: FloatArray) -> FloatArray:
        """Conversions produced by daily spend ``x`` (any shape), by the engine's own family."""
        x = np.asarray(x, dtype=float)
        return np.asarray(self.curve().value(x[..., None])[..., 0])

    def curve(self) -> Curve:
        """The daily curve as the model's response family (one item)."""
        m, scale = np.array([self.max_daily]), np.array([self.spend_scale])
        if self.family == "hill":
            return Hill(m, scale, np.array([self.shape]))
        return Exponential(m, scale)

    def landed(self, x: FloatArray) -> FloatArray:
        """Conversions landing each day of a daily spend series ``x`` of shape ``(N,)``."""
        return land(self.produced(x), self.decay, self.carry_in)

    @property
    def half_saturation(self) -> float:
        """Daily spend that buys half of ``max_daily`` (the identifiability yardstick)."""
        if self.family == "hill":
            return self.spend_scale
        return float(self.spend_scale * np.log(2.0))

    def horizon_response(self, horizon_days: int) -> dict[str, float | str]:
        """The scenario's ``response:`` block over ``horizon_days`` (C(S) = H f(S / H))."""
        h = float(horizon_days)
        if self.family == "hill":
            return {
                "type": "hill",
                "max_conversions": self.max_daily * h,
                "half_saturation": self.spend_scale * h,
                "shape": self.shape,
            }
        return {
            "type": "exponential",
            "max_conversions": self.max_daily * h,
            "scale": self.spend_scale * h,
        }


def land(produced: FloatArray, decay: float, carry_in: float) -> FloatArray:
    """Geometric adstock with a starting level, exactly the engine's recursion."""
    out, _ = lfilter([1.0 - decay], [1.0, -decay], produced, zi=[decay * carry_in])
    return np.asarray(out, dtype=float)


def from_theta(family: str, theta: FloatArray) -> DailyCurve:
    """The curve a parameter vector stands for."""
    if family == "hill":
        return DailyCurve(
            "hill", float(np.exp(theta[0])), float(np.exp(theta[1])), *map(float, theta[2:5])
        )
    return DailyCurve(
        "exponential",
        float(np.exp(theta[0])),
        float(np.exp(theta[1])),
        1.0,
        *map(float, theta[2:4]),
    )


def to_theta(curve: DailyCurve) -> FloatArray:
    head = [np.log(curve.max_daily), np.log(curve.spend_scale)]
    if curve.family == "hill":
        return np.array([*head, curve.shape, curve.decay, curve.carry_in])
    return np.array([*head, curve.decay, curve.carry_in])


def theta_bounds(family: str, x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Wide but finite bounds, so near-linear data cannot run a parameter to infinity.

    A fit that ends on the spend-scale bound has found no saturation in the data; the
    identifiability check reports that.
    """
    positive = x[x > 0]
    x_lo = float(positive.min()) if positive.size else 1.0
    x_hi = float(x.max()) if x.max() > 0 else 1.0
    y_mean, y_max = max(float(np.nanmean(y)), 1e-9), max(float(np.nanmax(y)), 1e-9)
    lo = [np.log(y_mean * 0.05), np.log(x_lo * 0.01)]
    hi = [np.log(y_max * 1e3), np.log(x_hi * 1e3)]
    if family == "hill":
        lo, hi = [*lo, SHAPE_BOUNDS[0]], [*hi, SHAPE_BOUNDS[1]]
    lo, hi = [*lo, 0.0, 0.0], [*hi, DECAY_MAX, y_max * 5.0]
    return np.array(lo), np.array(hi)
