"""Creative rotation by Thompson sampling, for all runs at once.

A media buyer's A/B test: each day every run draws, for each creative of an ad set, a
plausible rate of conversions per unit of spend from what it has observed so far, and
puts the day's budget on the creative whose draw is highest. The better creative wins
more draws as evidence accumulates, so it takes the budget over the run.

Conversions per unit of spend are Poisson counts, so the conjugate posterior of a
creative's rate is a Gamma (shape = 1 + conversions seen, rate = prior + spend); a Beta
would need a trial count (impressions) that fitted response curves do not have. Fatigue
makes a creative lose ``fatigue`` of its response per flight's worth of spend it has
carried, compounding, so a tired winner can lose the rotation again.

Shapes: ``R`` runs, ``T`` ad sets whose channel declares creatives, ``K`` creatives
(a single creative still applies its multipliers and tires).
"""

from __future__ import annotations

import numpy as np

from simulator.model.curves import FloatArray
from simulator.simulate.inputs import Creatives


class Rotation:
    """Posteriors, exposure and today's choice of creative for every run and ad set."""

    def __init__(self, creatives: Creatives, planned: FloatArray, runs: int, horizon: int) -> None:
        """``planned``: each ad set's spend over the flight ``(A,)``, the unit of fatigue."""
        t = creatives.testing
        k = creatives.lift.shape[1]
        self.index = t
        self.lift = creatives.lift[t]  # (T, K)
        self.fatigue = creatives.fatigue[t]
        self.inactive = ~creatives.active[t]
        self.flight = np.maximum(planned[t], 1e-9)  # (T,)
        self.shape = np.ones((runs, t.size, k))
        self.rate = np.zeros((runs, t.size, k))
        self.exposure = np.zeros((runs, t.size, k))  # spend carried, in flights
        self.choice = np.zeros((runs, t.size), dtype=np.intp)
        self.spend = np.zeros((runs, t.size, k))
        self.daily_picks = np.zeros((t.size, k, horizon))  # runs that picked each creative

    def choose(self, rng: np.random.Generator, expected_rate: FloatArray) -> FloatArray:
        """Pick today's creative per run; return its response multiplier ``(R, T)``.

        ``expected_rate`` ``(T,)`` (today's expected conversions per unit of spend with a
        neutral creative) sets a weak prior on the same scale as the observations.
        """
        if self.index.size == 0:
            return np.ones((self.shape.shape[0], 0))
        prior_rate = 1.0 / np.maximum(expected_rate, 1e-12)
        draws = rng.gamma(self.shape) / (prior_rate[None, :, None] + self.rate)
        draws[:, self.inactive] = -np.inf
        self.choice = np.argmax(draws, axis=-1)
        picked = self.choice[..., None]
        lift = np.take_along_axis(np.broadcast_to(self.lift, draws.shape), picked, -1)[..., 0]
        exposure = np.take_along_axis(self.exposure, picked, -1)[..., 0]
        tired = np.power(1.0 - self.fatigue[np.arange(self.index.size), self.choice], exposure)
        return np.asarray(lift * tired)

    def observe(self, day: int, spend: FloatArray, conversions: FloatArray) -> None:
        """Book today's spend ``(T,)`` and produced conversions ``(R, T)`` on the choice."""
        if self.index.size == 0:
            return
        picked = self.choice[..., None]
        onehot = np.zeros_like(self.shape)
        np.put_along_axis(onehot, picked, 1.0, axis=-1)
        self.shape += onehot * conversions[..., None]
        self.rate += onehot * spend[None, :, None]
        self.exposure += onehot * (spend / self.flight)[None, :, None]
        self.spend += onehot * spend[None, :, None]
        self.daily_picks[..., day] = onehot.sum(axis=0)
