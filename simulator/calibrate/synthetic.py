"""Histories with a known truth: the ground truth that calibration is tested against.

A true scenario is stretched to the history's length (same daily curves) and each
channel's daily plan is run once through the project's own day-by-day simulation
(``simulator.simulate``: noise on), so calibration is tested against the same model the
rest of the tool runs. ``expected_daily`` gives the engine's noise-free days for checks.
"""

from __future__ import annotations

import copy
import io
from datetime import date, timedelta
from typing import Any

import numpy as np

from simulator.expected import evaluate_plan
from simulator.model.curves import FloatArray
from simulator.model.load import scenario_from_data
from simulator.simulate import simulate

_SPEND_SCALED = {"hill": ("half_saturation",), "exponential": ("scale",)}


def rescale_horizon(data: dict[str, Any], horizon_days: int) -> dict[str, Any]:
    """The same scenario over ``horizon_days``: identical daily curves, stretched totals.

    ``C(S)`` is defined over the horizon H, so a day's response is ``C(H x) / H``; over
    H' days the same daily response needs ``max_conversions * H'/H`` and a spend scale
    ``* H'/H``. Only the fitted families (hill, exponential) without events are supported.
    """
    out = copy.deepcopy(data)
    ratio = horizon_days / float(data.get("horizon_days", 30))
    if out.get("events"):
        raise ValueError("rescale_horizon: scenarios with events are not supported")
    for ch in out["channels"]:
        response = ch["response"]
        if response["type"] not in _SPEND_SCALED:
            raise ValueError(f"rescale_horizon: response type {response['type']!r} not supported")
        response["max_conversions"] *= ratio
        for key in _SPEND_SCALED[response["type"]]:
            response[key] *= ratio
    out["horizon_days"] = horizon_days
    out["budget"] = {"total": data["budget"]["total"] * ratio}
    out.pop("split", None)
    return out


def varied_spend(
    mean_daily: float, n_days: int, rng: np.random.Generator, variation: float = 0.5
) -> FloatArray:
    """A plausible daily spend series: a slow random walk in log-spend, a weekly rhythm
    and occasional bursts, all scaled by ``variation`` (about the spread of log-spend).
    ~0.5 shows both the low and the saturated part of a curve; ~0.03 is a flat history
    that cannot identify saturation."""
    walk = np.cumsum(rng.normal(0.0, variation / 4.0, n_days))
    walk = variation * (walk - walk.mean()) / max(walk.std(), 1e-9)
    weekly = 0.3 * variation * np.sin(2.0 * np.pi * np.arange(n_days) / 7.0)
    bursts = np.where(rng.random(n_days) < 0.08, rng.uniform(0.8, 2.0, n_days) * variation, 0.0)
    log_spend = walk + weekly + bursts + rng.normal(0.0, 0.2 * variation, n_days)
    spend = np.exp(log_spend)
    return np.asarray(mean_daily * spend / spend.mean())


def expected_daily(
    truth: dict[str, Any], daily_spend: dict[str, FloatArray]
) -> tuple[FloatArray, FloatArray]:
    """Engine's expected landed conversions and revenue per channel and day: ``(C, N)``."""
    n_days = len(next(iter(daily_spend.values())))
    cs = scenario_from_data(rescale_horizon(truth, n_days), {}, "<truth>")
    if cs.has_segments:
        raise ValueError("expected_daily: segments are not supported")
    plan = np.array([daily_spend.get(c, np.zeros(n_days)) for c in cs.channel_ids])
    out = evaluate_plan(cs, plan, series=True)
    if out.daily_conversions is None or out.daily_revenue is None:
        raise AssertionError("evaluate_plan(series=True) returned no daily series")
    return out.daily_conversions[0], out.daily_revenue[0]


def _simulate_channel(
    truth: dict[str, Any], channel: dict[str, Any], spend: FloatArray, seed: int
) -> tuple[FloatArray, FloatArray]:
    """One run of the simulation of one channel's daily plan: ``(conversions, revenue)``."""
    n_days = spend.size
    alone = rescale_horizon({**truth, "channels": [channel]}, n_days)
    cs = scenario_from_data(alone, {}, "<truth>")
    plan = {
        "allocation": {channel["id"]: float(spend.sum())},
        "daily": {channel["id"]: [float(v) for v in spend]},
    }
    run = simulate(cs, plan, runs=1, seed=seed)
    return run.daily_conversions[0], run.daily_revenue[0]


def simulate_history(
    truth: dict[str, Any],
    daily_spend: dict[str, FloatArray],
    start: date,
    seed: int,
) -> str:
    """A history CSV (with ``new_customers``) drawn by the project's own simulation.

    Each channel is one simulated run of its daily plan (price jitter, market pressure,
    adstock pools: the simulation's default noise); new customers are a Binomial share
    of each day's conversions, since the simulation reports them only as totals.
    """
    rng = np.random.default_rng(seed)
    channels = truth["channels"]
    n_days = len(next(iter(daily_spend.values())))
    series = {}
    for c, ch in enumerate(channels):
        spend = np.asarray(daily_spend.get(ch["id"], np.zeros(n_days)), dtype=float)
        child = int(np.random.SeedSequence([seed, c]).generate_state(1)[0])
        conversions, revenue = _simulate_channel(truth, ch, spend, child)
        orders = np.round(conversions).astype(np.int64)
        new = rng.binomial(orders, float(ch.get("new_customer_rate", 1.0)))
        series[ch["id"]] = (spend, orders, revenue, new)
    buf = io.StringIO()
    buf.write("date,channel,spend,conversions,revenue,new_customers\n")
    for t in range(n_days):
        day = (start + timedelta(days=t)).isoformat()
        for name, (spend, orders, revenue, new) in series.items():
            buf.write(f"{day},{name},{spend[t]:.2f},{orders[t]},{revenue[t]:.2f},{new[t]}\n")
    return buf.getvalue()
