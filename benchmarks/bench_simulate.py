"""Time the simulation: 1,000 runs x 90 days x 20 channels x 4 segments (80 ad sets).

Two designs of the same model, measured in the same process:

- vectorised (what ``simulate`` does): one simpy process per channel (plus market,
  delivery, operations), each step advancing numpy arrays that hold every run;
- per run: one simpy process per Monte Carlo run, a plain Python loop over ad sets each
  day, scalar draws. Its deterministic part (the response curves) is precomputed once to
  favour it; it is run only until a time cap and extrapolated linearly to 1,000 runs.

Usage: python benchmarks/bench_simulate.py [--runs 1000] [--cap-seconds 5]
"""

from __future__ import annotations

import argparse
import math
import os
import time
from typing import Any

import numpy as np
import simpy

from simulator.model.compiled import CompiledScenario
from simulator.model.load import scenario_from_data
from simulator.simulate import simulate
from simulator.simulate.core import resolve_split
from simulator.simulate.inputs import SimInputs, build_inputs

CHANNELS, SEGMENTS, DAYS = 20, 4, 90


def _channel(i: int) -> dict[str, Any]:
    kind = i % 3
    if kind == 0:
        response: dict[str, Any] = {"type": "hill", "max_conversions": 8000, "half_saturation": 3e5}
    elif kind == 1:
        response = {"type": "exponential", "max_conversions": 6000, "scale": 2.5e5}
    else:
        response = {"type": "funnel", "pricing": "cpm", "cpm": 30 + i, "ctr": 0.02, "cvr": 0.03}
    ch: dict[str, Any] = {
        "id": f"ch{i:02d}",
        "response": response,
        "aov": 150 + 5 * i,
        "margin": 0.4,
        "new_customer_rate": 0.6,
        "segments": [f"s{j}" for j in range(SEGMENTS)],
    }
    if i % 2:
        ch["adstock"] = {"decay": 0.4}
    if i % 5 == 0:
        ch["creatives"] = [{"id": "a"}, {"id": "b", "cvr_multiplier": 1.2, "fatigue": 0.1}]
    return ch


def bench_scenario() -> tuple[CompiledScenario, dict[str, float]]:
    data = {
        "name": "bench",
        "horizon_days": DAYS,
        "budget": {"total": 2e7},
        "ltv": {"repeat_rate": 0.3},
        "segments": [
            {"id": f"s{j}", "size": 2e6 * (j + 1), "referral_k": 0.1 * (j == 0)}
            for j in range(SEGMENTS)
        ],
        "channels": [_channel(i) for i in range(CHANNELS)],
        "events": [{"name": "sale", "start": 40, "end": 42, "cost_multiplier": 1.8}],
    }
    cs = scenario_from_data(data, {}, "<bench>")
    return cs, {f"ch{i:02d}": 1e6 for i in range(CHANNELS)}


def vectorised(
    cs: CompiledScenario, split: dict[str, float], runs: int, workers: int
) -> tuple[float, float]:
    """Wall time and this process's CPU time (the wall time on an idle machine)."""
    start, cpu = time.perf_counter(), time.process_time()
    simulate(cs, split, runs=runs, seed=1, workers=workers)
    return time.perf_counter() - start, time.process_time() - cpu


def _per_run_process(
    env: simpy.Environment, x: SimInputs, base: np.ndarray, rng: np.random.Generator, out: list
) -> Any:
    """One run: every day, every ad set, scalar draws (the design we did not take)."""
    a_count, ncr, decay = x.cs.n_ad_sets, x.cs.new_customer_rate, x.cs.decay
    pool = [0.0] * a_count
    revenue = 0.0
    for t in range(x.cs.horizon_days):
        for a in range(a_count):
            jitter = math.exp(0.1 * rng.standard_normal() - 0.005)
            lam = base[a, t] * jitter
            new = rng.poisson(lam * ncr[a])
            ret = rng.poisson(lam * (1 - ncr[a]))
            produced = new + ret
            if decay[a] > 0:
                pool[a] += produced
                produced = rng.binomial(int(pool[a]), 1 - decay[a])
                pool[a] -= produced
            revenue += produced * x.cs.value_per_conversion[a, t]
        yield env.timeout(1)
    out.append(revenue)


def per_run(cs: CompiledScenario, split: dict[str, float], cap_seconds: float) -> tuple[int, float]:
    """Runs done within the cap (in batches of 10) and the time they took."""
    x = build_inputs(cs, resolve_split(cs, split))
    # even pacing: v[t] * C(H * (S / H) / m[t]) / H per ad set and day, (A, H)
    base = (
        x.cs.cvr_mult
        * x.cs.curves.value((x.spend[:, None] / x.cs.cost_mult).T).T
        / x.cs.horizon_days
    )
    rng = np.random.default_rng(1)
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < cap_seconds:
        env, out = simpy.Environment(), []
        for _ in range(10):
            env.process(_per_run_process(env, x, base, rng, out))
        env.run()
        done += 10
    return done, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--cap-seconds", type=float, default=5.0)
    args = parser.parse_args()
    cs, split = bench_scenario()
    print(
        f"scenario: {CHANNELS} channels x {SEGMENTS} segments = {cs.n_ad_sets} ad sets, "
        f"{DAYS} days; {os.cpu_count()} CPUs"
    )
    vectorised(cs, split, 50, 1)  # warm-up: imports, first numpy calls
    one, cpu = min(vectorised(cs, split, args.runs, 1) for _ in range(3))
    print(f"vectorised, 1 worker : {args.runs:,} runs in {one:.2f} s ({cpu:.2f} s of CPU)")
    two, _ = vectorised(cs, split, 2048, 2)
    print(
        f"vectorised, 2 workers: 2,048 runs (2 chunks) in {two:.2f} s "
        f"= {two * 1000 / 2048:.2f} s per 1,000 runs"
    )
    print(f"load average         : {os.getloadavg()[0]:.1f} (wall times stretch above 2)")
    done, took = per_run(cs, split, args.cap_seconds)
    estimate = took / done * args.runs
    print(
        f"per-run processes    : {done} runs in {took:.2f} s (capped at {args.cap_seconds:.0f} s); "
        f"extrapolated to {args.runs:,} runs: {estimate:.0f} s"
    )
    print(f"ratio                : the vectorised design is {estimate / one:,.0f}x faster")


if __name__ == "__main__":
    main()
