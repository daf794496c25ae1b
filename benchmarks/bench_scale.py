"""The whole CLI at scale: `adsim optimize --format json` on 1,000 to 10,000 channels.

Prints, per size, the wall and CPU time and the peak resident memory of one CLI process
(read from that child's own rusage, so sizes do not mix). Every step of a run should be
linear in the channels: before issue 13.7 the explanations evaluated one candidate per
channel (quadratic: 62 s and 9.3 GB at 10,000 channels).

    .venv/bin/python benchmarks/bench_scale.py [--sizes 1000 5000 10000] [--plan total]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _scenarios import synthetic_data  # a sibling module, found via the path above


def run_cli(path: Path, plan: str) -> tuple[float, float, float, int]:
    """Wall seconds, CPU seconds, peak RSS (MB) and exit code of one `adsim optimize`."""
    cmd = [sys.executable, "-m", "simulator", "optimize", str(path), "--plan", plan]
    start = time.perf_counter()
    proc = subprocess.Popen([*cmd, "--format", "json"], stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return wall, cpu, usage.ru_maxrss / 1024, proc.returncode  # ru_maxrss is in KB on Linux


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 10000])
    ap.add_argument("--plan", choices=("total", "daily"), default="total")
    args = ap.parse_args()
    print(f"{'channels':>9} {'wall s':>8} {'cpu s':>8} {'peak MB':>8} exit")
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            path = Path(tmp) / f"synthetic_{n}.yaml"
            path.write_text(yaml.safe_dump(synthetic_data(n), sort_keys=False))
            wall, cpu, peak, code = run_cli(path, args.plan)
            print(f"{n:>9,} {wall:>8.2f} {cpu:>8.2f} {peak:>8.0f} {code}")


if __name__ == "__main__":
    main()
