"""Carry-over of drawn conversions: geometric adstock, optionally after a fixed delay.

Each day's produced conversions join a pool; every pooled conversion lands on a given day
with probability ``1 - decay`` (binomial thinning), so a conversion produced on day ``t``
lands on day ``u >= t`` with probability ``(1 - decay) * decay^(u - t)``: exactly the
weights of CONTRACT.md section 1b, with the same mean. Counts only move between the pool
and the landed total, so carry-over never creates or loses a conversion; what is still
pooled after the horizon is reported as ``carryover_after_horizon``.

The delayed variant holds each day's production in a queue for ``delay_days`` before it
joins the pool (an ad seen today that starts converting next week).

A pooled conversion keeps the order value of the day it was produced (events change it),
so the pool carries its value too and landed value is the pool's value pro rata. Shapes:
``R`` runs, ``D`` adstocked series (ad set x customer pool).
"""

from __future__ import annotations

import numpy as np

from simulator.model.curves import FloatArray
from simulator.simulate.noise import thin


class Carryover:
    """The pool (and the delay queue) of conversions produced but not landed yet."""

    def __init__(self, decay: FloatArray, runs: int, delay_days: int = 0) -> None:
        d = decay.size
        self.land_p = 1.0 - np.asarray(decay, dtype=float)  # (D,)
        self.count = np.zeros((runs, d))
        self.value = np.zeros((runs, d))
        self.delay = delay_days
        self.queue_count = np.zeros((delay_days, runs, d))
        self.queue_value = np.zeros((delay_days, runs, d))
        self.head = 0

    def step(
        self, rng: np.random.Generator, produced: FloatArray, value: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        """Add today's production ``(R, D)`` (and its value); return what lands today."""
        produced, value = self._through_queue(produced, value)
        self.count += produced
        self.value += value
        landed = thin(rng, self.count, self.land_p)
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(self.count > 0, landed / self.count, 0.0)
        landed_value = self.value * share
        self.count -= landed
        self.value -= landed_value
        return landed, landed_value

    def _through_queue(self, produced: FloatArray, value: FloatArray) -> tuple[FloatArray, ...]:
        if self.delay == 0:
            return produced, value
        out = self.queue_count[self.head].copy(), self.queue_value[self.head].copy()
        self.queue_count[self.head] = produced
        self.queue_value[self.head] = value
        self.head = (self.head + 1) % self.delay
        return out

    def pending(self) -> FloatArray:
        """Conversions produced but not landed, per run ``(R,)``."""
        return np.asarray(self.count.sum(axis=1) + self.queue_count.sum(axis=(0, 2)))
