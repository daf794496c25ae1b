"""Start-up time of ``adsim validate`` and ``adsim evaluate`` (issue 20 item 4: < 0.4 s).

Each command runs as a fresh process; the figure is the median wall time over repeats.
Two baselines run in the same loop, interleaved with the commands so machine load hits
all alike: the floor (an interpreter importing only numpy, pydantic and yaml, which any
validation needs) and the eager set (what every command imported before the imports
became lazy: the optimiser, the simulation, the batch runner with Optuna, scipy, rich).

    .venv/bin/python benchmarks/bench_cli.py [--repeats 9]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = str(ROOT / "scenarios" / "ecommerce_q4.yaml")
EAGER = (
    "import simulator.api, simulator.optimize, simulator.simulate, simulator.batch.run, "
    "simulator.model.load, rich.console, rich.table, scipy.special"
)
CASES = {
    "adsim validate": [sys.executable, "-m", "simulator", "validate", SCENARIO],
    "adsim evaluate --format json": [
        sys.executable,
        *("-m", "simulator", "evaluate", SCENARIO, "--format", "json"),
    ],
    "floor: numpy+pydantic+yaml": [sys.executable, "-c", "import numpy, pydantic, yaml"],
    "eager imports (before)": [sys.executable, "-c", EAGER],
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=9)
    args = ap.parse_args()
    times: dict[str, list[float]] = {k: [] for k in CASES}
    for _ in range(args.repeats):
        for label, cmd in CASES.items():
            t = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
            times[label].append(time.perf_counter() - t)
    med = {k: statistics.median(v) for k, v in times.items()}
    eager = med["eager imports (before)"]
    print(f"{'command':>30} | {'median s':>9} | {'goal s':>7} | {'vs eager':>9}")
    for label, t in med.items():
        goal = "0.40" if label.startswith("adsim") else "-"
        print(f"{label:>30} | {t:9.3f} | {goal:>7} | {t / eager:8.2f}x")


if __name__ == "__main__":
    main()
