"""Write a self-contained HTML report comparing a plan with its variants.

The baseline is --split (or the scenario's own split:); each --variant adds a column,
written as in the studio's share link: shift:FROM:TO:PERCENT, scale:PERCENT, optimize.
Without --variant the optimiser's split is compared; --plan daily plans it by day (the
daily chart), --runs N simulates it (Monte Carlo bands, P(targets met)). plotly.js's basic
bundle is inlined once: the page opens offline, for a manager who never opens the tool.
"""

from __future__ import annotations

import argparse
import sys

from simulator.api import optimize, simulate
from simulator.io.bundled import SCENARIO_HELP, scenario_arg
from simulator.io.errors import Issue, ScenarioError, UsageError
from simulator.io.files import atomic_write
from simulator.model.compiled import CompiledScenario
from simulator.model.load import load_scenario, load_split
from simulator.model.split import as_split
from simulator.studio.compare import compare
from simulator.studio.report import build_report
from simulator.studio.share import Problem, decode_variant, problem
from simulator.studio.share_fit import fit_variants
from simulator.studio.variants import MAX_VARIANTS, Variant

ORDER = 9


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", type=scenario_arg, help=SCENARIO_HELP)
    p.add_argument("--split", metavar="SPLIT", help="baseline split (default: the scenario's)")
    p.add_argument(
        "--variant",
        action="append",
        default=[],
        metavar="V",
        help="a column: shift:FROM:TO:PERCENT, scale:PERCENT or optimize (up to 4)",
    )
    p.add_argument("--lang", choices=("en", "zh"), default="en", help="labels (default en)")
    p.add_argument(
        "--plan",
        choices=("total", "daily"),
        default="total",
        help="the optimiser's plan: totals, or by day with its chart (default total)",
    )
    p.add_argument(
        "--runs",
        type=int,
        default=0,
        metavar="N",
        help="simulate the recommended plan N times: bands and P(targets met) (default 0: none)",
    )
    p.add_argument("--seed", type=int, default=0, help="the simulation's seed (default 0)")
    p.add_argument("--out", metavar="PATH", required=True, help="the HTML file to write")


def _variants(texts: list[str], cs: CompiledScenario, baseline: dict[str, float]) -> list[Variant]:
    """The --variant columns, read and checked as a share link's are (one message each)."""
    problems: list[Problem] = []
    read = [decode_variant(t, problems) for t in texts or ["optimize"]]
    variants, unfit = fit_variants(cs, baseline, [v for v in read if v is not None])
    problems += unfit
    if len(texts) > MAX_VARIANTS:
        problems.append(problem("v", " ".join(texts), "link_too_many", n=MAX_VARIANTS))
    if problems:
        raise UsageError("--variant: " + "; ".join(p.reason("en") for p in problems))
    return variants


def run(args: argparse.Namespace) -> int:
    if not args.out.lower().endswith((".html", ".htm")):
        raise UsageError(f"{args.out}: the report is HTML; use a .html path")
    cs = load_scenario(args.file)
    if not args.split and cs.current is None:
        message = "no split to compare: pass --split SPLIT or add a split: block to the scenario"
        raise ScenarioError([Issue(args.file, 1, "split", message)])
    split = load_split(cs, args.split) if args.split else as_split(cs, None)
    spend = cs.channel_sum(split.spend)
    baseline = {cid: float(spend[j]) for j, cid in enumerate(cs.channel_ids)}
    if args.runs < 0:
        raise UsageError(f"--runs: {args.runs} is negative; use 0 (no simulation) or more")
    variants = _variants(args.variant, cs, baseline)
    rec = None
    if any(v.kind == "optimize" for v in variants):
        rec = optimize(cs, plan=args.plan)
    columns = compare(cs, baseline, variants, rec)
    sim = None
    if args.runs:
        plan = rec.split if rec is not None else columns[-1].allocation
        sim = simulate(cs, plan, runs=args.runs, seed=args.seed)
    atomic_write(args.out, build_report(cs, columns, args.lang, rec, sim))
    print(f"wrote {args.out}", file=sys.stderr)
    return 0
