"""Synthetic truths for measuring calibration: how close a fit comes, how often intervals hold.

A truth is a set of hill channels with known daily curves; its history draws Poisson
counts of the landed conversions and revenue per order within +-10% of the true AOV.
Recovery compares the engine's expected conversions and revenue of the fitted and the
true scenario at 0.5x, 1x and 2x each channel's half-saturation spend (even plans).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np

from simulator.calibrate.model import DailyCurve
from simulator.calibrate.synthetic import varied_spend
from simulator.expected import evaluate_spend
from simulator.model.compiled import CompiledScenario
from simulator.model.curves import FloatArray
from simulator.model.load import scenario_from_data

LEVELS = (0.5, 1.0, 2.0)  # multiples of the half-saturation spend where recovery is read
AOV_SPREAD = 0.1  # revenue per order within +-10% of the true AOV
START = date(2025, 1, 1)


@dataclass(frozen=True)
class Truth:
    """Known daily curves (one per channel) and their average revenue per order."""

    curves: tuple[DailyCurve, ...]
    aov: tuple[float, ...]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(f"ch{i}" for i in range(len(self.curves)))

    def scenario(self, horizon_days: int = 30) -> CompiledScenario:
        """The true scenario as the engine sees it."""
        channels = []
        for cid, curve, aov in zip(self.ids, self.curves, self.aov, strict=True):
            ch: dict[str, Any] = {"id": cid, "response": curve.horizon_response(horizon_days)}
            ch["aov"] = aov
            if curve.decay > 0:
                ch["adstock"] = {"decay": curve.decay}
            channels.append(ch)
        budget = sum(c.spend_scale for c in self.curves) * horizon_days
        data = {"name": "truth", "horizon_days": horizon_days, "budget": {"total": budget}}
        return scenario_from_data({**data, "channels": channels}, {}, "<truth>")


def hill_truth(rng: np.random.Generator, n_channels: int = 3, decay: float = 0.0) -> Truth:
    """Hill channels with shapes in 0.7-0.95 and a plausible daily scale."""
    curves = tuple(
        DailyCurve(
            "hill",
            float(rng.uniform(150.0, 600.0)),  # conversions a day at saturation
            float(rng.uniform(8_000.0, 30_000.0)),  # half-saturation daily spend
            float(rng.uniform(0.7, 0.95)),
            decay,
            0.0,
        )
        for _ in range(n_channels)
    )
    return Truth(curves, tuple(float(a) for a in rng.uniform(120.0, 260.0, n_channels)))


def history_spend(truth: Truth, n_days: int, rng: np.random.Generator) -> list[FloatArray]:
    """Varied daily spend around each channel's half-saturation."""
    return [varied_spend(c.spend_scale, n_days, rng) for c in truth.curves]


def poisson_counts(
    truth: Truth, spend: list[FloatArray], rng: np.random.Generator
) -> tuple[list[FloatArray], list[FloatArray]]:
    """Poisson orders of the landed conversions and their revenue, per channel."""
    orders, revenue = [], []
    for curve, aov, x in zip(truth.curves, truth.aov, spend, strict=True):
        n = rng.poisson(curve.landed(x)).astype(float)
        orders.append(n)
        revenue.append(n * aov * rng.uniform(1.0 - AOV_SPREAD, 1.0 + AOV_SPREAD, n.size))
    return orders, revenue


def poisson_history_csv(truth: Truth, n_days: int, seed: int) -> str:
    """A history CSV of ``n_days`` with Poisson counts drawn from ``truth``."""
    rng = np.random.default_rng(seed)
    spend = history_spend(truth, n_days, rng)
    orders, revenue = poisson_counts(truth, spend, rng)
    buf = io.StringIO()
    buf.write("date,channel,spend,conversions,revenue\n")
    for t in range(n_days):
        day = (START + timedelta(days=t)).isoformat()
        for c, cid in enumerate(truth.ids):
            buf.write(f"{day},{cid},{spend[c][t]:.2f},{orders[c][t]:.0f},{revenue[c][t]:.2f}\n")
    return buf.getvalue()


def recovery_errors(truth: Truth, fitted: CompiledScenario) -> dict[str, FloatArray]:
    """Relative errors ``fitted / true - 1`` of conversions and revenue: ``(levels, channels)``.

    Each row is an even plan at one multiple of every channel's half-saturation spend.
    """
    true = truth.scenario(fitted.horizon_days)
    half = np.array([c.spend_scale for c in truth.curves]) * fitted.horizon_days
    spend = np.array(LEVELS)[:, None] * half[None, :]
    a, b = evaluate_spend(fitted, spend), evaluate_spend(true, spend)
    return {
        "conversions": np.asarray(a.conversions / b.conversions - 1.0),
        "revenue": np.asarray(a.revenue / b.revenue - 1.0),
    }
