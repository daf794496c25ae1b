"""Fit each channel's response curve and adstock from a daily history CSV.

The CSV is long format with a header: date,channel,spend,conversions,revenue (ISO dates),
optionally new_customers. Each channel gets a hill or exponential curve (chosen by
held-out error) and an adstock decay; the scenario is validated, then written with comments
saying where every number came from. --report adds fit quality and the curves with
bootstrap intervals (.html, or .png with matplotlib).

example: adsim calibrate scenarios/sample_history.csv --out fitted.yaml --report fit.html
"""

from __future__ import annotations

import argparse
import sys

from simulator.calibrate import calibrate, write_report, write_scenario
from simulator.calibrate.report import check_report_path

ORDER = 6


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("history", metavar="HISTORY.csv", help="daily spend and results per channel")
    p.add_argument("--out", required=True, metavar="SCENARIO.yaml", help="scenario to write")
    p.add_argument("--report", metavar="REPORT", help="report file: .html or .png")
    p.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")
    p.add_argument("--horizon-days", type=int, default=30, help="planning horizon (default 30)")
    p.add_argument("--resamples", type=int, default=100, help="bootstrap resamples (default 100)")
    p.add_argument("--name", help="scenario name (default: calibrated-<file stem>)")
    p.add_argument("--currency", default="CNY", help="currency of the spend (default CNY)")


def run(args: argparse.Namespace) -> int:
    if args.report:
        check_report_path(args.report)
    if not 1 <= args.horizon_days <= 3660:
        print("adsim calibrate: --horizon-days must be 1..3660", file=sys.stderr)
        return 2
    if args.resamples < 0:
        print("adsim calibrate: --resamples must be >= 0", file=sys.stderr)
        return 2
    cal = calibrate(
        args.history,
        name=args.name,
        horizon_days=args.horizon_days,
        currency=args.currency,
        n_resamples=args.resamples,
        seed=args.seed,
    )
    write_scenario(cal, args.out)
    if args.report:
        write_report(cal, args.report)
    for warning in cal.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for ch in cal.channels:
        fit = ch.fit
        print(
            f"{ch.id}: {fit.curve.family}, decay {fit.curve.decay:.2f}, "
            f"R² {fit.in_sample.r2:.3f}, held-out MAPE {fit.holdout.mape:.1%}",
            file=sys.stderr,
        )
    print(f"wrote {args.out}" + (f" and {args.report}" if args.report else ""), file=sys.stderr)
    return 0
