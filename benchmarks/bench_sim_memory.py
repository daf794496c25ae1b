"""Peak memory of ``adsim simulate`` at 10^4, 10^5 and 10^6 runs: does it stay flat?

Each size runs in its own process (``python -c``: the CLI's ``main`` then the process's
own peak RSS), so one size's memory never counts for another. What is kept per run
(the table the percentiles need, ``simulator.simulate.tally.table_bytes``: 152 bytes a
run for three channels; and the day series of the first 10,240 runs) is the one part
meant to grow, with the few temporaries of deriving one metric
while summarising (about 50 bytes a run, briefly); the working memory of a chunk should
not grow. Before streaming, 10^6 runs needed about 4.7 GB. Measured on the bundled
e-commerce scenario (5 channels, 200 bytes a run of table): 96 MiB at 10^4 runs,
115 MiB at 10^5, 330 MiB at 10^6.

Usage: python benchmarks/bench_sim_memory.py [--sizes 10000 100000 1000000]
       [--scenario scenarios/ecommerce_q4.yaml]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from simulator.model.load import load_scenario
from simulator.simulate.tally import SERIES_RUNS, table_bytes

ROOT = Path(__file__).resolve().parent.parent

_CHILD = """
import io, resource, sys
from contextlib import redirect_stdout
from simulator.cli import main
with redirect_stdout(io.StringIO()):
    code = main(["simulate", sys.argv[1], "--current", "--runs", sys.argv[2], "--format", "json"])
assert code == 0, code
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)  # KiB on Linux
"""


def peak_rss_mib(scenario: str, runs: int) -> tuple[float, float]:
    """Peak RSS in MiB of one ``simulate`` of ``runs`` runs, and its wall time in seconds."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, scenario, str(runs)],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(done.stdout.split()[-1]) / 1024, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--scenario", default=str(ROOT / "scenarios" / "ecommerce_q4.yaml"))
    args = parser.parse_args()
    sc = load_scenario(args.scenario)
    n_channels, days = sc.n_channels, sc.horizon_days
    print(f"{'runs':>10} {'peak RSS':>10} {'kept per run':>14} {'the rest':>10} {'time':>8}")
    rest = []
    for runs in args.sizes:
        rss, seconds = peak_rss_mib(args.scenario, runs)
        series = 3 * 8 * min(runs, SERIES_RUNS) * days  # the first runs' day series
        table = (table_bytes(n_channels, runs) + series) / 2**20
        rest.append(rss - table)
        cells = f"{rss:>8.0f} MiB {table:>10.0f} MiB {rss - table:>6.0f} MiB"
        print(f"{runs:>10,} {cells} {seconds:>7.1f}s")
    slope = (rest[-1] - rest[0]) * 2**20 / max(args.sizes[-1] - args.sizes[0], 1)
    # Reading one derived metric (ltv_cac: two ratios) holds a few (runs,) temporaries at
    # once: about 6 x 8 bytes a run, briefly. Before streaming the slope was ~4,900 bytes.
    verdict = "flat" if slope < 128 else "NOT flat"
    print(
        f"beyond what is kept per run, memory grows by {slope:.0f} bytes a run "
        f"(transient arrays of one metric at a time): {verdict}"
    )


if __name__ == "__main__":
    main()
