"""Peak memory and time of `adsim validate` on hostile and on large input.

Each case runs in its own subprocess (so one case's peak does not hide another's) and
reports the child's own peak resident set (``resource.getrusage(RUSAGE_SELF).ru_maxrss``,
imports included: ~150 MB of numpy, scipy, pydantic), the tracemalloc peak of the validation
itself (Python allocations after the imports) and the wall time, next to the exit code:

- billion laughs: a 1 KB YAML whose aliases would expand to 9**9 (387 million) values;
  before the loader's limits it grew past 3.5 GB, now it is refused (exit 2) at once;
- 10,000 channels: a large but valid scenario (exit 0), the cost of an honest big file.

    .venv/bin/python benchmarks/bench_hostile.py [--channels 10000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Run in the child: validate in-process with tracemalloc on, report the figures as JSON.
_CHILD = """
import contextlib, io, json, resource, sys, tracemalloc
from simulator.cli import main
import simulator.commands.validate  # imported before tracing: the peak is validate's own
tracemalloc.start()
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as err:
    code = main(["validate", sys.argv[1]])
_, peak = tracemalloc.get_traced_memory()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
report = {"code": code, "traced_peak": peak, "rss_kb": rss, "stderr": err.getvalue()[:160]}
print(json.dumps(report))
"""


def billion_laughs(levels: int = 9) -> str:
    rows = ['x-a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        rows.append(f"x-a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    rows.append(f"name: laughs\nbudget: {{total: 1000}}\nchannels: *a{levels - 1}")
    return "\n".join(rows) + "\n"


def many_channels(n: int) -> str:
    rows = [f"name: wide\nbudget:\n  total: {n * 10_000}\nchannels:"]
    for i in range(n):
        rows.append(
            f"  - id: ch_{i}\n"
            f"    response: {{type: exponential, max_conversions: {1000 + i}, scale: 50000}}\n"
            f"    aov: {100 + i % 50}"
        )
    return "\n".join(rows) + "\n"


def measure(path: Path) -> dict[str, float | int | str]:
    """Validate ``path`` in a fresh interpreter; its peak RSS, traced peak and wall time."""
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"child failed on {path.name}: {proc.stderr[-400:]}")
    report: dict[str, float | int | str] = json.loads(proc.stdout.strip().splitlines()[-1])
    report["rss_peak_mb"] = int(report["rss_kb"]) / 1024
    report["seconds"] = elapsed
    report["bytes"] = path.stat().st_size
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--channels", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cases = {
            "billion laughs": Path(tmp) / "laughs.yaml",
            f"{args.channels:,} channels": Path(tmp) / "wide.yaml",
        }
        cases["billion laughs"].write_text(billion_laughs())
        cases[f"{args.channels:,} channels"].write_text(many_channels(args.channels))
        print(f"{'case':<18} {'file':>10} {'exit':>4} {'peak RSS':>10} {'py peak':>10} {'time':>7}")
        for name, path in cases.items():
            r = measure(path)
            print(
                f"{name:<18} {r['bytes']:>9,}B {r['code']:>4} {r['rss_peak_mb']:>8.0f}MB "
                f"{int(r['traced_peak']) / 2**20:>8.1f}MB {r['seconds']:>6.1f}s"
            )
            if r["code"] != 0:
                print(f"  {r['stderr'].strip()}")


if __name__ == "__main__":
    main()
