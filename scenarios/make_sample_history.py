"""Write scenarios/sample_history.csv from known curves, and the scenario calibrated from it.

Run from the repository root:

    .venv/bin/python scenarios/make_sample_history.py

The true curves are in TRUTH below. Each channel's daily plan is run once through the
project's own day-by-day simulation (noise on) to make 180 days of history; the history is
then calibrated exactly as `adsim calibrate scenarios/sample_history.csv --out
scenarios/calibrated_sample.yaml --seed 7` would. WeChat Moments is bought at an almost
constant daily spend, so its calibrated curve carries the extrapolation warning: the demo
of what a flat history cannot tell.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import numpy as np

from simulator.calibrate import calibrate, write_scenario
from simulator.calibrate.scenario import atomic_write
from simulator.calibrate.synthetic import simulate_history, varied_spend

HERE = Path(__file__).resolve().parent
N_DAYS = 180
START = date(2025, 4, 1)
SEED = 7

TRUTH = {
    "name": "sample-truth",
    "horizon_days": 30,
    "budget": {"total": 2_100_000},
    "channels": [
        {
            "id": "baidu_search",
            "response": {
                "type": "hill",
                "max_conversions": 30000,
                "half_saturation": 700000,
                "shape": 0.85,
            },
            "aov": 230,
            "new_customer_rate": 0.55,
            "adstock": {"decay": 0.2},
        },
        {
            "id": "douyin_feed",
            "response": {"type": "exponential", "max_conversions": 24000, "scale": 550000},
            "aov": 165,
            "new_customer_rate": 0.75,
            "adstock": {"decay": 0.5},
        },
        {
            "id": "xiaohongshu_notes",
            "response": {
                "type": "hill",
                "max_conversions": 12000,
                "half_saturation": 320000,
                "shape": 1.2,
            },
            "aov": 210,
            "new_customer_rate": 0.8,
            "adstock": {"decay": 0.35},
        },
        {
            "id": "wechat_moments",
            "response": {"type": "exponential", "max_conversions": 9000, "scale": 400000},
            "aov": 190,
            "new_customer_rate": 0.7,
        },
    ],
}

# Mean daily spend and how much it moves (log-spend spread); WeChat barely moves.
PLANS = {
    "baidu_search": (25000.0, 0.5),
    "douyin_feed": (20000.0, 0.5),
    "xiaohongshu_notes": (12000.0, 0.5),
    "wechat_moments": (13000.0, 0.03),
}


def daily_spend(rng: np.random.Generator) -> dict[str, np.ndarray]:
    return {cid: varied_spend(mean, N_DAYS, rng, spread) for cid, (mean, spread) in PLANS.items()}


def main() -> int:
    rng = np.random.default_rng(SEED)
    csv_path = HERE / "sample_history.csv"
    atomic_write(csv_path, simulate_history(TRUTH, daily_spend(rng), START, seed=SEED))
    cal = calibrate(csv_path, name="calibrated-sample", seed=SEED, method="lsq")
    write_scenario(cal, HERE / "calibrated_sample.yaml")
    print(f"wrote {csv_path.name} ({N_DAYS} days) and calibrated_sample.yaml")
    for warning in cal.warnings:
        print(f"warning: {warning}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
