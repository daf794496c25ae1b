"""Streaming reduction of chunks of runs: memory that stays flat whatever the run count.

A chunk's full tallies (per run and ad set, per run and day) are reduced as soon as the
chunk is done, in chunk order, and dropped. What is kept:

- each run's final columns (``result.COLUMNS``, and revenue, conversions and new
  customers per channel): percentiles over runs need every run's value of every metric,
  so this is the one table that grows with the run count, ``table_bytes`` a run at most.
  Ratios (roi, cac, ltv per customer, ...) are derived from it when read, a spend that
  is the same in every run is one number, an undefined metric is not stored;
- the share of runs meeting every target, as a count;
- each creative's spend and the runs that chose it each day, as sums;
- the per-day series (the studio's fan chart, the tests of the daily model) of the first
  ``SERIES_RUNS`` runs only.

Every metric is computed per run, elementwise, by the same functions as on all runs at
once, so the summaries are the same bytes as a whole-array computation;
``tests/simulate/test_memory.py`` checks it against one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, MutableMapping

import numpy as np

from simulator.model.curves import FloatArray
from simulator.model.metrics import roi
from simulator.simulate.inputs import SimInputs
from simulator.simulate.options import CHUNK_RUNS
from simulator.simulate.outcome import ChunkOutcome
from simulator.simulate.summary import (
    CHANNEL_METRICS,
    COLUMNS,
    METRICS,
    derive_metric,
    run_columns,
    targets_met,
)

# Runs whose day-by-day series are kept: ten chunks, ample for a fan chart's percentiles.
SERIES_RUNS = 10 * CHUNK_RUNS
# Past this size of the per-run table the caller is warned before the simulation starts.
TABLE_WARN_BYTES = 1 << 30
# Kept per channel and run; a channel's spend is the same in every run, its roi derived.
CHANNEL_COLUMNS = ("spend", "cost", "revenue", "conversions", "new_customers")
# The same in every run (the budget is committed; randomness changes what it buys).
CONSTANT = ("spend",)

Derive = Callable[[str, Callable[[str], FloatArray]], FloatArray]


def kept_columns(columns: tuple[str, ...], plain: bool) -> tuple[str, ...]:
    """The columns a table stores: without fees, commission or stage costs, cost is the
    spend column itself (``RunTable.column``), so it takes no memory."""
    return tuple(c for c in columns if c != "cost") if plain else columns


def table_bytes(n_channels: int, runs: int, plain: bool = True) -> int:
    """Bytes of the per-run table that ``simulate`` keeps for ``runs`` runs (at most)."""
    per_channel = len(kept_columns(CHANNEL_COLUMNS, plain)) - len(CONSTANT)
    own = len(kept_columns(COLUMNS, plain)) - len(CONSTANT)
    return 8 * runs * (own + n_channels * per_channel)


def table_warning(n_channels: int, runs: int, plain: bool = True) -> str | None:
    """A sentence for stderr when the per-run table needs more than ``TABLE_WARN_BYTES``."""
    need = table_bytes(n_channels, runs, plain)
    if need <= TABLE_WARN_BYTES:
        return None
    return (
        f"runs: {runs:,} runs keep {need / 2**30:.1f} GB of per-run values for the "
        f"percentiles ({need // runs} bytes a run); use fewer runs if memory is short"
    )


def channel_metric(name: str, column: Callable[[str], FloatArray]) -> FloatArray:
    """One of ``CHANNEL_METRICS`` of every run from a channel's columns."""
    if name != "roi":
        return column(name)
    return roi(column("revenue"), column("cost"))


def channel_columns(inputs: SimInputs, out: ChunkOutcome) -> dict[str, dict[str, FloatArray]]:
    """Each channel's per-run columns ``(R,)`` (spend: the same in every run)."""
    per: dict[str, dict[str, FloatArray]] = {}
    plain = inputs.cs.money.plain
    for c, cid in enumerate(inputs.cs.channel_ids):
        idx = np.nonzero(inputs.cs.ad_set_channel == c)[0]
        spend = np.full(out.spend.shape, float(out.daily_spend[idx].sum()))
        per[cid] = {
            "spend": spend,
            "cost": spend if plain else out.cost[:, idx].sum(axis=1),
            "revenue": out.revenue[:, idx].sum(axis=1),
            "conversions": out.conversions[:, idx].sum(axis=1),
            "new_customers": out.new_customers[:, idx].sum(axis=1),
        }
    return per


def channel_runs(inputs: SimInputs, out: ChunkOutcome) -> dict[str, dict[str, FloatArray]]:
    """Each channel's ``CHANNEL_METRICS`` per run ``(R,)``, on one chunk's arrays."""
    return {
        cid: {m: channel_metric(m, cols.__getitem__) for m in CHANNEL_METRICS}
        for cid, cols in channel_columns(inputs, out).items()
    }


class RunTable(MutableMapping[str, FloatArray]):
    """Per-run columns filled chunk by chunk; each metric derived when it is read.

    A constant column is kept as one number and an undefined one (impressions where no
    pricing defines them) not at all, so a run costs 8 bytes per stored column; reading
    a metric builds its ``(R,)`` array then, one at a time. A caller may add its own
    per-run arrays under new names (as it could to the plain dict this replaces); the
    metrics themselves are read-only.
    """

    def __init__(
        self,
        runs: int,
        columns: tuple[str, ...],
        metrics: tuple[str, ...],
        derive: Derive,
        undefined: tuple[str, ...] = (),
    ) -> None:
        self.runs, self.metrics, self.derive = runs, metrics, derive
        self.extra: dict[str, FloatArray] = {}
        self.undefined = set(undefined)
        self.constant: dict[str, float] = {}
        self.watch = [n for n in columns if n in CONSTANT]
        self.stored = {n: np.empty(runs) for n in columns if n not in (*CONSTANT, *undefined)}

    def fill(self, lo: int, values: Mapping[str, FloatArray]) -> None:
        """Write a chunk's columns at runs ``lo ...``."""
        for name in self.watch:
            self._fill_constant(name, lo, values[name])
        for name, column in self.stored.items():
            column[lo : lo + values[name].shape[0]] = values[name]

    def _fill_constant(self, name: str, lo: int, values: FloatArray) -> None:
        first = self.constant.setdefault(name, float(values[0]))
        if name in self.constant and np.all(values == first):
            return
        if name in self.constant:  # not the same in every run after all: store it
            self.stored[name] = np.full(self.runs, self.constant.pop(name))
        self.stored[name][lo : lo + values.shape[0]] = values
        self.watch.remove(name)

    def column(self, name: str) -> FloatArray:
        if name == "cost" and name not in self.stored and name not in self.constant:
            return self.column("spend")  # a table without cost: cost is spend (no fees)
        if name in self.constant:
            return np.full(self.runs, self.constant[name])
        if name in self.undefined:
            return np.full(self.runs, np.nan)
        return self.stored[name]

    def __getitem__(self, metric: str) -> FloatArray:
        if metric in self.extra:
            return self.extra[metric]
        if metric not in self.metrics:
            raise KeyError(metric)
        return self.derive(metric, self.column)

    def __setitem__(self, name: str, values: FloatArray) -> None:
        if name in self.metrics:
            raise KeyError(f"{name}: a simulated metric is read-only")
        self.extra[name] = values

    def __delitem__(self, name: str) -> None:
        del self.extra[name]  # a metric is not an extra: KeyError

    def __iter__(self) -> Iterator[str]:
        return iter((*self.metrics, *self.extra))

    def __len__(self) -> int:
        return len(self.metrics) + len(self.extra)


class Tally:
    """The kept part of every chunk, filled in chunk order into preallocated arrays."""

    def __init__(self, inputs: SimInputs, runs: int) -> None:
        h, t = inputs.cs.horizon_days, inputs.cs.creatives.testing.size
        k = inputs.cs.creatives.lift.shape[1]
        series = min(runs, SERIES_RUNS)
        self.inputs, self.runs, self.filled = inputs, runs, 0
        undefined = tuple(
            name
            for name, rates in (
                ("impressions", inputs.cs.impressions_per_spend),
                ("clicks", inputs.cs.cvr),
            )
            if not np.isfinite(rates).any()
        )
        plain = inputs.cs.money.plain
        self.columns = kept_columns(COLUMNS, plain)
        self.per_run = RunTable(runs, self.columns, METRICS, derive_metric, undefined)
        channel_columns = kept_columns(CHANNEL_COLUMNS, plain)
        self.channels = {
            cid: RunTable(runs, channel_columns, CHANNEL_METRICS, channel_metric)
            for cid in inputs.cs.channel_ids
        }
        self.met = 0
        self.daily_revenue = np.empty((series, h))
        self.daily_conversions = np.empty((series, h))
        self.daily_impressions = np.empty((series, h))
        self.daily_spend = np.zeros((inputs.cs.n_ad_sets, h))
        self.creative_spend = np.zeros((t, k))  # summed over runs
        self.creative_picks = np.zeros((t, k, h))  # runs on each creative each day

    def add(self, out: ChunkOutcome) -> None:
        """Reduce the next chunk (chunks must arrive in order)."""
        lo = self.filled
        hi = lo + out.spend.shape[0]
        columns = run_columns(self.inputs, out)
        self.per_run.fill(lo, columns)
        for cid, values in channel_columns(self.inputs, out).items():
            self.channels[cid].fill(lo, values)
        chunk = RunTable(hi - lo, self.columns, METRICS, derive_metric)
        chunk.fill(0, columns)
        self.met += int(targets_met(self.inputs.cs.active_targets(), chunk).sum())
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
