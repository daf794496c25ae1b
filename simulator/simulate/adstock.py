"""Carry-over of conversions: geometric adstock, optionally after a fixed delay.

A conversion produced on day ``t`` lands on day ``u >= t`` with probability
``(1 - decay) * decay^(u - t)``: the weights of CONTRACT.md section 1b. Drawing a day's
Poisson production and then thinning it day by day (binomially) is, by the thinning
theorem for Poisson counts, the same in law as keeping the *expected* conversions pooled
and drawing each day's landings as a Poisson count of ``(1 - decay)`` times the pool:
landings on different days are independent Poisson counts either way, with the same means.
This module does the latter, because one Poisson draw costs less than half of a Poisson
draw plus a binomial one, and thinning was the simulation's largest cost. What is still
pooled after the horizon is drawn the same way and reported as ``carryover_after_horizon``;
the landed conversions plus that carry-over are, in law, exactly the conversions produced.

The delayed variant holds each day's production for ``delay_days`` before it joins the
pool (an ad seen today that starts converting next week).

A pooled conversion keeps the order value of the day it was produced (events change it),
so the pool carries expected value too, and a landed conversion is worth the pool's
average. Shapes: ``R`` runs, ``D`` adstocked ad sets.
"""

from __future__ import annotations

import numpy as np

from simulator.model.curves import FloatArray
from simulator.simulate.noise import poisson


class Carryover:
    """The pool (and the delay queue) of expected conversions produced but not landed."""

    def __init__(self, decay: FloatArray, runs: int, delay_days: int = 0) -> None:
        d = decay.size
        self.keep = np.asarray(decay, dtype=float)  # (D,)
        self.count = np.zeros((runs, d))  # expected conversions pooled
        self.value = np.zeros((runs, d))  # their expected revenue
        self.delay = delay_days
        self.queue_count = np.zeros((delay_days, runs, d))
        self.queue_value = np.zeros((delay_days, runs, d))
        self.head = 0

    def step(
        self, rng: np.random.Generator, expected: FloatArray, value: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        """Pool today's expected production ``(R, D)`` and its revenue; draw today's landings.

        Returns the landed conversions (counts) and their revenue, both ``(R, D)``.
        """
        expected, value = self._through_queue(expected, value)
        self.count += expected
        self.value += value
        landed = poisson(rng, self.count * (1.0 - self.keep))
        with np.errstate(divide="ignore", invalid="ignore"):
            per_conversion = np.where(self.count > 0, self.value / self.count, 0.0)
        self.count *= self.keep
        self.value *= self.keep
        return landed, landed * per_conversion

    def _through_queue(self, expected: FloatArray, value: FloatArray) -> tuple[FloatArray, ...]:
        if self.delay == 0:
            return expected, value
        out = self.queue_count[self.head].copy(), self.queue_value[self.head].copy()
        self.queue_count[self.head] = expected
        self.queue_value[self.head] = value
        self.head = (self.head + 1) % self.delay
        return out

    def pending(self, rng: np.random.Generator) -> FloatArray:
        """Draw the conversions that land after the horizon, per run ``(R,)``."""
        still = self.count.sum(axis=1) + self.queue_count.sum(axis=(0, 2))
        return poisson(rng, still)
