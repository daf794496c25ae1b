"""The day-by-day simulation: simpy processes that each advance numpy arrays of all runs.

Time is in days. Each day the processes run in a fixed order (their start offsets):

- ``market`` (t + 0.00): draws the day's price jitter per channel and the market-wide
  competitor pressure, as mean-one multipliers on what a unit of money buys;
- ``channel`` (one per channel, t + 0.25): paces the channel's budget (``pacing.py``)
  under its daily cap and splits the day's spend among its ad sets;
- ``delivery`` (t + 0.50): turns every ad set's spend into drawn conversions, impressions
  and clicks, rotates creatives (``creatives.py``) and lands conversions through adstock
  (``adstock.py``);
- ``operations`` (t + 0.75): draws which landed customers are new and grows referral
  chains from them; after the last day, draws every new customer's repeat orders over
  the LTV window.

The expected conversions an ad set produces on day t are the engine's
``v[t] * C(H * x[t] / m[t]) / H`` (CONTRACT.md 1b) times the day's media multiplier (mean
one) and the creatives' response: by default the rotation's expected mix that the engine
also uses, so the mean over runs is the engine's; with ``creative_policy="thompson"``
the creative each run's own A/B test picks (``creatives.py``). A process handles all
runs in one step: one event per channel-day, not per run.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import Any

import numpy as np
import simpy

from simulator.model.curves import FloatArray
from simulator.simulate.adstock import Carryover
from simulator.simulate.creatives import Rotation, Schedule
from simulator.simulate.inputs import SimInputs
from simulator.simulate.noise import mean_one_lognormal, poisson, thin
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
        h, a = inputs.cs.horizon_days, inputs.cs.n_ad_sets
        self.env = simpy.Environment()
        self.remaining = inputs.channel_budget.astype(float).copy()
        self.spend_today = np.zeros(a)
        self.media = np.ones((runs, a))
        self.landed = np.zeros((runs, a))
        self.referred = np.zeros((runs, a))  # referred new customers per ad set
        self.joined = np.zeros(runs)  # new customers who joined a growing base so far
        self.out = ChunkOutcome.empty(runs, a, h)
        self.adstocked = np.nonzero(inputs.cs.decay > 0)[0]
        self.immediate = np.nonzero(inputs.cs.decay == 0)[0]
        self.carry = Carryover(inputs.cs.decay[self.adstocked], runs, options.adstock_delay_days)
        self.rotation: Rotation | Schedule = (
            Rotation(inputs.cs.creatives, runs, h)
            if options.creative_policy == "thompson"
            else Schedule(inputs.cs.creatives, runs, h)
        )
        self.click_per_conversion = np.ones((runs, a))  # the creative's CTR over its lift
        self.has_media = np.nonzero(np.isfinite(inputs.cs.impressions_per_spend))[0]
        self.has_clicks = np.nonzero(np.isfinite(inputs.cs.cvr))[0]

    def run(self) -> ChunkOutcome:
        """Run every process over the horizon and return the per-run tallies."""
        processes = [
            self._market(),
            *(self._channel(c) for c in range(len(self.x.cs.channel_ids))),
            self._delivery(),
            self._operations(),
        ]
        for p in processes:
            self.env.process(p)
        self.env.run(until=self.x.cs.horizon_days)
        # The processes' frames hold ``self`` while simpy's queue holds them: a reference
        # cycle that only the cyclic GC would free, so a chunk's arrays would pile up
        # across chunks. Closing the finished generators frees the chunk at once.
        for p in processes:
            p.close()
        self.out.carryover += self.carry.pending(self.rng)
        self.out.creative_spend = self.rotation.spend
        self.out.creative_picks = self.rotation.daily_picks
        return self.out

    # --- market ---------------------------------------------------------------------
    def _market(self) -> Process:
        """Price jitter per channel and a persistent competitor pressure per run."""
        o, rng, n_channels = self.o, self.rng, len(self.x.cs.channel_ids)
        sigma, rho = o.competitor_noise, o.competitor_persistence
        pressure = sigma * rng.standard_normal(self.runs)  # stationary start
        for t in range(self.x.cs.horizon_days):
            if t:
                pressure = rho * pressure + math.sqrt(1 - rho * rho) * sigma * (
                    rng.standard_normal(self.runs)
                )
            market = np.exp(-pressure - 0.5 * sigma * sigma)  # mean one
            jitter = mean_one_lognormal(rng, o.cost_noise, (self.runs, n_channels))
            self.media = (jitter * market[:, None])[:, self.x.cs.ad_set_channel]
            yield self.env.timeout(1)

    # --- channels -------------------------------------------------------------------
    def _channel(self, c: int) -> Process:
        """Pace channel ``c``'s budget: today's spend of each of its ad sets."""
        x = self.x
        idx = np.nonzero(x.cs.ad_set_channel == c)[0]
        yield self.env.timeout(0.25)
        for t in range(x.cs.horizon_days):
            planned = None if x.daily is None else x.daily[idx, t]
            today = channel_day(
                self.o.pacing,
                float(self.remaining[c]),
                x.cs.horizon_days - t,
                float(x.cs.daily_cap[c]),
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
        testing = self.rotation.index
        for t in range(self.x.cs.horizon_days):
            lam = self._expected(t)
            landed = self._land(t, lam)
            # the buyer sees the day's reported conversions, credited to today's creative
            self.rotation.observe(t, self.spend_today[testing], landed[:, testing])
            self._count_media(t, lam)
            self.out.spend += self.spend_today.sum()
            yield self.env.timeout(1)

    def _expected(self, t: int) -> FloatArray:
        """Expected conversions produced today per run and ad set ``(R, A)``."""
        x, h, spend = self.x, self.x.cs.horizon_days, self.spend_today
        base = x.cs.cvr_mult[:, t] * x.cs.curves.value(h * spend / x.cs.cost_mult[:, t]) / h
        lam = base[None, :] * self.media
        growth = x.cs.base_growth
        if growth is not None and growth.ad_sets.size:  # each run's own grown base
            g = growth.ad_sets
            rho = 1.0 + self.joined[:, None] / growth.size[None, :]  # (R, J)
            scale = x.cs.cvr_mult[g, t] * rho
            grown = scale * x.cs.curves.take(g).value(h * spend[g] / (x.cs.cost_mult[g, t] * rho))
            lam[:, g] = grown / h * self.media[:, g]
        testing = self.rotation.index
        if testing.size:
            if isinstance(self.rotation, Rotation):
                with np.errstate(divide="ignore", invalid="ignore"):
                    rate = np.where(spend[testing] > 0, base[testing] / spend[testing], 0.0)
                lift, click = self.rotation.choose(self.rng, rate)
            else:
                lift, click = self.rotation.choose(self.rng, t)
            lam[:, testing] *= lift
            self.click_per_conversion[:, testing] = click / lift
        return np.asarray(lam)

    def _count_media(self, t: int, lam: FloatArray) -> None:
        """Impressions and clicks per run, drawn for the run's total (a sum of Poissons)."""
        x, m = self.x, self.has_media
        if m.size:
            seen = self.spend_today[m] * x.cs.impressions_per_spend[m] / x.cs.cost_mult[m, t]
            seen_today = poisson(self.rng, self.media[:, m] @ seen)
            self.out.impressions += seen_today
            self.out.daily_impressions[:, t] = seen_today
        k = self.has_clicks
        if k.size:
            cvr = np.minimum(x.cs.cvr[k] * x.cs.cvr_mult[k, t], 1.0)
            clicked = (
                lam[:, k] * self.click_per_conversion[:, k]
                if self.x.cs.creatives.testing.size
                else lam[:, k]
            )
            self.out.clicks += poisson(self.rng, clicked @ (1.0 / cvr))

    def _land(self, t: int, lam: FloatArray) -> FloatArray:
        """Draw the conversions that land today ``(R, A)`` and book them with their value.

        Without adstock they are today's production, a Poisson count; with adstock they
        come out of the carry-over pool (``adstock.py``).
        """
        value_each = self.x.cs.value_per_conversion[:, t]
        d, now = self.adstocked, self.immediate
        landed = np.empty_like(lam)
        value = np.empty_like(lam)
        landed[:, now] = poisson(self.rng, lam[:, now])
        value[:, now] = landed[:, now] * value_each[now]
        if d.size:
            landed[:, d], value[:, d] = self.carry.step(
                self.rng, lam[:, d], lam[:, d] * value_each[d]
            )
        out = self.out
        out.conversions += landed
        out.revenue += value
        out.daily_revenue[:, t] = value.sum(axis=1)
        out.daily_conversions[:, t] = landed.sum(axis=1)
        self.landed = landed
        return landed

    # --- operations -----------------------------------------------------------------
    def _daily_rows(self) -> np.ndarray:
        """Ad sets whose new customers are drawn day by day: referral ad sets (the day's
        new customers invite others) and, where the base grows, every acquisition ad set
        (the day's new customers join the base)."""
        cs = self.x.cs
        daily = cs.referral_k > 0
        if cs.base_growth is not None:
            daily |= cs.new_customer_rate > 0
        return np.nonzero(daily)[0]

    def _operations(self) -> Process:
        """New customers and referral chains day by day; after the last day, who was new,
        referred customers' first orders, and repeat orders.

        Each landed conversion is a new customer with its ad set's rate, independently of
        the day, so outside the day-by-day ad sets (``_daily_rows``) the new customers are
        drawn once from each run's total: the same law.
        """
        x, ncr = self.x, self.x.cs.new_customer_rate
        rows = self._daily_rows()
        arriving = np.zeros((self.runs, rows.size))
        yield self.env.timeout(0.75)
        for t in range(x.cs.horizon_days):
            if rows.size:
                new = thin(self.rng, self.landed[:, rows], ncr[rows])
                self.out.new_customers[:, rows] += new
                self.joined += new.sum(axis=1)  # reachable by retention from tomorrow
                arriving = self._invite(rows, new + arriving)
            if t < x.cs.horizon_days - 1:
                yield self.env.timeout(1)
        own = self.out.conversions.copy()
        self._halo()
        if rows.size and self.x.cs.money.has_halo:  # halo arrives undated: new and inviting
            new = thin(self.rng, self.out.halo_conversions[:, rows], ncr[rows])
            self.out.new_customers[:, rows] += new
            arriving += self._invite(rows, new)
        for _ in range(_MAX_REFERRAL_WAVES):  # referred customers still invite after the horizon
            if not arriving.any():
                break
            arriving = self._invite(rows, arriving)
        rest = np.setdiff1d(np.arange(x.cs.n_ad_sets), rows)
        self.out.new_customers[:, rest] = thin(self.rng, self.out.conversions[:, rest], ncr[rest])
        self._first_orders()
        self._cost(own)
        self._referred_orders(rows)
        self._repeat_orders()

    def _halo(self) -> None:
        """Halo conversions each run's receivers gain: Poisson around the sources' landed
        conversions times the rates, at the receiver's aov (none drawn without halo, so
        scenarios without it keep their random stream)."""
        money, cs = self.x.cs.money, self.x.cs
        if not money.has_halo:
            return
        halo = poisson(self.rng, money.received(self.out.conversions))
        self.out.halo_conversions = halo
        self.out.conversions += halo
        self.out.revenue += halo * cs.aov

    def _cost(self, own: FloatArray) -> None:
        """Each run's cost per ad set: spend with fees, commission on revenue, stage costs
        on own conversions (CONTRACT.md 1c)."""
        money = self.x.cs.money
        spend = self.out.daily_spend.sum(axis=1)
        if money.plain:
            self.out.cost = np.broadcast_to(spend, own.shape).copy()
            return
        self.out.cost = (
            spend * money.fee_factor + money.commission * self.out.revenue + money.stage_cost * own
        )

    def _first_orders(self) -> None:
        """Revenue of new customers' first orders: each ad set's revenue pro rata."""
        out = self.out
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(out.conversions > 0, out.new_customers / out.conversions, 0.0)
        out.new_revenue = (out.revenue * share).sum(axis=1)

    def _invite(self, rows: np.ndarray, inviters: FloatArray) -> FloatArray:
        """Each customer invites Poisson(k) more: ``k + k^2 + ... = k / (1 - k)`` in all."""
        k = self.x.cs.referral_k[rows]
        if not np.any(k):
            return np.zeros_like(inviters)
        invited = poisson(self.rng, inviters * k)
        self.referred[:, rows] += invited
        return invited

    def _referred_orders(self, rows: np.ndarray) -> None:
        """Referred customers are new customers of the ad set whose customers invited them,
        with a first order at its aov (no commission: the channel did not sell it)."""
        if not rows.size:
            return
        out, referred = self.out, self.referred[:, rows]
        out.referred += referred.sum(axis=1)
        out.new_customers[:, rows] += referred
        value = referred * self.x.cs.aov[rows]
        out.revenue[:, rows] += value
        out.new_revenue += value.sum(axis=1)

    def _repeat_orders(self) -> None:
        """Each new customer's repeat orders over the LTV window (which outlasts the horizon)."""
        x = self.x
        idx = np.nonzero(x.cs.repeat_orders > 0)[0]
        if idx.size:
            orders = poisson(self.rng, self.out.new_customers[:, idx] * x.cs.repeat_orders[idx])
            self.out.repeat_revenue += orders @ x.cs.repeat_order_value[idx]
