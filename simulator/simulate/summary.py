"""What ``simulate`` returns: per-run metrics, their percentiles, and the daily series.

Every metric is computed per run first (a run's roi is its revenue / its spend) and then
summarised over runs as ``mean, p10, p50, p90`` (CONTRACT.md section 2). A ratio with a
zero denominator in some run is undefined there and left out of that metric's summary.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from simulator.model import metrics
from simulator.model.curves import FloatArray
from simulator.model.metrics import RATIOS_OF_TOTALS
from simulator.model.targets import TARGETS, meets
from simulator.results import TOTAL_KEYS, json_safe
from simulator.simulate.inputs import SimInputs
from simulator.simulate.outcome import ChunkOutcome

METRICS = (
    *TOTAL_KEYS,
    "ltv",
    "ltv_per_customer",
    "ltv_cac",
    "repeat_revenue",
    "referred_customers",
    "impressions",
    "clicks",
    "carryover_after_horizon",
)
CHANNEL_METRICS = ("spend", "cost", "revenue", "conversions", "new_customers", "roi")


# What a run's metrics are derived from: the one per-run table the simulation keeps.
COLUMNS = (
    "spend",
    "cost",
    "revenue",
    "conversions",
    "new_customers",
    "profit",
    "new_revenue",  # first-order revenue of new customers (for ltv_per_customer)
    "repeat_revenue",
    "referred_customers",
    "impressions",
    "clicks",
    "carryover_after_horizon",
)


def run_columns(inputs: SimInputs, out: ChunkOutcome) -> dict[str, FloatArray]:
    """The per-run values every metric is derived from, each ``(R,)``.

    Impressions and clicks are nan in every run where no ad set's pricing defines them.
    """
    undefined = np.full(out.spend.shape, np.nan)
    cost = out.spend if inputs.cs.money.plain else out.cost.sum(axis=1)
    return {
        "spend": out.spend,
        "cost": cost,
        "revenue": out.revenue.sum(axis=1),
        "conversions": out.conversions.sum(axis=1),
        "new_customers": out.new_customers.sum(axis=1),
        "profit": out.revenue @ inputs.cs.margin - cost,
        "new_revenue": out.new_revenue,
        "repeat_revenue": out.repeat_revenue,
        "referred_customers": out.referred,
        "impressions": out.impressions
        if np.isfinite(inputs.cs.impressions_per_spend).any()
        else undefined,
        "clicks": out.clicks if np.isfinite(inputs.cs.cvr).any() else undefined,
        "carryover_after_horizon": out.carryover,
    }


def derive_metric(name: str, column: Callable[[str], FloatArray]) -> FloatArray:
    """One metric of every run ``(R,)`` from the columns, by the definitions of CONTRACT.md.

    Elementwise per run, so deriving from a whole table or from a chunk of it gives the
    same numbers.
    """
    if name in RATIOS_OF_TOTALS:  # roi, cac
        return RATIOS_OF_TOTALS[name](column)
    if name == "ltv":
        return column("revenue") + column("repeat_revenue")
    if name == "ltv_per_customer":
        return metrics.ltv_per_customer(
            column("new_revenue"),
            column("repeat_revenue"),
            column("new_customers"),
            column("cost"),
        )
    if name == "ltv_cac":
        return metrics.ltv_cac(
            derive_metric("ltv_per_customer", column), derive_metric("cac", column)
        )
    return column(name)


def per_run_metrics(inputs: SimInputs, out: ChunkOutcome) -> dict[str, FloatArray]:
    """Each metric of each run ``(R,)``, by the definitions of CONTRACT.md."""
    columns = run_columns(inputs, out)
    return {name: derive_metric(name, columns.__getitem__) for name in METRICS}


def stats(values: FloatArray) -> dict[str, float]:
    """``mean, p10, p50, p90`` over the runs where the value is defined (nan if none)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-nan: the metric is undefined
        p10, p50, p90 = np.nanpercentile(values, [10, 50, 90])
        return {
            "mean": float(np.nanmean(values)),
            "p10": float(p10),
            "p50": float(p50),
            "p90": float(p90),
        }


def targets_met(targets: dict[str, float], per_run: Mapping[str, FloatArray]) -> FloatArray:
    """Per run: True where every target holds (an undefined ratio fails its target)."""
    ok = np.ones(per_run["spend"].shape, dtype=bool)
    for name, bound in targets.items():
        ok &= meets(name, per_run[TARGETS[name].metric], bound)
    return ok


@dataclass
class SimulationResult:
    """A simulation's runs and summaries; ``to_json`` gives the CONTRACT.md document."""

    scenario: str
    runs: int
    seed: int
    allocation: dict[str, float]
    per_run: Mapping[str, FloatArray]  # metric -> (R,), derived on access (tally.RunTable)
    p_targets_met: float
    channels: Mapping[str, Mapping[str, FloatArray]]  # channel -> metric -> (R,)
    daily_revenue: FloatArray  # (min(R, SERIES_RUNS), H): the studio's fan chart, first runs
    daily_conversions: FloatArray  # (min(R, SERIES_RUNS), H)
    daily_impressions: FloatArray  # (min(R, SERIES_RUNS), H)
    daily_spend: dict[str, list[float]]  # channel -> H days, the same in every run
    creatives: dict[str, dict[str, float]]  # ad set -> creative -> mean share of spend
    creative_picks: dict[str, FloatArray]  # ad set -> (K, H) share of runs on each creative
    expected: dict[str, float]  # the expected-value engine's totals for the same split
    options: dict[str, Any]
    warnings: list[str] = field(default_factory=list)

    @property
    def totals(self) -> dict[str, dict[str, float]]:
        return {k: stats(v) for k, v in self.per_run.items()}

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "scenario": self.scenario,
            "runs": self.runs,
            "seed": self.seed,
            "allocation": self.allocation,
            "totals": self.totals,
            "p_targets_met": self.p_targets_met,
            "channels": {
                cid: {k: stats(v) for k, v in metrics.items()}
                for cid, metrics in self.channels.items()
            },
            "expected": self.expected,
            "options": self.options,
        }
        if self.creatives:
            doc["creatives"] = self.creatives
        doc["warnings"] = self.warnings
        return dict(json_safe(doc))
