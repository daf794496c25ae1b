"""The engine behind "trace the front < 2 s" (issue 17 item 1): ``pareto`` and ``optimize``.

Times, in one process, ``pareto`` on ecommerce_q4 (its 20 points, each a whole-unit
branch and bound) and ``optimize`` on every bundled scenario (by total; ``--daily`` on
growth_team), with the summed curve's own inverse marginal (``new``) and with the generic
bracketed inverse of ``Curve`` forced in its place (``generic``). The two arms alternate
within each repeat so machine load hits both alike; the figures are medians of wall time
and of the process's CPU time (steadier when others share the machine).
Both arms share everything else (the branch and bound's cuts included).

    .venv/bin/python benchmarks/bench_front.py [--repeats 3] [--only ecommerce_q4]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from simulator.api import optimize
from simulator.model.curves import Curve
from simulator.model.load import load_scenario
from simulator.optimize.pareto import pareto_front
from simulator.optimize.summed import SummedCurve

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml")) + sorted(
    (ROOT / "scenarios" / "batch").glob("*.yaml")
)


@contextmanager
def generic_inverse() -> Iterator[None]:
    """``SummedCurve`` answers with ``Curve``'s generic inverse (and takes no start)."""
    own, warm = SummedCurve.__dict__["inverse_derivative"], SummedCurve.warm_start
    SummedCurve.inverse_derivative = Curve.inverse_derivative  # type: ignore[method-assign]
    SummedCurve.warm_start = False
    try:
        yield
    finally:
        SummedCurve.inverse_derivative = own  # type: ignore[method-assign]
        SummedCurve.warm_start = warm


def cases(only: str) -> dict[str, Callable[[], object]]:
    """Label -> a call that runs one case (each loads its scenario once, up front)."""
    out: dict[str, Callable[[], object]] = {}
    q4 = load_scenario(ROOT / "scenarios" / "ecommerce_q4.yaml")
    out["pareto ecommerce_q4"] = lambda: pareto_front(q4)
    for path in SCENARIOS:
        cs = load_scenario(path)
        name = path.relative_to(ROOT / "scenarios").with_suffix("").as_posix()
        out[f"optimize {name}"] = lambda cs=cs: optimize(cs)
        if name == "growth_team":
            out[f"optimize {name} --daily"] = lambda cs=cs: optimize(cs, plan="daily")
    return {k: v for k, v in out.items() if only in k}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--only", default="", help="run the cases whose label contains this")
    args = ap.parse_args()
    runs = cases(args.only)
    wall: dict[tuple[str, str], list[float]] = {}
    cpu: dict[tuple[str, str], list[float]] = {}
    for label, run in runs.items():
        run()  # warm-up: imports and cached curves
        for _ in range(args.repeats):
            for arm in ("new", "generic"):
                t, c = time.perf_counter(), time.process_time()
                if arm == "new":
                    run()
                else:
                    with generic_inverse():
                        run()
                wall.setdefault((label, arm), []).append(time.perf_counter() - t)
                cpu.setdefault((label, arm), []).append(time.process_time() - c)
    print("median seconds; cpu is this process's CPU time (steadier on a shared machine)")
    head = f"{'case':>36} | {'new wall':>8} | {'generic':>7} | {'new cpu':>7} | {'generic':>7}"
    print(f"{head} | {'speed-up (cpu)':>14}")
    for label in runs:
        nw, gw = (statistics.median(wall[(label, a)]) for a in ("new", "generic"))
        nc, gc = (statistics.median(cpu[(label, a)]) for a in ("new", "generic"))
        row = f"{label:>36} | {nw:8.3f} | {gw:7.3f} | {nc:7.3f} | {gc:7.3f}"
        print(f"{row} | {gc / nc:13.2f}x")


if __name__ == "__main__":
    main()
