"""Histories with a known truth: the ground truth that calibration is tested against.

The expected daily conversions and revenue come from the engine itself
(``evaluate_plan(..., series=True)`` on the true scenario stretched to the history's
length); counts are then drawn around them: Poisson orders, a Gamma order value per
order, Binomial new customers. The day-by-day simulation (``simulator.simulate``) would
draw the same kind of noise; this module only needs the engine, so it works without it.
"""

from __future__ import annotations

import copy
import io
from datetime import date, timedelta
from typing import Any

import numpy as np

from simulator.evaluate import evaluate_plan
from simulator.model.curves import FloatArray
from simulator.model.load import scenario_from_data

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
    """A plausible, well-varied daily spend series: a slow random walk in log-spend,
    a weekly rhythm and occasional bursts, so both the low and the saturated part of a
    curve are seen (a flat history cannot identify saturation)."""
    walk = np.cumsum(rng.normal(0.0, variation / 4.0, n_days))
    walk = variation * (walk - walk.mean()) / max(walk.std(), 1e-9)
    weekly = 0.15 * np.sin(2.0 * np.pi * np.arange(n_days) / 7.0)
    bursts = np.where(rng.random(n_days) < 0.08, rng.uniform(0.4, 1.0, n_days), 0.0)
    log_spend = walk + weekly + bursts + rng.normal(0.0, 0.1, n_days)
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


def simulate_history(
    truth: dict[str, Any],
    daily_spend: dict[str, FloatArray],
    start: date,
    seed: int,
    order_value_cv: float = 0.5,
) -> str:
    """A history CSV (with ``new_customers``) drawn around the engine's expected days."""
    rng = np.random.default_rng(seed)
    conversions, revenue = expected_daily(truth, daily_spend)
    channels = [ch["id"] for ch in truth["channels"]]
    rates = [float(ch.get("new_customer_rate", 1.0)) for ch in truth["channels"]]
    orders = rng.poisson(conversions)
    with np.errstate(invalid="ignore", divide="ignore"):
        aov = np.where(conversions > 0, revenue / conversions, 0.0)
    alpha = 1.0 / order_value_cv**2  # Gamma shape of one order's value
    value = np.where(orders > 0, rng.gamma(np.maximum(orders, 1) * alpha, aov / alpha), 0.0)
    new = rng.binomial(orders, np.array(rates)[:, None])
    buf = io.StringIO()
    buf.write("date,channel,spend,conversions,revenue,new_customers\n")
    n_days = conversions.shape[1]
    for t in range(n_days):
        day = (start + timedelta(days=t)).isoformat()
        for c, name in enumerate(channels):
            spend = float(daily_spend.get(name, np.zeros(n_days))[t])
            buf.write(f"{day},{name},{spend:.2f},{orders[c, t]},{value[c, t]:.2f},{new[c, t]}\n")
    return buf.getvalue()
