"""Runs per second of `adsim batch` on one batch: 1 and 2 local workers, and a Dask LocalCluster.

The batch is the bundled sample folder (scenarios/batch: 12 runs from sweeps) repeated
under distinct names until it has BATCH_RUNS runs, each optimised and simulated with
MC_RUNS Monte Carlo runs. Each set-up writes a fresh output folder. Runs per second are
counted once the workers have imported the engines (a no-op task first); that start-up
is printed apart, since without cached bytecode (PYTHONDONTWRITEBYTECODE) it costs
seconds per fresh process and would swamp a small batch. The Dask cluster is started
outside the timing, as with --scheduler. Also checks that the three set-ups wrote the
same bytes.

    .venv/bin/python benchmarks/bench_batch.py [BATCH_RUNS] [MC_RUNS]
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from simulator.batch import RunOptions, run_batch
from simulator.batch.executors import DaskExecutor, Executor, InlineExecutor, LocalExecutor
from simulator.batch.runner import warm_up

ROOT = Path(__file__).resolve().parents[1]


def write_batch(folder: Path, batch_runs: int) -> int:
    """Copies of the sample scenarios (renamed) until the batch holds ``batch_runs`` runs."""
    folder.mkdir(parents=True)
    samples = sorted((ROOT / "scenarios" / "batch").glob("*.yaml"))
    total, copy = 0, 0
    while total < batch_runs:
        for sample in samples:
            data = yaml.safe_load(sample.read_text())
            data["name"] = f"{data['name']}-{copy}"
            (folder / f"{copy:03d}_{sample.name}").write_text(yaml.safe_dump(data))
            grid = 1
            for values in (data.get("sweep") or {}).values():
                grid *= len(values)
            total += grid
        copy += 1
    return total


def timed(label: str, make: Callable[[], Executor], folder: Path, out: Path, mc_runs: int) -> float:
    """Runs per second once the workers are up; their start-up is printed apart."""
    start = time.perf_counter()
    executor = make()
    try:
        list(executor.map_unordered(warm_up, range(2 * executor.workers)))
        ready = time.perf_counter()
        summary = run_batch([str(folder)], out, RunOptions(runs=mc_runs, seed=1), executor)
    finally:
        executor.close()
    elapsed = time.perf_counter() - ready
    rate = summary.executed / elapsed
    print(
        f"{label:<32} start-up {ready - start:>6.2f} s  "
        f"{summary.executed:>4} runs {elapsed:>7.2f} s {rate:>7.2f} runs/s"
    )
    return rate


def output(out: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and not p.name.startswith("results.sqlite")
    }


def main() -> None:
    from distributed import LocalCluster

    batch_runs = int(sys.argv[1]) if len(sys.argv) > 1 else 48
    mc_runs = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        n = write_batch(root / "scenarios", batch_runs)
        print(f"batch: {n} runs (optimise + simulate {mc_runs} Monte Carlo runs each)")
        rates = {
            "1": timed(
                "local, 1 worker (in process)",
                InlineExecutor,
                root / "scenarios",
                root / "w1",
                mc_runs,
            ),
            "2": timed(
                "local, 2 worker processes",
                lambda: LocalExecutor(2),
                root / "scenarios",
                root / "w2",
                mc_runs,
            ),
        }
        start = time.perf_counter()
        with LocalCluster(
            n_workers=2, threads_per_worker=1, dashboard_address=":0", processes=True
        ) as cluster:
            print(f"  (LocalCluster start-up: {time.perf_counter() - start:.2f} s, not timed)")
            rates["dask"] = timed(
                "dask LocalCluster, 2 workers",
                lambda: DaskExecutor(cluster.scheduler_address),
                root / "scenarios",
                root / "dask",
                mc_runs,
            )
        outputs = {k: output(root / k) for k in ("w1", "w2", "dask")}
        differ = sorted(
            name
            for k in ("w2", "dask")
            for name in set(outputs[k]) | set(outputs["w1"])
            if outputs[k].get(name) != outputs["w1"].get(name)
        )
        print(
            f"2 workers / 1: {rates['2'] / rates['1']:.2f}x; dask / 1: "
            f"{rates['dask'] / rates['1']:.2f}x; identical result files: {not differ}"
            + (f" (differ: {', '.join(differ[:5])})" if differ else "")
        )


if __name__ == "__main__":
    main()
