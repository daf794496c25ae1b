"""Runs per second of `adsim batch` on one batch: 1 and 2 local workers, and a Dask LocalCluster.

The batch is the bundled sample folder (scenarios/batch: 12 runs from sweeps) repeated
under distinct names until it has BATCH_RUNS runs, each optimised and simulated with
MC_RUNS Monte Carlo runs. Each set-up writes a fresh output folder. Runs per second are
counted once the workers have imported the engines (a no-op task first); that start-up
is printed apart, since without cached bytecode (PYTHONDONTWRITEBYTECODE) it costs
seconds per fresh process and would swamp a small batch. The Dask cluster is started
outside the timing, as with --scheduler. Also checks that the three set-ups wrote the
same bytes.

    .venv/bin/python benchmarks/bench_batch.py [--batch-runs N] [--mc-runs N] [--scheduler URL]
"""

import argparse
import shutil
import statistics
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
    folder.mkdir(parents=True, exist_ok=True)
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


def timed(make: Callable[[], Executor], folder: Path, out: Path, mc_runs: int) -> float:
    """Runs per second of one batch once the workers are warm (start-up printed apart)."""
    start = time.perf_counter()
    executor = make()
    try:
        list(executor.map_unordered(warm_up, range(2 * executor.workers)))
        warm = out.parent / f"{out.name}-warm"
        write_batch(warm / "scenarios", 2 * executor.workers)
        run_batch([str(warm / "scenarios")], warm / "out", RunOptions(runs=50), executor)
        ready = time.perf_counter()
        summary = run_batch([str(folder)], out, RunOptions(runs=mc_runs, seed=1), executor)
    finally:
        executor.close()
    elapsed = time.perf_counter() - ready
    print(f"    start-up {ready - start:>6.2f} s, {summary.executed} runs in {elapsed:>7.2f} s")
    return summary.executed / elapsed


def rates_of(
    label: str, make: Callable[[], Executor], folder: Path, out: Path, args: argparse.Namespace
) -> list[float]:
    """The median of up to ``args.repeats`` timings, stopping early past the time cap."""
    print(label)
    start, rates = time.monotonic(), []
    for i in range(args.repeats):
        if rates and time.monotonic() - start > args.max_seconds:
            print(f"    (time cap {args.max_seconds:g} s reached after {i} repeats)")
            break
        rates.append(timed(make, folder, out / str(i), args.mc_runs))
    print(f"  {label}: {spread(rates)}")
    return rates


def spread(rates: list[float]) -> str:
    """``median m runs/s over n (min a, max b)``."""
    return (
        f"median {statistics.median(rates):.2f} runs/s over {len(rates)} "
        f"(min {min(rates):.2f}, max {max(rates):.2f})"
    )


def output(out: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and not p.name.startswith("results.sqlite")
    }


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--batch-runs", type=int, default=48, help="runs in the batch (default 48)")
    p.add_argument("--mc-runs", type=int, default=1000, help="Monte Carlo runs per run")
    p.add_argument("--repeats", type=int, default=3, help="timings per set-up (median)")
    p.add_argument("--rounds", type=int, default=1, help="alternations of 2 local vs dask")
    p.add_argument("--max-seconds", type=float, default=120.0, help="time cap per set-up")
    p.add_argument("--scheduler", help="a running Dask scheduler instead of a LocalCluster")
    p.add_argument(
        "--worker-profile",
        action="store_true",
        help="LocalCluster workers keep Dask's default profile sampling (every 10 ms)",
    )
    p.add_argument("--skip-inline", action="store_true", help="leave out the 1-worker timing")
    return p.parse_args(argv)


def dask_rates(folder: Path, out: Path, args: argparse.Namespace) -> list[float]:
    """The rates on the --scheduler cluster, or on a fresh 2-worker LocalCluster."""
    if args.scheduler:
        make = lambda: DaskExecutor(args.scheduler)  # noqa: E731  # a one-line factory
        return rates_of(f"dask at {args.scheduler}", make, folder, out, args)
    import dask
    from distributed import LocalCluster

    start = time.perf_counter()
    # workers as the README starts them: no profile sampling (see executors.profiling_advice)
    profile = {"distributed.worker.profile.enabled": args.worker_profile}
    with (
        dask.config.set(profile),
        LocalCluster(
            n_workers=2, threads_per_worker=1, dashboard_address=":0", processes=True
        ) as cluster,
    ):
        print(f"(LocalCluster start-up: {time.perf_counter() - start:.2f} s, not timed)")
        make = lambda: DaskExecutor(cluster.scheduler_address)  # noqa: E731  # as above
        label = "dask LocalCluster, 2 workers" + (" (profiling)" if args.worker_profile else "")
        return rates_of(label, make, folder, out, args)


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        folder = root / "scenarios"
        n = write_batch(folder, args.batch_runs)
        print(f"batch: {n} runs (optimise + simulate {args.mc_runs} Monte Carlo runs each)")
        runs: dict[str, list[float]] = {"w2": [], "dask": []}
        if not args.skip_inline:
            runs["w1"] = rates_of(
                "local, 1 worker (in process)", InlineExecutor, folder, root / "w1", args
            )
        # the set-ups compared alternate, so a busy spell on a shared machine hits both
        for i in range(args.rounds):
            runs["w2"] += rates_of(
                "local, 2 worker processes", lambda: LocalExecutor(2), folder, root / "w2", args
            )
            runs["dask"] += dask_rates(folder, root / "dask", args)
            if i + 1 < args.rounds:
                shutil.rmtree(root / "w2")
                shutil.rmtree(root / "dask")
        for key, label in (("w1", "1 worker"), ("w2", "2 local"), ("dask", "dask")):
            if key in runs:
                print(f"{label}: {spread(runs[key])}")
        rates = {k: statistics.median(v) for k, v in runs.items()}
        outputs = {k: output(root / k / "0") for k in rates}
        first = next(iter(outputs))
        differ = sorted(
            name
            for k in outputs
            for name in set(outputs[k]) | set(outputs[first])
            if outputs[k].get(name) != outputs[first].get(name)
        )
        overhead = 1.0 - rates["dask"] / rates["w2"]
        w1 = rates.get("w1", float("nan"))
        print(
            f"runs/s: 1 worker {w1:.2f}, 2 workers {rates['w2']:.2f}, "
            f"dask {rates['dask']:.2f}; 2 workers / 1: {rates['w2'] / w1:.2f}x\n"
            f"dask overhead against 2 local processes: {100 * overhead:+.1f}% "
            f"({'within' if overhead < 0.10 else 'ABOVE'} the 10% aim)\n"
            f"identical result files: {not differ}"
            + (f" (differ: {', '.join(differ[:5])})" if differ else "")
        )


if __name__ == "__main__":
    main()
