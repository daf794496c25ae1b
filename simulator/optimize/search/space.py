"""What a search trial is: a channel split on the budget simplex, and the chance targets.

A trial's parameters are a spend level (share of the budget) and one weight per free
channel. :func:`project` maps them onto the channels' min/max so that every trial is
within the budget and bounds by construction, and maps the exact answer back onto itself,
so the study can start from it unchanged. A chance target ("P(ROI >= 3) >= 90%") is met
when the one-sided Wilson lower bound of the share of runs meeting it reaches its
probability (:func:`wilson_lower`): the bound, not the raw share, because a study picks
its best among many noisy trials.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import optuna
from scipy import stats

from simulator.model.compiled import CompiledScenario
from simulator.model.curves import FloatArray
from simulator.model.targets import TARGETS, meets
from simulator.optimize.lineitems import channel_bounds


@dataclass(frozen=True)
class ChanceTarget:
    """``P(metric meets value) >= probability`` over simulated runs, e.g. roi_min=3:0.9."""

    target: str
    value: float
    probability: float

    @classmethod
    def parse(cls, text: str) -> ChanceTarget:
        """``roi_min=3:0.9``; ValueError naming what is allowed."""
        try:
            name, rest = text.split("=", 1)
            value, prob = rest.split(":", 1)
            out = cls(name.strip(), float(value), float(prob))
        except ValueError:
            raise ValueError(
                f"--chance: use TARGET=VALUE:PROBABILITY such as roi_min=3:0.9 (got {text!r})"
            ) from None
        if out.target not in TARGETS:
            allowed = ", ".join(TARGETS)
            raise ValueError(f"--chance: unknown target {out.target!r}; use {allowed}")
        if not 0 < out.probability < 1 or not out.value > 0:
            raise ValueError(f"--chance: need VALUE > 0 and 0 < PROBABILITY < 1 (got {text!r})")
        return out

    def met(self, per_run: Mapping[str, FloatArray]) -> FloatArray:
        """Per run: 1.0 where the target holds (an undefined ratio fails)."""
        values = per_run[TARGETS[self.target].metric]
        return np.asarray(meets(self.target, values, self.value), dtype=float)


def wilson_lower(successes: float, n: int, confidence: float) -> float:
    """One-sided Wilson lower bound of a proportion; ``confidence=0.5`` gives the estimate."""
    if n <= 0:
        return 0.0
    z = float(stats.norm.ppf(confidence))
    p = successes / n
    centre = p + z * z / (2 * n)
    spread = z * math.sqrt(max(p * (1 - p) / n + z * z / (4 * n * n), 0.0))
    return (centre - spread) / (1 + z * z / n) if z > 0 else p


def project(weights: FloatArray, total: float, lo: FloatArray, hi: FloatArray) -> FloatArray:
    """``clip(k * weights, lo, hi)`` with ``k`` such that the sum is ``total`` (bisection).

    ``total`` is first clipped to ``[sum lo, sum hi]``. Weights that already sum to
    ``total`` within the bounds come back unchanged (``k = 1``), so the exact answer
    enqueued as a trial is simulated as it is.
    """
    total = float(np.clip(total, lo.sum(), hi.sum()))
    w = np.maximum(weights, 0.0)
    top = float(w.max(initial=0.0))
    w = np.where(w > 1e-12 * top, w / top, 0.0) if top > 0 else w  # no denormal scales
    reach = float(np.where(w > 0, hi, lo).sum())
    if total > reach:  # the weighted channels are full: the rest fills the unweighted ones
        room = np.where(w > 0, 0.0, hi - lo)
        return np.asarray(np.where(w > 0, hi, lo) + (total - reach) / room.sum() * room, float)

    def spend(k: float) -> FloatArray:
        return np.clip(k * w, lo, hi)

    a, b = 0.0, 1.0
    while spend(b).sum() < total and b < 1e300:
        b *= 2.0
    for _ in range(200):
        mid = 0.5 * (a + b)
        if spend(mid).sum() < total:
            a = mid
        else:
            b = mid
        if b - a <= 1e-15 * b:
            break
    lo_x, hi_x = spend(a), spend(b)
    gap = hi_x.sum() - lo_x.sum()
    frac = (total - lo_x.sum()) / gap if gap > 0 else 1.0
    return np.asarray(lo_x + frac * (hi_x - lo_x), dtype=float)


@dataclass(frozen=True)
class Space:
    """Channel splits as Optuna parameters: ``spend`` (share of budget) and ``w:<channel>``."""

    channel_ids: tuple[str, ...]
    lo: FloatArray
    hi: FloatArray
    budget: float
    unit: FloatArray  # (C,) price of a whole unit; 0 = continuous

    @classmethod
    def of(cls, cs: CompiledScenario) -> Space:
        lo, hi = channel_bounds(cs)
        unit = np.zeros(cs.n_channels)
        np.maximum.at(unit, cs.ad_set_channel, cs.unit_cost)
        return cls(cs.channel_ids, lo, np.minimum(hi, cs.budget), cs.budget, unit)

    def whole_units(self, x: FloatArray) -> FloatArray:
        """Channels bought in units get whole units: rounded down, or up to their minimum."""
        u = np.where(self.unit > 0, self.unit, 1.0)
        down = np.floor(x / u + 1e-9) * u
        down = np.where(down < self.lo - 1e-9, np.ceil(self.lo / u - 1e-9) * u, down)
        return np.where(self.unit > 0, down, x)

    @property
    def free(self) -> list[int]:
        return [j for j in range(len(self.channel_ids)) if self.hi[j] > self.lo[j]]

    def level_range(self) -> tuple[float, float]:
        return self.lo.sum() / self.budget, min(self.hi.sum() / self.budget, 1.0)

    def suggest(self, trial: optuna.Trial) -> FloatArray:
        params = {"spend": trial.suggest_float("spend", *self.level_range())}
        for j in self.free:
            name = f"w:{self.channel_ids[j]}"
            params[name] = trial.suggest_float(name, 0.0, 1.0)
        return self.spend_of(params)

    def spend_of(self, params: Mapping[str, float]) -> FloatArray:
        """Each channel's spend ``(C,)`` for a trial's parameters."""
        w = self.lo.copy()
        for j in self.free:
            w[j] = params[f"w:{self.channel_ids[j]}"]
        return self.whole_units(project(w, params["spend"] * self.budget, self.lo, self.hi))

    def params_of(self, spend: FloatArray) -> dict[str, float]:
        """Parameters that :meth:`suggest` maps back to ``spend`` (within the bounds)."""
        x = np.clip(spend, self.lo, self.hi)
        top = max(float(x[self.free].max()), 1e-300) if self.free else 1.0
        lvl_lo, lvl_hi = self.level_range()
        params = {"spend": float(np.clip(x.sum() / self.budget, lvl_lo, lvl_hi))}
        params |= {f"w:{self.channel_ids[j]}": float(x[j] / top) for j in self.free}
        return params
