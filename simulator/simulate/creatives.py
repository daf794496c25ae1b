"""Creative rotation in the simulation: the engine's expected mix, or Thompson sampling.

``expected`` (the default, ``Schedule``): every run spends each day in the shares the
compiled scenario's rotation policy sets (``model/creatives.py``): the A/B test's
expected allocation, learning cost and fatigue included. The creative part of a run is
then the same in every run, and the simulation's mean equals the expected-value engine
by construction.

``thompson`` (``Rotation``): each run learns on its own, as a media buyer's A/B test
does. Each day every run draws, for each creative of an ad set, a plausible rate of
conversions per unit of spend from what it has observed so far, and puts the day's
budget on the creative whose draw is highest. Conversions per unit of spend are Poisson
counts, so the conjugate posterior of a creative's rate is a Gamma (shape = 1 +
conversions seen, rate = prior + spend). This learns from the run's real volume (fast
when conversions are many) and each run's path moves its own result, so its mean departs
from the engine's: the documented residual of the compile-time policy.

Fatigue is the same in both: a creative loses ``fatigue`` of its response per horizon's
worth of days on air, compounding. Shapes: ``R`` runs, ``T`` ad sets whose channel
declares creatives, ``K`` creatives (a single creative still applies its multipliers and
tires).
"""

from __future__ import annotations

import numpy as np

from simulator.model.creatives import CreativeMix
from simulator.model.curves import FloatArray


class Schedule:
    """The compiled expected mix, spent in its shares by every run (no draws)."""

    def __init__(self, creatives: CreativeMix, runs: int, horizon: int) -> None:
        t = creatives.testing
        self.index = t
        self.runs = runs
        self.share = creatives.share[t]  # (T, K, H)
        self.response = creatives.response[t]  # (T, H)
        self.clicks = creatives.clicks[t]
        self.spend = np.zeros((runs, t.size, creatives.lift.shape[1]))
        self.daily_picks = np.zeros((t.size, creatives.lift.shape[1], horizon))
        self.day = 0

    def choose(self, rng: np.random.Generator, day: int) -> tuple[FloatArray, FloatArray]:
        """Today's conversion and click multipliers ``(R, T)`` (the same in every run)."""
        self.day = day
        shape = (self.runs, self.index.size)
        lift = np.broadcast_to(self.response[:, day], shape)
        return lift, np.broadcast_to(self.clicks[:, day], shape)

    def observe(self, day: int, spend: FloatArray, conversions: FloatArray) -> None:
        """Book today's spend ``(T,)`` on the creatives in the day's shares."""
        if self.index.size == 0:
            return
        today = self.share[:, :, day]  # (T, K)
        self.spend += (today * spend[:, None])[None]
        self.daily_picks[..., day] = today * self.runs


class Rotation:
    """Posteriors, exposure and today's choice of creative for every run and ad set."""

    def __init__(self, creatives: CreativeMix, runs: int, horizon: int) -> None:
        t = creatives.testing
        k = creatives.lift.shape[1]
        self.index = t
        self.lift = creatives.lift[t]  # (T, K)
        self.click = creatives.click[t]
        self.fatigue = creatives.fatigue[t]
        self.inactive = ~creatives.active[t]
        self.horizon = horizon
        # the prior's mean is the ad set's average creative, so (as in the engine's policy)
        # only the ratios of the lifts matter, not which creative is written as the base
        active = creatives.active[t]
        self.scale = (self.lift * active).sum(axis=1) / np.maximum(active.sum(axis=1), 1)
        self.shape = np.ones((runs, t.size, k))
        self.rate = np.zeros((runs, t.size, k))
        self.exposure = np.zeros((runs, t.size, k))  # days on air, in horizons
        self.choice = np.zeros((runs, t.size), dtype=np.intp)
        self.spend = np.zeros((runs, t.size, k))
        self.daily_picks = np.zeros((t.size, k, horizon))  # runs that picked each creative

    def choose(
        self, rng: np.random.Generator, expected_rate: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        """Pick today's creative per run; its conversion and click multipliers ``(R, T)``.

        ``expected_rate`` ``(T,)`` (today's expected conversions per unit of spend with a
        neutral creative) times the average creative's lift sets a weak prior (one
        conversion's worth) on the same scale as the observations.
        """
        prior_rate = 1.0 / np.maximum(expected_rate * self.scale, 1e-12)
        draws = rng.gamma(self.shape) / (prior_rate[None, :, None] + self.rate)
        draws[:, self.inactive] = -np.inf
        self.choice = np.argmax(draws, axis=-1)
        picked = self.choice[..., None]

        def of_pick(per_creative: FloatArray) -> FloatArray:
            wide = np.broadcast_to(per_creative, draws.shape)
            return np.asarray(np.take_along_axis(wide, picked, -1)[..., 0])

        exposure = np.take_along_axis(self.exposure, picked, -1)[..., 0]
        tired = np.power(1.0 - of_pick(self.fatigue), exposure)
        return of_pick(self.lift) * tired, of_pick(self.click) * tired

    def observe(self, day: int, spend: FloatArray, conversions: FloatArray) -> None:
        """Book today's spend ``(T,)`` and produced conversions ``(R, T)`` on the choice."""
        if self.index.size == 0:
            return
        picked = self.choice[..., None]
        onehot = np.zeros_like(self.shape)
        np.put_along_axis(onehot, picked, 1.0, axis=-1)
        self.shape += onehot * conversions[..., None]
        self.rate += onehot * spend[None, :, None]
        self.exposure += onehot / self.horizon
        self.spend += onehot * spend[None, :, None]
        self.daily_picks[..., day] = onehot.sum(axis=0)
