"""The day-by-day simulation: simpy processes that each advance numpy arrays of all runs.

Time is in days. Each day the processes run in a fixed order (their start offsets):

- ``market`` (t + 0.00): draws the day's price jitter per channel and the market-wide
  competitor pressure, as mean-one multipliers on what a unit of money buys;
- ``channel`` (one per channel, t + 0.25): paces the channel's budget (``pacing.py``)
  under its daily cap and splits the day's spend among its ad sets;
- ``delivery`` (t + 0.50): turns every ad set's spend into drawn conversions (new and
  returning customers), impressions and clicks, rotates creatives (``creatives.py``)
  and lands conversions through adstock (``adstock.py``);
- ``operations`` (t + 0.75): grows referral chains from the day's new customers and, after
  the last day, draws the repeat orders of every new customer over the LTV window.

The expected conversions an ad set produces on day t are the engine's
``v[t] * C(H * x[t] / m[t]) / H`` (CONTRACT.md 1b) times the day's media multiplier (mean
one) and the chosen creative's response, so without creatives the mean over runs is the
engine's. A process handles all runs in one step: one event per channel-day, not per run.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import Any

import numpy as np
import simpy

from simulator.model.curves import FloatArray
from simulator.simulate.adstock import Carryover
from simulator.simulate.creatives import Rotation
from simulator.simulate.inputs import SimInputs
from simulator.simulate.noise import mean_one_lognormal, poisson
from simulator.simulate.options import SimOptions
from simulator.simulate.outcome import ChunkOutcome
from simulator.simulate.pacing import channel_day

Process = Generator[simpy.events.Event, Any, None]
_MAX_REFERRAL_WAVES = 10_000


class Simulation:
    """One chunk of runs of one scenario and split, sharing one random Generator."""

    def __init__(
        self, inputs: SimInputs, options: SimOptions, runs: int, rng: np.random.Generator
    ) -> None:
        self.x, self.o, self.runs, self.rng = inputs, options, runs, rng
        h, a = inputs.horizon_days, inputs.n_ad_sets
        self.env = simpy.Environment()
        self.remaining = inputs.channel_budget.astype(float).copy()
        self.spend_today = np.zeros(a)
        self.media = np.ones((runs, a))
        self.landed_new = np.zeros((runs, a))
        self.out = ChunkOutcome.empty(runs, a, h)
        self.adstocked = np.nonzero(inputs.decay > 0)[0]
        self.carry = Carryover(
            np.tile(inputs.decay[self.adstocked], 2), runs, options.adstock_delay_days
        )
        self.rotation = Rotation(inputs.creatives, inputs.spend, runs, h)
        self.has_media = np.nonzero(np.isfinite(inputs.impressions_per_spend))[0]
        self.has_clicks = np.nonzero(np.isfinite(inputs.cvr))[0]
        self.new_idx = np.nonzero(inputs.new_customer_rate > 0)[0]
        self.ret_idx = np.nonzero(inputs.new_customer_rate < 1)[0]

    def run(self) -> ChunkOutcome:
        """Run every process over the horizon and return the per-run tallies."""
        self.env.process(self._market())
        for c in range(len(self.x.channel_ids)):
            self.env.process(self._channel(c))
        self.env.process(self._delivery())
        self.env.process(self._operations())
        self.env.run(until=self.x.horizon_days)
        self.out.carryover += self.carry.pending()
        self.out.creative_spend = self.rotation.spend
        self.out.creative_picks = self.rotation.daily_picks
        return self.out

    # --- market ---------------------------------------------------------------------
    def _market(self) -> Process:
        """Price jitter per channel and a persistent competitor pressure per run."""
        o, rng, n_channels = self.o, self.rng, len(self.x.channel_ids)
        sigma, rho = o.competitor_noise, o.competitor_persistence
        pressure = sigma * rng.standard_normal(self.runs)  # stationary start
        for t in range(self.x.horizon_days):
            if t:
                pressure = rho * pressure + math.sqrt(1 - rho * rho) * sigma * (
                    rng.standard_normal(self.runs)
                )
            market = np.exp(-pressure - 0.5 * sigma * sigma)  # mean one
            jitter = mean_one_lognormal(rng, o.cost_noise, (self.runs, n_channels))
            self.media = (jitter * market[:, None])[:, self.x.ad_set_channel]
            yield self.env.timeout(1)

    # --- channels -------------------------------------------------------------------
    def _channel(self, c: int) -> Process:
        """Pace channel ``c``'s budget: today's spend of each of its ad sets."""
        x = self.x
        idx = np.nonzero(x.ad_set_channel == c)[0]
        yield self.env.timeout(0.25)
        for t in range(x.horizon_days):
            planned = None if x.daily is None else x.daily[idx, t]
            today = channel_day(
                self.o.pacing,
                float(self.remaining[c]),
                x.horizon_days - t,
                float(x.daily_cap[c]),
                x.ad_set_share[idx],
                planned,
            )
            self.spend_today[idx] = today
            self.remaining[c] -= float(today.sum())
            self.out.daily_spend[idx, t] = today
            yield self.env.timeout(1)

    # --- delivery -------------------------------------------------------------------
    def _delivery(self) -> Process:
        yield self.env.timeout(0.5)
        for t in range(self.x.horizon_days):
            lam = self._expected(t)
            new, returning = self._draw_conversions(lam)
            self.rotation.observe(
                t, self.spend_today[self.rotation.index], (new + returning)[:, self.rotation.index]
            )
            self._count_media(t, lam, new + returning)
            self._land(t, new, returning)
            self.out.spend += self.spend_today.sum()
            yield self.env.timeout(1)

    def _expected(self, t: int) -> FloatArray:
        """Expected conversions produced today per run and ad set ``(R, A)``."""
        x, h, spend = self.x, self.x.horizon_days, self.spend_today
        base = x.cvr_mult[:, t] * x.curves.value(h * spend / x.cost_mult[:, t]) / h
        lam = base[None, :] * self.media
        testing = self.rotation.index
        if testing.size:
            with np.errstate(divide="ignore", invalid="ignore"):
                rate = np.where(spend[testing] > 0, base[testing] / spend[testing], 0.0)
            lam[:, testing] *= self.rotation.choose(self.rng, rate)
        return np.asarray(lam)

    def _draw_conversions(self, lam: FloatArray) -> tuple[FloatArray, FloatArray]:
        """New and returning customers' conversions as independent Poisson counts.

        Splitting a Poisson count by a rate gives independent Poisson parts, so drawing
        the two parts is the same as drawing conversions and then who is new.
        """
        ncr = self.x.new_customer_rate
        new, returning = np.zeros_like(lam), np.zeros_like(lam)
        n_new = self.new_idx.size
        both = poisson(
            self.rng,
            np.concatenate(
                [
                    lam[:, self.new_idx] * ncr[self.new_idx],
                    lam[:, self.ret_idx] * (1 - ncr[self.ret_idx]),
                ],
                axis=1,
            ),
        )
        new[:, self.new_idx] = both[:, :n_new]
        returning[:, self.ret_idx] = both[:, n_new:]
        return new, returning

    def _count_media(self, t: int, lam: FloatArray, produced: FloatArray) -> None:
        """Impressions and clicks per run, drawn for the run's total (a sum of Poissons)."""
        x, m = self.x, self.has_media
        if m.size:
            seen = self.spend_today[m] * x.impressions_per_spend[m] / x.cost_mult[m, t]
            seen_today = poisson(self.rng, self.media[:, m] @ seen)
            self.out.impressions += seen_today
            self.out.daily_impressions[:, t] = seen_today
        k = self.has_clicks
        if k.size:
            cvr = np.minimum(x.cvr[k] * x.cvr_mult[k, t], 1.0)
            extra = lam[:, k] @ (1.0 / cvr - 1.0)
            self.out.clicks += produced[:, k].sum(axis=1) + poisson(self.rng, extra)

    def _land(self, t: int, new: FloatArray, returning: FloatArray) -> None:
        """Carry adstocked conversions over, then book what lands today."""
        value = self.x.value[:, t]
        new_value, ret_value = new * value, returning * value
        d = self.adstocked
        if d.size:
            landed, landed_value = self.carry.step(
                self.rng,
                np.concatenate([new[:, d], returning[:, d]], axis=1),
                np.concatenate([new_value[:, d], ret_value[:, d]], axis=1),
            )
            new[:, d], returning[:, d] = landed[:, : d.size], landed[:, d.size :]
            new_value[:, d], ret_value[:, d] = landed_value[:, : d.size], landed_value[:, d.size :]
        out = self.out
        out.conversions += new + returning
        out.new_customers += new
        revenue = new_value + ret_value
        out.revenue += revenue
        out.new_revenue += new_value.sum(axis=1)
        out.daily_revenue[:, t] = revenue.sum(axis=1)
        out.daily_conversions[:, t] = (new + returning).sum(axis=1)
        self.landed_new = new

    # --- operations -----------------------------------------------------------------
    def _operations(self) -> Process:
        """Referral chains day by day; repeat orders of each cohort after the last day."""
        x = self.x
        ref = np.nonzero(x.referral_k > 0)[0]
        arriving = np.zeros((self.runs, ref.size))
        yield self.env.timeout(0.75)
        for t in range(x.horizon_days):
            if ref.size:
                arriving = self._invite(ref, self.landed_new[:, ref] + arriving)
            if t < x.horizon_days - 1:
                yield self.env.timeout(1)
        for _ in range(_MAX_REFERRAL_WAVES):  # referred customers still invite after the horizon
            if not arriving.any():
                break
            arriving = self._invite(ref, arriving)
        self._repeat_orders()

    def _invite(self, ref: np.ndarray, inviters: FloatArray) -> FloatArray:
        """Each customer invites Poisson(k) more: ``k + k^2 + ... = k / (1 - k)`` in all."""
        invited = poisson(self.rng, inviters * self.x.referral_k[ref])
        self.out.referred += invited.sum(axis=1)
        return invited

    def _repeat_orders(self) -> None:
        """Each new customer's repeat orders over the LTV window (which outlasts the horizon)."""
        x = self.x
        idx = np.nonzero(x.repeat_orders > 0)[0]
        if idx.size:
            orders = poisson(self.rng, self.out.new_customers[:, idx] * x.repeat_orders[idx])
            self.out.repeat_revenue += orders @ x.repeat_value[idx]
