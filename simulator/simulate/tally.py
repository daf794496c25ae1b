"""Streaming reduction of chunks of runs: memory that stays flat whatever the run count.

A chunk's full tallies (per run and ad set, per run and day) are reduced as soon as the
chunk is done, in chunk order, and dropped. What is kept:

- each run's final value of every reported metric (``METRICS`` and the per-channel
  ``CHANNEL_METRICS``): percentiles over runs need every run's value, so this is the one
  table that grows with the run count, ``table_bytes`` bytes per run;
- the share of runs meeting every target, as a count;
- each creative's spend and the runs that chose it each day, as sums;
- the per-day series (the studio's fan chart, the tests of the daily model) of the first
  ``SERIES_RUNS`` runs only.

Every kept per-run value is computed exactly as it would be on all runs at once (the
metrics are per run, so a chunk's rows are the same numbers), so the summaries are the
same bytes as a whole-array computation; ``tests/simulate/test_memory.py`` checks it
against one.
"""

from __future__ import annotations

import numpy as np

from simulator.model.curves import FloatArray
from simulator.simulate.inputs import SimInputs
from simulator.simulate.options import CHUNK_RUNS
from simulator.simulate.outcome import ChunkOutcome
from simulator.simulate.result import CHANNEL_METRICS, METRICS, per_run_metrics, targets_met

# Runs whose day-by-day series are kept: ten chunks, ample for a fan chart's percentiles.
SERIES_RUNS = 10 * CHUNK_RUNS
# Past this size of the per-run table the caller is warned before the simulation starts.
TABLE_WARN_BYTES = 1 << 30


def table_bytes(n_channels: int, runs: int) -> int:
    """Bytes of the per-run table that ``simulate`` keeps for ``runs`` runs."""
    return 8 * runs * (len(METRICS) + n_channels * len(CHANNEL_METRICS))


def table_warning(n_channels: int, runs: int) -> str | None:
    """A sentence for stderr when the per-run table needs more than ``TABLE_WARN_BYTES``."""
    need = table_bytes(n_channels, runs)
    if need <= TABLE_WARN_BYTES:
        return None
    return (
        f"runs: {runs:,} runs keep {need / 2**30:.1f} GB of per-run values for the "
        f"percentiles ({need // runs} bytes a run); use fewer runs if memory is short"
    )


def channel_runs(inputs: SimInputs, out: ChunkOutcome) -> dict[str, dict[str, FloatArray]]:
    """Each channel's metrics per run ``(R,)`` (spend is the same in every run)."""
    per: dict[str, dict[str, FloatArray]] = {}
    for c, cid in enumerate(inputs.channel_ids):
        idx = np.nonzero(inputs.ad_set_channel == c)[0]
        spend = np.full(out.spend.shape, float(out.daily_spend[idx].sum()))
        revenue = out.revenue[:, idx].sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            roi = np.where(spend > 0, revenue / np.where(spend > 0, spend, 1.0), np.nan)
        values = {
            "spend": spend,
            "revenue": revenue,
            "conversions": out.conversions[:, idx].sum(axis=1),
            "new_customers": out.new_customers[:, idx].sum(axis=1),
            "roi": roi,
        }
        per[cid] = {k: values[k] for k in CHANNEL_METRICS}
    return per


class Tally:
    """The kept part of every chunk, filled in chunk order into preallocated arrays."""

    def __init__(self, inputs: SimInputs, runs: int) -> None:
        h, t = inputs.horizon_days, inputs.creatives.testing.size
        k = inputs.creatives.lift.shape[1]
        series = min(runs, SERIES_RUNS)
        self.inputs, self.runs, self.filled = inputs, runs, 0
        self.per_run = {m: np.empty(runs) for m in METRICS}
        self.channels = {
            cid: {m: np.empty(runs) for m in CHANNEL_METRICS} for cid in inputs.channel_ids
        }
        self.met = 0
        self.daily_revenue = np.empty((series, h))
        self.daily_conversions = np.empty((series, h))
        self.daily_impressions = np.empty((series, h))
        self.daily_spend = np.zeros((inputs.n_ad_sets, h))
        self.creative_spend = np.zeros((t, k))  # summed over runs
        self.creative_picks = np.zeros((t, k, h))  # runs on each creative each day

    def add(self, out: ChunkOutcome) -> None:
        """Reduce the next chunk (chunks must arrive in order)."""
        lo = self.filled
        hi = lo + out.spend.shape[0]
        metrics = per_run_metrics(self.inputs, out)
        for name, values in metrics.items():
            self.per_run[name][lo:hi] = values
        for cid, per in channel_runs(self.inputs, out).items():
            for name, values in per.items():
                self.channels[cid][name][lo:hi] = values
        self.met += int(targets_met(self.inputs.targets, metrics).sum())
        keep = max(0, min(hi, self.daily_revenue.shape[0]) - lo)
        self.daily_revenue[lo : lo + keep] = out.daily_revenue[:keep]
        self.daily_conversions[lo : lo + keep] = out.daily_conversions[:keep]
        self.daily_impressions[lo : lo + keep] = out.daily_impressions[:keep]
        self.daily_spend = out.daily_spend  # the same in every run and chunk
        self.creative_spend += out.creative_spend.sum(axis=0)
        self.creative_picks += out.creative_picks
        self.filled = hi

    @property
    def p_targets_met(self) -> float:
        """Share of runs meeting every target (count / runs: what a mean of flags gives)."""
        return self.met / self.runs
