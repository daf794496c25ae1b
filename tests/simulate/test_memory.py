"""Chunks are reduced as they come: the same bytes as all runs at once, in flat memory."""

from __future__ import annotations

import json
import tracemalloc
from dataclasses import fields

import numpy as np
import pytest

from simulator.cli import main
from simulator.simulate import SimOptions, simulate
from simulator.simulate import tally as tally_module
from simulator.simulate.core import resolve_split
from simulator.simulate.inputs import build_inputs
from simulator.simulate.outcome import ChunkOutcome
from simulator.simulate.parallel import chunk_sizes, run_chunk
from simulator.simulate.summary import per_run_metrics, stats, targets_met
from simulator.simulate.tally import (
    RunTable,
    channel_metric,
    channel_runs,
    table_bytes,
    table_warning,
)
from tests.simulate.conftest import CORE, CORE_SPLIT, scenario

SHARED = ("daily_spend", "creative_picks")


def _whole(parts: list[ChunkOutcome]) -> ChunkOutcome:
    """Every chunk's tallies stacked: the old, non-streamed path (memory grows with runs)."""
    stacked = {
        f.name: np.concatenate([getattr(p, f.name) for p in parts], axis=0)
        for f in fields(ChunkOutcome)
        if f.name not in SHARED
    }
    picks = np.sum([p.creative_picks for p in parts], axis=0)
    return ChunkOutcome(**stacked, daily_spend=parts[0].daily_spend, creative_picks=picks)


def _reference(cs, split, runs: int, seed: int) -> dict[str, object]:
    """Summaries computed on the whole (runs, ...) arrays, as before streaming."""
    inputs = build_inputs(cs, resolve_split(cs, split))
    sizes = chunk_sizes(runs)
    seeds = np.random.SeedSequence(seed).spawn(len(sizes))
    out = _whole([run_chunk(inputs, SimOptions(), n, s) for n, s in zip(sizes, seeds, strict=True)])
    metrics = per_run_metrics(inputs, out)
    return {
        "totals": {k: stats(v) for k, v in metrics.items()},
        "p_targets_met": float(targets_met(inputs.cs.active_targets(), metrics).mean()),
        "channels": {
            cid: {k: stats(v) for k, v in per.items()}
            for cid, per in channel_runs(inputs, out).items()
        },
        "daily_revenue": out.daily_revenue,
    }


@pytest.mark.parametrize(("runs", "seed"), [(1, 0), (1024, 5), (2500, 8)])
def test_streamed_summaries_are_the_bytes_of_the_whole_array_path(runs: int, seed: int) -> None:
    cs = scenario(targets={"roi_min": 2.05})  # a target met by some runs only
    ref = _reference(cs, CORE_SPLIT, runs, seed)
    doc = simulate(cs, CORE_SPLIT, runs=runs, seed=seed).to_json()
    for key in ("totals", "p_targets_met", "channels"):
        assert json.dumps(doc[key]) == json.dumps(ref[key]), key
    assert 0 < doc["p_targets_met"] < 1 or runs == 1


def test_series_keep_the_first_runs_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tally_module, "SERIES_RUNS", 1500)
    sim = simulate(scenario(), CORE_SPLIT, runs=2500, seed=8)
    ref = _reference(scenario(), CORE_SPLIT, 2500, 8)
    assert sim.daily_revenue.shape == (1500, 30)
    np.testing.assert_array_equal(sim.daily_revenue, ref["daily_revenue"][:1500])
    assert sim.per_run["revenue"].shape == (2500,)  # the percentiles still use every run


def _peak_bytes(runs: int) -> int:
    cs = scenario()
    tracemalloc.start()
    simulate(cs, CORE_SPLIT, runs=runs, seed=1).to_json()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def test_memory_beyond_the_per_run_table_does_not_grow_with_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Sixteen chunks need no more working memory than two; before, it grew with runs x days."""
    monkeypatch.setattr(tally_module, "SERIES_RUNS", 1024)
    _peak_bytes(10)  # first-call allocations (imports, caches) are not the simulation's
    small, large = 2 * 1024, 16 * 1024
    n_channels = len(CORE["channels"])
    work_small = _peak_bytes(small) - table_bytes(n_channels, small)
    work_large = _peak_bytes(large) - table_bytes(n_channels, large)
    # the old path kept (runs, days) x 3 and (runs, ad sets) x 3 arrays, twice (concatenation)
    old_growth = 2 * 8 * (large - small) * (3 * 30 + 3 * 4)
    assert work_large - work_small < 0.05 * old_growth


def test_table_size_and_the_warning_past_one_gigabyte() -> None:
    # 10 run columns (spend is one number) and revenue, conversions, new customers per channel
    assert table_bytes(3, 1000) == 8 * 1000 * (10 + 3 * 3)
    assert table_warning(3, 1_000_000) is None  # 152 MB
    assert table_warning(3, 7_000_000) is None  # 1.064e9 bytes: just under 1 GiB
    message = table_warning(3, 10_000_000)
    assert message is not None
    assert "10,000,000 runs keep 1.4 GB" in message
    assert "152 bytes a run" in message


def test_cli_warns_on_stderr_before_a_large_run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], write
) -> None:
    monkeypatch.setattr(tally_module, "TABLE_WARN_BYTES", 1000)
    path = write(
        "name: t\nbudget: {total: 1000}\nchannels:\n"
        "  - {id: a, aov: 10, response: {type: exponential, max_conversions: 50, scale: 500}}\n"
    )
    argv = ["simulate", str(path), "--runs", "40", "--seed", "1", "--format", "json"]
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert "warning: runs: 40 runs keep" in captured.err
    assert json.loads(captured.out)["runs"] == 40  # stdout is still only the JSON


def test_run_table_derives_ratios_and_stores_a_varying_constant() -> None:
    table = RunTable(4, ("spend", "revenue"), ("spend", "revenue", "roi"), channel_metric)
    table.fill(0, {"spend": np.array([10.0, 10.0]), "revenue": np.array([30.0, 40.0])})
    assert "spend" not in table.stored  # one number while every run spends the same
    table.fill(2, {"spend": np.array([10.0, 0.0]), "revenue": np.array([50.0, 0.0])})
    np.testing.assert_array_equal(table["spend"], [10.0, 10.0, 10.0, 0.0])
    np.testing.assert_array_equal(table["roi"], [3.0, 4.0, 5.0, np.nan])
    assert list(table) == ["spend", "revenue", "roi"]
    with pytest.raises(KeyError):
        table["cac"]
    table["margin"] = np.ones(4)  # a caller's own per-run array, as in a plain dict
    assert list(table) == ["spend", "revenue", "roi", "margin"]
    with pytest.raises(KeyError, match="read-only"):
        table["roi"] = np.zeros(4)
    del table["margin"]
    assert len(table) == 3


def test_undefined_metrics_are_not_stored_and_read_as_nan() -> None:
    data = {
        "name": "fitted",
        "budget": {"total": 1000},
        "channels": [
            {
                "id": "a",
                "aov": 10,
                "response": {"type": "exponential", "max_conversions": 50, "scale": 500},
            }
        ],
    }
    sim = simulate(scenario(data), {"a": 1000}, runs=30, seed=2)
    assert "impressions" not in sim.per_run.stored  # type: ignore[attr-defined]  # the store behind the Mapping type
    assert np.isnan(sim.per_run["impressions"]).all()
    assert sim.to_json()["totals"]["impressions"]["mean"] is None


@pytest.mark.parametrize("policy", ["expected", "thompson"])
def test_creative_sums_are_the_same_bytes_on_two_workers(policy: str) -> None:
    """Creative spend is summed chunk by chunk in chunk order, wherever chunks ran."""
    channels = [dict(ch) for ch in CORE["channels"]]
    channels[2]["creatives"] = [{"id": "a"}, {"id": "b", "ctr_multiplier": 1.4, "fatigue": 0.3}]
    cs = scenario(channels=channels)
    one = simulate(cs, CORE_SPLIT, runs=2100, seed=3, creative_policy=policy)
    two = simulate(cs, CORE_SPLIT, runs=2100, seed=3, workers=2, creative_policy=policy)
    assert json.dumps(one.to_json()) == json.dumps(two.to_json())
    assert 0.5 < one.creatives["notes"]["b"] < 1.0
