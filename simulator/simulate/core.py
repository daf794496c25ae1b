"""``simulate``: a scenario and a split in, a ``SimulationResult`` out.

Checks the arguments, resolves the split, runs the chunks (``parallel.py``), reduces each
as it comes (``tally.py``, so memory stays flat) and names every number. Without a split
the scenario's own ``split:`` is simulated; the public ``simulator.simulate`` (``api.py``,
a layer above) passes the optimiser's split instead, as CONTRACT.md section 2 asks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

import numpy as np

from simulator.expected import evaluate_split, totals
from simulator.model.compiled import CompiledScenario, Split
from simulator.model.split import as_split
from simulator.simulate.inputs import SimInputs, build_inputs
from simulator.simulate.options import SimOptions
from simulator.simulate.parallel import iter_chunks
from simulator.simulate.summary import SimulationResult
from simulator.simulate.tally import Tally

MAX_RUNS = 10_000_000


def _check_count(name: str, value: Any, low: int, high: int) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | np.integer)
        or not low <= value <= high
    ):
        raise ValueError(f"{name}: must be a whole number {low}..{high:,} (got {value!r})")
    return int(value)


def resolve_split(cs: CompiledScenario, split: Split | Mapping[str, Any] | None) -> Split:
    """The split to simulate (None: the scenario's own); see ``model.split.as_split``."""
    return as_split(cs, split)


def expected_totals(cs: CompiledScenario, split: Split) -> dict[str, float]:
    """The expected-value engine's totals for the split (the simulation's reference)."""
    return {k: float(v[0]) for k, v in totals(cs, evaluate_split(cs, split)).items()}


def _creative_shares(
    inputs: SimInputs, tally: Tally
) -> tuple[dict[str, dict[str, float]], dict[str, np.ndarray]]:
    cr = inputs.cs.creatives
    shares: dict[str, dict[str, float]] = {}
    picks: dict[str, np.ndarray] = {}
    for j, a in enumerate(cr.testing):
        spent = tally.creative_spend[j]
        total = spent.sum() or 1.0
        ids = cr.ids[int(a)]
        shares[inputs.cs.ad_set_ids[int(a)]] = {
            cid: float(spent[k] / total) for k, cid in enumerate(ids)
        }
        picks[inputs.cs.ad_set_ids[int(a)]] = tally.creative_picks[j, : len(ids)] / tally.runs
    return shares, picks


def simulate(
    scenario: CompiledScenario,
    split: Split | Mapping[str, Any] | None = None,
    runs: int = 1000,
    seed: int = 0,
    workers: int = 1,
    notes: tuple[str, ...] = (),
    **options: Any,
) -> SimulationResult:
    """Monte Carlo over ``runs`` day-by-day runs of ``split`` (the scenario's own if None).

    ``notes`` are warnings the caller adds to the result (e.g. that the split it passes
    is the optimiser's best approach to targets it cannot meet).

    ``options`` are the fields of :class:`SimOptions` (``pacing``, ``cost_noise``,
    ``competitor_noise``, ``competitor_persistence``, ``adstock_delay_days``). The same
    scenario, split, runs, seed and options give the same result whatever ``workers``.
    """
    runs = _check_count("runs", runs, 1, MAX_RUNS)
    seed = _check_count("seed", seed, 0, 2**63 - 1)
    workers = _check_count("workers", workers, 1, 1024)
    opts = SimOptions(**options)
    chosen = as_split(scenario, split)
    inputs = build_inputs(scenario, chosen)
    tally = Tally(inputs, runs)
    for chunk in iter_chunks(inputs, opts, runs, seed, workers):
        tally.add(chunk)
    return _result(scenario, chosen, inputs, tally, opts, seed, [*chosen.warnings, *notes])


def _result(
    cs: CompiledScenario,
    split: Split,
    inputs: SimInputs,
    tally: Tally,
    opts: SimOptions,
    seed: int,
    notes: list[str],
) -> SimulationResult:
    shares, picks = _creative_shares(inputs, tally)
    per_channel_day = np.stack(
        [tally.daily_spend[inputs.cs.ad_set_channel == c].sum(axis=0) for c in range(cs.n_channels)]
    )
    return SimulationResult(
        scenario=cs.name,
        runs=tally.runs,
        seed=seed,
        allocation={
            cid: float(v)
            for cid, v in zip(cs.channel_ids, cs.channel_sum(split.spend), strict=True)
        },
        per_run=tally.per_run,
        p_targets_met=tally.p_targets_met,
        channels=tally.channels,
        daily_revenue=tally.daily_revenue,
        daily_conversions=tally.daily_conversions,
        daily_impressions=tally.daily_impressions,
        daily_spend={
            cid: [float(x) for x in per_channel_day[c]] for c, cid in enumerate(cs.channel_ids)
        },
        creatives=shares,
        creative_picks=picks,
        expected=expected_totals(cs, split),
        options=asdict(opts),
        warnings=notes,
    )
